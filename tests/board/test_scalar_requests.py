"""Every point of a downsampled series, for a card's download: ScalarRequest answered
from the kernel's full series, and embedded for the export's offline page."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import tbnb
from tbnb.board.feeds.scalars import ScalarFeed, compact_steps, compact_values
from tbnb.board.protocol import SCALAR_REQUEST, decode
from tests.board.conftest import write_scalars


def test_request_answers_every_point(tmp_path: Path) -> None:
    write_scalars(tmp_path, "a", "loss", range(5000), lambda s: s * 0.5)
    board = tbnb.Board(tmp_path, reload_interval=0)
    try:
        message, _ = board.engine.snapshot()
        held = message["scalars"][0]
        assert held["total"] == 5000 and held["value"]["shape"][0] < 5000  # downsampled
        reply = board.engine.answer(
            {
                "type": SCALAR_REQUEST,
                "items": [{"run": "a", "tag": "loss"}, {"run": "b", "tag": "x"}, 3],
            }
        )
        assert reply is not None
        content, bufs = reply
        assert content["type"] == "scalar_data"
        full, missing = content["items"]  # type: ignore[misc]
        assert missing["error"] and missing["value"] is None
        # compact: steps as int32, values as the float32 the writer wrote
        assert (full["step"]["dtype"], full["value"]["dtype"]) == ("int32", "float32")
        assert full["wall_time"]["dtype"] == "float64"
        np.testing.assert_array_equal(decode(full["step"], bufs), np.arange(5000))
        np.testing.assert_array_equal(decode(full["value"], bufs), np.arange(5000) * 0.5)
        walls = board.engine.scalar_series("loss")[("a", "loss")].wall_time
        np.testing.assert_array_equal(decode(full["wall_time"], bufs), walls)
        assert board.engine.answer({"type": SCALAR_REQUEST, "items": "junk"}) is not None
    finally:
        board.close()


def test_offline_holds_the_downsampled_series_within_budget(tmp_path: Path) -> None:
    write_scalars(tmp_path, "a", "long", range(3000))
    write_scalars(tmp_path, "a", "short", range(10))
    board = tbnb.Board(tmp_path, reload_interval=0)
    try:
        feed = board.engine.feeds[next(k for k in board.engine.feeds if k.value == "scalars")]
        assert isinstance(feed, ScalarFeed)
        answers = feed.offline(1 << 30)
        key = json.dumps({"run": "a", "tag": "long"}, separators=(",", ":"))
        assert list(answers.replies) == [key]  # "short" is held whole already
        ref = answers.replies[key]["value"]
        assert len(answers.blobs[ref["buffer"]]) == 3000 * 4  # float32, as written
        assert feed.offline(1000).replies == {}
    finally:
        board.close()


def test_compact_arrays_lose_nothing() -> None:
    steps = np.array([0, 5, 2**31 - 1], dtype=np.int64)
    assert compact_steps(steps).dtype == np.int32
    big = np.array([0, 2**40], dtype=np.int64)
    assert compact_steps(big).dtype == np.float64
    np.testing.assert_array_equal(compact_steps(big), big)
    as32 = np.array([0.1, np.nan, np.inf, -np.inf, 3.0], dtype=np.float32).astype(np.float64)
    got = compact_values(as32)
    assert got.dtype == np.float32
    np.testing.assert_array_equal(got.astype(np.float64), as32)
    exact64 = np.array([0.1, 1e300, np.nan])  # written as float64: kept so
    assert compact_values(exact64).dtype == np.float64
    assert compact_values(np.array([1e39])).dtype == np.float64  # beyond float32


def test_runs_still_to_read_share_the_budget_with_those_read() -> None:
    """A large logdir's first read leaves runs for later (BoardEngine sets `growth`):
    the series read first are downsampled as if every run were there, not given the
    whole budget while the later ones get a sliver."""
    from tbnb.board.feeds.base import FeedChange
    from tbnb.board.protocol import Buffers
    from tbnb.events.store import ScalarSeries

    n = 20_000
    steps = np.arange(n, dtype=np.int64)
    series = ScalarSeries(steps, steps * 0.5, np.sin(steps * 0.01))

    def held(feed: ScalarFeed, parts: list[list[str]], runs: int) -> dict[str, int]:
        read = 0
        out: dict[str, int] = {}
        for part in parts:
            read += len(part)
            feed.growth = runs / read
            deltas = feed.deltas([FeedChange(r, "loss", series, 0) for r in part], Buffers())
            for d in deltas["scalars"]:
                out[d["run"]] = d["step"]["shape"][0]
        return out

    names = [f"run{r:02d}" for r in range(40)]
    budget = 40 * 100  # 100 buckets a series when all 40 are held
    whole = held(ScalarFeed(budget=budget), [names], 40)
    parts = held(ScalarFeed(budget=budget), [names[:4], names[4:12], names[12:]], 40)
    assert len(set(whole.values())) == 1
    # every run as many points as when all were read at once (the first four too)
    assert parts == whole, (parts, whole)
