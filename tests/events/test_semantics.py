"""Purge rules, steps per tag, file order, TF1-style metadata, run discovery."""

from __future__ import annotations

import random
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from evhelpers import (
    event_pb2,
    scalar_event,
    scalar_file,
    start_event,
    version_event,
    write_records,
)

from tbnb.events import Logdir


def writer_class(name: str) -> Any:
    """torch's or tensorboardX's SummaryWriter (skips the test when not installed)."""
    module = "torch.utils.tensorboard" if name == "torch" else "tensorboardX"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return pytest.importorskip(module).SummaryWriter


def reference(points: list[tuple[str, int, float]]) -> dict[str, list[tuple[int, float]]]:
    """The purge rule, one point at a time: a step drops the tag's points with step >= it."""
    out: dict[str, list[tuple[int, float]]] = {}
    for tag, step, value in points:
        kept = [p for p in out.get(tag, []) if p[0] < step]
        kept.append((step, value))
        out[tag] = kept
    return out


def loaded(ld: Logdir, run: str) -> dict[str, list[tuple[int, float]]]:
    return {
        tag: list(
            zip(
                ld.scalars(run, tag).step.tolist(), ld.scalars(run, tag).value.tolist(), strict=True
            )
        )
        for tag in ld.tags(run)["scalars"]
    }


def test_backwards_step_purges_that_tag_only(logdir: Path) -> None:
    pts = [("a", s, s / 4) for s in range(10)] + [("b", s, -s / 4) for s in range(10)]
    pts += [("a", 5, 100.0), ("a", 6, 101.0)]
    write_records(logdir / "events.out.tfevents.1", [scalar_event(*p) for p in pts])
    ld = Logdir(logdir)
    ld.reload()
    assert loaded(ld, ".") == reference(pts)
    assert ld.scalars(".", "a").step.tolist() == [0, 1, 2, 3, 4, 5, 6]
    assert len(ld.scalars(".", "b")) == 10


@pytest.mark.parametrize("seed", range(6))
def test_random_streams_match_reference(logdir: Path, seed: int) -> None:
    """Long periodic stretches (vectorized path) mixed with restarts and odd records."""
    rng = random.Random(seed)
    tags = ["loss", "acc", "a/much/longer/tag/name", "lr"]
    pts: list[tuple[str, int, float]] = []
    step = 0
    for _ in range(rng.randint(1, 5)):
        for _ in range(rng.randint(50, 400)):
            step += 1
            for t in tags[: rng.randint(2, 4)] if rng.random() < 0.02 else tags:
                pts.append((t, step, float(np.float32(rng.gauss(0, 1)))))
        step = max(0, step - rng.randint(0, 120))  # a restart from a checkpoint
    events = [version_event()] + [scalar_event(t, s, v, 1e9 + i) for i, (t, s, v) in enumerate(pts)]
    write_records(logdir / "events.out.tfevents.1", events)
    ld = Logdir(logdir)
    ld.reload()
    assert ld.problems == []
    assert loaded(ld, ".") == reference(pts)


@pytest.mark.parametrize("writer", ["torch", "tensorboardX"])
def test_session_log_start_purges_the_run(logdir: Path, writer: str) -> None:
    cls = writer_class(writer)
    w = cls(str(logdir))
    for s in range(10):
        w.add_scalar("x", float(s), s)
        w.add_scalar("y", float(-s), s)
        w.add_text("t", f"text {s}", s)
    w.close()
    # tensorboardX names files by the second: a suffix keeps the first file
    w = cls(str(logdir), purge_step=6, filename_suffix=".restart")
    for s in range(6, 8):
        w.add_scalar("x", 100.0 + s, s)
    w.close()
    ld = Logdir(logdir)
    ld.reload()
    assert ld.scalars(".", "x").step.tolist() == [0, 1, 2, 3, 4, 5, 6, 7]
    assert ld.scalars(".", "x").value.tolist()[6:] == [106.0, 107.0]
    assert ld.scalars(".", "y").step.tolist() == [0, 1, 2, 3, 4, 5]
    (text_tag,) = ld.tags(".")["text"]
    assert [t.step for t in ld.text(".", text_tag)] == [0, 1, 2, 3, 4, 5]


