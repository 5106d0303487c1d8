"""The board's data path: first state in the snapshot, then deltas as binary buffers."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tbnb
from tbnb.board.protocol import decode
from tests.board.conftest import Recorder, write_scalars


def _series(message: dict[str, Any], buffers: list[Any], run: str, tag: str) -> dict[str, Any]:
    (delta,) = [d for d in message["scalars"] if d["run"] == run and d["tag"] == tag]
    return {k: decode(delta[k], buffers) for k in ("step", "wall_time", "value")} | {
        "start": delta["start"],
        "total": delta["total"],
    }


def test_snapshot_carries_what_was_written(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    write_scalars(tmp_path, "exp1", "Loss/train", range(100), lambda s: 1.0 / (s + 1))
    write_scalars(tmp_path, "exp2", "Loss/train", range(50), lambda s: 2.0 * s)
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    snap = board.get_state()["data_snapshot"]
    message = snap["message"]
    assert message["full"] is True
    assert message["runs"] == ["exp1", "exp2"]
    s1 = _series(message, snap["buffers"], "exp1", "Loss/train")
    np.testing.assert_array_equal(s1["step"], np.arange(100))
    np.testing.assert_allclose(s1["value"], 1.0 / (np.arange(100) + 1), rtol=1e-6)
    s2 = _series(message, snap["buffers"], "exp2", "Loss/train")
    np.testing.assert_allclose(s2["value"], 2.0 * np.arange(50))
    assert board.status["state"] == "stopped"
    assert board.status["points"] == 150
    assert board.status["runs"] == 2


def test_delta_bytes_grow_with_new_points_not_history(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    write_scalars(tmp_path, "run", "acc", range(20_000), lambda s: np.sin(s / 100))
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    rec = Recorder(board)
    history = sum(b.nbytes for b in board.get_state()["data_snapshot"]["buffers"])
    write_scalars(tmp_path, "run", "acc", range(20_000, 20_010), lambda s: 5.0)
    board.refresh()
    (message, buffers) = rec.messages[-1]
    delta = _series(message, buffers, "run", "acc")
    assert delta["total"] == 20_010
    assert delta["start"] > 0  # only the tail is resent
    assert 5.0 in delta["value"]  # the new extreme is shown
    assert rec.nbytes() < 1_000
    assert rec.nbytes() < history / 20
    assert message["seq"] == board.get_state()["data_snapshot"]["message"]["seq"]


def test_purge_resends_from_the_purged_step(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    write_scalars(tmp_path, "run", "loss", range(100), lambda s: 1.0)
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    rec = Recorder(board)
    # a restarted job writes steps 50.. again: TensorBoard drops the old 50..99
    write_scalars(tmp_path, "run", "loss", range(50, 60), lambda s: 2.0)
    board.refresh()
    message, buffers = rec.messages[-1]
    delta = _series(message, buffers, "run", "loss")
    assert delta["start"] == 50
    assert delta["total"] == 60
    np.testing.assert_array_equal(delta["step"], np.arange(50, 60))
    snap = board.get_state()["data_snapshot"]
    whole = _series(snap["message"], snap["buffers"], "run", "loss")
    np.testing.assert_array_equal(whole["step"], np.arange(60))


def test_resync_request_gets_a_full_update(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    write_scalars(tmp_path, "run", "loss", range(10))
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    rec = Recorder(board)
    board._on_browser_message(board, {"type": "resync"}, [])
    message, buffers = rec.messages[-1]
    assert message["full"] is True
    assert len(_series(message, buffers, "run", "loss")["step"]) == 10


def test_missing_logdir_waits_then_shows_runs(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    logdir = tmp_path / "later"
    board = tbnb.Board(logdir, reload_interval=0)
    boards.append(board)
    assert board.status["state"] == "waiting"
    assert board.status["message"] == f"waiting for event files in {logdir}"
    rec = Recorder(board)
    write_scalars(logdir, "exp", "x", range(3))
    board.refresh()
    assert board.status["runs"] == 1
    assert rec.messages[-1][0]["runs"] == ["exp"]


def test_poller_reads_while_a_writer_writes(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    board = tbnb.Board(tmp_path, reload_interval=0.05)
    boards.append(board)
    assert board.live
    write_scalars(tmp_path, "exp", "x", range(25))
    deadline = time.monotonic() + 10
    while board.status.get("points") != 25 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert board.status["points"] == 25
    assert board.status["state"] == "live"


def test_close_stops_the_thread(tmp_path: Path) -> None:
    board = tbnb.Board(tmp_path, reload_interval=0.05)
    name = f"tbnb-poller-{board.model_id}"
    assert name in [t.name for t in threading.enumerate()]
    board.close()
    assert name not in [t.name for t in threading.enumerate()]
    assert not board.live


def test_logdir_spec_prefixes_runs(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    write_scalars(tmp_path / "a", "exp", "loss", range(5))
    write_scalars(tmp_path / "b", ".", "loss", range(7))
    board = tbnb.Board(logdir_spec=f"lr1:{tmp_path / 'a'},lr2:{tmp_path / 'b'}", reload_interval=0)
    boards.append(board)
    message = board.get_state()["data_snapshot"]["message"]
    assert message["runs"] == ["lr1/exp", "lr2"]
    assert {d["run"]: d["total"] for d in message["scalars"]} == {"lr1/exp": 5, "lr2": 7}


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"smoothing": 1.0}, "smoothing"),
        ({"reload_interval": -1}, "reload_interval"),
        ({"tags": "("}, "not a valid regular expression"),
        ({"height": -5}, "height"),
    ],
)
def test_bad_options_are_clear_errors(tmp_path: Path, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ValueError, match=match):
        tbnb.Board(tmp_path, **kwargs)


def test_unreadable_url_is_an_error_state(boards: list[tbnb.Board]) -> None:
    board = tbnb.Board("nosuchproto://bucket/runs", reload_interval=0)
    boards.append(board)
    assert board.status["state"] == "error"
    assert "nosuchproto://bucket/runs" in board.status["message"]


def test_many_series_share_a_point_budget() -> None:
    from tbnb.board.feeds import FeedChange
    from tbnb.board.feeds.scalars import MIN_BUCKETS, ScalarFeed
    from tbnb.board.protocol import Buffers
    from tbnb.events import ScalarSeries

    steps = np.arange(10_000)
    series = ScalarSeries(steps, steps.astype(float), np.sin(steps / 10.0))
    few, few_buffers = ScalarFeed(), Buffers()
    few.deltas([FeedChange("r", "t", series, 0)], few_buffers)
    many, many_buffers = ScalarFeed(budget=64 * 100), Buffers()
    many.deltas([FeedChange(f"r{i}", "t", series, 0) for i in range(100)], many_buffers)
    per_series_few = few_buffers.nbytes
    per_series_many = many_buffers.nbytes / 100
    assert per_series_many <= 3 * 8 * 2 * MIN_BUCKETS
    assert per_series_few > 4 * per_series_many


def test_browser_closing_the_widget_stops_the_thread(tmp_path: Path) -> None:
    board = tbnb.Board(tmp_path, reload_interval=0.05)
    assert board.live
    board.comm.handle_close({"content": {"data": {}}})  # as a comm_close from the browser
    assert not board.live
    assert not [t for t in threading.enumerate() if t.name.startswith("tbnb-poller")]


def test_the_board_answers_and_closes_while_a_read_is_slow(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A long read (a huge file, a slow store) holds no lock the browser's requests or
    close() need: a resync is answered and the board closes while the read goes on."""
    write_scalars(tmp_path, "exp", "loss", range(10))
    board = tbnb.Board(tmp_path, reload_interval=0)
    rec = Recorder(board)
    release, entered = threading.Event(), threading.Event()
    real = tbnb.Logdir.reload

    def slow(self: tbnb.Logdir, budget: float | None = None) -> Any:
        entered.set()
        assert release.wait(120), "the test never released the read"
        return real(self, budget)

    monkeypatch.setattr(tbnb.Logdir, "reload", slow)
    reader = threading.Thread(target=board.refresh, daemon=True)
    reader.start()
    try:
        assert entered.wait(60)
        answered = threading.Thread(
            target=board._on_browser_message, args=(board, {"type": "resync"}, [])
        )
        answered.start()
        answered.join(60)
        assert not answered.is_alive(), "a resync waited for the read"
        assert [m["full"] for m, _ in rec.messages if m.get("type") == "update"] == [True]
        closer = threading.Thread(target=board.close)
        closer.start()
        closer.join(60)
        assert not closer.is_alive(), "close() waited for the read"
    finally:
        release.set()
        reader.join(60)
    assert not reader.is_alive()


