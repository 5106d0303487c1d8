"""Figures of the Mesh tab (issue 17), in JupyterLab in headless Chromium (plotly's
WebGL drawn in software: this machine has no GPU).

    python benchmarks/bench_mesh.py                 # everything
    python benchmarks/bench_mesh.py --no-peers      # tbnb only

The logdirs (benchmarks/.cache/mesh/, git-ignored, written once) hold what
tensorboardX's ``add_mesh`` writes: a sphere of 100,000 vertices and 199,200 faces with
vertex colours (two steps), a point cloud of 100,000 points, and a tetrahedron (4
vertices) as the baseline measured beside them (its time is the fixed cost: a WebGL
context made and plotly's shaders compiled).

(a) each mesh drawn, alone on a fresh page: from the click on the Mesh tab, made once
    the page is idle (a board holding a mesh sets up the page's 3D scene on idle), to the
    frame after plotly drew it (card made, tensors asked of the kernel, sent, decoded and
    handed to plotly), on the page's clock; plotly's own share (react to the painted frame)
    beside it. Goal: 100,000 vertices drawn <= 2 s.
(b) rotation: the mouse dragged across the 3D view (plotly's orbit) for 1.5 s; the
    page's frame intervals while it moves (each frame redraws the whole mesh).
(c) the step slider moved to a step not held yet (asked of the kernel) and back to one
    held (drawn from the browser's cache).
(d) TensorBoard's Mesh dashboard (three.js) on the same logdir: from the page's start
    to its first canvas drawn.
Each figure is the median of --repeat (default 3) fresh pages.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Browser, Page, sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache" / "mesh"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from bench_board import TensorBoard  # noqa: E402

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Notebook  # noqa: E402

RINGS, SEGMENTS = 250, 400  # the sphere: 100,000 vertices
CLICK_JS = "el => { const t = performance.now(); el.click(); return t; }"
DRAWN_JS = """
([root, tag, step]) => {
  const c = root.querySelector(`.tbnb-pane[data-tab=mesh] .tbnb-card[data-tag="${tag}"]`);
  return !!c && c.dataset.state === 'ready' && c.dataset.drawnStep === String(step)
    && [Number(c.dataset.drawnAt), Number(c.dataset.drawMs)]; }
"""
SLIDE_JS = """
([root, tag, value]) => {
  const s = root.querySelector(`.tbnb-card[data-tag="${tag}"] input[aria-label=step]`);
  const t = performance.now(); s.value = String(value);
  s.dispatchEvent(new Event('input', {bubbles: true})); return t; }
"""
FRAMES_JS = """
() => { window.__frames = []; window.__framing = true;
  const tick = t => {
    if (!window.__framing) return;
    window.__frames.push(t);
    requestAnimationFrame(tick);
  };
  requestAnimationFrame(tick); }