def test_start_inside_periodic_stretch(logdir: Path) -> None:
    events = [version_event()]
    events += [scalar_event(t, s, s) for s in range(1, 200) for t in ("a", "b")]
    events += [start_event(150)]
    events += [scalar_event(t, s, -s) for s in range(150, 300) for t in ("a", "b")]
    write_records(logdir / "events.out.tfevents.1", events)
    ld = Logdir(logdir)
    ld.reload()
    a = ld.scalars(".", "a")
    assert a.step.tolist() == list(range(1, 300))
    assert a.value.tolist() == [float(s) for s in range(1, 150)] + [
        -float(s) for s in range(150, 300)
    ]


def test_files_are_read_in_name_order(logdir: Path) -> None:
    # TensorBoard reads a run's files sorted by name, so a torch counter of 10 sorts
    # before 9 and a later file's steps then purge an earlier one's.
    scalar_file(logdir / "events.out.tfevents.1700000000.host.1.9", "x", range(0, 10), base=0)
    scalar_file(logdir / "events.out.tfevents.1700000000.host.1.10", "x", range(5, 15), base=100)
    ld = Logdir(logdir)
    ld.reload()
    names = sorted(p.name for p in logdir.iterdir())
    assert names[0].endswith(".10")
    # .10 first (steps 5..14), then .9 (steps 0..9) purges steps >= 0 of it
    want = reference(
        [("x", s, 100 + s / 8) for s in range(5, 15)] + [("x", s, s / 8) for s in range(10)]
    )
    assert loaded(ld, ".") == want


def test_tensorboardx_second_names_and_suffix_order(logdir: Path) -> None:
    scalar_file(logdir / "events.out.tfevents.1700000001.host", "x", range(3, 6), base=10)
    scalar_file(logdir / "events.out.tfevents.1700000000.host", "x", range(0, 3))
    ld = Logdir(logdir)
    ld.reload()
    assert ld.scalars(".", "x").step.tolist() == [0, 1, 2, 3, 4, 5]


def _tensor_scalar(tag: str, step: int, value: float, with_metadata: bool) -> bytes:
    ev = event_pb2.Event(wall_time=1e9 + step, step=step)
    v = ev.summary.value.add(tag=tag)
    v.tensor.dtype = 1  # DT_FLOAT
    v.tensor.float_val.append(value)
    if with_metadata:
        v.metadata.plugin_data.plugin_name = "scalars"
    return ev.SerializeToString()


def test_metadata_on_first_event_only_applies_later(logdir: Path) -> None:
    n = 500
    events = [version_event(), _tensor_scalar("m", 0, 0.5, True)]
    events += [_tensor_scalar("m", s, s * 0.25, False) for s in range(1, n)]
    events += [_tensor_scalar("unknown", 1, 1.0, False)]  # no plugin ever: not a scalar
    write_records(logdir / "events.out.tfevents.1", events)
    ld = Logdir(logdir)
    ld.reload()
    m = ld.scalars(".", "m")
    assert m.step.tolist() == list(range(n))
    assert m.value.tolist() == [0.5] + [s * 0.25 for s in range(1, n)]
    assert "unknown" not in ld.tags(".")["scalars"]


def test_run_discovery(logdir: Path) -> None:
    scalar_file(logdir / "events.out.tfevents.1", "x", range(3))
    scalar_file(logdir / "a" / "b.c" / "events.out.tfevents.2", "x", range(3))
    (logdir / "emb").mkdir()
    (logdir / "emb" / "projector_config.pbtxt").write_text("")
    (logdir / "empty").mkdir()
    (logdir / "other").mkdir()
    (logdir / "other" / "notes.txt").write_text("x")
    ld = Logdir(logdir)
    ld.reload()
    assert ld.runs() == [".", "a/b.c", "emb"]
    assert ld.tags("emb")["embeddings"] == []


