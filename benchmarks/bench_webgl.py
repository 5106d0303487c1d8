"""What plotly's WebGL traces cost in this machine's browser, apart from tbnb: the floor
under the HParams tab's views (issue 14).

    python benchmarks/bench_webgl.py

tbnb's own plotly with its WebGL traces (js/src/plotly-gl.ts, what the HParams tab
loads; built here with esbuild into a temp folder) on a plain page in headless Chromium,
with the flags of the tests and benchmarks: a parallel coordinates of 15 axes with 10
and with 1,000 lines, a parallel coordinates of 3 axes with 10 lines, and a
scatter-plot matrix of 6 dimensions x 1,000 points, each drawn on a fresh page (first)
and again with new values (redraw), timed from Plotly.react until a pixel of each of the
plot's WebGL canvases has been read back (the GPU has drawn everything asked of it) and
the next frame. A plot with no WebGL canvas is an error: this benchmark once timed
plotly's core alone, which does not know these traces and drew nothing, in 0.2 s. On a
machine without a GPU Chromium draws WebGL in software (SwiftShader): the first
drawing's cost with 10 lines is what a WebGL trace costs here before it draws anything.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

BUILD = """
import {{ build }} from {esbuild!r};
await build({{
  stdin: {{ contents: {entry!r}, resolveDir: {js!r}, loader: "ts" }},
  outfile: {out!r}, bundle: true, format: "iife", minify: true,
  loader: {{ ".css": "text" }}, define: {{ "define.amd": "false", global: "globalThis" }},
  alias: {{ regl: "@plotly/regl" }}, logLevel: "error",
  plugins: [{{ name: "no-map-styles", setup(b) {{
    b.onResolve({{ filter: /^maplibre-gl\\/dist\\/maplibre-gl\\.css$/ }},
      () => ({{ path: "x", namespace: "empty" }}));
    b.onLoad({{ filter: /.*/, namespace: "empty" }}, () => ({{ contents: "", loader: "text" }}));
  }} }}],
}});
"""

PAGE = """<!doctype html><html><body><div id="plot" style="width:1300px"></div>
<script src="plotly.js"></script><script>
function rnd(i) { const x = Math.sin(i * 9301 + 49297) * 233280; return x - Math.floor(x); }
function data(kind, n, d, seed) {
  const dims = Array.from({length: d}, (_, j) => ({label: 'axis' + j,
    values: Array.from({length: n}, (_, i) => rnd(seed + i * d + j))}));
  const color = Array.from({length: n}, (_, i) => rnd(seed + i * 7));
  return kind === 'parcoords'
    ? [{type: 'parcoords', dimensions: dims, line: {color, colorscale: 'Viridis'}}]
    : [{type: 'splom', dimensions: dims, marker: {size: 6, color, colorscale: 'Viridis'},
        showupperhalf: false, diagonal: {visible: false}}];
}
window.draw = async (kind, n, d, seed) => {
  const t0 = performance.now();
  const gd = await Plotly.react('plot', data(kind, n, d, seed), {height: 420},
    {plotGlPixelRatio: 1});
  const canvases = [...gd.querySelectorAll('canvas')].filter((c) => c.width && c.height);
  const gls = canvases.map((c) => c.getContext('webgl2') || c.getContext('webgl')).filter(Boolean);
  if (gd._fullData[0].type !== kind || !gls.length)
    throw new Error(kind + ' drew no WebGL canvas (is the trace registered?)');
  const px = new Uint8Array(4);
  for (const gl of gls) gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, px);
  await new Promise(r => requestAnimationFrame(() => r()));
  return performance.now() - t0;
};
</script></body></html>"""

CASES = [
    ("parcoords", 10, 3),
    ("parcoords", 10, 15),
    ("parcoords", 1000, 15),
    ("splom", 1000, 6),
]


def build_plotly(out: Path, entry: str) -> None:
    """`entry` (a module that sets window.Plotly, resolved from js/) bundled into
    out/plotly.js by the project's esbuild."""
    script = out / "build.mjs"
    esbuild = REPO / "js" / "node_modules" / "esbuild" / "lib" / "main.js"
    script.write_text(
        BUILD.format(
            entry=entry, esbuild=str(esbuild), js=str(REPO / "js"), out=str(out / "plotly.js")
        )
    )
    subprocess.run(["node", str(script)], cwd=REPO / "js", check=True)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp)
        build_plotly(out, 'import P from "./src/plotly-gl"; window.Plotly = P;')
        (out / "page.html").write_text(PAGE)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            for kind, n, d in CASES:
                first, again = [], []
                for k in range(3):
                    page = browser.new_page(viewport={"width": 1400, "height": 600})
                    page.goto((out / "page.html").as_uri())
                    first.append(page.evaluate("a => draw(...a)", [kind, n, d, k]))
                    again.append(page.evaluate("a => draw(...a)", [kind, n, d, k + 100]))
                    page.close()
                print(
                    f"{kind} {n:,} x {d}: first drawing {statistics.median(first):.0f} ms, "
                    f"redrawn {statistics.median(again):.0f} ms (medians of 3 fresh pages)",
                    flush=True,
                )
            browser.close()


if __name__ == "__main__":
    main()
