"""What drawing many runs' lines costs this machine's browser, apart from tbnb: the floor
under the Scalars tab's cleared run filter (issue 18).

    python benchmarks/bench_lines.py                 # SVG and canvas, about a minute
    python benchmarks/bench_lines.py --points 1000   # lines of 1,000 points
    python benchmarks/bench_lines.py --webgl         # and plotly's WebGL lines (slow here)

Six charts of 440 px, three a row (the cards in view), each 100 runs as a raw (faint) and
a smoothed line of --points points. The default, 80, is what a card of the 100 runs x 20
tags x 10,000 steps logdir holds when its run filter is cleared: the kernel shares
131,072 buckets among the 2,000 series (tbnb/board/feeds/scalars.py BUDGET), 64 each, and
a bucket's picks make about 80 points. 1,000 is a card of fewer series, or TensorBoard's
1,000 samples a run. Drawn on a plain page in headless Chromium with the flags of the
tests, by
- plotly's SVG lines as tbnb's cards drew them before their lines moved to a canvas
  (one trace per colour of the 20, raw and smoothed), and with the smoothed lines only;
- a 2D canvas, each line stroked (no plotly: what the lines alone cost; the cards of
  more than 20 runs now stroke theirs so, js/src/line-canvas.ts, under plotly's axes);
- with --webgl, plotly's WebGL lines (scattergl), the same traces.
Each is timed from one run to 100 (a filter cleared) until the second frame after, so
that what the browser rasterises is counted too: median of 5, on one page.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench_webgl import build_plotly  # noqa: E402

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

ENTRY = (
    'import P from "plotly.js/lib/core"; import s from "plotly.js/lib/scatter";'
    ' import g from "plotly.js/lib/scattergl"; P.register([s, g]); window.Plotly = P;'
)

PAGE = """<!doctype html><html><body style="margin:0">
<div id="charts" style="display:grid;grid-template-columns:repeat(3,440px)"></div>
<script src="plotly.js"></script><script>
const RUNS = 100, CHARTS = 6, COLORS = 20;
const POINTS = Number(new URLSearchParams(location.search).get("points"));
function rnd(i) { const x = Math.sin(i * 9301 + 49297) * 233280; return x - Math.floor(x); }
const runs = [];
for (let r = 0; r < RUNS; r++) {
  const x = [], raw = [], smoothed = [];
  let v = 0, s = 0;
  for (let i = 0; i < POINTS; i++) {
    v += rnd(r * 7919 + i) - 0.5;
    x.push(i * 10); raw.push(v); s = i ? 0.6 * s + 0.4 * v : v; smoothed.push(s);
  }
  runs.push({ x, raw, smoothed });
}
const color = (c, a) => `hsla(${c * 18},70%,45%,${a})`;
// tbnb's merged traces before the canvas: the runs of a colour as one trace, a gap between runs
function traces(n, kinds, type) {
  const out = [];
  for (const kind of kinds) for (let c = 0; c < COLORS; c++) {
    const x = [], y = [];
    for (let r = c; r < n; r += COLORS) {
      if (x.length) { x.push(runs[r].x[0]); y.push(NaN); }
      x.push(...runs[r].x); y.push(...runs[r][kind]);
    }
    if (!x.length) continue;
    const faint = kind === "raw" && kinds.length > 1;
    out.push({ type, mode: "lines", x, y, line: { color: color(c, 1), width: faint ? 1 : 1.5 },
      opacity: faint ? 0.25 : 1, hoverinfo: "none", showlegend: false });
  }
  return out;
}
const boxes = [];
for (let i = 0; i < CHARTS; i++) {
  const el = document.createElement("div");
  el.style.height = "240px";
  document.getElementById("charts").appendChild(el);
  boxes.push(el);
}
const frame = () => new Promise((r) => requestAnimationFrame(() => r()));
const layout = { height: 240, margin: { l: 50, r: 10, t: 10, b: 30 }, hovermode: false,
  showlegend: false, uirevision: "x" };
function canvasDraw(el, n) {
  let c = el.querySelector("canvas");
  if (!c) {
    c = document.createElement("canvas");
    c.width = 380;
    c.height = 200;
    el.appendChild(c);
  }
  const g = c.getContext("2d");
  g.clearRect(0, 0, c.width, c.height);
  let lo = Infinity, hi = -Infinity;
  for (let r = 0; r < n; r++) {
    for (const v of runs[r].raw) { lo = Math.min(lo, v); hi = Math.max(hi, v); }
  }
  const sx = c.width / ((POINTS - 1) * 10), sy = c.height / (hi - lo || 1);
  for (const kind of ["raw", "smoothed"]) for (let r = 0; r < n; r++) {
    const { x } = runs[r], y = runs[r][kind];
    g.beginPath();
    for (let i = 0; i < POINTS; i++) g.lineTo(x[i] * sx, c.height - (y[i] - lo) * sy);
    g.strokeStyle = color(r % COLORS, kind === "raw" ? 0.25 : 1);
    g.lineWidth = kind === "raw" ? 1 : 1.5;
    g.stroke();
  }
}
window.draw = async (how, n) => {
  const t0 = performance.now();
  for (const el of boxes) {
    if (how === "canvas") canvasDraw(el, n);
    else await Plotly.react(el, traces(n, how === "smoothed" ? ["smoothed"] : ["raw", "smoothed"],
      how === "webgl" ? "scattergl" : "scatter"), layout, { plotGlPixelRatio: 1 });
  }
  await frame();
  await frame();
  return performance.now() - t0;
};
// the points plotly kept in its SVG paths (it drops those within 0.75 px of a line)
window.kept = () => {
  let points = 0;
  for (const p of boxes[0].querySelectorAll(".js-line")) {
    points += p.getAttribute("d").split("L").length;
  }
  return points;
};
</script></body></html>"""

CASES = [
    ("svg", "plotly SVG, raw and smoothed lines (merged traces)"),
    ("smoothed", "plotly SVG, smoothed lines only"),
    ("canvas", "2D canvas, raw and smoothed lines"),
]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--webgl", action="store_true", help="also plotly's WebGL lines")
    ap.add_argument("--points", type=int, default=80, help="points a run's line")
    args = ap.parse_args()
    gl = [("webgl", "plotly WebGL (scattergl), raw and smoothed")]
    cases = CASES + (gl if args.webgl else [])
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build_plotly(out, ENTRY)
        (out / "page.html").write_text(PAGE)
        print(
            f"6 charts of 100 runs x {args.points:,} points a line, from 1 run to 100"
            " (a run filter cleared):"
        )
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for how, label in cases:
                page = browser.new_page(viewport={"width": 1400, "height": 1000})
                page.goto((out / "page.html").as_uri() + f"?points={args.points}")
                page.evaluate("a => draw(...a)", [how, 100])  # compiled, fonts measured
                times = []
                for _ in range(2 if how == "webgl" else 5):
                    page.evaluate("a => draw(...a)", [how, 1])
                    times.append(page.evaluate("a => draw(...a)", [how, 100]))
                kept = page.evaluate("kept()") if how in ("svg", "smoothed") else 0
                note = f", plotly kept {kept:,} of a chart's points" if kept else ""
                print(
                    f"  {label:<52} {statistics.median(times):7.0f} ms"
                    f"  ({', '.join(f'{t:.0f}' for t in times)}{note})",
                    flush=True,
                )
                page.close()
            browser.close()


if __name__ == "__main__":
    main()
