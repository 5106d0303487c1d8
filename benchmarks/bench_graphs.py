"""Figures of the Graphs tab (issue 13), in JupyterLab in headless Chromium, beside
TensorBoard's graph page measured by the same harness in the same run.

    python benchmarks/bench_graphs.py                  # everything
    python benchmarks/bench_graphs.py --no-tensorboard

Logdirs are written once into benchmarks/.cache/graphs/ (git-ignored):

- ``resnet``: torch's ``add_graph`` of a ResNet-style CNN of 16 bottleneck blocks
  (tests/graph_models.py: 630 nodes, 1,578 edges);
- ``synthetic``: a deep transformer-like scope tree of 19,928 nodes named as torch names
  scopes, written by tensorboardX's event writer as an ``Event.graph_def``.

Each figure is the median of 3 fresh pages (a new notebook page each, the board's cells
run, then the tab clicked), on the page's clock: from the click to the tab's drawing
done (its ``data-draws`` counter stepping). Goals:

(a) ResNet: tab click to first drawn <= 0.5 s; "expand all" <= 2 s;
(b) synthetic: tab click to first view <= 1.5 s (the graph is too large to be pushed:
    this includes asking the kernel and receiving it); expanding one box <= 300 ms
    (the slowest of the boxes opened on the way down to one attention head);
(c) kernel memory of an unopened graph: what a board holds after reading the
    synthetic logdir (4 copies of the graph) and making its snapshot, by tracemalloc;
(d) TensorBoard: its page loaded (at #timeseries), from choosing its Graphs dashboard
    to its first nodes drawn.
"""

from __future__ import annotations

import argparse
import gc
import shutil
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser, Page, sync_playwright

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
CACHE = HERE / ".cache" / "graphs"
sys.path.insert(0, str(REPO))

sys.path.insert(0, str(HERE))
from bench_board import TensorBoard  # noqa: E402

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Notebook  # noqa: E402

# the tab's n-th drawing done, with nodes in it (not the message that it waits for them)
DRAWS_JS = """
([root, n]) => { const g = root.querySelector('.tbnb-graph');
  return g && Number(g.dataset.draws || 0) >= n && !!g.querySelector('g.tbnb-gnode')
    && performance.now(); }
"""
CLICK_JS = """el => { const t = performance.now();
  el.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true, view: window}));
  return t; }"""


def write_logdirs() -> tuple[Path, Path]:
    import torch
    from tensorboardX import SummaryWriter as XWriter
    from tensorboardX.proto.event_pb2 import Event
    from torch.utils.tensorboard import SummaryWriter

    from tests.graph_models import ResNet, transformer_graph_def

    resnet, synthetic = CACHE / "resnet", CACHE / "synthetic"
    if not resnet.is_dir():
        w = SummaryWriter(str(resnet / "resnet"))
        w.add_graph(ResNet(blocks=16), torch.zeros(2, 3, 16, 16))
        w.close()
    if not synthetic.is_dir():
        data = transformer_graph_def(layers=48).SerializeToString()
        for r in range(4):
            xw = XWriter(str(synthetic / f"model{r}"))
            xw._get_file_writer().add_event(Event(wall_time=time.time(), graph_def=data))
            xw.close()
    return resnet, synthetic


def open_board(browser: Browser, jupyter: JupyterServer, logdir: Path) -> tuple[Page, Any]:
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    name = jupyter.write_notebook(
        f"bench_graphs_{time.time_ns()}.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {logdir} --reload_interval 0"],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    root = nb.output(1).locator(".tbnb-root").first
    root.locator(".tbnb-tab[data-tab=graphs]").wait_for(timeout=60_000)
    root.scroll_into_view_if_needed()
    return page, root


def timed_click(page: Page, root: Any, target: Any, draws: int) -> float:
    """Seconds from clicking ``target`` to the tab's ``draws``-th drawing done."""
    t0 = page.evaluate(CLICK_JS, target.element_handle())
    handle = root.element_handle()
    t1 = page.wait_for_function(DRAWS_JS, arg=[handle, draws], polling="raf", timeout=120_000)
    return float(t1.json_value() - t0) / 1000


def draws(root: Any) -> int:
    return int(root.locator(".tbnb-graph").get_attribute("data-draws") or 0)


def bench_resnet(browser: Browser, jupyter: JupyterServer, logdir: Path) -> dict[str, Any]:
    page, root = open_board(browser, jupyter, logdir)
    try:
        first = timed_click(page, root, root.locator(".tbnb-tab[data-tab=graphs]"), 1)
        items = root.locator("g.tbnb-gnode").count()
        expand = root.locator('button[aria-label="expand all"]')
        all_s = timed_click(page, root, expand, draws(root) + 1)
        expanded = root.locator("g.tbnb-gnode").count()
        return {"first": first, "expand_all": all_s, "items": items, "expanded": expanded}
    finally:
        page.close()


