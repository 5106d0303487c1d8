"""Reading on the operating system's word (issue 18): a board whose logdir is a local
directory reads as soon as a file in it changes, not at its next interval; where it
cannot be told (watchfiles missing, a remote logdir) it polls at its interval as before;
a change announced while a read runs waits at least as long as that read took."""

from __future__ import annotations

import sys
import threading
import time
from pathlib import Path
from typing import Any

import pytest

import tbnb
from tbnb.board.poller import MIN_GAP, Poller
from tests.board.conftest import Recorder

torch = pytest.importorskip("torch")
# torch's writer: its flush() has the record on disk when it returns (tensorboardX's
# writes from a thread of its own, a record behind)
from torch.utils.tensorboard import SummaryWriter  # noqa: E402

HOUR = 3600.0


def wait_for(rec: Recorder, pred: Any, timeout: float = 60.0) -> dict[str, Any]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for msg, _ in list(rec.messages):
            if pred(msg):
                return msg
        time.sleep(0.02)
    raise AssertionError(f"no such message in {[m.get('type') for m, _ in rec.messages]}")


def has_tag(tag: str) -> Any:
    return lambda m: m.get("type") == "update" and any(d["tag"] == tag for d in m["scalars"])


def test_a_flush_is_read_without_waiting_for_the_interval(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    w = SummaryWriter(str(tmp_path / "run"))
    w.add_scalar("first", 1.0, 0)
    w.flush()
    # an hour between polls: only the file event can bring the next point in this test
    board = tbnb.Board(tmp_path, reload_interval=HOUR)
    boards.append(board)
    rec = Recorder(board)
    poller = board._poller
    assert poller is not None
    deadline = time.monotonic() + 60
    while poller.events.mode != "events" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert poller.events.mode == "events", poller.events.reason
    w.add_scalar("second", 2.0, 1)
    w.flush()
    wait_for(rec, has_tag("second"))
    # a run made after the board started is watched too
    w2 = SummaryWriter(str(tmp_path / "later" / "run"))
    w2.add_scalar("third", 3.0, 0)
    w2.flush()
    wait_for(rec, has_tag("third"))
    w.close()
    w2.close()


def test_a_logdir_made_after_the_board_is_watched_once_it_exists(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    logdir = tmp_path / "not-yet"
    board = tbnb.Board(logdir, reload_interval=0.2)  # polls until the directory exists
    boards.append(board)
    rec = Recorder(board)
    w = SummaryWriter(str(logdir / "run"))
    w.add_scalar("first", 1.0, 0)
    w.flush()
    wait_for(rec, has_tag("first"))
    poller = board._poller
    assert poller is not None
    deadline = time.monotonic() + 60
    while poller.events.mode != "events" and time.monotonic() < deadline:
        time.sleep(0.02)
    assert poller.events.mode == "events", poller.events.reason
    w.close()


def test_without_watchfiles_the_board_polls(
    tmp_path: Path, boards: list[tbnb.Board], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "watchfiles", None)  # import fails
    w = SummaryWriter(str(tmp_path / "run"))
    w.add_scalar("first", 1.0, 0)
    w.flush()
    board = tbnb.Board(tmp_path, reload_interval=0.2)
    boards.append(board)
    rec = Recorder(board)
    w.add_scalar("second", 2.0, 1)
    w.flush()
    wait_for(rec, has_tag("second"))
    poller = board._poller
    assert poller is not None
    assert poller.events.mode == "polling"
    assert "watchfiles is not installed" in poller.events.reason
    w.close()


def test_a_remote_logdir_is_polled(boards: list[tbnb.Board]) -> None:
    pytest.importorskip("fsspec")
    board = tbnb.Board("memory://tbnb-file-events/runs", reload_interval=0.2)
    boards.append(board)
    assert board.engine.local_dirs() == []
    poller = board._poller
    assert poller is not None
    deadline = time.monotonic() + 5
    while poller.ticks < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert poller.ticks >= 2 and poller.events.mode == "polling"


def test_reads_woken_by_changes_are_spaced_by_their_cost(tmp_path: Path) -> None:
    """Changes announced without pause (many writers flushing): the poller reads at most
    every MIN_GAP seconds, and never sooner after a read than that read took."""
    starts: list[float] = []
    ends: list[float] = []

    def tick() -> None:
        starts.append(time.monotonic())
        time.sleep(0.08 if len(starts) % 2 else 0.0)  # a slow read, then a quick one
        ends.append(time.monotonic())

    poller = Poller(tick, HOUR, "tbnb-poller-test")
    poller.events.wait = lambda timeout: True  # type: ignore[method-assign]
    poller.start()
    deadline = time.monotonic() + 60
    while len(starts) < 8 and time.monotonic() < deadline:
        time.sleep(0.01)
    poller.stop()
    assert len(starts) >= 8
    for i in range(1, 8):
        cost = ends[i - 1] - starts[i - 1]
        assert starts[i] - ends[i - 1] >= max(MIN_GAP, cost) - 0.005, (i, cost)
    assert not poller.alive and threading.active_count() >= 1
