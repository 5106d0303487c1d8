// The HParams tab's two plotly views: parallel coordinates (an axis per hparam and
// metric shown, brushable and reorderable by dragging) and the scatter-plot matrix of
// the sessions the filters and brushes let through. Labels from event files go to
// plotly as text (plotlyText): plotly reads a few HTML-like tags in them otherwise.
import Plotly from "../plotly-gl";
import { plotlyText } from "../settings";
import { axisTicks, normalizeRanges, type Axis } from "./filtering";

type PlotDiv = HTMLElement & {
  data?: { dimensions?: Record<string, unknown>[] }[];
  on?: (event: string, fn: (data: unknown) => void) => void;
  removeAllListeners?: (event: string) => void;
};

export interface Colouring {
  label: string;
  values: number[]; // NaN: no value (drawn at the scale's low end)
}

export type Brushes = Map<string, [number, number][]>;

const COLORSCALE = "Viridis";

/** The page's text colour (read once per element: reading it forces a style recalculation). */
const colours = new WeakMap<HTMLElement, string>();
function fontColor(el: HTMLElement): string {
  let c = colours.get(el);
  if (!c) {
    c = getComputedStyle(el).color || "#444";
    colours.set(el, c);
  }
  return c;
}

/**
 * plotly draws its WebGL canvases at twice the screen's resolution by default (for
 * image export): at the screen's own (at most 2) a redraw fills a quarter of the pixels.
 */
function plotConfig(): Record<string, unknown> {
  return { displaylogo: false, responsive: true, plotGlPixelRatio: Math.min(2, Math.max(1, window.devicePixelRatio || 1)) };
}

/** NaN-free colours and their bounds (a missing value takes the low end). */
function colourValues(c: Colouring): { values: number[]; cmin: number; cmax: number } {
  let cmin = Infinity;
  let cmax = -Infinity;
  for (const v of c.values) {
    if (!Number.isFinite(v)) continue;
    if (v < cmin) cmin = v;
    if (v > cmax) cmax = v;
  }
  if (cmin > cmax) {
    cmin = 0;
    cmax = 1;
  }
  return { values: c.values.map((v) => (Number.isFinite(v) ? v : cmin)), cmin, cmax };
}

/**
 * Says what a view is doing until its first drawing (`null`: drawn). plotly's WebGL
 * traces cost a fixed 0.5-1.6 s the first time on a machine without a GPU (software
 * WebGL; benchmarks/README.md, the WebGL floor), during which the page cannot repaint:
 * the note is painted with the table, in the frame before.
 */
function drawing(el: HTMLElement, note: string | null): void {
  if (note === null) delete el.dataset.drawing;
  else el.dataset.drawing = note;
  el.setAttribute("aria-busy", String(note !== null));
}

/** A label shortened to `max` characters in its middle (plotly's labels do not wrap). */
export function shortLabel(s: string, max = 22): string {
  if (s.length <= max) return s;
  const head = Math.ceil((max - 1) / 2);
  return `${s.slice(0, head)}\u2026${s.slice(s.length - (max - 1 - head))}`;
}

export interface ParcoordsInput {
  axes: Axis[]; // in the order drawn
  labels: Map<string, string>;
  values: Map<string, number[]>; // per axis, in axis units, one per line
  colour: Colouring | null;
  brushes: Brushes;
}

export class ParcoordsView {
  readonly el: PlotDiv;
  private drawn = false;

  /** `onRestyle` gets every axis' brush and the axes' order after a brush or a drag. */
  constructor(private onRestyle: (brushes: Brushes, order: string[]) => void) {
    this.el = document.createElement("div") as PlotDiv;
    this.el.className = "tbnb-hparams-parcoords";
    drawing(this.el, "Drawing the parallel coordinates (WebGL)\u2026");
  }

  /** The brushes and order as plotly holds them (after a drag, a brush or a Plotly.restyle). */
  private read(event: unknown): void {
    const dims = this.el.data?.[0]?.dimensions;
    if (!Array.isArray(dims)) return;
    // an event whose data names a constraintrange plotly did not put in gd.data (emitted by hand)
    const update = Array.isArray(event) ? (event[0] as Record<string, unknown> | undefined) : undefined;
    if (update && typeof update === "object") {
      for (const [key, value] of Object.entries(update)) {
        const m = /^dimensions\[(\d+)\]\.constraintrange$/.exec(key);
        const dim = m ? dims[Number(m[1])] : undefined;
        if (!dim) continue;
        const v = Array.isArray(value) ? value[0] : value;
        if (v === null || v === undefined) delete dim.constraintrange;
        else dim.constraintrange = v;
      }
    }
    const brushes: Brushes = new Map();
    const order: string[] = [];
    for (const d of dims) {
      const col = typeof d.name === "string" ? d.name : "";
      if (!col) continue;
      order.push(col);
      const ranges = normalizeRanges(d.constraintrange);
      if (ranges.length) brushes.set(col, ranges);
    }
    this.onRestyle(brushes, order);
  }