def bench_synthetic(browser: Browser, jupyter: JupyterServer, logdir: Path) -> dict[str, Any]:
    page, root = open_board(browser, jupyter, logdir)
    try:
        first = timed_click(page, root, root.locator(".tbnb-tab[data-tab=graphs]"), 1)
        steps: list[tuple[str, float]] = []
        path = [
            "Transformer",
            "Transformer/Encoder[encoder]",
            "Transformer/Encoder[encoder]/ModuleList[layers]",
        ]
        for name in path:
            node = root.locator(f'g.tbnb-gnode[data-name="{name}"]')
            steps.append((name, timed_click(page, root, node, draws(root) + 1)))
        series = root.locator('g.tbnb-gnode[data-kind="series"]').first
        name = series.get_attribute("data-name") or "series"
        steps.append((name, timed_click(page, root, series, draws(root) + 1)))
        layer = "Transformer/Encoder[encoder]/ModuleList[layers]/Layer[0]"
        for name in (layer, f"{layer}/Attention[attn]"):
            node = root.locator(f'g.tbnb-gnode[data-name="{name}"]')
            steps.append((name, timed_click(page, root, node, draws(root) + 1)))
        return {"first": first, "expand": steps, "items": root.locator("g.tbnb-gnode").count()}
    finally:
        page.close()


def kernel_memory(logdir: Path) -> dict[str, int]:
    from tbnb.board.engine import BoardEngine
    from tbnb.events import Logdir

    ld = Logdir(logdir)
    ld.reload()
    run = ld.runs()[0]
    gc.collect()
    tracemalloc.start()
    graph = ld.graph(run)
    loaded, _ = tracemalloc.get_traced_memory()
    del graph
    tracemalloc.stop()
    gc.collect()
    tracemalloc.start()
    engine = BoardEngine(logdir, live=False)
    engine.read(message=False)
    engine.snapshot()
    gc.collect()
    held, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    size = sum(p.stat().st_size for p in logdir.rglob("*tfevents*"))
    return {"held": held, "one_graph_loaded": loaded, "files": size, "graphs": len(ld.runs())}


def bench_tensorboard(browser: Browser, logdir: Path) -> float:
    """Seconds from choosing TensorBoard's Graphs dashboard to its first nodes drawn."""
    tb = TensorBoard(logdir)
    try:
        import urllib.request

        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:  # it loads the logdir in the background
            if urllib.request.urlopen(tb.url + "data/runs").read() != b"[]":
                break
            time.sleep(0.5)
        time.sleep(2)
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        # its page loaded on another dashboard, then the Graphs tab chosen, as in tbnb
        page.goto(tb.url + "#timeseries")
        page.wait_for_load_state("networkidle")
        t0 = time.perf_counter()
        page.evaluate("location.hash = '#graphs'")
        page.locator("g.node").first.wait_for(state="attached", timeout=120_000)
        seconds = time.perf_counter() - t0
        page.close()
        return seconds
    finally:
        tb.stop()


def fmt(s: float) -> str:
    return f"{s * 1000:.0f} ms" if s < 1 else f"{s:.2f} s"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-tensorboard", action="store_true")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--rewrite", action="store_true", help="write the logdirs again")
    args = ap.parse_args()
    if args.rewrite:
        shutil.rmtree(CACHE, ignore_errors=True)
    resnet, synthetic = write_logdirs()

    mem = kernel_memory(synthetic)
    print(
        f"(c) kernel memory after reading {mem['graphs']} unopened graphs "
        f"({mem['files'] / 1e6:.1f} MB of event files) and making the snapshot: "
        f"{mem['held'] / 1e3:.0f} KB held (one graph read into memory: "
        f"{mem['one_graph_loaded'] / 1e6:.1f} MB) - goal: near zero",
        flush=True,
    )
    jupyter = JupyterServer.start(Path(tempfile.mkdtemp(prefix="bench-graphs-")))
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            bench_resnet(browser, jupyter, resnet)  # warm-up
            runs = [bench_resnet(browser, jupyter, resnet) for _ in range(args.repeat)]
            first = statistics.median(r["first"] for r in runs)
            expand = statistics.median(r["expand_all"] for r in runs)
            print(
                f"(a) ResNet ({runs[0]['items']} items at first, {runs[0]['expanded']} "
                f"expanded): tab click to drawn {fmt(first)} (goal <= 0.5 s), expand all "
                f"{fmt(expand)} (goal <= 2 s); runs: "
                + ", ".join(f"{fmt(r['first'])}/{fmt(r['expand_all'])}" for r in runs),
                flush=True,
            )
            syn = [bench_synthetic(browser, jupyter, synthetic) for _ in range(args.repeat)]
            sfirst = statistics.median(r["first"] for r in syn)
            worst = [max(s for _, s in r["expand"]) for r in syn]
            print(
                f"(b) synthetic 19,928 nodes: first view {fmt(sfirst)} (goal <= 1.5 s); "
                f"slowest box expanded {fmt(statistics.median(worst))} (goal <= 300 ms); "
                "boxes: "
                + ", ".join(f"{n.rsplit('/', 1)[-1]} {fmt(s)}" for n, s in syn[0]["expand"]),
                flush=True,
            )
            if not args.no_tensorboard:
                tb = [bench_tensorboard(browser, resnet) for _ in range(args.repeat)]
                tbs = [bench_tensorboard(browser, synthetic) for _ in range(args.repeat)]
                t_r, t_s = statistics.median(tb), statistics.median(tbs)
                print(
                    f"(d) TensorBoard, Graphs dashboard chosen to first nodes drawn: ResNet "
                    f"{fmt(t_r)} ({t_r / first:.1f}x tbnb's tab click), synthetic "
                    f"{fmt(t_s)} ({t_s / sfirst:.1f}x tbnb)",
                    flush=True,
                )
            browser.close()
    finally:
        jupyter.stop()


if __name__ == "__main__":
    main()
