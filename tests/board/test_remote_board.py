"""A board on an S3 logdir (moto's server on 127.0.0.1): credentials and endpoint from
the environment, as boto reads them, and the board live while the logdir grows."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tensorboardX import SummaryWriter

import tbnb
from tbnb.board.protocol import decode
from tests.board.conftest import Recorder


def _events(tmp: Path, steps: range) -> bytes:
    """The bytes tensorboardX writes for ``steps`` of one scalar."""
    w = SummaryWriter(str(tmp), filename_suffix=f".{steps.start}")
    for s in steps:
        w.add_scalar("loss", 1.0 / (s + 1), s)
    w.close()
    (f,) = [p for p in tmp.iterdir() if p.name.endswith(f".{steps.start}")]
    return f.read_bytes()


def test_s3_board_live_while_the_logdir_grows(
    s3: dict[str, Any],
    tmp_path: Path,
    boards: list[tbnb.Board],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import boto3
    import s3fs

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3["endpoint_url"])
    boto3.client("s3", endpoint_url=s3["endpoint_url"]).create_bucket(Bucket="board-logs")
    fs = s3fs.S3FileSystem(**s3)
    key = "board-logs/runs/exp/events.out.tfevents.1"
    first = _events(tmp_path / "a", range(50))
    fs.pipe(key, first)
    board = tbnb.Board("s3://board-logs/runs", reload_interval=0.2)
    boards.append(board)
    assert board.status["state"] == "live" and board.status["points"] == 50
    rec = Recorder(board)
    # the object grows: the records a writer appends (here: another writer's file,
    # whose version header in the middle is harmless)
    fs.pipe(key, first + _events(tmp_path / "b", range(50, 60)))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and board.status["points"] < 60:
        time.sleep(0.1)
    assert board.status["points"] == 60
    deltas = [d for m, _ in rec.messages if m.get("type") == "update" for d in m["scalars"]]
    assert deltas and deltas[-1]["start"] == 50
    message, bufs = next(
        (m, b) for m, b in rec.messages if m.get("type") == "update" and m["scalars"]
    )
    np.testing.assert_array_equal(decode(message["scalars"][0]["step"], bufs), np.arange(50, 60))


def test_missing_backend_names_the_extra(boards: list[tbnb.Board]) -> None:
    board = tbnb.Board("hdfs://namenode/runs", reload_interval=0)  # pyarrow is not a dependency
    boards.append(board)
    assert board.status["state"] == "error"
    assert 'pip install "tbnb[remote]"' in board.status["message"]
