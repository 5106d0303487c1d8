// One scalar chart: every visible run of a tag as a raw (faint) and a smoothed line,
// non-finite values as markers. Drawn only while on screen. What it drew is kept
// (`lines`) for the tools drawn over it (step markers, the tooltip: scalar-card.ts),
// which need no plotly redraw. Above CANVAS_FROM runs, the lines are stroked on a
// canvas over plotly's axes (line-canvas.ts), not drawn by plotly.
import Plotly from "./plotly";
import { h } from "./dom";
import { cardMargin, relativeTitle, type Margin } from "./axes";
import { RUN_ROW_CHARS, shortNames, visible } from "./names";
import { chartUnit, drawnNote, nonFiniteMarkers, scalarLine, type Line, type TimedValues } from "./points";
import { quantile } from "./smoothing";
import { colorOfRun } from "./colors";
import { symlog, symlogConstant, symlogTicks } from "./symlog";
import { plotlyText, type XAxis } from "./settings";
import type { ScalarSeries } from "./store";
import { extentOf, LineCanvas, type LineGroup } from "./line-canvas";
import { fileName, saveBlob } from "./download";

// The lines last made of each series the store holds, by how they were made: a series
// drawn again unchanged (its pinned copy, a second board's card, a redraw for a
// setting of another chart) is not smoothed again. Its arrays are only read.
const LINES = new WeakMap<ScalarSeries, { version: number; how: string; line: Line }>();

function lineOf(s: ScalarSeries, mode: XAxis, scale: number, weight: number): Line {
  const how = `${mode}|${scale}|${weight}`;
  const had = typeof s.version === "number" ? LINES.get(s) : undefined;
  if (had && had.version === s.version && had.how === how) return had.line;
  const line = scalarLine(s, mode, scale, weight);
  if (typeof s.version === "number") LINES.set(s, { version: s.version, how, line });
  return line;
}

/** Above this many runs, a chart drawn with tbnb's tooltip strokes its lines on a canvas (line-canvas.ts). */
export const CANVAS_FROM = 20;

export interface View {
  smoothing: number;
  xAxis: XAxis;
  logY: boolean;
  ignoreOutliers: boolean;
  visible: (run: string) => boolean;
  runIndex: (run: string) => number;
  /** the run's colour (default: from its name, colors.ts) */
  color?: (run: string) => string;
  /** the symlog y axis (symlog.ts); wins over logY */
  symlog?: boolean;
  /** plotly draws no hover: the tooltip is the caller's (hover.ts) */
  ownHover?: boolean;
  /** the plot's height in pixels (default 240) */
  height?: number;
  /** the x range to show (linked zoom); undefined: the person's own zoom is kept */
  xRange?: [number, number] | null;
  /** the lines drawn instead of the visible series (run groups, several tags: arrange.ts) */
  arrange?: (shown: ScalarSeries[]) => Arranged;
}

/** Lines to draw, and plotly traces drawn under them (bands, faint members) given the
 * chart's y transform and how it makes a line of a series (x, raw, smoothed). */
export interface Arranged {
  series: ScalarSeries[];
  under: (ty: (ys: number[]) => number[], lineOf: (s: TimedValues) => Line) => Record<string, unknown>[];
}

/** One run as drawn: x as numbers (steps, relative time, or ms since the epoch), y untransformed. */
export interface DrawnLine {
  run: string;
  color: string;
  name: string;
  series: ScalarSeries;
  x: number[];
  raw: number[];
  smoothed: number[];
}

