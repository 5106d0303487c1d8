"""Endurance (issue 18): one live board while 20 writer processes write for 10 minutes.

    python benchmarks/soak.py                     # 10 minutes, 20 writers
    python benchmarks/soak.py --minutes 1 --writers 4

JupyterLab in headless Chromium shows `%tbnb` live on a fresh logdir while ``--writers``
processes (even ones torch.utils.tensorboard, odd ones tensorboardX) each write 4 scalar
tags every 0.1 s, a histogram every second and an image every 2 s, flushing every
second, for ``--minutes``. Each writer then closes and writes down what it wrote. Every
``--sample`` seconds the kernel's RSS and what it holds, and the page's JS heap (after
a forced GC, through CDP), are sampled. At the end, once the browser holds what was
written (waited for by condition), each figure is printed beside its goal:

- counts: per run and tag, the scalar points, histogram and image steps the kernel's
  engine holds and what the browser's store holds (its `total`, the last step it has)
  equal what the writer wrote;
- kernel memory: RSS growth per byte of data held (numpy columns and histogram
  buckets) while writing, and its slope once the writers stopped;
- browser heap: its slope over the last half of the writing (the browser's data is
  bounded: the scalar point budget, 500 histograms a series) and once the writers stopped;
- threads (Python and native) and descriptors of the kernel: none more after the soak
  than before the writers started, and back to before the board once it is closed;
- a tag filter redraw at the end (page clock, input event to the chart drawn);
- 50 boards made and closed in the kernel: threads, descriptors and RSS back.

Then PASS/FAIL per goal; the exit status is 1 if any failed. The load average is printed
beside every figure: the figures are only as good as the machine's idleness.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser.drawn import RAW_RUNS  # noqa: E402
from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS, JupyterServer, Notebook  # noqa: E402

TAGS = 4  # scalar tags per writer
PERIOD = 0.1  # seconds between steps
HIST_EVERY = 10  # steps
IMAGE_EVERY = 20
FLUSH_EVERY = 10

# goals
FILTER_MS = 200.0
HEAP_SLOPE_MB_MIN = 0.5  # browser heap, once its data is bounded / no longer grows
RSS_PER_HELD = 3.0  # kernel RSS growth per byte of data held
RSS_SLACK_MB = 64.0  # ... plus this (buffers, arenas, the first reads)
RSS_IDLE_SLOPE_MB_MIN = 1.0  # kernel RSS once the writers stopped
BOARDS = 50
BOARDS_RSS_MB = 16.0  # RSS after 50 boards made and closed, over before


def load() -> str:
    return "load {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


# ---- the writers (run as `soak.py --writer I`) ---------------------------------------
def writer_main(index: int, logdir: Path, seconds: float, out: Path) -> None:
    if index % 2 == 0:
        from torch.utils.tensorboard import SummaryWriter  # flush() is synchronous
    else:  # flush() is asynchronous, one record behind; close() writes everything
        from tensorboardX import SummaryWriter  # type: ignore[assignment]
    run = f"w{index:02d}"
    writer = SummaryWriter(str(logdir / run))
    rng = np.random.default_rng(index)
    written: dict[str, dict[str, list[int]]] = {"scalars": {}, "histograms": {}, "images": {}}

    def note(kind: str, tag: str, step: int) -> None:
        count_last = written[kind].setdefault(tag, [0, -1])
        count_last[0] += 1
        count_last[1] = step

    start = time.monotonic()
    step = 0
    while time.monotonic() - start < seconds:
        for t in range(TAGS):
            writer.add_scalar(f"soak/s{t}", float(np.sin(step / 50 + t) + rng.normal()), step)
            note("scalars", f"soak/s{t}", step)
        if step % HIST_EVERY == 0:
            writer.add_histogram("soak/weights", rng.normal(step / 1000, 1, 1000), step)
            note("histograms", "soak/weights", step)
        if step % IMAGE_EVERY == 0:
            img = rng.integers(0, 255, size=(16, 16, 3), dtype=np.uint8)
            writer.add_image("soak/sample", img, step, dataformats="HWC")
            note("images", "soak/sample", step)
        if step % FLUSH_EVERY == 0:
            writer.flush()
        step += 1
        time.sleep(max(0.0, start + step * PERIOD - time.monotonic()))
    writer.close()
    tmp = out.with_suffix(".tmp")
    tmp.write_text(json.dumps({"run": run, **written}))
    tmp.replace(out)


# ---- the kernel's side (cells of the notebook) ---------------------------------------
SETUP = r"""
%load_ext tbnb
import gc, json, os, threading, time
from tbnb.events.memory import release_free_memory
_soak_n = 0

