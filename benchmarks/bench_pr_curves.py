"""Figures of the PR Curves tab (issue 17), in JupyterLab in headless Chromium, beside
TensorBoard's PR curves dashboard measured in the same run.

    python benchmarks/bench_pr_curves.py              # everything (about 2 minutes)
    python benchmarks/bench_pr_curves.py --no-peers   # tbnb only

The logdir (benchmarks/.cache/pr_curves/, git-ignored, written once) holds 10 runs x 100
steps of one tag written by tensorboardX's ``add_pr_curve`` (127 thresholds each).

(a) first drawn: from the click on the PR Curves tab to its chart drawn with every
    run's line (the page's clock, to the frame after; goal <= 0.5 s);
(b) a step slider moved: from the input event to the frame after the chart redrew
    (goal <= 50 ms), 20 moves; "work" is the input's handlers alone (the chart's redraw
    is synchronous in them), "frame" until the next frame starts;
(c) TensorBoard: from choosing its PR curves dashboard to every run's curve drawn.
Medians of 3 fresh pages for (a), of the 20 moves for (b).
"""

from __future__ import annotations

import argparse
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
CACHE = HERE / ".cache" / "pr_curves"
RUNS, STEPS, TAG = 10, 100, "eval/pr"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from bench_board import TensorBoard  # noqa: E402

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Notebook  # noqa: E402

CLICK_JS = "el => { const t = performance.now(); el.click(); return t; }"
# the chart drawn with a line per run, at the start of the frame after
DRAWN_JS = """
([root, n]) => { const gd = root.querySelector('.tbnb-pr-card .tbnb-pr-chart');
  if (!(gd && gd.data && gd.data.length === n && gd.querySelectorAll('path.js-line').length >= n))
    return false;
  return new Promise(r => requestAnimationFrame(() => r(performance.now()))); }
"""
SLIDE_JS = """
([root, i, pos]) => new Promise(resolve => {
  const card = root.querySelector('.tbnb-pr-card');
  const slider = card.querySelectorAll('input.tbnb-pr-slider')[i];
  const before = Number(card.dataset.draws);
  const t0 = performance.now();
  slider.value = String(pos);
  slider.dispatchEvent(new Event('input', {bubbles: true}));
  const work = performance.now() - t0;
  const wait = () => Number(card.dataset.draws) > before
    ? requestAnimationFrame(() => resolve([work, performance.now() - t0]))
    : requestAnimationFrame(wait);
  wait();
})
"""


def write_logdir() -> Path:
    from tensorboardX import SummaryWriter

    if (CACHE / "done").exists():
        return CACHE
    rng = np.random.default_rng(0)
    for r in range(RUNS):
        w = SummaryWriter(str(CACHE / f"run{r:02d}"))
        for step in range(STEPS):
            labels = rng.integers(0, 2, 500)
            preds = np.clip(labels * (0.1 + step / STEPS * 0.5) + rng.random(500) * 0.6, 0, 1)
            w.add_pr_curve(TAG, labels, preds, step)
        w.close()
    (CACHE / "done").write_text("")
    return CACHE


def open_board(browser: Browser, jupyter: JupyterServer, logdir: Path) -> tuple[Page, Any]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    name = jupyter.write_notebook(
        f"bench_pr_{time.time_ns()}.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {logdir} --reload_interval 0"],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1, timeout=180_000)
    root = nb.output(1).locator(".tbnb-root").first
    root.locator(".tbnb-tab[data-tab=pr_curves]").wait_for(timeout=120_000)
    root.scroll_into_view_if_needed()
    return page, root


def bench_tab(
    browser: Browser, jupyter: JupyterServer, logdir: Path
) -> tuple[float, list[list[float]]]:
    page, root = open_board(browser, jupyter, logdir)
    try:
        tab = root.locator(".tbnb-tab[data-tab=pr_curves]").element_handle()
        t0 = page.evaluate(CLICK_JS, tab)
        got = page.wait_for_function(
            DRAWN_JS, arg=[root.element_handle(), RUNS], polling=10, timeout=120_000
        )
        first = (float(got.json_value()) - t0) / 1000
        moves = [
            page.evaluate(SLIDE_JS, [root.element_handle(), k % RUNS, (k * 37) % STEPS])
            for k in range(20)
        ]
        return first, moves
    finally:
        page.close()


def bench_tensorboard(browser: Browser, logdir: Path) -> float:
    tb = TensorBoard(logdir)
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(tb.url + "#timeseries")
        page.wait_for_load_state("networkidle")
        t0 = time.perf_counter()
        page.evaluate("location.hash = '#pr_curves'")
        # its chart's lines: one path per run in the card's line chart (open shadow DOM)
        page.locator("tf-pr-curve-card path.line").nth(RUNS - 1).wait_for(
            state="attached", timeout=120_000
        )
        seconds = time.perf_counter() - t0
        page.close()
        return seconds
    finally:
        tb.stop()


def fmt(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    t = time.perf_counter()
    logdir = write_logdir()
    print(f"logdir: {RUNS} runs x {STEPS} steps ({time.perf_counter() - t:.1f} s)", flush=True)
    jupyter = JupyterServer.start(Path(tempfile.mkdtemp(prefix="bench-pr-")))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            runs = [bench_tab(browser, jupyter, logdir) for _ in range(args.repeat)]
            first = statistics.median(r[0] for r in runs)
            work = [m[0] for r in runs for m in r[1]]
            frame = [m[1] for r in runs for m in r[1]]
            print(
                f"(a) tab click to the chart drawn ({RUNS} runs x {STEPS} steps): {fmt(first)} "
                f"(each: {', '.join(fmt(r[0]) for r in runs)}; goal <= 0.5 s)",
                flush=True,
            )
            print(
                f"(b) a step slider moved to the chart redrawn, over {len(work)} moves: work "
                f"median {statistics.median(work):.1f} ms (max {max(work):.1f}), frame median "
                f"{statistics.median(frame):.1f} ms (max {max(frame):.1f}) (goal <= 50 ms)",
                flush=True,
            )
            if not args.no_peers:
                try:
                    tb = bench_tensorboard(browser, logdir)
                    print(
                        f"(c) TensorBoard, PR curves dashboard chosen to every run's curve "
                        f"drawn: {fmt(tb)} ({tb / first:.1f}x tbnb's tab)",
                        flush=True,
                    )
                except Exception as err:  # a peer failing is reported, not fatal
                    print(f"(c) TensorBoard not measured: {type(err).__name__}: {err}", flush=True)
            browser.close()
    finally:
        jupyter.stop()


if __name__ == "__main__":
    main()