export class Chart {
  readonly el: HTMLElement;
  readonly plot: HTMLElement;
  private drawn = false;
  /** what the last draw drew, visible runs in order */
  lines: DrawnLine[] = [];
  /** the last draw's view */
  lastView: View | null = null;
  /** the symlog constant of the last draw (0: no symlog) */
  symlogC = 0;
  /** called when plotly has drawn (the overlays follow its axes) */
  onDrawn: (() => void) | null = null;
  dirty = true;
  /** a run of its tag came after its last drawing (scalars.ts draws it on idle) */
  missesRuns = false;
  /**
   * The margins plotly last drew with, and the axes they were for (the layout's
   * uirevision). A redraw on the same axes asks for at least these: when a filter or a new
   * point widens the tick labels, plotly's automargin pushes the margin and draws the
   * chart a second time, and the next redraw would push it again (clearing a run filter
   * on 2,000 runs: 0.48 s of 1.1 s). Kept, the margin is pushed once and stays.
   */
  private drawnMargin: { axes: string; margin: Margin } | null = null;
  /** the lines of many runs, stroked over the plot */
  private readonly canvas: LineCanvas;
  private span: { key: string; trace: Record<string, unknown> } | null = null;
  /**
   * plotly's config, the same object at every drawing: plotly's react compares it, and
   * a new function in it (the camera's click) would make each drawing a new plot.
   */
  private readonly config = {
    displaylogo: false,
    responsive: true,
    // plotly's own download would leave out the canvas' lines
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d", "toImage"],
    modeBarButtonsToAdd: [{ name: "tbnb-png", title: "Download plot as a PNG", icon: Plotly.Icons.camera, click: () => void this.downloadPng() }],
  };

  /** whether the chart has been drawn at least once */
  get everDrawn(): boolean {
    return this.drawn;
  }
  onScreen = false;

  private title: HTMLElement;
  /** how many of the kernel's points are drawn, when it sent fewer (downsampled) */
  private note: HTMLElement;

  constructor(readonly tag: string) {
    this.plot = h("div", { class: "tbnb-plot" });
    this.title = h("div", { class: "tbnb-chart-title", title: visible(tag) }, visible(tag));
    this.note = h("div", { class: "tbnb-chart-note" });
    this.note.hidden = true;
    this.el = h("div", { class: "tbnb-chart" }, this.title, this.note, this.plot);
    this.el.dataset.tag = tag;
    this.canvas = new LineCanvas(this.plot);
  }

  /**
   * The invisible trace from the lines' least to their greatest x and y, which gives
   * plotly's autorange the canvas' extent. The same object while the extent holds, so
   * that plotly's react finds nothing changed and draws nothing again.
   */
  private spanTrace(groups: LineGroup[], logY: boolean, dates: boolean): Record<string, unknown> | null {
    const e = extentOf(groups, logY);
    if (!e) return null;
    const key = [...e.x, ...e.y, dates].join("|");
    if (this.span?.key === key) return this.span.trace;
    const trace = {
      type: "scatter",
      mode: "lines",
      x: dates ? e.x.map((v) => new Date(v)) : e.x,
      y: e.y,
      line: { width: 0 },
      opacity: 0,
      hoverinfo: "none",
      showlegend: false,
      meta: { kind: "span" },
    };
    this.span = { key, trace };
    return trace;
  }

  /** The chart's note and title say how many points are drawn of how many the kernel holds. */
  private showCounts(shown: readonly ScalarSeries[]): void {
    let held = 0;
    let total = 0;
    const lines: string[] = [];
    for (const s of shown) {
      held += s.n;
      total += Math.max(s.total, s.n);
      const note = drawnNote(s.n, s.total);
      if (note) lines.push(`${s.run}: ${note}`);
    }
    const note = drawnNote(held, total);
    this.note.textContent = note;
    this.note.hidden = note === "";
    this.title.title = [visible(this.tag), ...lines].join("\n");
  }

