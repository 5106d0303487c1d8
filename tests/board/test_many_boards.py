"""50 boards made and closed in one process (issue 18): nothing of them stays.

Each board runs its poller (a Python thread) and, on a local logdir, a watchfiles
watcher (a native thread with an inotify descriptor and an epoll/eventfd pair) while it
lives. Once closed, the threads end, the descriptors close, the board and its engine are
collected, no widget of it stays registered, and the memory traced is back to where it
was but for a small allowance (a leak of 1 KB per board fails).
"""

from __future__ import annotations

import gc
import sys
import threading
import time
import tracemalloc
import weakref
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from ipywidgets.widgets import widget as ipywidget
from tensorboardX import SummaryWriter

import tbnb

PROC = Path("/proc/self")
BOARDS = 50
WARM_UP = 10
# bytes the 50 boards may leave traced in all (interpreter caches settling); a board
# that keeps 1 KB is over it
ALLOWANCE = BOARDS * 1024 // 2

pytestmark = pytest.mark.skipif(not (PROC / "fd").is_dir(), reason="counts /proc/self")


def os_threads() -> int:
    """Every thread of the process, native ones (watchfiles' watcher) included."""
    return sum(1 for _ in (PROC / "task").iterdir())


def pollers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("tbnb-poller")]


def open_fds() -> int:
    return sum(1 for _ in (PROC / "fd").iterdir())


def settle() -> None:
    """Frees what is garbage, and the names CPython's type lookup cache holds."""
    gc.collect()
    sys._clear_type_cache()


def wait_until(what: str, ok: Callable[[], bool], timeout: float = 60.0) -> None:
    """Polls `ok` (a generous timeout, a safety net: not a speed goal)."""
    deadline = time.monotonic() + timeout
    while not ok():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:.0f}s")
        time.sleep(0.02)


def write_logdir(logdir: Path) -> None:
    rng = np.random.default_rng(0)
    for run in ("a", "b"):
        writer = SummaryWriter(str(logdir / run))
        for step in range(300):
            writer.add_scalar("loss", float(step), step)
            if step % 50 == 0:
                writer.add_histogram("weights", rng.normal(size=100), step)
        writer.close()


def board_lives_and_closes(logdir: Path) -> tuple[weakref.ref[tbnb.Board], weakref.ref[object]]:
    board = tbnb.Board(logdir, reload_interval=0.05)
    board.get_state()  # what a browser asks for when it shows the board
    poller = board._poller
    assert poller is not None
    # two reads: the second waited on the file watcher, which the first wait started
    wait_until("the poller read twice", lambda: poller.ticks >= 2)
    refs = weakref.ref(board), weakref.ref(board.engine)
    board.close()
    return refs


def test_fifty_boards_leave_nothing_behind(tmp_path: Path) -> None:
    write_logdir(tmp_path)
    tracemalloc.start()
    try:
        # imports, interpreter caches, watchfiles' first load: before the baseline
        for _ in range(WARM_UP):
            board_lives_and_closes(tmp_path)
        settle()
        wait_until("the warm-up boards' pollers ended", lambda: not pollers())
        threads, native, fds = threading.active_count(), os_threads(), open_fds()
        widgets = len(ipywidget._instances)
        traced = tracemalloc.take_snapshot()

        refs = [board_lives_and_closes(tmp_path) for _ in range(BOARDS)]

        gc.collect()
        assert [r for pair in refs for r in pair if r() is not None] == [], "boards kept alive"
        # watchfiles' native thread ends a moment after its watcher is dropped
        wait_until(
            f"back to {threads} Python threads, {native} threads and {fds} descriptors",
            lambda: (threading.active_count(), os_threads(), open_fds()) == (threads, native, fds),
        )
        assert len(ipywidget._instances) == widgets, "widgets of closed boards still open"
        del refs
        settle()
        after = tracemalloc.take_snapshot()
    finally:
        tracemalloc.stop()
    grown = sum(d.size_diff for d in after.compare_to(traced, "filename"))
    top = after.compare_to(traced, "lineno")[:5]
    assert grown < ALLOWANCE, f"{grown} bytes kept by {BOARDS} closed boards: {top}"
