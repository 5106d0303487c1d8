// One scalar chart: every visible run of a tag as a raw (faint) and a smoothed line,
// non-finite values as markers. Drawn only while on screen.
import Plotly from "./plotly";
import { h } from "./dom";
import { quantile, smooth } from "./smoothing";
import { plotlyText, runColor, type XAxis } from "./settings";
import type { ScalarSeries } from "./store";

export interface View {
  smoothing: number;
  xAxis: XAxis;
  logY: boolean;
  ignoreOutliers: boolean;
  visible: (run: string) => boolean;
  runIndex: (run: string) => number;
}

function xValues(s: ScalarSeries, mode: XAxis, scale: number): number[] | Date[] {
  const n = s.n;
  if (mode === "step") return Array.from(s.step.subarray(0, n));
  if (mode === "wall") {
    const out: Date[] = new Array(n);
    for (let i = 0; i < n; i++) out[i] = new Date(s.wall[i] * 1000);
    return out;
  }
  const t0 = n ? s.wall[0] : 0;
  const out: number[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = (s.wall[i] - t0) / scale;
  return out;
}

function relativeUnit(series: ScalarSeries[]): [number, string] {
  let span = 0;
  for (const s of series) if (s.n) span = Math.max(span, s.wall[s.n - 1] - s.wall[0]);
  if (span > 2 * 3600) return [3600, "hours"];
  if (span > 120) return [60, "minutes"];
  return [1, "seconds"];
}

function label(v: number): string {
  return Number.isNaN(v) ? "NaN" : v > 0 ? "+Inf" : "-Inf";
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

  constructor(readonly tag: string) {
    this.plot = h("div", { class: "tbnb-plot" });
    this.el = h("div", { class: "tbnb-chart" }, h("div", { class: "tbnb-chart-title", title: tag }, tag), this.plot);
    this.el.dataset.tag = tag;
  }

  draw(series: ScalarSeries[], view: View): void {
    this.dirty = false;
    const shown = series.filter((s) => view.visible(s.run) && s.n > 0);
    shown.sort((a, b) => view.runIndex(a.run) - view.runIndex(b.run));
    const [scale, unit] = relativeUnit(shown);
    const traces: Record<string, unknown>[] = [];
    const finite: number[] = [];
    const smoothed = view.smoothing > 0;
    for (const s of shown) {
      const color = runColor(view.runIndex(s.run));
      const name = plotlyText(s.run);
      const x = xValues(s, view.xAxis, scale);
      const raw = Array.from(s.value.subarray(0, s.n));
      const sm = smoothed ? Array.from(smooth(s.value, s.n, view.smoothing)) : raw;
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
        showlegend: false,
        meta: { run: s.run, kind: "raw" },
      });
      if (smoothed) {
        traces.push({
          type: "scatter",
          mode: "lines",
          x,
          y: sm,
          customdata: raw,
          name,
          line: { color, width: 1.5 },
          hovertemplate: "%{y:.5g} (raw %{customdata:.5g})",
          showlegend: false,
          meta: { run: s.run, kind: "smoothed" },
        });
      }
      // NaN and +-Inf: markers at the last finite value before them, named in the hover
      const bx: (number | Date)[] = [];
      const by: number[] = [];
      const bt: string[] = [];
      const sym: string[] = [];
      let lastFinite = NaN;
      for (let i = 0; i < s.n; i++) {
        const v = raw[i];
        if (Number.isFinite(v)) {
          lastFinite = sm[i];
          continue;
        }
        bx.push(x[i]);
        by.push(Number.isFinite(lastFinite) ? lastFinite : 0);
        bt.push(label(v));
        sym.push(Number.isNaN(v) ? "x" : v > 0 ? "triangle-up" : "triangle-down");
      }
      if (bx.length) {
        traces.push({
          type: "scatter",
          mode: "markers",
          x: bx,
          y: by,
          text: bt,
          name,
          marker: { color, symbol: sym, size: 9, line: { width: 1, color } },
          hovertemplate: "%{text}",
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
        title: { text: view.xAxis === "step" ? "step" : view.xAxis === "wall" ? "" : `relative (${unit})`, font: { size: 11 } },
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