def _soak_counts(ld):
    out = {"scalars": {}, "histograms": {}, "images": {}}
    for run in ld.runs():
        tags = ld.tags(run)
        for tag in tags.get("scalars", []):
            s = ld.scalars(run, tag)
            last = int(s.step[-1]) if len(s.step) else -1
            out["scalars"][run + "\t" + tag] = [len(s.step), last]
        for kind, get in (("histograms", ld.histograms), ("images", ld.images)):
            for tag in tags.get(kind, []):
                pts = get(run, tag)
                out[kind][run + "\t" + tag] = [len(pts), pts[-1].step if pts else -1]
    return out

def _soak_held(ld):
    # bytes of data the reader holds: scalar columns and histogram buckets
    held = 0
    for run in ld.runs():
        tags = ld.tags(run)
        for tag in tags.get("scalars", []):
            s = ld.scalars(run, tag)
            held += s.step.nbytes + s.wall_time.nbytes + s.value.nbytes
        for tag in tags.get("histograms", []):
            held += sum(p.buckets.nbytes for p in ld.histograms(run, tag))
    return held

def _soak_read(path):
    try:
        return open(path).read().strip()
    except OSError:
        return "gone"

def _soak_link(path):
    try:
        return os.readlink(path).split("[")[0]  # socket:[123] -> socket:
    except OSError:
        return None  # closed between the listing and now: not open

print("SOAK_PID", os.getpid())

