"""The vectorized scalar templates agree with protobuf on every scalar record shape the
writers produce (TF2/Keras corpus, torch incl. new_style/double, tensorboardX)."""

from __future__ import annotations

import struct
import warnings
from collections.abc import Iterable
from pathlib import Path

import numpy as np
import pytest
from evhelpers import CORPUS, event_pb2

from tbnb.events import decode
from tbnb.events.fastscalar import Columns, make_template
from tbnb.events.fastscalar import decode as decode_block


def _records(raw: bytes) -> list[tuple[int, int]]:
    out, p = [], 0
    while p < len(raw):
        (n,) = struct.unpack_from("<Q", raw, p)
        out.append((p, n))
        p += n + 16
    return out


def _write_turns(
    folder: Path, turns: Iterable[tuple[int, list[str]]], div: float = 7, wall_step: float = 0
) -> None:
    """tensorboardX's scalars, a step at a time: for each (step, tags), every tag in that
    order, its value step * (its index + 1) / ``div`` (the index: the tag's last digit, or
    its place), at wall time 1e9 + step (+ ``wall_step`` x its place)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from tensorboardX import SummaryWriter as XWriter
    x = XWriter(str(folder))
    for s, tags in turns:
        for k, tag in enumerate(tags):
            i = int(tag[-1]) if tag[-1].isdigit() else k
            x.add_scalar(tag, s * (i + 1) / div, s, walltime=1e9 + s + wall_step * k)
    x.close()


def _writer_files(tmp: Path) -> list[Path]:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from tensorboardX import SummaryWriter as XWriter

        torch_tb = pytest.importorskip("torch.utils.tensorboard")
    w = torch_tb.SummaryWriter(str(tmp / "torch"))
    for s in (0, 1, 300, 70000, (1 << 21) + 3, (1 << 28) - 1, 1 << 28, 1 << 35):
        w.add_scalar("plain", s / 7, s)
        w.add_scalar("new", s / 7, s, new_style=True)
        w.add_scalar("double", s / 7, s, new_style=True, double_precision=True)
    w.close()
    x = XWriter(str(tmp / "tbx"))
    for s in (0, 5, 1000):
        x.add_scalar("x/y", -s / 3, s)
    x.close()
    return sorted(tmp.glob("*/*tfevents*"))


def test_templates_match_protobuf(tmp_path: Path) -> None:
    files = _writer_files(tmp_path)
    if CORPUS.exists():
        files += sorted(CORPUS.glob("*/*/*tfevents*"))
    shapes = set()
    checked = 0
    for f in files:
        raw = f.read_bytes()
        buf = np.frombuffer(raw, np.uint8)
        for start, n in _records(raw):
            data = raw[start + 12 : start + 12 + n]
            ev = event_pb2.Event.FromString(data)
            t = make_template(data)
            is_scalar = (
                ev.WhichOneof("what") == "summary"
                and len(ev.summary.value) == 1
                and (
                    ev.summary.value[0].WhichOneof("value") == "simple_value"
                    or ev.summary.value[0].metadata.plugin_data.plugin_name == "scalars"
                )
            )
            assert (t is not None) == is_scalar, (f, start)
            if t is None:
                continue
            dec = decode_block(Columns.gathered(buf, np.array([start], dtype=np.int64)), t)
            assert dec.match.tolist() == [True] and dec.crc_ok.tolist() == [True]
            v = ev.summary.value[0]
            assert t.tag == v.tag
            assert dec.step.tolist() == [ev.step]
            assert dec.wall_time.tolist() == [ev.wall_time]
            assert dec.value.tolist() == [decode.scalar_of(v)]
            shapes.add((t.from_tensor, t.value_dtype, t.step >= 0))
            checked += 1
    assert checked > 20
    assert {(False, "<f4", True), (True, "<f4", True), (True, "<f8", True)} <= shapes


def test_template_rejects_other_shapes() -> None:
    ev = event_pb2.Event(wall_time=1.0, step=3)
    ev.summary.value.add(tag="a", simple_value=1.0)
    ev.summary.value.add(tag="b", simple_value=2.0)
    assert make_template(ev.SerializeToString()) is None  # two values
    ev = event_pb2.Event(wall_time=1.0, step=3)
    v = ev.summary.value.add(tag="h")
    v.histo.min = 1.0
    assert make_template(ev.SerializeToString()) is None
    assert make_template(b"\xff\xff") is None


def _raw_scalar(step_last: bool, step: int, value: float, wall: float) -> bytes:
    """An Event with the step field written after the summary (legal protobuf order)."""
    ev = event_pb2.Event(wall_time=wall)
    ev.summary.value.add(tag="late", simple_value=value)
    body = ev.SerializeToString()
    varint = bytearray()
    v = step
    while True:
        b = v & 0x7F
        v >>= 7
        varint.append(b | (0x80 if v else 0))
        if not v:
            break
    return body + b"\x10" + bytes(varint) if step_last else bytes(varint)


@pytest.mark.parametrize("base", [1, 1 << 30, 1 << 40])
def test_step_field_last_in_record(tmp_path: Path, base: int) -> None:
    from evhelpers import frame

    from tbnb.events import Logdir

    steps = [base + i for i in range(64)]
    blob = b"".join(frame(_raw_scalar(True, s, s % 7, 1e9 + s)) for s in steps)
    (tmp_path / "events.out.tfevents.1").write_bytes(blob)
    ld = Logdir(tmp_path)
    ld.reload()
    assert ld.problems == []
    got = ld.scalars(".", "late")
    assert got.step.tolist() == steps
    assert got.value.tolist() == [float(s % 7) for s in steps]


def _flip_one_and_expect(
    folder: Path, tag: str, step: int, in_tag: bool = False
) -> tuple[dict[str, list[tuple[int, float, float]]], int]:
    """Flip a bit of the value of ``tag`` at ``step`` in the one event file of ``folder``
    (``in_tag``: of its tag's first letter, its case); returns (step, wall time, value)
    of every other scalar, by tag, as protobuf reads them, and the offset of the
    flipped record."""
    (path,) = folder.glob("*tfevents*")
    raw = bytearray(path.read_bytes())
    want: dict[str, list[tuple[int, float, float]]] = {}
    bad_at = None
    for start, n in _records(bytes(raw)):
        ev = event_pb2.Event.FromString(bytes(raw[start + 12 : start + 12 + n]))
        if ev.WhichOneof("what") != "summary":
            continue
        v = ev.summary.value[0]
        if v.tag == tag and ev.step == step:
            if in_tag:
                at = bytes(raw[start + 12 : start + 12 + n]).index(v.tag.encode())
                raw[start + 12 + at] ^= 0x20
            else:
                raw[start + 12 + n - 1] ^= 0x01
            bad_at = start
            continue
        want.setdefault(v.tag, []).append((ev.step, ev.wall_time, decode.scalar_of(v)))
    assert bad_at is not None
    path.write_bytes(bytes(raw))
    return want, bad_at


def _assert_read(
    folder: Path, chunk: int, want: dict[str, list[tuple[int, float, float]]], bad_at: int
) -> None:
    """Every scalar of ``want`` read under its tag, and the bad CRC at ``bad_at`` alone."""
    from tbnb.events import Logdir

    ld = Logdir(folder, chunk_bytes=chunk)
    ld.reload()
    assert sorted(ld.tags(".")["scalars"]) == sorted(want)
    for tag, rows in want.items():
        got = ld.scalars(".", tag)
        cols = (got.step.tolist(), got.wall_time.tolist(), got.value.tolist())
        assert list(zip(*cols, strict=True)) == rows, tag
    assert [(p.offset, p.message) for p in ld.problems] == [
        (bad_at, "bad data CRC: record skipped")
    ]


@pytest.mark.parametrize("chunk", [1 << 12, 1 << 16, 4 << 20])
def test_tags_written_in_turn(tmp_path: Path, chunk: int) -> None:
    """Tags logged in turn with one record length (split into strided groups by their
    constant bytes before decoding), in groups small and large enough for both ways of
    checking them (matrix, columns): every value as protobuf reads it, and a record
    whose value was flipped after writing is the one skipped, with its CRC problem."""
    tags = [f"t{k}" for k in range(5)]
    # one step varint width: one record length
    _write_turns(tmp_path, ((s, tags) for s in range(200, 3200)))
    want, bad_at = _flip_one_and_expect(tmp_path, "t2", 2000)
    assert sorted(want) == tags
    _assert_read(tmp_path, chunk, want, bad_at)


@pytest.mark.parametrize("chunk", [1 << 16, 4 << 20])
def test_tags_in_turn_whose_turn_changes_past_the_first_rows(tmp_path: Path, chunk: int) -> None:
    """The period of tags written in turn is found in a group's first rows; past them the
    order changes, a tag of the same length joins, and one record has a bad CRC. Rows
    past the first ones then hold other tags than their turn's (they fail its template
    and are decoded on their own): every value is still read as protobuf reads it, each
    under its own tag, and only the bad record is skipped."""

    def order(s: int) -> list[str]:
        if s < 2000:
            return ["t0", "t1", "t2", "t3"]
        # past the probe: another order, and a fifth tag
        return ["t0", "t2", "t4", "t1", "t3"] if s % 3 else ["t3", "t4", "t0", "t1", "t2"]

    # one step varint width: one record length
    _write_turns(tmp_path, ((s, order(s)) for s in range(200, 3200)))
    want, bad_at = _flip_one_and_expect(tmp_path, "t4", 2500)
    _assert_read(tmp_path, chunk, want, bad_at)


def test_decode_turns_reads_tags_in_turn_in_one_pass(tmp_path: Path) -> None:
    """decode_turns over records of 4 tags written in turn: every row verifies and holds
    what protobuf reads; a row whose tag byte was changed after writing is the one that
    does not match, one whose value was, the one whose CRC fails; templates of two
    layouts: None."""
    from tbnb.events.fastscalar import decode_turns

    tags = ["a0", "a1", "a2", "a3"]
    _write_turns(tmp_path, ((s, tags) for s in range(200, 1000)), div=3, wall_step=0.1)
    (path,) = tmp_path.glob("*tfevents*")
    raw = bytearray(path.read_bytes())
    every = _records(bytes(raw))
    recs = [(st, n) for st, n in every if n == every[-1][1]]
    assert len(recs) == 4 * 800
    starts = np.array([st for st, _ in recs], dtype=np.int64)
    stride = int(starts[1] - starts[0])
    assert (np.diff(starts) == stride).all()
    n = recs[0][1]
    events = [event_pb2.Event.FromString(bytes(raw[st + 12 : st + 12 + n])) for st, _ in recs]
    ts = [make_template(bytes(raw[st + 12 : st + 12 + n])) for st, _ in recs[:4]]
    assert all(t is not None for t in ts)
    changed = 4 * 500 + 2  # tag a2 at step 700 becomes a3: another shape
    at = recs[changed][0] + 12 + bytes(raw[recs[changed][0] + 12 :]).index(b"a2") + 1
    raw[at] = ord("3")
    flipped = 4 * 600 + 1
    raw[recs[flipped][0] + 12 + n - 1] ^= 0x10  # a bit of its value's last byte
    events[flipped] = event_pb2.Event.FromString(bytes(raw[recs[flipped][0] + 12 :][:n]))
    buf = np.frombuffer(bytes(raw), np.uint8)
    dec = decode_turns(Columns.strided(buf, int(starts[0]), stride, len(starts)), ts)  # type: ignore[arg-type]
    assert dec is not None
    assert np.flatnonzero(~dec.match).tolist() == [changed]
    assert np.flatnonzero(~dec.crc_ok).tolist() == [flipped]
    assert dec.step.tolist() == [ev.step for ev in events]
    assert dec.wall_time.tolist() == [ev.wall_time for ev in events]
    assert dec.value.tolist() == [decode.scalar_of(ev.summary.value[0]) for ev in events]
    other = make_template(event_pb2.Event(step=5, wall_time=1.0, summary=None).SerializeToString())
    long_tag = event_pb2.Event(step=300, wall_time=2.0)
    long_tag.summary.value.add(tag="abc", simple_value=1.0)
    assert other is None
    t2 = make_template(long_tag.SerializeToString())
    assert t2 is not None
    assert decode_turns(Columns.strided(buf, int(starts[0]), stride, 8), [ts[0], t2]) is None  # type: ignore[list-item]
    part = decode_turns(Columns.strided(buf, int(starts[5]), stride, 7), ts[1:] + ts[:1])  # type: ignore[arg-type]
    assert part is not None and part.match.all() and part.crc_ok.all()  # a turn and 3 rows
    assert part.value.tolist() == dec.value[5:12].tolist()


@pytest.mark.parametrize("tags", [["loss"], ["a0", "a1", "a2"]])
def test_a_byte_changed_after_writing_is_reported_even_where_its_crc_would_agree(
    tmp_path: Path, tags: list[str]
) -> None:
    """A byte of a record's tag changed after writing, its stored CRC left: the CRC the
    reader computes with the template's bytes (the bytes as written) agrees with it, so
    only comparing the bytes finds the change. The record is reported and skipped, past
    the first rows of its group (one tag; tags in turn), and every other point read."""
    _write_turns(tmp_path, ((s, tags) for s in range(200, 3200)))
    want, bad_at = _flip_one_and_expect(tmp_path, tags[-1], 3000, in_tag=True)
    _assert_read(tmp_path, 4 << 20, want, bad_at)