@pytest.mark.parametrize("interval", [0, 3600])
def test_a_large_first_read_opens_with_part_and_sends_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boards: list[tbnb.Board], interval: float
) -> None:
    from tbnb.board import widget

    for r in range(13):
        write_scalars(tmp_path, f"run{r:02d}", "loss", range(50))
    # budgets already spent: each read takes one group of runs (twice the workers), and
    # the last group with it when it is at most half as large (Logdir's FINISH_SHARE)
    monkeypatch.setattr(widget, "FIRST_READ_BUDGET", 0.0)
    monkeypatch.setattr(widget, "READ_BUDGET", 0.0)
    monkeypatch.setattr(tbnb.Logdir, "__init__", _two_workers(tbnb.Logdir.__init__))
    gate = threading.Event()
    calls: list[float | None] = []
    real = tbnb.Logdir.reload

    def gated(self: tbnb.Logdir, budget: float | None = None) -> Any:
        calls.append(budget)
        if len(calls) > 1:  # the reads after the board opened wait for the test
            assert gate.wait(60), "the test never opened the gate"
        return real(self, budget)

    monkeypatch.setattr(tbnb.Logdir, "reload", gated)
    board = tbnb.Board(tmp_path, reload_interval=interval)
    boards.append(board)
    # opened with what the first read took, saying how far it got
    assert board.status["runs"] == 13 and board.status["unread_runs"] == 9
    assert board.status["points"] == 4 * 50
    # the scalars' budget is shared with the nine runs to come
    assert board.engine.scalars.growth == 13 / 4
    rec = Recorder(board)
    gate.set()
    # the rest is read at once on the board's thread (not after the reload interval)
    deadline = time.monotonic() + 60
    while board.status["unread_runs"] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert board.status["unread_runs"] == 0 and board.status["points"] == 13 * 50
    updates = [(c, b) for c, b in rec.messages if c.get("type") == "update"]
    # the nine other runs came in parts (a group of four, then the last five), each part
    # as a delta
    parts = [sorted(d["run"] for d in c.get("scalars", [])) for c, _ in updates]
    want = [[f"run{r:02d}" for r in range(4, 8)], [f"run{r:02d}" for r in range(8, 13)]]
    assert [p for p in parts if p] == want
    assert all(not c["full"] for c, _ in updates)
    for c, b in updates:
        for d in c.get("scalars", []):
            assert _series(c, b, d["run"], "loss")["step"].tolist() == list(range(50))
    assert calls[:3] == [0.0, 0.0, 0.0]