def _soak_probe(full=False, trim=False):
    global _soak_n
    _soak_n += 1
    if trim:
        gc.collect(); release_free_memory()
    out = {"n": _soak_n}
    out["rss"] = int(open("/proc/self/statm").read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    out["threads"] = sorted(t.name for t in threading.enumerate())
    tasks = os.listdir("/proc/self/task")
    out["os_threads"] = sorted(_soak_read(f"/proc/self/task/{t}/comm") for t in tasks)
    # (IPython's history database opens its journal for a moment now and then)
    fds = [_soak_link(f"/proc/self/fd/{f}") for f in os.listdir("/proc/self/fd")]
    out["fds"] = sorted(f for f in fds if f and not f.endswith("history.sqlite-journal"))
    b = globals().get("board")
    if b is not None:
        with b.engine.read_lock:  # no read of the poller's meanwhile
            ld = b.engine.logdirs[0].logdir
            out["held"] = _soak_held(ld)
            st = b.status
            for key in ("points", "histograms", "images"):
                out[key] = st[key]
            if full:
                out["counts"] = _soak_counts(ld)
    print("SOAK " + json.dumps(out))
"""
PROBE = "_soak_probe()"
PROBE_TRIM = "_soak_probe(trim=True)"
PROBE_FULL = "_soak_probe(full=True, trim=True)"
BOARD = "board = %tbnb --logdir {logdir} --reload_interval 1"
CLOSE = "board.close(); del board; _soak_probe(trim=True)"
MANY_BOARDS = r"""
import tbnb
_soak_base = len(os.listdir("/proc/self/task")), len(os.listdir("/proc/self/fd"))
def _soak_settled():  # watchfiles' native thread ends a moment after its watcher
    gc.collect()
    _t0 = time.monotonic()
    while time.monotonic() - _t0 < 60 and (
        len(os.listdir("/proc/self/task")) > _soak_base[0]
        or len(os.listdir("/proc/self/fd")) > _soak_base[1]
    ):
        time.sleep(0.05)
for _i in range({boards} + 3):
    if _i == 3:  # after a warm-up
        _soak_settled()
        _soak_probe(trim=True)
    _b = tbnb.Board({logdir!r}, reload_interval=0.2)
    _t0 = time.monotonic()
    while _b._poller is not None and _b._poller.ticks < 2 and time.monotonic() - _t0 < 60:
        time.sleep(0.01)
    _b.close()
del _b
_soak_settled()
_soak_probe(trim=True)
"""

# what the browser's store holds (js/src/board.ts puts it on the board's root element)
STORE_JS = """
(root, full) => {
  const s = root.tbnbStore;
  if (!s) return null;
  const out = {bytes: 0, totals: {}, scalars: {}, histograms: {}, images: {}};
  for (const kind of ['scalars', 'histograms', 'images']) {
    let total = 0;
    for (const ser of s.kinds[kind].series.values()) {
      for (const v of Object.values(ser)) if (ArrayBuffer.isView(v)) out.bytes += v.byteLength;
      total += ser.total;
      if (full) out[kind][ser.run + '\t' + ser.tag] =
        [ser.total, ser.n ? ser.step[ser.n - 1] : -1, ser.n];
    }
    out.totals[kind] = total;
  }
  return out;
}
"""

FILTER_CHECK_JS = """
([tag, n]) => { const c = document.querySelector(`.tbnb-chart[data-tag='${tag}'] .js-plotly-plot`);
  return c && c.data && RAW_RUNS(c) >= n && performance.now(); }
""".replace("RAW_RUNS", RAW_RUNS)


class Soak:
    def __init__(self, page: Page, nb: Notebook) -> None:
        self.page = page
        self.nb = nb
        self.cdp = page.context.new_cdp_session(page)
        self.calls = 0

    def run(self, index: int, timeout: float = 600.0) -> dict[str, Any]:
        """Runs a cell that ends with `_soak_probe(...)`; its JSON line."""
        self.calls += 1
        self.nb.run_cell(index, wait=False)
        out = self.nb.output(index)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for line in out.inner_text().splitlines():
                if line.startswith("SOAK "):
                    got: dict[str, Any] = json.loads(line[5:])
                    if got["n"] == self.calls:
                        return got
            if "Traceback" in out.inner_text() or "Error" in out.inner_text():
                raise RuntimeError(f"cell {index} failed:\n{out.inner_text()[-3000:]}")
            time.sleep(0.1)
        raise TimeoutError(f"cell {index} gave no answer in {timeout:.0f}s")

    def heap(self) -> float:
        """The page's JS heap in use after a full GC, in bytes."""
        self.cdp.send("HeapProfiler.collectGarbage")
        return float(self.cdp.send("Runtime.getHeapUsage")["usedSize"])

    def store(self, full: bool = False) -> dict[str, Any] | None:
        root = self.nb.output(BOARD_CELL).locator(".tbnb-root").first
        return root.evaluate(STORE_JS, full)  # type: ignore[no-any-return]


SETUP_CELL, PROBE_CELL, PROBE_TRIM_CELL, PROBE_FULL_CELL, BOARD_CELL, CLOSE_CELL = range(6)
MANY_CELL = 6


def slope_mb_min(samples: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, bytes) samples, in MB per minute."""
    if len(samples) < 2:
        return float("nan")
    t, v = np.array(samples).T
    return float(np.polyfit(t, v, 1)[0] * 60 / 1e6)


class Verdicts:
    def __init__(self) -> None:
        self.rows: list[tuple[str, bool]] = []

    def check(self, name: str, ok: bool, figure: str, goal: str) -> None:
        self.rows.append((name, ok))
        verdict = "PASS" if ok else "FAIL"
        print(f"{name}: {figure} (goal: {goal}) [{verdict}] [{load()}]", flush=True)


def compare(what: str, want: dict[str, list[int]], got: dict[str, list[int]]) -> tuple[bool, str]:
    """want/got: key -> [count, last step, ...]; the first differences, if any."""
    bad = [
        f"{k}: wrote {w[:2]}, {what} {got.get(k, [None, None])[:2]}"
        for k, w in sorted(want.items())
        if got.get(k, [None, None])[:2] != w[:2]
    ]
    extra = sorted(set(got) - set(want))
    return not bad and not extra, "; ".join(bad[:3] + [f"unexpected {e}" for e in extra[:3]])


RESOURCES = ("threads", "os_threads", "fds")


def differences(now: dict[str, Any], then: dict[str, Any]) -> str:
    """What differs in the kernel's threads and descriptors between two probes."""
    out = []
    for key, what in zip(RESOURCES, ("Python threads", "threads", "fds"), strict=True):
        more = Counter(now[key]) - Counter(then[key])
        fewer = Counter(then[key]) - Counter(now[key])
        if more or fewer:
            out.append(f"{what} +{dict(more)} -{dict(fewer)}")
    return "; ".join(out)


def leaked(now: dict[str, Any], then: dict[str, Any]) -> bool:
    """Whether the kernel holds a thread or descriptor now that it did not then (one
    fewer is not a leak: IPython closes one of its profile's descriptors now and then)."""
    return any(Counter(now[key]) - Counter(then[key]) for key in RESOURCES)


def resources(p: dict[str, Any]) -> str:
    return (
        f"{len(p['threads'])} Python threads, {len(p['os_threads'])} in all, "
        f"{len(p['fds'])} descriptors"
    )


class KernelProcess:
    """The kernel's RSS, read from outside (running no cell: the page stays idle)."""

    def __init__(self, pid: int) -> None:
        self.statm = Path(f"/proc/{pid}/statm")

    def rss(self) -> float:
        return float(int(self.statm.read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE"))


def soak(args: argparse.Namespace, tmp: Path) -> bool:
    verdicts = Verdicts()
    logdir = tmp / "logs"
    logdir.mkdir()
    manifests = tmp / "written"
    manifests.mkdir()
    small = tmp / "small"
    from tensorboardX import SummaryWriter

    for run in ("a", "b"):  # the boards section's logdir
        w = SummaryWriter(str(small / run))
        for step in range(500):
            w.add_scalar("loss", float(step), step)
        w.close()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=CHROMIUM, args=[*CHROMIUM_ARGS, "--enable-precise-memory-info"]
        )
        jupyter = JupyterServer.start(tmp / "jupyter")
        writers: list[subprocess.Popen[bytes]] = []
        try:
            name = jupyter.write_notebook(
                "soak.ipynb",
                [
                    SETUP,
                    PROBE,
                    PROBE_TRIM,
                    PROBE_FULL,
                    BOARD.format(logdir=logdir),
                    CLOSE,
                    MANY_BOARDS.format(boards=args.boards, logdir=str(small)),
                ],
            )
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            nb = Notebook(page, jupyter, name).open()
            s = Soak(page, nb)
            nb.run_cell(SETUP_CELL, timeout=120_000)
            pid = int(nb.output(SETUP_CELL).inner_text().split("SOAK_PID")[1].split()[0])
            kp = KernelProcess(pid)
            no_board = s.run(PROBE_TRIM_CELL)
            nb.run_cell(BOARD_CELL, timeout=120_000)
            nb.output(BOARD_CELL).locator(".tbnb-root").first.wait_for(timeout=60_000)
            # the board's file watcher (a native thread) starts after its first read
            deadline = time.monotonic() + 60
            before = s.run(PROBE_TRIM_CELL)
            while not any("notify" in t for t in before["os_threads"]):
                if time.monotonic() > deadline:
                    print("(no file watcher thread seen: the board polls)")
                    break
                time.sleep(0.5)
                before = s.run(PROBE_TRIM_CELL)
            heap0 = s.heap()
            print(
                f"before: kernel RSS {before['rss'] / 1e6:.1f} MB, {resources(before)}; "
                f"page heap {heap0 / 1e6:.1f} MB [{load()}]",
                flush=True,
            )

            seconds = args.minutes * 60
            t0 = time.monotonic()
            for i in range(args.writers):
                writers.append(
                    subprocess.Popen(
                        [
                            sys.executable,
                            __file__,
                            "--writer",
                            str(i),
                            "--logdir",
                            str(logdir),
                            "--seconds",
                            str(seconds),
                            "--out",
                            str(manifests / f"w{i:02d}.json"),
                        ]
                    )
                )
            # sampled from outside: no cell runs, so the page does nothing but the board
            heap: list[tuple[float, float, float]] = []  # (t, heap, store bytes)
            rss: list[tuple[float, float]] = []
            while any(w.poll() is None for w in writers):
                t = time.monotonic() - t0
                rss.append((t, kp.rss()))
                st = s.store() or {"bytes": 0, "totals": {}}
                heap.append((t, s.heap(), st["bytes"]))
                print(
                    f"  {t:6.0f} s: kernel RSS {rss[-1][1] / 1e6:7.1f} MB; page heap "
                    f"{heap[-1][1] / 1e6:6.1f} MB, store {st['bytes'] / 1e6:5.1f} MB, "
                    f"browser totals {st['totals']} [{load()}]",
                    flush=True,
                )
                time.sleep(max(0.0, t0 + len(rss) * args.sample - time.monotonic()))
            failed = [i for i, w in enumerate(writers) if w.returncode != 0]
            if failed:
                raise RuntimeError(f"writers {failed} failed")
            wrote: dict[str, dict[str, list[int]]] = {
                "scalars": {},
                "histograms": {},
                "images": {},
            }
            for m in sorted(manifests.glob("*.json")):
                data = json.loads(m.read_text())
                for kind, series in wrote.items():
                    for tag, count_last in data[kind].items():
                        series[data["run"] + "\t" + tag] = count_last
            n_points = sum(c for c, _ in wrote["scalars"].values())
            print(
                f"written in {args.minutes:g} min by {args.writers} writers: {n_points:,} "
                f"scalar points, {sum(c for c, _ in wrote['histograms'].values()):,} "
                f"histograms, {sum(c for c, _ in wrote['images'].values()):,} images "
                f"[{load()}]",
                flush=True,
            )

            # the board catches up: the browser's totals reach what was written
            t_end = time.monotonic()
            want_totals = {k: sum(c for c, _ in v.values()) for k, v in wrote.items()}
            while (st := s.store() or {"totals": {}})["totals"] != want_totals:
                if time.monotonic() - t_end > args.catch_up:
                    break
                time.sleep(0.2)
            print(
                f"browser caught up {time.monotonic() - t_end:.1f} s after the last writer "
                f"closed: {st['totals']} of {want_totals} [{load()}]",
                flush=True,
            )

            # quiet: nothing new is written; the kernel and the page sampled from outside
            quiet_from = time.monotonic() - t0
            quiet_until = time.monotonic() + args.quiet
            idle_rss: list[tuple[float, float]] = []
            idle_heap: list[tuple[float, float]] = []
            while time.monotonic() < quiet_until:
                t = time.monotonic() - t0
                idle_rss.append((t, kp.rss()))
                idle_heap.append((t, s.heap()))
                time.sleep(max(0.0, min(args.sample / 4, quiet_until - time.monotonic())))

            kernel = s.run(PROBE_FULL_CELL)
            browser_store = s.store(full=True) or {}
            for kind in ("scalars", "histograms", "images"):
                ok, diff = compare("kernel", wrote[kind], kernel["counts"][kind])
                verdicts.check(
                    f"kernel {kind} per run/tag",
                    ok,
                    f"{len(kernel['counts'][kind])} series, {diff or 'all equal'}",
                    f"{len(wrote[kind])} series as written (count, last step)",
                )
                ok, diff = compare("browser", wrote[kind], browser_store.get(kind, {}))
                verdicts.check(
                    f"browser {kind} per run/tag",
                    ok,
                    f"{len(browser_store.get(kind, {}))} series, {diff or 'all equal'}",
                    f"{len(wrote[kind])} series as written (total, last step)",
                )
            grown = kernel["rss"] - before["rss"]
            held = kernel["held"] - before.get("held", 0)
            limit = RSS_PER_HELD * held + RSS_SLACK_MB * 1e6
            verdicts.check(
                "kernel RSS growth while writing",
                grown <= limit,
                f"{grown / 1e6:.1f} MB for {held / 1e6:.1f} MB of data held "
                f"({grown / max(held, 1):.2f} per byte held, "
                f"{grown / max(n_points, 1):.0f} B per scalar point written; "
                f"RSS {before['rss'] / 1e6:.1f} -> {kernel['rss'] / 1e6:.1f} MB, "
                f"after gc and malloc_trim)",
                f"<= {RSS_PER_HELD:g} x held + {RSS_SLACK_MB:g} MB = {limit / 1e6:.1f} MB",
            )
            idle_slope = slope_mb_min(idle_rss)
            verdicts.check(
                "kernel RSS once the writers stopped",
                idle_slope <= RSS_IDLE_SLOPE_MB_MIN,
                f"slope {idle_slope:+.2f} MB/min over {args.quiet:.0f} s "
                f"({len(idle_rss)} samples from {quiet_from:.0f} s)",
                f"<= {RSS_IDLE_SLOPE_MB_MIN:g} MB/min",
            )
            # the writers start writing once torch or tensorboardX is imported: the last
            # half is counted back from the end of the writing
            half = heap[-1][0] - seconds / 2
            late = [(t, h) for t, h, _ in heap if t >= half]
            late_slope = slope_mb_min(late)
            store_slope = slope_mb_min([(t, b) for t, _, b in heap if t >= half])
            verdicts.check(
                "page heap, last half of the writing",
                late_slope <= HEAP_SLOPE_MB_MIN,
                f"slope {late_slope:+.2f} MB/min ({len(late)} samples; the store's arrays "
                f"{store_slope:+.2f} MB/min; heap {heap0 / 1e6:.1f} MB before, "
                f"{heap[-1][1] / 1e6:.1f} MB at the end of the writing)",
                f"<= {HEAP_SLOPE_MB_MIN:g} MB/min",
            )
            idle_heap_slope = slope_mb_min(idle_heap)
            verdicts.check(
                "page heap once the writers stopped",
                idle_heap_slope <= HEAP_SLOPE_MB_MIN,
                f"slope {idle_heap_slope:+.2f} MB/min over {args.quiet:.0f} s "
                f"({len(idle_heap)} samples, {idle_heap[-1][1] / 1e6:.1f} MB at the end)",
                f"<= {HEAP_SLOPE_MB_MIN:g} MB/min",
            )

            after = s.run(PROBE_TRIM_CELL)
            diff = differences(after, before)
            verdicts.check(
                "kernel threads and descriptors, after vs before the writers",
                not leaked(after, before),
                f"{resources(after)} after, {resources(before)} before"
                + (f" ({diff})" if diff else ""),
                "none more",
            )

            # a tag filter at the end: input event to the chart drawn with every run
            root = nb.output(BOARD_CELL).locator(".tbnb-root").first
            root.scroll_into_view_if_needed()
            tag = f"soak/s{TAGS - 1}"
            started = root.locator(".tbnb-tag-filter").evaluate(
                "(el, v) => { const t = performance.now(); el.value = v;"
                " el.dispatchEvent(new Event('input', {bubbles: true})); return t; }",
                f"s{TAGS - 1}$",
            )
            done = page.wait_for_function(
                FILTER_CHECK_JS, arg=[tag, args.writers], polling="raf", timeout=30_000
            ).json_value()
            ms = done - started
            verdicts.check(
                "tag filter redraw at the end", ms <= FILTER_MS, f"{ms:.0f} ms", f"<= {FILTER_MS:g}"
            )

            # the board closed: what it had is given back
            closed = s.run(CLOSE_CELL)
            deadline = time.monotonic() + 60
            while any("notify" in t for t in closed["os_threads"]):
                if time.monotonic() > deadline:
                    break
                time.sleep(0.2)
                closed = s.run(PROBE_TRIM_CELL)
            diff = differences(closed, no_board)
            print(
                f"board closed: {resources(closed)}, RSS {closed['rss'] / 1e6:.1f} MB; before "
                f"the board: {resources(no_board)}, RSS {no_board['rss'] / 1e6:.1f} MB"
                + (f" (one-time or leaked: {diff})" if diff else "")
                + f" [{load()}]",
                flush=True,
            )
            diff = differences(closed, before)
            verdicts.check(
                "kernel threads and descriptors once the board is closed",
                not any(Counter(closed[k]) - Counter(before[k]) for k in RESOURCES),
                f"{resources(closed)}; with the board live {resources(before)} ({diff})",
                "none more than with the board live, its poller and watcher gone",
            )

            # boards made and closed in the kernel
            if args.boards:
                s.calls += 1  # the cell probes twice: after a warm-up, and at its end
                b_after = s.run(MANY_CELL, timeout=1200)
                b_before = next(
                    json.loads(line[5:])
                    for line in nb.output(MANY_CELL).inner_text().splitlines()
                    if line.startswith("SOAK ") and json.loads(line[5:])["n"] == s.calls - 1
                )
                diff = differences(b_after, b_before)
                verdicts.check(
                    f"{args.boards} boards made and closed: threads and descriptors",
                    not diff,
                    f"{resources(b_after)} after, {resources(b_before)} before"
                    + (f" ({diff})" if diff else ""),
                    "the same",
                )
                d_rss = (b_after["rss"] - b_before["rss"]) / 1e6
                verdicts.check(
                    f"{args.boards} boards made and closed: RSS",
                    d_rss <= BOARDS_RSS_MB,
                    f"{d_rss:+.1f} MB ({b_before['rss'] / 1e6:.1f} -> "
                    f"{b_after['rss'] / 1e6:.1f} MB, after gc and malloc_trim)",
                    f"<= +{BOARDS_RSS_MB:g} MB",
                )
            page.close()
        finally:
            for w in writers:
                if w.poll() is None:
                    w.kill()
            jupyter.stop()
            browser.close()
    print(f"\nsummary ({args.minutes:g} min, {args.writers} writers) [{load()}]:")
    for name, ok in verdicts.rows:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    return all(ok for _, ok in verdicts.rows)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--writers", type=int, default=20)
    ap.add_argument("--sample", type=float, default=20.0, help="seconds between samples")
    ap.add_argument("--quiet", type=float, default=60.0, help="seconds sampled after writing")
    ap.add_argument("--catch-up", type=float, default=120.0, help="seconds the board may take")
    ap.add_argument("--boards", type=int, default=BOARDS, help="boards made and closed (0: none)")
    ap.add_argument("--writer", type=int, help=argparse.SUPPRESS)
    ap.add_argument("--logdir", type=Path, help=argparse.SUPPRESS)
    ap.add_argument("--seconds", type=float, help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.writer is not None:
        writer_main(args.writer, args.logdir, args.seconds, args.out)
        return
    print(f"soak: {args.minutes:g} min, {args.writers} writers [{load()}]", flush=True)
    with tempfile.TemporaryDirectory(prefix="tbnb-soak-") as tmp:
        ok = soak(args, Path(tmp))
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
