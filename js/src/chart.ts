// One scalar chart: every visible run of a tag as a raw (faint) and a smoothed line,
// non-finite values as markers. Drawn only while on screen.
import Plotly from "./plotly";
import { h } from "./dom";
import { relativeTitle } from "./axes";
import { RUN_ROW_CHARS, shortNames, visible } from "./names";
import { chartUnit, drawnNote, nonFiniteMarkers, scalarLine } from "./points";
import { quantile } from "./smoothing";
import { runColor } from "./colors";
import { plotlyText, type XAxis } from "./settings";
import type { ScalarSeries } from "./store";

export interface View {
  smoothing: number;
  xAxis: XAxis;
  logY: boolean;
  ignoreOutliers: boolean;
  visible: (run: string) => boolean;
  runIndex: (run: string) => number;
}

export class Chart {
  readonly el: HTMLElement;
  private plot: HTMLElement;
  private drawn = false;
  dirty = true;

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
    const shown = series.filter((s) => view.visible(s.run) && s.n > 0);
    shown.sort((a, b) => view.runIndex(a.run) - view.runIndex(b.run));
    this.showCounts(shown);
    const { scale, unit } = chartUnit(shown);
    const names = shortNames(shown.map((s) => s.run), RUN_ROW_CHARS);
    const traces: Record<string, unknown>[] = [];
    const finite: number[] = [];
    const smoothed = view.smoothing > 0;
    for (const s of shown) {
      const color = runColor(view.runIndex(s.run));
      const name = plotlyText(names.get(s.run) ?? s.run);
      const line = scalarLine(s, view.xAxis, scale, view.smoothing);
      const { x, raw } = line;
      for (const v of raw) if (Number.isFinite(v)) finite.push(v);
      traces.push({
        type: "scatter",
        mode: "lines",
        x,
        y: raw,
        name,
        line: { color, width: smoothed ? 1 : 1.5 },
        opacity: smoothed ? 0.25 : 1,
        hoverinfo: smoothed ? "skip" : undefined,
        hovertemplate: smoothed ? undefined : "%{y:.5g}",
        hoverlabel: { namelength: RUN_ROW_CHARS },
        showlegend: false,
        meta: { run: s.run, kind: "raw" },
      });
      if (smoothed) {
        traces.push({
          type: "scatter",
          mode: "lines",
          x,
          y: line.smoothed,
          customdata: raw,
          name,
          line: { color, width: 1.5 },
          hovertemplate: "%{y:.5g} (raw %{customdata:.5g})",
          hoverlabel: { namelength: RUN_ROW_CHARS },
          showlegend: false,
          meta: { run: s.run, kind: "smoothed" },
        });
      }
      // NaN and +-Inf: markers at the last finite value before them, named in the hover
      const bad = nonFiniteMarkers(line);
      if (bad.x.length) {
        traces.push({
          type: "scatter",
          mode: "markers",
          x: bad.x,
          y: bad.y,
          text: bad.text,
          name,
          marker: { color, symbol: bad.symbol, size: 9, line: { width: 1, color } },
          hovertemplate: "%{text}",
          hoverlabel: { namelength: RUN_ROW_CHARS },
          showlegend: false,
          meta: { run: s.run, kind: "nonfinite" },
        });
      }
    }
    const yaxis: Record<string, unknown> = { type: view.logY ? "log" : "linear", automargin: true, zeroline: false };
    if (view.ignoreOutliers && finite.length > 2) {
      const sorted = Float64Array.from(finite).sort();
      let lo = quantile(sorted, 0.05);
      let hi = quantile(sorted, 0.95);
      if (view.logY) {
        lo = Math.log10(Math.max(lo, Number.MIN_VALUE));
        hi = Math.log10(Math.max(hi, Number.MIN_VALUE));
      }
      const pad = (hi - lo) * 0.05 || Math.abs(hi) * 0.05 || 1;
      yaxis.range = [lo - pad, hi + pad];
      yaxis.autorange = false;
    }
    const layout = {
      height: 240,
      margin: { l: 50, r: 12, t: 8, b: 36 },
      hovermode: "x unified",
      // live redraws keep the person's zoom; changing the axes resets it
      uirevision: `${view.xAxis}|${view.logY}|${view.ignoreOutliers}`,
      showlegend: false,
      xaxis: {
        type: view.xAxis === "wall" ? "date" : "linear",
        title: { text: view.xAxis === "step" ? "step" : view.xAxis === "wall" ? "" : relativeTitle(unit), font: { size: 11 } },
        automargin: true,
      },
      yaxis,
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: { size: 11, color: getComputedStyle(this.el).color || "#444" },
    };
    const config = {
      displaylogo: false,
      responsive: true,
      modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
      toImageButtonOptions: { filename: this.tag.replace(/[^A-Za-z0-9_.-]+/g, "_"), format: "png" },
    };
    void Plotly.react(this.plot, traces as never, layout as never, config as never);
    this.drawn = true;
  }

  destroy(): void {
    if (this.drawn) Plotly.purge(this.plot);
  }
}
