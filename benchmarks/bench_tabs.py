"""Figures of the Images, Histograms and Distributions tabs (issue 5), in JupyterLab in
headless Chromium.

    python benchmarks/bench_tabs.py

Logdirs are written once with tensorboardX into benchmarks/.cache/ (git-ignored).

- histograms: 5 tags x 1,000 steps of `add_histogram` (10,000 samples each). From the
  click on the Histograms tab to its charts on screen drawn with every held histogram
  (plotly's data on the page); the same for the Distributions tab.
- images: 3 tags x 500 steps of 64x64 RGB images. Kernel memory the images tab costs
  beyond the reader's index of the files (RSS of a process holding a Board minus one
  holding only the Logdir, both after reading everything), and the time a step change of
  the slider takes to show an image already seen (median over 20 changes).
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import sync_playwright
from tensorboardX import SummaryWriter

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Notebook  # noqa: E402

CACHE = REPO / "benchmarks" / ".cache"


def write_histograms(logdir: Path, tags: int = 5, steps: int = 1_000) -> Path:
    if (logdir / ".complete").exists():
        return logdir
    rng = np.random.default_rng(0)
    w = SummaryWriter(str(logdir / "run"), max_queue=1000, flush_secs=3600)
    for s in range(steps):
        for t in range(tags):
            w.add_histogram(f"weights/layer{t}", rng.normal(s / steps * (t + 1), 1.0, 10_000), s)
    w.close()
    (logdir / ".complete").write_text("ok")
    return logdir


def write_images(logdir: Path, tags: int = 3, steps: int = 500) -> Path:
    if (logdir / ".complete").exists():
        return logdir
    rng = np.random.default_rng(0)
    w = SummaryWriter(str(logdir / "run"), max_queue=1000, flush_secs=3600)
    for s in range(steps):
        for t in range(tags):
            w.add_image(f"samples/tag{t}", rng.random((3, 64, 64)).astype(np.float32), s)
    w.close()
    (logdir / ".complete").write_text("ok")
    return logdir


RSS = """
import gc, sys, tbnb
def rss():
    return int(open('/proc/self/statm').read().split()[1]) * 4096
gc.collect(); before = rss()
if sys.argv[2] == 'board':
    b = tbnb.Board(sys.argv[1], reload_interval=0)
    b.get_state()  # the snapshot a browser gets, as when displayed
else:
    ld = tbnb.Logdir(sys.argv[1]); ld.reload()
gc.collect(); print(rss() - before)
"""


def rss_growth(logdir: Path, what: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", RSS, str(logdir), what], capture_output=True, text=True, check=True
    )
    return int(out.stdout.split()[-1])


def open_board(jupyter: JupyterServer, page: Any, logdir: Path) -> Notebook:
    name = jupyter.write_notebook(
        f"bench_tabs_{time.time_ns()}.ipynb",
        [f"%load_ext tbnb\n%tbnb --logdir {logdir} --reload_interval 0"],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.output(0).locator(".tbnb-root").first.wait_for(timeout=60_000)
    return nb


VISIBLE_DRAWN = """
([tab, kind]) => {
  const pane = document.querySelector(`.tbnb-pane[data-tab=${tab}]`);
  if (!pane) return null;
  const plots = [...pane.querySelectorAll('.js-plotly-plot')].filter(p => {
    const r = p.getBoundingClientRect();
    return r.bottom > 0 && r.top < window.innerHeight && r.height > 0;
  });
  if (!plots.length) return null;
  // histograms drawn (a trace may draw several: meta.steps), or traces of the kind
  const counts = plots.map(p => (p.data || []).filter(t => t.meta && t.meta.kind === kind)
    .reduce((n, t) => n + (t.meta.steps ? t.meta.steps.length : 1), 0));
  return counts.every(c => c > 0) ? counts : null;
}
"""


def bench_tab(page: Any, tab: str, kind: str) -> tuple[float, list[int]]:
    t0 = time.perf_counter()
    page.locator(f".tbnb-tab[data-tab='{tab}']").first.click()
    handle = page.wait_for_function(VISIBLE_DRAWN, arg=[tab, kind], polling="raf", timeout=60_000)
    return time.perf_counter() - t0, handle.json_value()


def bench_slider(page: Any) -> float:
    """Median time for a slider change to show an image already seen."""
    card = page.locator(".tbnb-pane[data-tab=images] .tbnb-card").first
    slider = card.locator(".tbnb-image-slider")
    steps = [10, 20, 30, 40, 50]

    def go(i: int) -> float:
        t0 = time.perf_counter()
        slider.evaluate(
            "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }", i
        )
        card.locator(f"img[data-index='{i}']:visible").first.wait_for(timeout=60_000)
        page.evaluate("() => new Promise(r => requestAnimationFrame(() => r(0)))")
        return time.perf_counter() - t0

    for i in steps:  # first visit: the kernel sends the bytes
        go(i)
    times = [go(steps[k % len(steps)]) for k in range(20)]
    return statistics.median(times)


def main() -> None:
    hist = write_histograms(CACHE / "tabs_hist_5x1000")
    imgs = write_images(CACHE / "tabs_images_3x500")
    board_rss = rss_growth(imgs, "board")
    index_rss = rss_growth(imgs, "logdir")
    disk = sum(p.stat().st_size for p in imgs.rglob("*tfevents*"))
    rows: list[tuple[str, str, str]] = []
    with tempfile.TemporaryDirectory() as tmp, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        jupyter = JupyterServer.start(Path(tmp) / "jupyter")
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_board(jupyter, page, hist)
            hs, counts = bench_tab(page, "histograms", "histogram")
            rows.append(("Histograms tab drawn, 5 tags x 1,000 steps", f"{hs:.2f} s", "<= 1 s"))
            rows.append(("  histograms drawn per chart on screen", str(counts), "(500 held)"))
            ds, _ = bench_tab(page, "distributions", "band")
            rows.append(("Distributions tab drawn", f"{ds:.2f} s", ""))
            page.close()
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            open_board(jupyter, page, imgs)
            page.locator(".tbnb-tab[data-tab='images']").first.click()
            slide = bench_slider(page)
            rows.append(
                ("Image slider, step already seen (median)", f"{slide * 1000:.0f} ms", "<= 100 ms")
            )
        finally:
            jupyter.stop()
            browser.close()
    rows.append(
        (
            "Kernel memory of the images tab beyond the index",
            f"{(board_rss - index_rss) / 1e6:.1f} MB",
            "<= 10 MB",
        )
    )
    rows.append(
        (
            "  (reader's index alone; event files on disk)",
            f"{index_rss / 1e6:.1f} MB; {disk / 1e6:.1f} MB",
            "",
        )
    )
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'tbnb':>22}  target")
    for a, b, c in rows:
        print(f"{a:<{width}}  {b:>22}  {c}")


if __name__ == "__main__":
    main()