def _two_workers(init: Any) -> Any:
    def patched(self: tbnb.Logdir, *args: Any, **kwargs: Any) -> None:
        kwargs["workers"] = 2
        init(self, *args, **kwargs)

    return patched


@pytest.mark.parametrize("shown_by", ["painted", "display"])
def test_the_rest_of_a_large_first_read_waits_for_the_board_to_be_shown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, boards: list[tbnb.Board], shown_by: str
) -> None:
    """The reads after a partial first read wait until the board's display message is
    sent, or the page says it drew (a PaintedMessage: a board shown inside another
    widget), not for a fixed grace: here the grace is an hour."""
    from tbnb.board import widget

    for r in range(6):
        write_scalars(tmp_path, f"run{r}", "loss", range(50))
    monkeypatch.setattr(widget, "FIRST_READ_BUDGET", 0.0)
    monkeypatch.setattr(widget, "FIRST_PAINT_GRACE", 3600.0)
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    assert board.status["unread_runs"] > 0
    finisher = board._finisher
    assert finisher is not None and finisher.is_alive()
    finisher.join(0.2)
    assert finisher.is_alive() and board.status["unread_runs"] > 0  # still waiting
    if shown_by == "painted":
        board._on_browser_message(board, {"type": "painted"}, [])
    else:
        shown: list[Any] = []
        monkeypatch.setattr("IPython.display.display", lambda *a, **k: shown.append(a))
        board._ipython_display_()
        assert shown and "application/vnd.jupyter.widget-view+json" in shown[0][0]
    finisher.join(60)
    assert not finisher.is_alive()
    assert board.status["unread_runs"] == 0 and board.status["points"] == 6 * 50
