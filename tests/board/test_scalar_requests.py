"""Every point of a downsampled series, for a card's download: ScalarRequest answered
from the kernel's full series, and embedded for the export's offline page."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import tbnb
from tbnb.board.feeds.scalars import ScalarFeed
from tbnb.board.protocol import SCALAR_REQUEST
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
        step = np.frombuffer(bufs[full["step"]["buffer"]], "<f8")
        value = np.frombuffer(bufs[full["value"]["buffer"]], "<f8")
        np.testing.assert_array_equal(step, np.arange(5000))
        np.testing.assert_array_equal(value, np.arange(5000) * 0.5)
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
        assert len(answers.blobs[ref["buffer"]]) == 3000 * 8
        assert feed.offline(1000).replies == {}
    finally:
        board.close()
