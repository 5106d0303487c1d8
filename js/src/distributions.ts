// The Distributions tab: per (run, tag) the percentiles of each histogram over
// steps, as TensorBoard draws them: nested filled bands between basis points
// (0-10000, 668-9332, 1587-8413, 3085-6915: min/max, +-1.5, +-1 and +-0.5 sigma),
// darker toward the median, and the median as a line, in the run's colour.
//
// Contract for tests and tools: a band is one plotly trace with meta {kind: "band",
// run, tag, lo, hi} (lo, hi in basis points); its x is the steps then the steps
// reversed, its y the values at `hi` then the values at `lo` reversed (a closed
// outline). The median is a trace with meta {kind: "median", run, tag}, x the steps.
// The horizontal axis follows the board's x_axis setting (step, relative, wall), as the
// scalars do: relative time is in the unit of axes.ts's one rule (from the series' span).
import Plotly from "./plotly";
import { h } from "./dom";
import { cardMargin, relativeTitle, relativeUnit, wallSpan, type RelativeUnit } from "./axes";
import { xValues } from "./points";
import { Card, CardDashboard } from "./dashboard";
import { plotConfig, plotLayout } from "./histograms";
import { alpha } from "./colors";
import { linkedStep, plotlyText, xAxisSelect, type Model, type RunView, type XAxis } from "./settings";
import { BAND_BASIS_POINTS, BAND_COLUMNS, type HistogramSeries, type Store } from "./store";

// [lo column, hi column] of HistogramDelta.bands, outermost first
const BANDS: [number, number][] = [[0, 8], [1, 7], [2, 6], [3, 5]];
const MEDIAN = 4;

function axisTitle(mode: XAxis, time: RelativeUnit): string {
  return mode === "step" ? "step" : mode === "wall" ? "" : relativeTitle(time.unit);
}

/** The unit of relative time of a series' chart. */
export function seriesUnit(s: HistogramSeries): RelativeUnit {
  return relativeUnit(wallSpan(s.wall, s.n));
}

export function distributionTraces(s: HistogramSeries, color: string, mode: XAxis = "step", time: RelativeUnit = seriesUnit(s)): Record<string, unknown>[] {
  const order = Array.from({ length: s.n }, (_, i) => i);
  order.sort((a, b) => s.step[a] - s.step[b]);
  const steps = xValues(s, order, mode, time.scale);
  const col = (c: number) => order.map((i) => s.bands[i * BAND_COLUMNS + c]);
  const run = plotlyText(s.run);
  const single = s.n === 1;
  const traces: Record<string, unknown>[] = [];
  for (const [lo, hi] of BANDS) {
    traces.push({
      type: "scatter",
      mode: single ? "lines+markers" : "lines",
      x: [...steps, ...steps.slice().reverse()],
      y: [...col(hi), ...col(lo).reverse()],
      fill: "toself",
      // stacked, the nested bands get darker toward the median
      fillcolor: alpha(color, 0.22),
      line: { width: 0, color: alpha(color, 0.5) },
      marker: { size: 4, color: alpha(color, 0.5) },
      hoverinfo: "skip",
      name: run,
      showlegend: false,
      meta: { kind: "band", run: s.run, tag: s.tag, lo: BAND_BASIS_POINTS[lo], hi: BAND_BASIS_POINTS[hi] },
    });
  }
  // the median's hover names every percentile at the step, as TensorBoard's tooltip
  const custom = order.map((i) => Array.from(s.bands.subarray(i * BAND_COLUMNS, (i + 1) * BAND_COLUMNS)));
  traces.push({
    type: "scatter",
    mode: single ? "lines+markers" : "lines",
    x: steps,
    y: col(MEDIAN),
    customdata: custom,
    name: run,
    line: { color, width: 1.5 },
    marker: { size: 5, color },
    hovertemplate:
      (mode === "step" ? "step %{x}" : mode === "wall" ? "%{x}" : `%{x:.3f} ${time.unit}`) +
      "<br>max %{customdata[8]:.4~g}<br>93% %{customdata[7]:.4~g}<br>84% %{customdata[6]:.4~g}<br>" +
      "69% %{customdata[5]:.4~g}<br>median %{customdata[4]:.4~g}<br>31% %{customdata[3]:.4~g}<br>" +
      "16% %{customdata[2]:.4~g}<br>7% %{customdata[1]:.4~g}<br>min %{customdata[0]:.4~g}<extra></extra>",
    showlegend: false,
    meta: { kind: "median", run: s.run, tag: s.tag },
  });
  return traces;
}

/**
 * The linked step marker on a distribution: a line at the held histogram nearest the
 * step (the card's data-step says which), none without a marker.
 */
function stepShape(s: HistogramSeries, step: number | null, mode: XAxis, scale: number, el: HTMLElement): Record<string, unknown>[] {
  if (step === null || s.n === 0) {
    delete el.dataset.step;
    return [];
  }
  const order = Array.from({ length: s.n }, (_, i) => i).sort((a, b) => s.step[a] - s.step[b]);
  let best = 0;
  for (let k = 1; k < order.length; k++) if (Math.abs(s.step[order[k]] - step) < Math.abs(s.step[order[best]] - step)) best = k;
  el.dataset.step = String(s.step[order[best]]);
  const x = xValues(s, order, mode, scale)[best];
  return [{ type: "line", xref: "x", yref: "paper", x0: x, x1: x, y0: 0, y1: 1, line: { color: "#f57c00", width: 2 } }];
}

export class DistributionCard extends Card {
  private plot: HTMLElement;
  private drawn = false;

  constructor(
    key: string,
    run: string,
    tag: string,
    private store: Store,
    private model: Model,
  ) {
    super(key, run, tag, "distribution");
    this.plot = h("div", { class: "tbnb-plot tbnb-card-plot" });
    this.el.appendChild(this.plot);
  }

  draw(view: RunView): void {
    const s = this.store.kinds.histograms.series.get(this.key);
    if (!s) return;
    this.showCounts(s.n, s.total, "histograms");
    const mode = this.model.get("x_axis");
    const time = seriesUnit(s);
    const traces = distributionTraces(s, view.color(this.run), mode, time);
    const shapes = stepShape(s, linkedStep(this.model), mode, time.scale, this.el);
    const layout = plotLayout(this.el, {
      hovermode: "x",
      margin: cardMargin(mode === "wall"),
      shapes,
      uirevision: `distribution|${mode}`,
      xaxis: { type: mode === "wall" ? "date" : "linear", title: { text: axisTitle(mode, time), font: { size: 11 } }, automargin: true },
      yaxis: { automargin: true, zeroline: false },
    });
    void Plotly.react(this.plot, traces as never, layout as never, plotConfig(`${this.tag}_${this.run}`) as never);
    this.drawn = true;
  }

  destroy(): void {
    if (this.drawn) Plotly.purge(this.plot);
  }
}

export class DistributionsDashboard extends CardDashboard<DistributionCard> {
  constructor(model: Model, store: Store) {
    super(model, store, "histograms", "distributions");
    // the horizontal axis, shared with the scalars (the board's x_axis setting)
    const xAxis = xAxisSelect(model);
    this.settings.appendChild(h("label", { class: "tbnb-control" }, "Horizontal axis", xAxis));
    const onAxis = () => {
      xAxis.value = model.get("x_axis");
      this.invalidateAll();
      this.schedule();
    };
    model.on("change:x_axis", onAxis);
    this.cleanups.push(() => model.off("change:x_axis", onAxis));
    this.start();
  }

  protected makeCard(key: string, run: string, tag: string): DistributionCard {
    return new DistributionCard(key, run, tag, this.store, this.model);
  }
}