  draw(series: ScalarSeries[], view: View): void {
    this.dirty = false;
    this.missesRuns = false;
    let shown = series.filter((s) => view.visible(s.run) && s.n > 0);
    shown.sort((a, b) => view.runIndex(a.run) - view.runIndex(b.run));
    const arranged = view.arrange?.(shown);
    if (arranged) shown = arranged.series;
    this.showCounts(shown);
    const { scale, unit } = chartUnit(shown);
    const names = shortNames(shown.map((s) => s.run), RUN_ROW_CHARS);
    const traces: Record<string, unknown>[] = [];
    // every finite raw value, for the symlog constant and the outlier range only
    const finite: number[] = [];
    const needFinite = view.symlog === true || view.ignoreOutliers;
    const smoothed = view.smoothing > 0;
    const own = view.ownHover === true;
    const lines: DrawnLine[] = [];
    const made: Line[] = [];
    for (const s of shown) {
      const color = view.color ? view.color(s.run) : colorOfRun(s.run);
      const shownName = names.get(s.run) ?? s.run;
      const line = lineOf(s, view.xAxis, scale, view.smoothing);
      made.push(line);
      lines.push({
        run: s.run, color, name: shownName, series: s,
        x: line.x.map((v) => (v instanceof Date ? v.getTime() : v)), raw: line.raw, smoothed: line.smoothed,
      });
      if (needFinite) for (const v of line.raw) if (Number.isFinite(v)) finite.push(v);
    }
    const c = view.symlog ? symlogConstant(finite) : 0;
    const ty = (ys: number[]) => (c ? ys.map((v) => symlog(v, c)) : ys);
    const hover = (template: string) => (own ? { hoverinfo: "none" } : { hovertemplate: template });
    // Many runs on tbnb's own tooltip: their lines are stroked on a canvas over the
    // plot, the runs of one colour as one path for their raw and one for their smoothed
    // lines; plotly draws the axes of an invisible trace spanning them.
    const onCanvas = own && shown.length > CANVAS_FROM;
    const groups: LineGroup[] = [];
    if (onCanvas) {
      const byColor = new Map<string, number[]>();
      for (const [i, l] of lines.entries()) {
        const g = byColor.get(l.color);
        if (g) g.push(i);
        else byColor.set(l.color, [i]);
      }
      for (const kind of smoothed ? (["raw", "smoothed"] as const) : (["raw"] as const)) {
        for (const [color, members] of byColor) {
          const faint = kind === "raw" && smoothed;
          groups.push({
            kind, color, width: faint ? 1 : 1.5, opacity: faint ? 0.25 : 1,
            runs: members.map((i) => shown[i].run),
            lines: members.map((i) => ({ x: lines[i].x, y: ty(kind === "raw" ? made[i].raw : made[i].smoothed) })),
          });
        }
      }
      const span = this.spanTrace(groups, view.logY && !c, view.xAxis === "wall");
      if (span) traces.push(span);
    }
    this.canvas.set(groups);
    if (arranged) traces.push(...arranged.under(ty, (s) => scalarLine(s, view.xAxis, scale, view.smoothing)));
    for (const [i, s] of shown.entries()) {
      const color = lines[i].color;
      const name = plotlyText(lines[i].name);
      const line = made[i];
      const x = line.x;
      if (!onCanvas) {
        traces.push({
          type: "scatter",
          mode: "lines",
          x,
          y: ty(line.raw),
          name,
          line: { color, width: smoothed ? 1 : 1.5 },
          opacity: smoothed ? 0.25 : 1,
          ...(smoothed ? { hoverinfo: "skip" } : hover("%{y:.5g}")),
          ...(own ? {} : { hoverlabel: { namelength: RUN_ROW_CHARS } }),
          showlegend: false,
          meta: { run: s.run, kind: "raw" },
        });
        if (smoothed) {
          traces.push({
            type: "scatter",
            mode: "lines",
            x,
            y: ty(line.smoothed),
            name,
            line: { color, width: 1.5 },
            ...(own ? { hoverinfo: "none" } : { customdata: line.raw, hovertemplate: "%{customdata:.5g}", hoverlabel: { namelength: RUN_ROW_CHARS } }),
            showlegend: false,
            meta: { run: s.run, kind: "smoothed" },
          });
        }
      }
      // NaN and +-Inf: markers at the last finite value before them, named in the hover
      const bad = nonFiniteMarkers(line);
      if (bad.x.length) {
        traces.push({
          type: "scatter",
          mode: "markers",
          x: bad.x,
          y: ty(bad.y),
          text: bad.text,
          name,
          marker: { color, symbol: bad.symbol, size: 9, line: { width: 1, color } },
          ...hover("%{text}"),
          ...(own ? {} : { hoverlabel: { namelength: RUN_ROW_CHARS } }),
          showlegend: false,
          meta: { run: s.run, kind: "nonfinite" },
        });
      }
    }
    const logY = view.logY && !c;
    const yaxis: Record<string, unknown> = { type: logY ? "log" : "linear", automargin: true, zeroline: false };
    if (c) {
      // the ticks say the values, not their transform
      let lo = Infinity;
      let hi = -Infinity;
      for (const v of finite) {
        const t = symlog(v, c);
        if (t < lo) lo = t;
        if (t > hi) hi = t;
      }
      if (lo <= hi) Object.assign(yaxis, { tickmode: "array", ...symlogTicks(lo, hi, c) });
    }
    if (view.ignoreOutliers && finite.length > 2) {
      const sorted = Float64Array.from(c ? finite.map((v) => symlog(v, c)) : finite).sort();
      let lo = quantile(sorted, 0.05);
      let hi = quantile(sorted, 0.95);
      if (logY) {
        lo = Math.log10(Math.max(lo, Number.MIN_VALUE));
        hi = Math.log10(Math.max(hi, Number.MIN_VALUE));
      }
      const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
      yaxis.range = [lo - pad, hi + pad];
      yaxis.autorange = false;
    }
    const uirevision = `${view.xAxis}|${view.logY}|${view.ignoreOutliers}|${c > 0}`;
    const layout = {
      height: view.height ?? 240,
      margin: this.marginFor(uirevision, cardMargin(view.xAxis === "wall")),
      hovermode: own ? false : "x unified",
      // live redraws keep the person's zoom; changing the axes resets it
      uirevision,
      showlegend: false,
      xaxis: {
        ...(view.xRange ? { range: view.xRange.slice(), autorange: false } : view.xRange === null ? { autorange: true } : {}),
        type: view.xAxis === "wall" ? "date" : "linear",
        title: { text: view.xAxis === "step" ? "step" : view.xAxis === "wall" ? "" : relativeTitle(unit), font: { size: 11 } },
        automargin: true,
      },
      yaxis,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { size: 11, color: getComputedStyle(this.el).color || "#444" },
    };
    this.lines = lines;
    this.lastView = view;
    this.symlogC = c;
    this.el.dataset.yaxis = c ? "symlog" : logY ? "log" : "linear";
    // Far fewer traces than drawn (runs grouped into a few lines): plotly's react would
    // diff and remove the old traces one by one, slower than drawing the plot anew.
    const held = (this.plot as unknown as { data?: unknown[] }).data?.length ?? 0;
    const draw = held > 2 * traces.length + 8 ? Plotly.newPlot : Plotly.react;
    void draw(this.plot, traces as never, layout as never, this.config as never).then(() => {
      const size = (this.plot as { _fullLayout?: { _size?: Margin } })._fullLayout?._size;
      if (size) this.drawnMargin = { axes: uirevision, margin: { l: size.l, r: size.r, t: size.t, b: size.b } };
      this.canvas.afterPlot();
      this.onDrawn?.();
      // a drawing on screen: plotly's and the canvas' (benchmarks time it)
      this.el.dispatchEvent(new CustomEvent("tbnb-drawn"));
    });
    this.drawn = true;
  }

  /** `base`, widened to the margins of the last drawing on the same axes. */
  private marginFor(axes: string, base: Margin): Margin {
    if (this.drawnMargin?.axes !== axes) return base;
    const m = this.drawnMargin.margin;
    return { l: Math.max(base.l, m.l), r: Math.max(base.r, m.r), t: Math.max(base.t, m.t), b: Math.max(base.b, m.b) };
  }

  /** The plot as a PNG file, the canvas' lines with it (the modebar's camera); a failure is said in the chart's note. */
  async downloadPng(): Promise<void> {
    try {
      const blob = await this.canvas.png((plot, opts) => Plotly.toImage(plot, opts as never));
      saveBlob(blob, fileName(this.tag, "png"));
    } catch (err) {
      this.note.textContent = `PNG download failed: ${(err as Error).message}`;
      this.note.hidden = false;
    }
  }

  /** A layout change without redrawing the data (a linked zoom). */
  relayout(update: Record<string, unknown>): Promise<unknown> {
    return Plotly.relayout(this.plot, update as never);
  }

  destroy(): void {
    if (this.drawn) Plotly.purge(this.plot);
  }
}
