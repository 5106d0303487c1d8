// The Histograms tab: per (run, tag) the histograms through time, as TensorBoard
// draws them, in two modes switched here in the browser: offset (a ridgeline: each
// histogram a filled outline raised from its step on a step axis, the newest in
// front and darkest) and overlay (all on the same count axis, coloured by step).
//
// Contract for tests and tools: a histogram trace has meta {kind: "histogram", run,
// tag, step, steps}: `steps` lists the histograms it draws, in step order, `step` is
// the last of them. Up to MAX_TRACES held histograms that is one trace each (steps =
// [step]); beyond, consecutive histograms share a trace, as separate outlines (a
// chart of 500 histograms drawn as 500 plotly traces took ~300 ms; as 100, ~60 ms).
// So the histograms drawn are the sum of meta.steps lengths. Charts are drawn only
// while on screen, those in view first (CardDashboard).
import Plotly from "./plotly";
import { cardMargin } from "./axes";
import { h } from "./dom";
import { Card, CardDashboard } from "./dashboard";
import { alpha, tint } from "./colors";
import { linkedStep, plotlyText, type Model, type RunView } from "./settings";
import type { HistogramSeries, Store } from "./store";

export type HistogramMode = "offset" | "overlay";

export function plotLayout(el: HTMLElement, extra: Record<string, unknown>): Record<string, unknown> {
  return {
    height: 260,
    margin: cardMargin(),
    showlegend: false,
    paper_bgcolor: "rgba(0,0,0,0)",
    plot_bgcolor: "rgba(0,0,0,0)",
    font: { size: 11, color: getComputedStyle(el).color || "#444" },
    ...extra,
  };
}

export function plotConfig(name: string): Record<string, unknown> {
  return {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { filename: name.replace(/[^A-Za-z0-9_.-]+/g, "_"), format: "png" },
  };
}

/** The order of a series' histograms by step (the kernel sends them in step order). */
function byStep(s: HistogramSeries): number[] {
  const order = Array.from({ length: s.n }, (_, i) => i);
  for (let i = 1; i < s.n; i++) if (s.step[i] < s.step[i - 1]) return order.sort((a, b) => s.step[a] - s.step[b]);
  return order;
}

/** Offset mode's step axis: ticks at held steps only (the ridges rise above the first). */
function stepTicks(s: HistogramSeries): Record<string, unknown> {
  if (s.n === 0) return {};
  const order = byStep(s);
  const vals = new Set<number>();
  const k = Math.min(5, s.n);
  for (let i = 0; i < k; i++) vals.add(s.step[order[Math.round((i * (s.n - 1)) / Math.max(1, k - 1))]]);
  return { tickmode: "array", tickvals: [...vals] };
}

/**
 * Traces per chart at most. Plotly spends ~0.5 ms per trace however small, so a
 * series of 500 histograms as 500 traces takes ~300 ms a chart; above MAX_TRACES
 * consecutive histograms share a trace (separate outlines, one colour), which keeps
 * a chart near 60 ms and the colours as fine as the eye can tell.
 */
export const MAX_TRACES = 100;