@pytest.mark.parametrize("seed", range(4))
def test_irregular_tag_order_matches_reference(logdir: Path, seed: int) -> None:
    """No period to find: records are grouped by length and decoded with templates."""
    rng = random.Random(seed)
    tags = ["loss", "acc", "lr", "grad/norm", "x" * rng.randint(1, 30)]
    pts: list[tuple[str, int, float]] = []
    step = 0
    for _ in range(3000):
        step += rng.choice([0, 1, 1, 2, 200]) if rng.random() < 0.99 else -rng.randint(0, 300)
        step = max(step, 0)
        pts.append((rng.choice(tags), step, float(np.float32(rng.gauss(0, 1)))))
    events = [version_event()] + [scalar_event(t, s, v, 1e9 + i) for i, (t, s, v) in enumerate(pts)]
    write_records(logdir / "events.out.tfevents.1", events)
    ld = Logdir(logdir)
    ld.reload()
    assert ld.problems == []
    assert loaded(ld, ".") == reference(pts)


@pytest.mark.parametrize("periodic", [True, False])
def test_restart_across_varint_widths(logdir: Path, periodic: bool) -> None:
    """Steps 0..299 then a restart at 50 (up to 99): records of one tag come in two lengths (1- and
    2-byte step varints), decoded in separate groups and merged back in file order."""
    rng = random.Random(1)
    tags = ["a", "bb", "ccc"]
    pts: list[tuple[str, int, float]] = []
    for steps in (range(300), range(50, 100)):
        for s in steps:
            order = tags if periodic else rng.sample(tags, k=rng.randint(1, 3))
            pts.extend((t, s, float(s) + 0.5 * len(pts)) for t in order)
    events = [version_event()] + [scalar_event(t, s, v) for t, s, v in pts]
    write_records(logdir / "events.out.tfevents.1", events)
    ld = Logdir(logdir)
    ld.reload()
    assert loaded(ld, ".") == reference(pts)


@pytest.mark.parametrize("skip_at", [None, 150])
def test_tags_in_turn_with_one_record_length(logdir: Path, skip_at: int | None) -> None:
    """20 tags of one record length written in turn each step (the framing sees a period
    of one record) decode to the same series as one event at a time, including a step
    where one tag is missing and a restart that purges."""
    rng = random.Random(3)
    pts: list[tuple[str, int, float]] = []
    for s in [*range(300), *range(250, 400)]:
        for k in range(20):
            if s == skip_at and k == 7:
                continue
            pts.append((f"t{k:02d}", s, rng.uniform(-1, 1)))
    write_records(logdir / "events.out.tfevents.1", [scalar_event(*p) for p in pts])
    ld = Logdir(logdir)
    ld.reload()
    got = loaded(ld, ".")
    want = reference(pts)
    assert sorted(got) == sorted(want)
    for tag in want:
        np.testing.assert_allclose(
            np.array(got[tag]), np.array(want[tag], dtype=np.float32).astype(np.float64)
        )


def _text_event(tag: str, step: int, cells: list[str], shape: list[int]) -> bytes:
    ev = event_pb2.Event(wall_time=1.0e9 + step, step=step)
    v = ev.summary.value.add(tag=tag)
    v.metadata.plugin_data.plugin_name = "text"
    v.tensor.dtype = 7  # DT_STRING
    for d in shape:
        v.tensor.tensor_shape.dim.add(size=d)
    v.tensor.string_val.extend(c.encode() for c in cells)
    return ev.SerializeToString()


def test_text_tensors_keep_their_shape(logdir: Path) -> None:
    """tf.summary.text of a 2-D string tensor is a table in TensorBoard: the reader keeps
    the cells and shape; one string has shape ()."""
    write_records(
        logdir / "events.out.tfevents.1",
        [
            _text_event("t", 0, ["# hi"], []),
            _text_event("t", 1, ["a", "b", "c", "d", "e", "f"], [2, 3]),
            _text_event("t", 2, ["x", "y"], [2]),
        ],
    )
    ld = Logdir(logdir)
    ld.reload()
    got = ld.text(".", "t")
    assert [(p.step, p.shape, p.cells) for p in got] == [
        (0, (), ("# hi",)),
        (1, (2, 3), ("a", "b", "c", "d", "e", "f")),
        (2, (2,), ("x", "y")),
    ]
    assert got[1].text == "a\nb\nc\nd\ne\nf"
