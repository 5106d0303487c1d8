"""Histograms, images and text on the board's data path: what the snapshot and the
deltas carry, written by real writers."""

from __future__ import annotations

import itertools
import struct
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tensorboardX import SummaryWriter

import tbnb
from tbnb.board.feeds.histograms import MAX_HISTOGRAMS, sample_indices
from tbnb.board.feeds.images import sniff_mime
from tbnb.board.protocol import decode
from tbnb.compute.histograms import percentiles
from tests.board.conftest import Recorder

_FILES = itertools.count()


def writer(logdir: Path, run: str) -> SummaryWriter:
    return SummaryWriter(str(logdir / run), filename_suffix=f".m{next(_FILES)}")


def one(items: list[dict[str, Any]], run: str, tag: str) -> dict[str, Any]:
    (found,) = [d for d in items if d["run"] == run and d["tag"] == tag]
    return found


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    return w, h


def test_sample_indices_keep_newest_and_prefix() -> None:
    assert sample_indices(10, 500).tolist() == list(range(10))
    a = sample_indices(1234, 500)
    assert len(a) <= 500 and a[0] == 0 and a[-1] == 1233
    assert len(sample_indices(1000, 500)) == 500  # as many as may be held
    b = sample_indices(1300, 500)
    # same stride: the sample of the longer series extends the shorter one's
    assert b[: len(a) - 1].tolist() == a[:-1].tolist()


