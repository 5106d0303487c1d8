"""The mesh feed: what the browser gets of the meshes a logdir holds.

Meshes written by torch's and tensorboardX's ``add_mesh`` are listed per (run, mesh
name) with their counts; the newest step of a small mesh is pushed with its listing,
a large one (or another step) is sent when asked for, and a mesh that cannot be drawn
arrives with the sentence that says why.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from tbnb.board.engine import BoardEngine
from tbnb.board.feeds.meshes import PUSH_ELEMENTS
from tbnb.board.protocol import MESH_DATA, MESH_REQUEST, decode
from tbnb.board.settings import ViewSettings
from tbnb.board.static import render
from tbnb.events.kinds import Kind

torch = pytest.importorskip("torch")
tbx = pytest.importorskip("tensorboardX")

from tests.events.evhelpers import frame  # noqa: E402

VERTS = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]], np.float32)
FACES = np.array([[[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]]], np.int32)
COLORS = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]]], np.uint8)


def sphere(n: int) -> np.ndarray:
    rng = np.random.default_rng(0)
    v = rng.normal(size=(1, n, 3)).astype(np.float32)
    return v / np.linalg.norm(v, axis=2, keepdims=True)


def by_key(items: list[Any]) -> dict[tuple[str, str], Any]:
    return {(d["run"], d["tag"]): d for d in items}


def test_meshes_listed_and_small_ones_pushed(tmp_path: Path) -> None:
    from torch.utils.tensorboard import SummaryWriter

    w = SummaryWriter(str(tmp_path / "torch"))
    config = {"camera": {"cls": "PerspectiveCamera", "fov": 60}}
    w.add_mesh("tetra", torch.as_tensor(VERTS), colors=torch.as_tensor(COLORS),
               faces=torch.as_tensor(FACES), config_dict=config, global_step=2)  # fmt: skip
    w.close()
    x = tbx.SummaryWriter(str(tmp_path / "tbx"))
    for step in range(3):
        x.add_mesh("cloud", VERTS * (step + 1), global_step=step)
    x.close()
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    content, buffers = engine.snapshot()
    listed = by_key(content["meshes"])  # type: ignore[typeddict-item]
    assert set(listed) == {("torch", "tetra"), ("tbx", "cloud")}
    (entry,) = listed[("torch", "tetra")]["meshes"]
    assert entry == {
        "step": 2, "wall_time": entry["wall_time"], "vertices": 4, "faces": 4, "colors": True,
        "samples": 1, "config": entry["config"], "error": "",
    }  # fmt: skip
    assert entry["config"] and __import__("json").loads(entry["config"]) == config
    cloud = listed[("tbx", "cloud")]
    assert (cloud["start"], cloud["total"]) == (0, 3)
    assert [(e["step"], e["faces"], e["colors"]) for e in cloud["meshes"]] == [
        (s, 0, False) for s in range(3)
    ]
    pushed = by_key(content["mesh_data"])  # type: ignore[typeddict-item]
    tetra = pushed[("torch", "tetra")]
    assert (tetra["index"], tetra["step"], tetra["error"]) == (0, 2, "")
    np.testing.assert_array_equal(decode(tetra["vertices"], buffers), VERTS[0])
    np.testing.assert_array_equal(decode(tetra["faces"], buffers), FACES[0])
    np.testing.assert_array_equal(decode(tetra["colors"], buffers), COLORS[0])
    newest = pushed[("tbx", "cloud")]  # only the newest step of a series is pushed
    assert (newest["index"], newest["step"], newest["faces"], newest["colors"]) == (
        2,
        2,
        None,
        None,
    )
    np.testing.assert_array_equal(decode(newest["vertices"], buffers), VERTS[0] * 3)
    # another step is asked for
    reply = engine.answer(
        {"type": MESH_REQUEST, "items": [{"run": "tbx", "tag": "cloud", "index": 0}]}
    )
    assert reply is not None
    msg, bufs = reply
    assert msg["type"] == MESH_DATA
    (item,) = msg["items"]  # type: ignore[typeddict-item]
    np.testing.assert_array_equal(decode(item["vertices"], bufs), VERTS[0])


def test_a_large_mesh_is_listed_and_sent_when_asked(tmp_path: Path) -> None:
    n = PUSH_ELEMENTS + 1
    w = tbx.SummaryWriter(str(tmp_path / "run"))
    w.add_mesh("big", sphere(n), global_step=0)
    w.close()
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    content, _ = engine.snapshot()
    (delta,) = content["meshes"]  # type: ignore[typeddict-item]
    assert delta["meshes"][0]["vertices"] == n
    assert content["mesh_data"] == []  # type: ignore[typeddict-item]
    reply = engine.answer(
        {"type": MESH_REQUEST, "items": [{"run": "run", "tag": "big", "index": 0}]}
    )
    assert reply is not None
    (item,) = reply[0]["items"]  # type: ignore[typeddict-item]
    assert decode(item["vertices"], reply[1]).shape == (n, 3)
    # requests that name nothing, or are not requests, get no traceback
    bad = engine.answer(
        {"type": MESH_REQUEST, "items": [{"run": "run", "tag": "no", "index": 0}, 3]}
    )
    assert bad is not None
    (missing,) = bad[0]["items"]  # type: ignore[typeddict-item]
    assert missing["error"] == "this mesh step is no longer in the logdir"
    assert engine.answer({"type": MESH_REQUEST, "items": "x"})[0]["items"] == []  # type: ignore[index]


def _append_mesh(path: Path, step: int, verts: np.ndarray) -> None:
    """A tensorboardX mesh summary framed onto the file (its writer's thread flushes late)."""
    from tensorboardX.proto.event_pb2 import Event
    from tensorboardX.summary import mesh

    ev = Event(wall_time=1.0e9 + step, step=step, summary=mesh("m", verts, None, FACES))
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("ab") as f:
        f.write(frame(ev.SerializeToString()))


def test_a_mesh_written_while_the_board_reads_arrives_as_a_delta(tmp_path: Path) -> None:
    path = tmp_path / "run" / "events.out.tfevents.1"
    path.parent.mkdir()
    path.write_bytes(b"")
    engine = BoardEngine(tmp_path)
    engine.read(message=False)
    _append_mesh(path, 1, VERTS)
    content, buffers = engine.read()  # type: ignore[misc]
    (delta,) = content["meshes"]  # type: ignore[typeddict-item]
    assert (delta["tag"], delta["start"], delta["total"]) == ("m", 0, 1)
    (data,) = content["mesh_data"]  # type: ignore[typeddict-item]
    np.testing.assert_array_equal(decode(data["faces"], buffers), FACES[0])
    _append_mesh(path, 2, VERTS * 2)
    content, buffers = engine.read()  # type: ignore[misc]
    (delta,) = content["meshes"]  # type: ignore[typeddict-item]
    assert (delta["start"], delta["total"], len(delta["meshes"])) == (1, 2, 1)  # only the new
    (data,) = content["mesh_data"]  # type: ignore[typeddict-item]
    assert (data["index"], data["step"]) == (1, 2)
    np.testing.assert_array_equal(decode(data["vertices"], buffers), VERTS[0] * 2)
    assert engine.read() is None


def test_a_mesh_that_cannot_be_drawn_says_why(tmp_path: Path) -> None:
    w = tbx.SummaryWriter(str(tmp_path / "run"))
    bad = FACES.copy()
    bad[0, 1] = [0, 1, 9]
    w.add_mesh("past", VERTS, faces=bad, global_step=0)
    w.add_mesh("nocolor", VERTS, colors=COLORS[:, :2], global_step=0)
    w.close()
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    content, _ = engine.snapshot()
    listed = by_key(content["meshes"])  # type: ignore[typeddict-item]
    assert listed[("run", "nocolor")]["meshes"][0]["error"] == "2 colours for 4 vertices"
    pushed = by_key(content["mesh_data"])  # type: ignore[typeddict-item]
    assert pushed[("run", "past")]["error"] == (
        "face 1 uses vertices [0, 1, 9], but the mesh has 4 vertices (0 to 3)"
    )
    assert pushed[("run", "past")]["vertices"] is None
    assert pushed[("run", "nocolor")]["error"] == "2 colours for 4 vertices"


def test_export_answers_mesh_requests_offline(tmp_path: Path) -> None:
    x = tbx.SummaryWriter(str(tmp_path / "run"))
    for step in range(3):
        x.add_mesh("cloud", VERTS * (step + 1), global_step=step)
    x.close()
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    feed = engine.feeds[Kind.MESH]
    every = feed.offline(1 << 20)
    assert every is not None and (every.request, every.reply) == (MESH_REQUEST, MESH_DATA)
    key = '{"run":"run","tag":"cloud","index":0}'
    data = every.replies[key]
    np.testing.assert_array_equal(decode(data["vertices"], every.blobs), VERTS[0])
    some = feed.offline(500)  # within the budget: the newest steps first
    assert some is not None and 0 < len(some.replies) < 3 and key not in some.replies


def test_static_snapshot_lists_the_meshes(tmp_path: Path) -> None:
    x = tbx.SummaryWriter(str(tmp_path / "run<b>"))
    x.add_mesh("tetra", VERTS, colors=COLORS, faces=FACES, global_step=4)
    x.add_mesh("cloud", VERTS, global_step=0)
    x.add_mesh("bad", VERTS, colors=COLORS[:, :1], global_step=0)
    x.close()
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    page = render(engine, ViewSettings())
    assert "Meshes (newest step)" in page
    assert "tetra · run&lt;b&gt; · step 4 · 4 vertices, 4 faces, vertex colours" in page
    assert "cloud · run&lt;b&gt; · step 0 · 4 vertices, a point cloud" in page
    assert "bad · run&lt;b&gt; · step 0 · cannot be drawn: 1 colours for 4 vertices" in page