  async draw(input: ParcoordsInput): Promise<void> {
    // many axes: tilted, shorter labels, and no range numbers above and below the axes
    // (they overlap; the ticks say the same)
    const crowded = input.axes.length > 7;
    const dimensions = input.axes.map((axis) => {
      const d: Record<string, unknown> = {
        name: axis.col,
        label: plotlyText(shortLabel(input.labels.get(axis.col) ?? axis.col, crowded ? 16 : 22)),
        values: input.values.get(axis.col) ?? [],
        range: axis.range,
        multiselect: true,
      };
      const ticks = axisTicks(axis);
      if (ticks) {
        d.tickvals = ticks.tickvals;
        // tick labels are set as text by d3 (no markup read), unlike the axis titles
        d.ticktext = ticks.ticktext.map((t) => shortLabel(t, 16));
      }
      const ranges = input.brushes.get(axis.col);
      if (ranges?.length) d.constraintrange = ranges.length === 1 ? ranges[0] : ranges;
      return d;
    });
    const line: Record<string, unknown> = { color: "#1f77b4" };
    if (input.colour) {
      const { values, cmin, cmax } = colourValues(input.colour);
      Object.assign(line, { color: values, cmin, cmax, colorscale: COLORSCALE, showscale: true, colorbar: { title: { text: plotlyText(shortLabel(input.colour.label, 18)), side: "right" }, thickness: 12 } });
    }
    const trace: Record<string, unknown> = { type: "parcoords", dimensions, line, labelangle: crowded ? -30 : 0, labelside: "top" };
    if (crowded) trace.rangefont = { color: "rgba(0,0,0,0)" };
    const layout = {
      height: crowded ? 400 : 360,
      margin: { l: 60, r: input.colour ? 90 : 40, t: crowded ? 90 : 64, b: 24 },
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { size: 11, color: fontColor(this.el) },
    };
    await Plotly.react(this.el, [trace] as never, layout as never, plotConfig() as never);
    if (!this.drawn) {
      this.drawn = true;
      drawing(this.el, null);
      this.el.on?.("plotly_restyle", (e) => this.read(e));
    }
  }

  destroy(): void {
    if (this.drawn) Plotly.purge(this.el);
  }
}

export interface SplomDim {
  col: string;
  label: string;
  values: (number | string | null)[];
  type: "linear" | "log" | "category";
  range: [number, number]; // in axis units (log10 on a log axis, category index)
  categories?: string[]; // a category axis' values, in order
}

export interface SplomInput {
  dims: SplomDim[]; // hparams first, metrics last: the bottom rows are metrics against hparams
  names: string[]; // the sessions' names, one per point
  runs: string[];
  colour: Colouring | null;
}

export class SplomView {
  readonly el: PlotDiv;
  private drawn = false;
  private runs: string[] = [];

  constructor(private onPick: (run: string) => void) {
    this.el = document.createElement("div") as PlotDiv;
    this.el.className = "tbnb-hparams-splom";
    drawing(this.el, "Drawing the scatter matrix (WebGL)\u2026");
  }

  async draw(input: SplomInput): Promise<void> {
    this.runs = input.runs;
    const n = input.dims.length;
    const marker: Record<string, unknown> = { size: 6, color: "#1f77b4", line: { width: 0 } };
    if (input.colour) {
      const { values, cmin, cmax } = colourValues(input.colour);
      Object.assign(marker, { color: values, cmin, cmax, colorscale: COLORSCALE, showscale: true, colorbar: { title: { text: plotlyText(shortLabel(input.colour.label, 18)), side: "right" }, thickness: 12 } });
    }
    const trace = {
      type: "splom",
      dimensions: input.dims.map((d) => ({
        label: plotlyText(shortLabel(d.label, 24)),
        values: d.type === "category" ? d.values.map((v) => (v === null ? null : plotlyText(String(v)))) : d.values,
        axis: { type: d.type },
      })),
      text: input.names.map((s) => plotlyText(s)),
      hovertemplate: "%{text}<br>%{x}, %{y}<extra></extra>",
      marker,
      showupperhalf: false,
      diagonal: { visible: false },
    };
    const cells = Math.max(n - 1, 1);
    const layout: Record<string, unknown> = {
      height: Math.min(620, 60 + cells * 150),
      margin: { l: 70, r: input.colour ? 90 : 20, t: 10, b: 60 },
      hovermode: "closest",
      dragmode: "zoom",
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { size: 11, color: fontColor(this.el) },
      uirevision: input.dims.map((d) => `${d.col}:${d.type}`).join("|"),
    };
    input.dims.forEach((d, i) => {
      const suffix = i ? i + 1 : "";
      const axis: Record<string, unknown> = { automargin: true, zeroline: false, title: { font: { size: 10 } }, range: d.range, autorange: false };
      if (d.categories) Object.assign(axis, { categoryorder: "array", categoryarray: d.categories.map((c) => plotlyText(c)) });
      layout[`xaxis${suffix}`] = { ...axis };
      layout[`yaxis${suffix}`] = { ...axis };
    });
    await Plotly.react(this.el, (n >= 2 ? [trace] : []) as never, layout as never, plotConfig() as never);
    if (!this.drawn) {
      this.drawn = true;
      drawing(this.el, null);
      this.el.on?.("plotly_click", (e) => {
        const p = (e as { points?: { pointIndex?: number; pointNumber?: number }[] }).points?.[0];
        const i = p?.pointIndex ?? p?.pointNumber;
        if (typeof i === "number" && this.runs[i] !== undefined) this.onPick(this.runs[i]);
      });
    }
  }

  destroy(): void {
    if (this.drawn) Plotly.purge(this.el);
  }
}