def test_histograms_rebinned_with_bands(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    rng = np.random.default_rng(0)
    w = writer(tmp_path, "exp")
    data = {s: rng.normal(s / 10, 1.0, 1000) for s in range(20)}
    for s, x in data.items():
        w.add_histogram("weights/fc1", x, s)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    snap = board.get_state()["data_snapshot"]
    h = one(snap["message"]["histograms"], "exp", "weights/fc1")
    bufs = snap["buffers"]
    edges = decode(h["edges"], bufs)
    counts = decode(h["counts"], bufs)
    bands = decode(h["bands"], bufs)
    assert h["start"] == 0 and h["total"] == 20
    assert decode(h["step"], bufs).tolist() == list(range(20))
    assert counts.shape == (20, 30) and len(edges) == 31
    assert edges[0] == pytest.approx(min(x.min() for x in data.values()))
    assert edges[-1] == pytest.approx(max(x.max() for x in data.values()))
    np.testing.assert_allclose(counts.sum(axis=1), 1000)
    ld = tbnb.Logdir(tmp_path)
    ld.reload()
    for i, p in enumerate(ld.histograms("exp", "weights/fc1")):
        np.testing.assert_allclose(bands[i], percentiles(p.buckets))
        assert bands[i][0] == pytest.approx(data[i].min())
        assert bands[i][-1] == pytest.approx(data[i].max())
        assert abs(bands[i][4] - np.median(data[i])) < 0.3
    assert board.status["histograms"] == 20


def test_histogram_deltas_send_only_new_steps(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    rng = np.random.default_rng(1)
    w = writer(tmp_path, "exp")
    for s in range(50):
        w.add_histogram("h", rng.uniform(-1, 1, 500), s)
    w.close()  # tensorboardX's flush() can leave the last record half written
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    rec = Recorder(board)
    w = writer(tmp_path, "exp")
    for s in range(50, 53):
        w.add_histogram("h", rng.uniform(-0.99, 0.99, 500), s)
    w.close()
    board.refresh()
    message, bufs = rec.messages[-1]
    h = one(message["histograms"], "exp", "h")
    assert h["start"] == 50 and h["total"] == 53  # the grid still fits: no resend
    assert decode(h["step"], bufs).tolist() == [50, 51, 52]
    assert decode(h["counts"], bufs).shape == (3, 30)


def test_many_histograms_are_sampled(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    w = writer(tmp_path, "exp")
    for s in range(1200):
        w.add_histogram("h", np.arange(10.0) + s % 7, s)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    snap = board.get_state()["data_snapshot"]
    h = one(snap["message"]["histograms"], "exp", "h")
    steps = decode(h["step"], snap["buffers"])
    assert len(steps) <= MAX_HISTOGRAMS and steps[0] == 0 and steps[-1] == 1199
    assert h["total"] == 1200


def test_images_index_and_newest_bytes(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    w = writer(tmp_path, "exp")
    for s in range(5):
        img = np.full((3, 8 + s, 16), s / 5, dtype=np.float32)  # CHW, height grows
        w.add_image("samples/grid", img, s)
    w.add_images("batch", np.random.default_rng(0).random((4, 3, 10, 12)), 0)
    w.add_image("gray", np.linspace(0, 1, 6 * 7).reshape(6, 7), 0, dataformats="HW")
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    snap = board.get_state()["data_snapshot"]
    msg, bufs = snap["message"], snap["buffers"]
    idx = one(msg["images"], "exp", "samples/grid")
    assert decode(idx["height"], bufs).tolist() == [8, 9, 10, 11, 12]
    assert decode(idx["width"], bufs).tolist() == [16] * 5
    newest = one(msg["image_data"], "exp", "samples/grid")
    assert newest["index"] == 4 and newest["step"] == 4 and newest["mime"] == "image/png"
    assert png_size(bytes(decode(newest["data"], bufs))) == (16, 12)
    grid = one(msg["image_data"], "exp", "batch")  # add_images: one grid image
    assert png_size(bytes(decode(grid["data"], bufs))) == tuple(
        int(decode(one(msg["images"], "exp", "batch")[k], bufs)[0]) for k in ("width", "height")
    )
    gray = one(msg["image_data"], "exp", "gray")
    assert png_size(bytes(decode(gray["data"], bufs))) == (7, 6)
    assert board.status["images"] == 7


def test_image_request_reads_bytes_on_demand(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    w = writer(tmp_path, "exp")
    for s in range(3):
        w.add_image("img", np.full((3, 4, 4 + s), 0.5), s)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    rec = Recorder(board)
    items = [
        {"run": "exp", "tag": "img", "index": 0},
        {"run": "exp", "tag": "img", "index": 9},
        {"run": "nope", "tag": "img", "index": 0},
        {"run": "exp", "tag": "img", "index": "x"},
        "garbage",
    ]
    board._on_browser_message(board, {"type": "image", "items": items}, [])
    message, bufs = rec.messages[-1]
    assert message["type"] == "image_data"
    first, missing, other = message["items"]
    assert first["error"] == "" and first["step"] == 0
    assert png_size(bytes(decode(first["data"], bufs))) == (4, 4)
    assert missing["data"] is None and "no longer" in missing["error"] and missing["step"] == -1
    assert other["data"] is None
    board._on_browser_message(board, {"type": "image", "items": "nonsense"}, [])
    assert rec.messages[-1][0]["items"] == []


def test_new_image_pushes_its_bytes(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    w = writer(tmp_path, "exp")
    w.add_image("img", np.zeros((3, 4, 4)), 0)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    rec = Recorder(board)
    w = writer(tmp_path, "exp")
    w.add_image("img", np.ones((3, 5, 6)), 1)
    w.close()
    board.refresh()
    message, bufs = rec.messages[-1]
    delta = one(message["images"], "exp", "img")
    assert delta["start"] == 1 and decode(delta["step"], bufs).tolist() == [1]
    (data,) = message["image_data"]
    assert data["index"] == 1 and png_size(bytes(decode(data["data"], bufs))) == (6, 5)


def test_every_image_new_in_a_live_read_is_pushed_within_a_budget(
    tmp_path: Path, boards: list[tbnb.Board], monkeypatch: pytest.MonkeyPatch
) -> None:
    # while a training cell runs the kernel cannot answer image requests: what a read
    # found is pushed with it, newest first, until the byte budget is spent
    w = writer(tmp_path, "exp")
    w.add_image("img", np.zeros((3, 4, 4)), 0)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    rec = Recorder(board)
    noise = np.random.default_rng(0)
    w = writer(tmp_path, "exp")
    for s in range(1, 4):
        w.add_image("img", noise.random((3, 16, 16)), s)
    w.close()
    board.refresh()
    message, bufs = rec.messages[-1]
    assert [d["index"] for d in message["image_data"]] == [3, 2, 1]
    assert [d["step"] for d in message["image_data"]] == [3, 2, 1]
    one_image = len(bytes(decode(message["image_data"][0]["data"], bufs)))
    monkeypatch.setattr("tbnb.board.feeds.images.LIVE_IMAGE_BYTES", int(2.5 * one_image))
    w = writer(tmp_path, "exp")
    for s in range(4, 8):
        w.add_image("img", noise.random((3, 16, 16)), s)
    w.close()
    board.refresh()
    message, _ = rec.messages[-1]
    # the newest, then older ones while the images pushed fit in the budget
    assert [d["index"] for d in message["image_data"]] == [7, 6]


def test_texts(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    w = writer(tmp_path, "exp")
    w.add_text("notes", "| a | b |\n|---|---|\n| 1 | 2 |", 0)
    w.add_text("notes", "<script>alert(1)</script>", 1)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    snap = board.get_state()["data_snapshot"]
    t = one(snap["message"]["texts"], "exp", "notes/text_summary")  # as TensorBoard names it
    assert decode(t["step"], snap["buffers"]).tolist() == [0, 1]
    assert [e["text"] for e in t["texts"]] == [
        "| a | b |\n|---|---|\n| 1 | 2 |",
        "<script>alert(1)</script>",
    ]
    assert t["texts"][0]["shape"] == [] and board.status["texts"] == 2


def test_sniff_mime() -> None:
    assert sniff_mime(b"\xff\xd8\xff\xe0rest") == "image/jpeg"
    assert sniff_mime(b"GIF89a...") == "image/gif"
    assert sniff_mime(b"RIFF\0\0\0\0WEBPVP8 ") == "image/webp"
    assert sniff_mime(b"hello") == ""


def test_text_tables(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    from tensorboard.compat.proto import event_pb2
    from tensorboardX.record_writer import RecordWriter

    def text_event(step: int, cells: list[str], shape: list[int]) -> bytes:
        ev = event_pb2.Event(wall_time=1.0e9 + step, step=step)
        v = ev.summary.value.add(tag="t")
        v.metadata.plugin_data.plugin_name = "text"
        v.tensor.dtype = 7  # DT_STRING
        for d in shape:
            v.tensor.tensor_shape.dim.add(size=d)
        v.tensor.string_val.extend(c.encode() for c in cells)
        return ev.SerializeToString()

    (tmp_path / "run").mkdir()
    rw = RecordWriter(str(tmp_path / "run" / "events.out.tfevents.1"))
    rw.write(text_event(0, ["a", "b", "c", "d"], [2, 2]))
    rw.write(text_event(1, ["x"], [1]))
    rw.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    t = one(board.get_state()["data_snapshot"]["message"]["texts"], "run", "t")
    table, single = t["texts"]
    assert table == {"text": "a\nb\nc\nd", "shape": [2, 2], "cells": ["a", "b", "c", "d"]}
    assert single == {"text": "x", "shape": [], "cells": []}


def test_all_images_of_the_newest_step_are_pushed(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    from tensorboard.compat.proto import event_pb2
    from tensorboardX.record_writer import RecordWriter

    from tbnb.compute.sprite import encode_png, to_rgba

    def tf2_images(step: int, count: int) -> bytes:
        """A TF2 image summary: a string tensor [width, height, png, png, ...]."""
        ev = event_pb2.Event(wall_time=1.0e9 + step, step=step)
        v = ev.summary.value.add(tag="samples")
        v.metadata.plugin_data.plugin_name = "images"
        v.tensor.dtype = 7
        v.tensor.tensor_shape.dim.add(size=2 + count)
        pngs = [encode_png(to_rgba(np.full((1, 3, 4 + i), 0.5))[0]) for i in range(count)]
        v.tensor.string_val.extend([b"4", b"3", *pngs])
        return ev.SerializeToString()

    (tmp_path / "run").mkdir()
    rw = RecordWriter(str(tmp_path / "run" / "events.out.tfevents.1"))
    rw.write(tf2_images(0, 2))
    rw.write(tf2_images(1, 3))
    rw.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    message = board.get_state()["data_snapshot"]["message"]
    assert [d["index"] for d in message["image_data"]] == [2, 3, 4]
    assert {d["step"] for d in message["image_data"]} == {1}