"""
STOP_FRAMES_JS = "() => { window.__framing = false; return window.__frames; }"


def sphere() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    theta = np.linspace(0, np.pi, RINGS)
    phi = np.linspace(0, 2 * np.pi, SEGMENTS, endpoint=False)
    t, p = np.meshgrid(theta, phi, indexing="ij")
    v = np.stack([np.sin(t) * np.cos(p), np.sin(t) * np.sin(p), np.cos(t)], axis=-1).reshape(-1, 3)
    faces = []
    for r in range(RINGS - 1):
        a = r * SEGMENTS + np.arange(SEGMENTS)
        b = r * SEGMENTS + (np.arange(SEGMENTS) + 1) % SEGMENTS
        faces += [np.stack([a, b, a + SEGMENTS], 1), np.stack([b, b + SEGMENTS, a + SEGMENTS], 1)]
    colors = ((v + 1) * 127.5).astype(np.uint8)
    return v.astype(np.float32), np.concatenate(faces).astype(np.int32), colors


def write_logdirs() -> dict[str, Path]:
    """One logdir per mesh (each page times one mesh, drawn alone); a scalar in each, so
    a board opens on its Scalars tab and the Mesh tab is chosen by the click timed."""
    out = {name: CACHE / name for name in ("tetra", "cloud", "sphere")}
    if (CACHE / ".complete").exists():
        return out
    from tensorboardX import SummaryWriter

    v, f, c = sphere()
    rng = np.random.default_rng(0)
    for name, path in out.items():
        w = SummaryWriter(str(path / "run"))
        w.add_scalar("loss", 1.0, 0)
        if name == "sphere":
            w.add_mesh(name, v[None], colors=c[None], faces=f[None], global_step=0)
            w.add_mesh(name, (v * 1.1)[None], colors=c[None], faces=f[None], global_step=1)
        elif name == "cloud":
            w.add_mesh(name, rng.normal(size=(1, len(v), 3)).astype(np.float32), global_step=0)
        else:
            tetra = v[None, [0, 5000, 50000, 99999]]
            w.add_mesh(name, tetra, faces=np.array([[[0, 1, 2], [1, 2, 3]]]), global_step=0)
        w.close()
    (CACHE / ".complete").write_text("ok")
    return out


def open_board(browser: Browser, jupyter: JupyterServer, logdir: Path) -> tuple[Page, Any]:
    page = browser.new_page(viewport={"width": 1400, "height": 1200})
    name = jupyter.write_notebook(
        f"bench_mesh_{time.time_ns()}.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {logdir} --reload_interval 0"],
    )
    nb = Notebook(page, jupyter, name).open(timeout=180_000)
    nb.run_cell(0)
    nb.run_cell(1, timeout=180_000)
    root = nb.output(1).locator(".tbnb-root").first
    root.locator(".tbnb-tab[data-tab=mesh]").wait_for(timeout=120_000)
    root.scroll_into_view_if_needed()
    # the click comes as a person's would, after a look at the Scalars tab (1.5 s) and
    # with the page idle: a board holding a mesh sets up the page's 3D scene on idle
    # (board.ts), and that is done by then
    page.wait_for_timeout(1500)
    page.evaluate("() => new Promise(r => requestIdleCallback(() => requestIdleCallback(r)))")
    return page, root


def drawn(page: Page, root: Any, tag: str, step: int) -> tuple[float, float]:
    got = page.wait_for_function(
        DRAWN_JS, arg=[root.element_handle(), tag, step], polling=50, timeout=120_000
    ).json_value()
    return float(got[0]), float(got[1])


def rotate(page: Page, root: Any, tag: str, seconds: float = 1.5) -> tuple[float, float]:
    """Drags the mouse around the view of ``tag`` while the page notes its frames. A
    frame that redraws the scene (the camera moved) is one longer than the page's
    1/60 s: the median of those (s; 1/60 when none was), and the share of frames that
    were redraws."""
    plot = root.locator(f'.tbnb-card[data-tag="{tag}"] .tbnb-mesh-plot')
    plot.scroll_into_view_if_needed()
    box = plot.bounding_box()
    assert box is not None
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    page.evaluate(FRAMES_JS)
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        page.mouse.move(x + 100 * np.sin(i / 10), y + 30 * np.cos(i / 10))
    frames = page.evaluate(STOP_FRAMES_JS)
    page.mouse.up()
    gaps = np.diff(np.asarray(frames, dtype=np.float64)) / 1000
    long = gaps[gaps > 1.5 / 60]
    if not len(long):
        return 1 / 60, 0.0
    return float(np.median(long)), len(long) / len(gaps)


def bench_page(pw: Any, jupyter: JupyterServer, name: str, logdir: Path) -> dict[str, float]:
    """One fresh page, in a browser of its own (the software GPU process of a page that
    drew 100,000 vertices can keep the next page waiting), on the logdir of mesh
    ``name``: the tab click to it drawn, its rotation, and (the sphere) the slider."""
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    page, root = open_board(browser, jupyter, logdir)
    out: dict[str, float] = {}
    try:
        tab = root.locator(".tbnb-tab[data-tab=mesh]").element_handle()
        start = float(page.evaluate(CLICK_JS, tab))
        step = 1 if name == "sphere" else 0
        at, plotly_s = drawn(page, root, name, step)
        out["first"] = (at - start) / 1000
        out["plotly"] = plotly_s / 1000
        out["frame"], out["redraws"] = rotate(page, root, name)
        if name == "sphere":  # the slider to step 0 (not held: asked for), back to 1 (held)
            for to, key in ((0, "slide_ask"), (1, "slide_held")):
                t0 = float(page.evaluate(SLIDE_JS, [root.element_handle(), name, to]))
                at, _ = drawn(page, root, name, to)
                out[key] = (at - t0) / 1000
    finally:
        page.close()
        browser.close()
        jupyter.close_sessions()  # each page's kernel shut down: they would pile up
    return out


TB_CANVAS_JS = """
() => { const find = (n) => { for (const el of n.querySelectorAll('*')) {
    if (el.tagName === 'CANVAS' && el.width > 0) return el;
    if (el.shadowRoot) { const f = find(el.shadowRoot); if (f) return f; } } return null; };
  return !!find(document) && performance.now(); }
