"""Figures of the HParams tab (issue 14), in JupyterLab in headless Chromium, beside
TensorBoard's HParams dashboard and tbparse measured in the same run.

    python benchmarks/bench_hparams.py                  # everything
    python benchmarks/bench_hparams.py --no-peers       # tbnb only

The logdir (benchmarks/.cache/hparams/, git-ignored, written once) is a sweep of 1,000
sessions written by tensorboardX's ``add_hparams`` (each in its own run, as a sweep
script writes them): 10 hparams (a string, a bool, 8 numbers) and 5 metrics each.

(a) reading: ``Logdir(path).reload()`` then ``hparams()`` in a fresh process, timed
    after the imports (goal <= 1 s); tbparse's ``SummaryReader(path).hparams`` on the
    same logdir, timed the same way;
(b) the tab: from the click on the HParams tab to the table and views drawn (the
    tab's ``data-draws`` counter stepping; goal <= 1 s);
(c) a filter (a metric's min typed in) and a brush of the parallel coordinates: to
    the table and views updated (goal <= 100 ms);
(d) TensorBoard: its page loaded, from choosing its HParams dashboard to its table's
    rows drawn.
(e) with --trace, where each action's time goes, from Chromium's trace: the page's
    main thread busy (tbnb's code, plotly's JavaScript, style, layout and paint) and
    the GPU process busy (plotly's WebGL drawn in software here, and the compositing).
Each figure is the median of 3 (fresh pages for (b)). "Table" is until the frame after
the table's update starts (the table laid out and painted: the tab writes that time in
``data-table-drawn``); "views" until the parallel coordinates and scatter matrix are
redrawn (plotly's WebGL: software-rendered on a machine without a GPU).
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache" / "hparams"
SESSIONS, HPARAMS, METRICS = 1000, 10, 5
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(HERE))

from bench_board import TensorBoard  # noqa: E402

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Notebook  # noqa: E402

DRAWS_JS = """
([root, n]) => { const g = root.querySelector('.tbnb-hparams');
  return g && Number(g.dataset.draws || 0) >= n
    && !!g.querySelector('table.tbnb-hparams-table tbody tr[data-run]')
    && performance.now(); }
"""
# the first drawing: the table's rows on the page, then the parallel coordinates
ROWS_JS = """
root => !!root.querySelector('.tbnb-hparams table.tbnb-hparams-table tbody tr[data-run]')
  && performance.now()
"""
VIEWS_JS = """
root => { const p = root.querySelector('.tbnb-hparams-parcoords');
  return !!(p && p.data && p.querySelector('canvas')) && performance.now(); }
"""
CLICK_JS = "el => { const t = performance.now(); el.click(); return t; }"
BRUSH_JS = """
([d, i, lo, hi]) => { const t = performance.now(); const key = `dimensions[${i}].constraintrange`;
  d.data[0].dimensions[i].constraintrange = [lo, hi];
  d.emit('plotly_restyle', [{[key]: [[lo, hi]]}, [0]]); return t; }
