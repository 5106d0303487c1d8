"""Meshes: torch's and tensorboardX's add_mesh, TF2's mesh summary (the corpus), and
mesh records that are wrong in each way a writer or a file can be."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from evhelpers import CORPUS, version_event, write_records
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.plugins.mesh import plugin_data_pb2
from tensorboard.util import tensor_util

from tbnb.events import Logdir, MeshPoint

VERTS = np.array([[[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 1]]], np.float32)
FACES = np.array([[[0, 2, 1], [0, 1, 3], [0, 3, 2], [1, 2, 3]]], np.int32)
COLORS = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0]]], np.uint8)
CONFIG = {"camera": {"cls": "PerspectiveCamera", "fov": 60}}


def _read(path: Path) -> Logdir:
    ld = Logdir(path)
    ld.reload()
    return ld


def _check(p: MeshPoint, scale: float = 1.0, faces: bool = True, colors: bool = True) -> None:
    assert p.problem == ""
    assert (p.samples, p.vertex_count, p.face_count) == (1, 4, 4 if faces else 0)
    assert p.has_colors == colors
    d = p.data()
    np.testing.assert_array_equal(d.vertices, VERTS[0] * scale)
    assert d.vertices.dtype == np.float32
    if faces:
        assert d.faces is not None and d.faces.dtype == np.int32
        np.testing.assert_array_equal(d.faces, FACES[0])
    else:
        assert d.faces is None
    if colors:
        assert d.colors is not None and d.colors.dtype == np.uint8
        np.testing.assert_array_equal(d.colors, COLORS[0])
    else:
        assert d.colors is None


def test_torch_add_mesh_is_one_mesh(logdir: Path) -> None:
    torch = pytest.importorskip("torch")
    from torch.utils.tensorboard import SummaryWriter

    w = SummaryWriter(str(logdir / "run"))
    args = {"colors": torch.as_tensor(COLORS), "faces": torch.as_tensor(FACES)}
    w.add_mesh("tetra", torch.as_tensor(VERTS), **args, config_dict=CONFIG, global_step=3)
    w.add_mesh("cloud", torch.as_tensor(VERTS * 2), global_step=3)
    w.close()
    ld = _read(logdir)
    assert ld.problems == []
    tags = ld.tags("run")
    assert tags["mesh"] == ["cloud", "tetra"]  # not tetra_VERTEX, tetra_FACE, tetra_COLOR
    assert not any(k for k, v in tags.items() if k != "mesh" and v)
    (p,) = ld.mesh("run", "tetra")
    assert (p.step, p.name, p.config, p.components) == (3, "tetra", CONFIG, 0b1110)
    assert p.vertex is not None and p.vertex.shape == (1, 4, 3)
    _check(p)
    np.testing.assert_array_equal(p.vertices, VERTS)  # the tensors as written
    (cloud,) = ld.meshes("run")["cloud"]
    _check(cloud, scale=2, faces=False, colors=False)


def test_tensorboardx_add_mesh_steps(logdir: Path) -> None:
    tbx = pytest.importorskip("tensorboardX")
    w = tbx.SummaryWriter(str(logdir / "run"))
    for step in (1, 2):  # tags "tetra_1", "tetra_2", "tetra_3": grouped by the metadata's name
        w.add_mesh("tetra", VERTS * step, colors=COLORS, faces=FACES, global_step=step)
    w.close()
    ld = _read(logdir)
    assert ld.problems == []
    assert ld.tags("run")["mesh"] == ["tetra"]
    pts = ld.mesh("run", "tetra")
    assert [p.step for p in pts] == [1, 2]
    for p in pts:
        _check(p, scale=p.step)


def _series() -> list[dict[str, Any]]:
    path = CORPUS / "tf2_dashboards" / "expected.json"
    if not path.exists():
        return []
    return [s for s in json.loads(path.read_text())["series"] if s["kind"] == "mesh"]


@pytest.mark.skipif(not _series(), reason="shared corpus not available")
def test_tf2_corpus_matches_tensorboard() -> None:
    ld = _read(CORPUS / "tf2_dashboards")
    run = "mesh"
    parts = {"VERTEX": "vertex", "FACE": "face", "COLOR": "color"}
    series = _series()
    assert ld.tags(run)["mesh"] == sorted({s["name"] for s in series})
    for s in series:
        pts = ld.mesh(run, s["name"])
        assert [p.step for p in pts] == [q["step"] for q in s["points"]]
        for p, q in zip(pts, s["points"], strict=True):
            assert (p.json_config, p.components) == (s["json_config"], s["components"])
            t = getattr(p, parts[s["content_type"]])
            assert t is not None and list(t.shape) == s["shape"] == q["shape"]
            assert t.dtype == q["dtype"]
            arr = t.array()
            assert (str(arr.dtype), list(arr.shape)) == (q["dtype"], q["shape"])
            assert arr.tolist() == q["values"]
            assert p.problem == ""
    (p,) = ld.mesh(run, "tetra")
    _check(p)


# ---- records written by hand: TF2's metadata-once, and everything that can be wrong ----


def _value(tag: str, arr: Any, part: int, name: str = "m", meta: bool = True) -> Any:
    v = summary_pb2.Summary.Value(tag=tag, tensor=tensor_util.make_tensor_proto(arr))
    if meta:
        md = plugin_data_pb2.MeshPluginData(
            version=0, name=name, content_type=part, shape=list(np.shape(arr)), components=14
        )
        v.metadata.plugin_data.plugin_name = "mesh"
        v.metadata.plugin_data.content = md.SerializeToString()
    return v


def _event(step: int, *values: Any) -> bytes:
    ev = event_pb2.Event(wall_time=1.0e9 + step, step=step)
    ev.summary.value.extend(values)
    return ev.SerializeToString()


def _file(logdir: Path, *events: bytes) -> Logdir:
    write_records(logdir / "run" / "events.out.tfevents.1.x", [version_event(), *events])
    return _read(logdir)


def test_parts_in_separate_events_with_metadata_once(logdir: Path) -> None:
    events = []
    for step in (0, 5):
        meta = step == 0  # TF2 writes a tag's metadata with its first value only
        events += [
            _event(step, _value("m_VERTEX", VERTS * (step + 1), 1, meta=meta)),
            _event(step, _value("m_FACE", FACES, 2, meta=meta)),
            _event(step, _value("m_COLOR", COLORS, 3, meta=meta)),
        ]
    ld = _file(logdir, *events)
    assert ld.problems == []
    pts = ld.mesh("run", "m")
    assert [p.step for p in pts] == [0, 5]
    _check(pts[0])
    _check(pts[1], scale=6)


def test_mesh_written_again_at_a_step_replaces_it(logdir: Path) -> None:
    ld = _file(
        logdir,
        _event(1, _value("m_VERTEX", VERTS, 1)),
        _event(2, _value("m_VERTEX", VERTS, 1)),
        _event(1, _value("m_VERTEX", VERTS * 3, 1)),  # a restart: step 2 is dropped
    )
    pts = ld.mesh("run", "m")
    assert [p.step for p in pts] == [1]
    _check(pts[0], scale=3, faces=False, colors=False)


def test_missing_vertex_tensor(logdir: Path) -> None:
    ld = _file(logdir, _event(0, _value("m_FACE", FACES, 2), _value("m_COLOR", COLORS, 3)))
    (p,) = ld.mesh("run", "m")
    assert p.problem == "mesh 'm' at step 0 has no VERTEX tensor (only FACE, COLOR)"
    with pytest.raises(ValueError, match="no VERTEX tensor"):
        p.data()


def test_faces_past_the_vertices(logdir: Path) -> None:
    faces = FACES.copy()
    faces[0, 2] = [0, 3, 7]
    ld = _file(logdir, _event(0, _value("m_VERTEX", VERTS, 1), _value("m_FACE", faces, 2)))
    (p,) = ld.mesh("run", "m")
    assert p.problem == ""  # the shapes are right: the indices are seen when read
    with pytest.raises(ValueError, match=r"face 2 uses vertices \[0, 3, 7\], but the mesh has 4"):
        p.data()


@pytest.mark.parametrize(
    ("colors", "message"),
    [
        (COLORS[:, :3], "3 colours for 4 vertices"),
        (COLORS[:, :, :2], r"its colours have shape \[1, 4, 2\], its vertices \[1, 4, 3\]"),
    ],
)
def test_mismatched_shapes(logdir: Path, colors: Any, message: str) -> None:
    ld = _file(logdir, _event(0, _value("m_VERTEX", VERTS, 1), _value("m_COLOR", colors, 3)))
    (p,) = ld.mesh("run", "m")
    assert p.problem
    with pytest.raises(ValueError, match=message):
        p.data()


def test_garbled_metadata_is_reported_not_raised(logdir: Path) -> None:
    bad = _value("m_VERTEX", VERTS, 1)
    bad.metadata.plugin_data.content = b"\xff\xff\xff"
    ld = _file(logdir, _event(0, bad), _event(0, _value("ok_VERTEX", VERTS, 1, name="ok")))
    assert [p.message for p in ld.problems] == [
        "mesh tag 'm_VERTEX': its MeshPluginData cannot be read (garbled metadata)"
    ]
    assert ld.tags("run")["mesh"] == ["m_VERTEX", "ok"]
    (p,) = ld.mesh("run", "m_VERTEX")
    assert "garbled" in p.problem
    _check(ld.mesh("run", "ok")[0], faces=False, colors=False)


def test_tensors_are_read_from_the_file_when_asked(logdir: Path) -> None:
    ld = _file(logdir, _event(0, _value("m_VERTEX", VERTS, 1)))
    (p,) = ld.mesh("run", "m")
    assert not any(isinstance(x, np.ndarray) for x in vars(p.vertex).values())
    path = logdir / "run" / "events.out.tfevents.1.x"
    raw = bytearray(path.read_bytes())
    raw[-8] ^= 0xFF  # the record changed on disk since it was indexed
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="cannot be read again"):
        p.data()