"""


def bench_tensorboard(browser: Browser, logdir: Path) -> float:
    tb = TensorBoard(logdir)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(tb.url + "#mesh")
        got = page.wait_for_function(TB_CANVAS_JS, polling=50, timeout=120_000)
        t = float(got.json_value()) / 1000
        page.close()
        return t
    finally:
        tb.stop()


def fmt(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    logdirs = write_logdirs()
    jupyter = JupyterServer.start(Path(tempfile.mkdtemp(prefix="bench-mesh-")))
    try:
        with sync_playwright() as pw:
            runs: list[dict[str, float]] = []
            for i in range(args.repeat):
                got: dict[str, float] = {}
                for n, d in logdirs.items():
                    page = bench_page(pw, jupyter, n, d)
                    got.update({f"{n}_{k}": v for k, v in page.items()})
                    print(
                        f"  page {i + 1} {n}: "
                        + ", ".join(
                            f"{k} {v:.0%}" if k == "redraws" else f"{k} {fmt(v)}"
                            for k, v in page.items()
                        ),
                        flush=True,
                    )
                runs.append(got)
            med = {k: statistics.median(r[k] for r in runs) for k in runs[0]}
            rng = {k: (min(r[k] for r in runs), max(r[k] for r in runs)) for k in runs[0]}
            load = os.getloadavg()[0]

            def fig(k: str) -> str:
                lo, hi = rng[k]
                return f"{fmt(med[k])} ({fmt(lo)}-{fmt(hi)})"

            print(
                "(a) Mesh tab click to drawn (median (min-max) of "
                f"{args.repeat} pages; plotly's share after it; load average {load:.1f} "
                f"on {os.cpu_count()} cores):\n"
                f"    sphere 100,000 vertices, 199,200 faces, colours: {fig('sphere_first')}, "
                f"plotly {fmt(med['sphere_plotly'])} (goal <= 2 s)\n"
                f"    point cloud 100,000 points: {fig('cloud_first')}, "
                f"plotly {fmt(med['cloud_plotly'])} (goal <= 2 s)\n"
                f"    tetrahedron 4 vertices (baseline): {fig('tetra_first')}, plotly "
                f"{fmt(med['tetra_plotly'])}; the sphere costs "
                f"{med['sphere_first'] / med['tetra_first']:.1f}x it\n"
                "(b) rotating (mouse drag, orbit), a frame that redraws takes: "
                f"{fig('sphere_frame')} on the sphere, {fig('cloud_frame')} on the cloud, "
                f"{fig('tetra_frame')} on the tetrahedron (1/60 s: none longer than the "
                "page's frame)\n"
                "(c) slider to a step not held (asked of the kernel): "
                f"{fig('sphere_slide_ask')}; "
                f"back to a held step: {fig('sphere_slide_held')}",
                flush=True,
            )
            if not args.no_peers:
                try:
                    browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                    tb = bench_tensorboard(browser, logdirs["sphere"])
                    browser.close()
                    print(
                        f"(d) TensorBoard's Mesh dashboard, page start to its first canvas: "
                        f"{fmt(tb)} ({tb / med['sphere_first']:.1f}x tbnb's tab click to the "
                        "sphere drawn; TensorBoard's includes loading its page)",
                        flush=True,
                    )
                except Exception as err:  # a peer failing does not hide tbnb's figures
                    print(f"(d) TensorBoard's Mesh dashboard: not measured ({err!r})")
    finally:
        jupyter.stop()


if __name__ == "__main__":
    main()