"""
TYPE_JS = """
([input, value]) => { const t = performance.now(); input.value = value;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  input.dispatchEvent(new Event('change', {bubbles: true})); return t; }
"""


def write_logdir() -> Path:
    from tensorboardX import SummaryWriter

    if (CACHE / "done").exists():
        return CACHE
    random.seed(0)
    for i in range(SESSIONS):
        hp: dict[str, Any] = {"optimizer": random.choice(["adam", "sgd", "rmsprop"])}
        hp["batchnorm"] = random.random() < 0.5
        for j in range(HPARAMS - 2):
            hp[f"h{j}"] = 10 ** random.uniform(-4, 0)
        metrics = {f"hparam/m{k}": random.random() for k in range(METRICS)}
        w = SummaryWriter(str(CACHE / f"s{i:04d}"))
        w.add_hparams(hp, metrics)
        w.close()
    (CACHE / "done").write_text("")
    return CACHE


READ = """
import sys, time
sys.path.insert(0, {repo!r})
from tbnb.events import Logdir
t = time.perf_counter()
ld = Logdir({path!r}); ld.reload(); hp = ld.hparams()
print(time.perf_counter() - t, len(hp.sessions))
"""
TBPARSE = """
import time
from tbparse import SummaryReader
t = time.perf_counter()
df = SummaryReader({path!r}).hparams
print(time.perf_counter() - t, len(df))
"""


def in_process(code: str) -> tuple[float, int]:
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout.split()
    return float(out[0]), int(out[1])


def open_board(browser: Browser, jupyter: JupyterServer, logdir: Path) -> tuple[Page, Any]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    name = jupyter.write_notebook(
        f"bench_hparams_{time.time_ns()}.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {logdir} --reload_interval 0"],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1, timeout=180_000)
    root = nb.output(1).locator(".tbnb-root").first
    root.locator(".tbnb-tab[data-tab=hparams]").wait_for(timeout=120_000)
    root.scroll_into_view_if_needed()
    return page, root


def draws(root: Any) -> int:
    return int(root.locator(".tbnb-hparams").get_attribute("data-draws") or 0)


def wait_draw(page: Page, root: Any, n: int) -> float:
    handle = root.element_handle()
    got = page.wait_for_function(DRAWS_JS, arg=[handle, n], polling=20, timeout=120_000)
    return float(got.json_value())


def table_drawn(root: Any) -> float:
    """When the tab's last table update was on screen (the page's clock): the tab notes
    the start of the frame after it (a poll from here would wait for the views, which
    hold the page's thread)."""
    return float(root.locator(".tbnb-hparams").get_attribute("data-table-drawn") or "nan")


def wait_js(page: Page, root: Any, js: str) -> float:
    got = page.wait_for_function(js, arg=root.element_handle(), polling=20, timeout=120_000)
    return float(got.json_value())


CATEGORIES = "toplevel,devtools.timeline,disabled-by-default-devtools.timeline"


class Trace:
    """Chromium's timeline trace of one action: how long the page's main thread and the
    GPU process were busy (top-level tasks, in seconds)."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.cdp = page.context.new_cdp_session(page)
        self.events: list[dict[str, Any]] = []
        self.done = False
        self.cdp.on("Tracing.dataCollected", lambda p: self.events.extend(p["value"]))
        self.cdp.on("Tracing.tracingComplete", lambda p: setattr(self, "done", True))

    def __call__(self, action: Callable[[], None]) -> dict[str, float]:
        self.events.clear()
        self.done = False
        self.cdp.send(
            "Tracing.start",
            {"categories": CATEGORIES, "transferMode": "ReportEvents"},
        )
        action()
        self.cdp.send("Tracing.end")
        while not self.done:
            self.page.wait_for_timeout(20)
        threads = {
            (e["pid"], e["tid"]): e["args"]["name"]
            for e in self.events
            if e.get("ph") == "M" and e.get("name") == "thread_name"
        }
        busy = {"main": 0.0, "gpu": 0.0}
        ends: dict[tuple[int, int], float] = {}  # a task inside another is counted once
        for e in sorted(self.events, key=lambda e: e.get("ts", 0)):
            if e.get("ph") != "X" or e.get("name") != "RunTask":
                continue
            where = (e["pid"], e["tid"])
            thread = threads.get(where, "")
            key = "main" if thread == "CrRendererMain" else "gpu" if thread == "CrGpuMain" else ""
            start, end = e["ts"], e["ts"] + e.get("dur", 0)
            if not key or end <= ends.get(where, -1):
                continue
            busy[key] += (end - max(start, ends.get(where, start))) / 1e6
            ends[where] = end
        return busy


def bench_tab(
    browser: Browser, jupyter: JupyterServer, logdir: Path, trace: bool = False
) -> dict[str, float]:
    """Each action timed twice: to the table updated (the tab's first drawing after it)
    and to the plotly views redrawn (the second: they are drawn in the frame after)."""
    page, root = open_board(browser, jupyter, logdir)
    tracer = Trace(page) if trace else None
    try:
        out: dict[str, float] = {}

        def traced(name: str, action: Callable[[], None]) -> None:
            if tracer is None:
                action()
                return
            for k, v in tracer(action).items():
                out[f"{name}_{k}"] = v

        def timed(name: str, start: Callable[[], float]) -> None:
            def action() -> None:
                n = draws(root)
                t0 = start()
                out[name + "_views"] = (wait_draw(page, root, n + 2) - t0) / 1000
                out[name] = (table_drawn(root) - t0) / 1000

            traced(name, action)

        tab = root.locator(".tbnb-tab[data-tab=hparams]").element_handle()

        def first() -> None:
            t0 = page.evaluate(CLICK_JS, tab)
            wait_js(page, root, ROWS_JS)
            out["first_views"] = (wait_js(page, root, VIEWS_JS) - t0) / 1000
            out["first"] = (table_drawn(root) - t0) / 1000

        traced("first", first)
        out["rows"] = root.locator("table.tbnb-hparams-table tbody tr[data-run]").count()
        # a filter: the minimum of the first metric
        box = root.locator('.tbnb-hparams-filters [data-col="metric:hparam/m0"] input').first
        timed("filter", lambda: float(page.evaluate(TYPE_JS, [box.element_handle(), "0.5"])))
        # a brush of the second metric's axis
        par = root.locator(".tbnb-hparams-parcoords")
        labels = par.evaluate("d => d.data[0].dimensions.map(x => x.label)")
        i = next(k for k, label in enumerate(labels) if "m1" in label)
        timed("brush", lambda: float(page.evaluate(BRUSH_JS, [par.element_handle(), i, 0.2, 0.6])))
        return out
    finally:
        page.close()


def bench_tensorboard(browser: Browser, logdir: Path) -> float:
    tb = TensorBoard(logdir)
    try:
        import urllib.request

        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            if len(json.loads(urllib.request.urlopen(tb.url + "data/runs").read())) >= SESSIONS:
                break
            time.sleep(0.5)
        time.sleep(2)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(tb.url + "#timeseries")
        page.wait_for_load_state("networkidle")
        t0 = time.perf_counter()
        page.evaluate("location.hash = '#hparams'")
        # its session table: one row per session group (rows are in shadow DOM)
        page.locator("vaadin-grid-cell-content").nth(SESSIONS // 2).wait_for(
            state="attached", timeout=300_000
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
    ap.add_argument("--trace", action="store_true", help="split each action's time (main/GPU)")
    args = ap.parse_args()
    logdir = write_logdir()
    code = READ.format(repo=str(REPO), path=str(logdir))
    reads = [in_process(code) for _ in range(args.repeat)]
    read = statistics.median(r[0] for r in reads)
    line = f"(a) reading {reads[0][1]:,} sessions: {fmt(read)} (goal <= 1 s)"
    if not args.no_peers:
        try:
            tbp = in_process(TBPARSE.format(path=str(logdir)))
            line += (
                f"; tbparse {fmt(tbp[0])} ({tbp[0] / statistics.median(r[0] for r in reads):.1f}x)"
            )
        except (subprocess.CalledProcessError, ValueError, IndexError) as err:
            line += f"; tbparse failed: {err}"
    print(line, flush=True)
    jupyter = JupyterServer.start(Path(tempfile.mkdtemp(prefix="bench-hparams-")))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            runs = [bench_tab(browser, jupyter, logdir, args.trace) for _ in range(args.repeat)]
            keys = ("first", "first_views", "filter", "filter_views", "brush", "brush_views")
            med = {k: statistics.median(r[k] for r in runs) for k in keys}
            print(
                f"(b) tab click to the table drawn ({SESSIONS:,} sessions, the first "
                f"{runs[0]['rows']:,} listed): {fmt(med['first'])}, to the parallel "
                f"coordinates and scatter matrix drawn {fmt(med['first_views'])} (goal <= 1 s)\n"
                f"(c) a metric filter: table {fmt(med['filter'])}, views "
                f"{fmt(med['filter_views'])}; a brush: table {fmt(med['brush'])}, scatter "
                f"matrix {fmt(med['brush_views'])} (goal <= 100 ms)",
                flush=True,
            )
            if args.trace:
                for name in ("first", "filter", "brush"):
                    main_s = statistics.median(r[f"{name}_main"] for r in runs)
                    gpu_s = statistics.median(r[f"{name}_gpu"] for r in runs)
                    print(
                        f"(e) {name}: the page's main thread busy {fmt(main_s)}, "
                        f"the GPU process (software WebGL, compositing) {fmt(gpu_s)}",
                        flush=True,
                    )
            if not args.no_peers:
                tb = bench_tensorboard(browser, logdir)
                print(
                    f"(d) TensorBoard, HParams dashboard chosen to its table drawn: {fmt(tb)} "
                    f"({tb / med['first_views']:.1f}x tbnb's tab with its views)",
                    flush=True,
                )
            browser.close()
    finally:
        jupyter.stop()


if __name__ == "__main__":
    main()