export function histogramTraces(s: HistogramSeries, mode: HistogramMode, color: string): Record<string, unknown>[] {
  const bins = s.bins;
  const e = s.edges;
  const order = byStep(s);
  const smin = s.n ? s.step[order[0]] : 0;
  const smax = s.n ? s.step[order[order.length - 1]] : 0;
  const span = smax - smin;
  let maxCount = 0;
  for (let i = 0; i < s.n * bins; i++) if (s.counts[i] > maxCount) maxCount = s.counts[i];
  // the ridges' height, in steps: tall enough to overlap like TensorBoard's
  const height = span > 0 ? span * (s.n > 1 ? Math.min(0.5, 3 / Math.sqrt(s.n)) : 1) : 1;
  const centers = new Array<number>(bins);
  for (let j = 0; j < bins; j++) centers[j] = (e[j] + e[j + 1]) / 2;
  const offset = mode === "offset";
  const run = plotlyText(s.run);
  const per = Math.max(1, Math.ceil(order.length / MAX_TRACES));
  const traces: Record<string, unknown>[] = [];
  for (let g = 0; g < order.length; g += per) {
    const group = order.slice(g, g + per);
    const steps = group.map((i) => s.step[i]);
    const step = steps[steps.length - 1];
    const t = span > 0 ? (step - smin) / span : 1;
    const c = tint(color, 0.7 * (1 - t)); // old light, the newest the run's colour
    const x: (number | null)[] = [];
    const y: (number | null)[] = [];
    const custom: ([number, number, number, number] | null)[] = [];
    for (const i of group) {
      const st = s.step[i];
      const base = i * bins;
      if (x.length) {
        // a gap: the next histogram is a separate outline in the same trace
        x.push(null);
        y.push(null);
        custom.push(null);
      }
      if (offset) {
        // a closed outline from the baseline at the step, up to the bucket centres
        x.push(e[0]);
        y.push(st);
        custom.push([e[0], e[1], s.counts[base], st]);
      }
      for (let j = 0; j < bins; j++) {
        const count = s.counts[base + j];
        x.push(centers[j]);
        y.push(offset ? st - (maxCount > 0 ? (count / maxCount) * height : 0) : count);
        custom.push([e[j], e[j + 1], count, st]);
      }
      if (offset) {
        x.push(e[bins]);
        y.push(st);
        custom.push([e[bins - 1], e[bins], s.counts[base + bins - 1], st]);
      }
    }
    traces.push({
      type: "scatter",
      mode: "lines",
      x,
      y,
      customdata: custom,
      name: run,
      fill: offset ? "toself" : "none",
      fillcolor: offset ? c : undefined,
      // white outlines part the ridges while they are a few pixels apart; denser,
      // they would turn the chart white: faint run-coloured ones then
      line: offset
        ? order.length <= 60
          ? { color: "rgba(255,255,255,0.7)", width: 0.6 }
          : { color: alpha(color, 0.35), width: 0.5 }
        : { color: c, width: 1.2 },
      hoveron: "points",
      hovertemplate: "step %{customdata[3]}<br>[%{customdata[0]:.4~g}, %{customdata[1]:.4~g})<br>count %{customdata[2]:.4~g}<extra></extra>",
      showlegend: false,
      meta: { kind: "histogram", run: s.run, tag: s.tag, step, steps },
    });
  }
  return traces;
}

export class HistogramCard extends Card {
  private plot: HTMLElement;
  private drawn = false;

  constructor(
    key: string,
    run: string,
    tag: string,
    private store: Store,
    private mode: () => HistogramMode,
    private linked: () => number | null = () => null,
  ) {
    super(key, run, tag, "histogram");
    this.plot = h("div", { class: "tbnb-plot tbnb-card-plot" });
    this.el.appendChild(this.plot);
  }

  draw(view: RunView): void {
    const s = this.store.kinds.histograms.series.get(this.key);
    if (!s) return;
    this.showCounts(s.n, s.total, "histograms");
    const mode = this.mode();
    const traces = histogramTraces(s, mode, view.color(this.run));
    // the linked step marker: the histogram nearest it (a line at its step in offset mode)
    const step = this.linked();
    let shapes: Record<string, unknown>[] = [];
    if (step !== null && s.n) {
      let best = 0;
      for (let i = 1; i < s.n; i++) if (Math.abs(s.step[i] - step) < Math.abs(s.step[best] - step)) best = i;
      this.el.dataset.step = String(s.step[best]);
      if (mode === "offset") shapes = [{ type: "line", xref: "paper", yref: "y", x0: 0, x1: 1, y0: s.step[best], y1: s.step[best], line: { color: "#f57c00", width: 2 } }];
    } else {
      delete this.el.dataset.step;
    }
    const layout = plotLayout(this.el, {
      hovermode: "closest",
      shapes,
      uirevision: mode,
      xaxis: { automargin: true, zeroline: false },
      yaxis:
        mode === "offset"
          ? { autorange: "reversed", title: { text: "step", font: { size: 11 } }, automargin: true, zeroline: false, ...stepTicks(s) }
          : { title: { text: "count", font: { size: 11 } }, automargin: true, rangemode: "tozero" },
    });
    this.el.dataset.mode = mode;
    void Plotly.react(this.plot, traces as never, layout as never, plotConfig(`${this.tag}_${this.run}`) as never);
    this.drawn = true;
  }

  destroy(): void {
    if (this.drawn) Plotly.purge(this.plot);
  }
}

export class HistogramsDashboard extends CardDashboard<HistogramCard> {
  private mode: HistogramMode = "offset";

  constructor(model: Model, store: Store) {
    super(model, store, "histograms", "histograms");
    const select = h("select", { class: "tbnb-hist-mode", "aria-label": "histogram mode" });
    select.append(h("option", { value: "offset" }, "Offset"), h("option", { value: "overlay" }, "Overlay"));
    select.value = this.mode;
    select.addEventListener("change", () => {
      this.mode = select.value === "overlay" ? "overlay" : "offset";
      this.invalidateAll();
    });
    this.settings.append(h("label", { class: "tbnb-control" }, "Histogram mode", select));
    this.start();
  }

  protected makeCard(key: string, run: string, tag: string): HistogramCard {
    return new HistogramCard(key, run, tag, this.store, () => this.mode, () => linkedStep(this.model));
  }
}
