// A plotly.js holding only the trace types tbnb draws (CONTRIBUTING.md, principle 4):
// the full distribution is ~4.6 MB minified. Every board loads this one: the SVG traces
// (lines, bars, heatmaps) of the Scalars, Histograms, Distributions and PR Curves tabs.
// The WebGL traces (about 0.9 MB, and most of the bundle's import time) are in
// plotly-gl.ts, loaded with the tabs that draw them (board.ts, lazy tabs).
import Plotly from "plotly.js/lib/core";
import bar from "plotly.js/lib/bar";
import heatmap from "plotly.js/lib/heatmap";
import scatter from "plotly.js/lib/scatter";

Plotly.register([scatter, heatmap, bar]);

/**
 * Draws `traces` in a box off screen (`width` x `height` px), waits for the frame that
 * paints it, and throws it away: what a page's first drawing of their kind pays once
 * (plotly's code compiled, fonts measured, a WebGL context and its shaders) is paid
 * ahead, while nobody waits (index.ts warm, mesh.ts warmMesh).
 */
export async function drawOffScreen(traces: unknown[], layout: Record<string, unknown>, config: Record<string, unknown>, width: number, height: number): Promise<void> {
  const box = document.createElement("div");
  box.setAttribute("aria-hidden", "true");
  box.style.cssText = `position:absolute;left:-10000px;top:0;width:${width}px;height:${height}px;visibility:hidden`;
  document.body.appendChild(box);
  try {
    await Plotly.newPlot(box, traces as never, { height, ...layout } as never, config as never);
    await new Promise((resolve) => requestAnimationFrame(resolve));
  } finally {
    Plotly.purge(box);
    box.remove();
  }
}

export default Plotly;
