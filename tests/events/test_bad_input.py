"""Bad input: reported as problems, never raised, nothing already read lost."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
from evhelpers import frame, masked_crc32c, scalar_event, version_event, write_records

from tbnb.events import Logdir
from tbnb.events.source import LocalSource

STEPS = 300


def _events(tags: tuple[str, ...] = ("a", "b")) -> list[bytes]:
    return [version_event()] + [
        scalar_event(t, s, s / 2, 1e9 + s) for s in range(STEPS) for t in tags
    ]


def _offsets(events: list[bytes]) -> list[int]:
    out, p = [], 0
    for e in events:
        out.append(p)
        p += len(e) + 16
    return out


def test_truncated_last_record_waits_then_reads(logdir: Path) -> None:
    blob = b"".join(frame(e) for e in _events())
    path = logdir / "events.out.tfevents.1"
    path.write_bytes(blob[:-1])
    ld = Logdir(logdir)
    ld.reload()
    assert ld.problems == []
    assert len(ld.scalars(".", "a")) == STEPS and len(ld.scalars(".", "b")) == STEPS - 1
    with path.open("ab") as f:
        f.write(blob[-1:])
    ld.reload()
    assert ld.problems == []
    assert len(ld.scalars(".", "b")) == STEPS


def test_every_cut_point_then_rest(logdir: Path) -> None:
    events = [version_event()] + [scalar_event("a", s, s, 1e9) for s in range(1, 6)]
    blob = b"".join(frame(e) for e in events)
    for cut in range(len(blob) + 1):
        d = logdir / f"cut{cut}"
        d.mkdir()
        path = d / "events.out.tfevents.1"
        path.write_bytes(blob[:cut])
        ld = Logdir(d)
        ld.reload()
        with path.open("ab") as f:
            f.write(blob[cut:])
        ld.reload()
        assert ld.problems == [], cut
        assert ld.scalars(".", "a").step.tolist() == [1, 2, 3, 4, 5], cut


@pytest.mark.parametrize("where", ["data", "data_crc", "length", "length_crc"])
def test_bad_crc_is_reported_and_skipped(logdir: Path, where: str) -> None:
    events = _events()
    offsets = _offsets(events)
    bad = 301  # inside the periodic stretch: record of tag 'a' at step 150
    blob = bytearray(b"".join(frame(e) for e in events))
    n = len(events[bad])
    pos = {
        "length": offsets[bad] + 1,
        "length_crc": offsets[bad] + 9,
        "data": offsets[bad] + 12 + n - 2,
        "data_crc": offsets[bad] + 12 + n + 1,
    }[where]
    blob[pos] ^= 0x10
    write_records(logdir / "x", [])  # not an event file name: ignored
    (logdir / "events.out.tfevents.1").write_bytes(bytes(blob))
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.problems) == 1
    (p,) = ld.problems
    assert p.path == "events.out.tfevents.1" and p.offset == offsets[bad]
    a = ld.scalars(".", "a")
    assert a.step.tolist() == [s for s in range(STEPS) if s != 150]
    assert len(ld.scalars(".", "b")) == STEPS
    ld.reload()
    assert len(ld.problems) == 1


def test_bad_crc_in_slow_path(logdir: Path) -> None:
    events = [version_event(), scalar_event("x", 1, 1.0), scalar_event("yy", 2, 2.0)]
    events += [scalar_event("zzz", 3, 3.0)]
    blob = bytearray(b"".join(frame(e) for e in events))
    off = _offsets(events)[2]
    blob[off + 14] ^= 1
    (logdir / "events.out.tfevents.1").write_bytes(bytes(blob))
    ld = Logdir(logdir)
    ld.reload()
    assert [p.offset for p in ld.problems] == [off]
    assert ld.tags(".")["scalars"] == ["x", "zzz"]


def test_random_bytes_file(logdir: Path) -> None:
    rng = np.random.default_rng(0)
    (logdir / "bad").mkdir()
    (logdir / "bad" / "events.out.tfevents.1").write_bytes(rng.bytes(100_000))
    write_records(logdir / "good" / "events.out.tfevents.1", _events())
    ld = Logdir(logdir)
    ld.reload()
    assert ld.runs() == ["bad", "good"]
    assert len(ld.scalars("good", "a")) == STEPS
    assert ld.problems and all(p.path.startswith("bad/") for p in ld.problems)
    assert ld.tags("bad")["scalars"] == []
    n = len(ld.problems)
    ld.reload()
    assert len(ld.problems) == n


def test_garbage_then_valid_records(logdir: Path) -> None:
    rng = np.random.default_rng(1)
    blob = rng.bytes(5000) + b"".join(frame(e) for e in _events())
    (logdir / "events.out.tfevents.1").write_bytes(blob)
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.scalars(".", "a")) == STEPS
    assert ld.problems[0].offset == 0


def test_empty_file(logdir: Path) -> None:
    (logdir / "events.out.tfevents.1").write_bytes(b"")
    ld = Logdir(logdir)
    changes = ld.reload()
    assert ld.runs() == ["."] and changes.new_runs == ["."]
    assert ld.problems == [] and ld.tags(".")["scalars"] == []


def test_zero_length_record(logdir: Path) -> None:
    blob = frame(version_event()) + frame(b"") + frame(scalar_event("a", 1, 2.0))
    (logdir / "events.out.tfevents.1").write_bytes(blob)
    ld = Logdir(logdir)
    ld.reload()
    assert ld.problems == []
    assert ld.scalars(".", "a").value.tolist() == [2.0]


def test_length_field_2_pow_63(logdir: Path) -> None:
    header = struct.pack("<Q", 1 << 63)
    huge = header + struct.pack("<I", masked_crc32c(header)) + b"\x00" * 20
    blob = frame(version_event()) + huge + frame(scalar_event("a", 1, 2.0))
    (logdir / "events.out.tfevents.1").write_bytes(blob)
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.problems) == 1 and ld.problems[0].offset == len(frame(version_event()))
    assert ld.scalars(".", "a").value.tolist() == [2.0]


def test_length_field_2_pow_63_with_bad_crc(logdir: Path) -> None:
    blob = frame(version_event()) + struct.pack("<QI", 1 << 63, 0) + frame(scalar_event("a", 1, 2))
    (logdir / "events.out.tfevents.1").write_bytes(blob)
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.problems) == 1
    assert ld.scalars(".", "a").value.tolist() == [2.0]


def test_directory_vanishes(logdir: Path) -> None:
    write_records(logdir / "run" / "events.out.tfevents.1", _events())
    ld = Logdir(logdir)
    ld.reload()
    shutil.rmtree(logdir / "run")
    changes = ld.reload()
    assert changes.problems and "vanished" in changes.problems[0].message
    assert ld.runs() == ["run"] and len(ld.scalars("run", "a")) == STEPS
    shutil.rmtree(logdir)
    changes = ld.reload()
    assert changes.problems and len(ld.scalars("run", "a")) == STEPS
    assert not ld.reload().problems  # reported once


def test_logdir_that_never_existed(tmp_path: Path) -> None:
    ld = Logdir(tmp_path / "nope")
    changes = ld.reload()
    assert ld.runs() == [] and len(changes.problems) == 1


def test_permission_error_on_read(logdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write_records(logdir / "locked" / "events.out.tfevents.1", _events())
    write_records(logdir / "open" / "events.out.tfevents.1", _events())
    real = LocalSource.read

    def deny(self: LocalSource, run: str, name: str, start: int, end: int) -> bytes:
        if run == "locked":
            raise PermissionError(13, "Permission denied")
        return real(self, run, name, start, end)

    monkeypatch.setattr(LocalSource, "read", deny)
    ld = Logdir(logdir)
    changes = ld.reload()
    assert [p.path for p in changes.problems] == ["locked/events.out.tfevents.1"]
    assert "Permission denied" in changes.problems[0].message
    assert len(ld.scalars("open", "a")) == STEPS
    monkeypatch.setattr(LocalSource, "read", real)
    ld.reload()
    assert len(ld.scalars("locked", "a")) == STEPS


def test_permission_error_on_listing(logdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    write_records(logdir / "secret" / "events.out.tfevents.1", _events())
    write_records(logdir / "open" / "events.out.tfevents.1", _events())
    real = os.scandir

    def deny(path: str) -> object:
        if str(path).endswith("secret"):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", deny)
    ld = Logdir(logdir)
    changes = ld.reload()
    assert ld.runs() == ["open"]
    assert len(changes.problems) == 1 and "secret" in changes.problems[0].path


def test_file_that_shrinks(logdir: Path) -> None:
    path = logdir / "events.out.tfevents.1"
    write_records(path, _events())
    ld = Logdir(logdir)
    ld.reload()
    path.write_bytes(b"")
    ld.reload()
    # issue 12: a file cut below what was read is a rewrite; its points are replaced by
    # what it holds now (nothing), and the writer's new records are read from the start
    assert len(ld.problems) == 1 and "rewritten" in ld.problems[0].message
    assert len(ld.scalars(".", "a")) == 0
    write_records(path, [version_event(), scalar_event("a", 7, 1.0)])
    ld.reload()
    assert ld.scalars(".", "a").step.tolist() == [7] and len(ld.problems) == 1


def test_value_that_cannot_be_decoded(logdir: Path) -> None:
    from evhelpers import event_pb2

    ev = event_pb2.Event(wall_time=1.0, step=1)
    v = ev.summary.value.add(tag="weird")
    v.metadata.plugin_data.plugin_name = "scalars"
    v.tensor.dtype = 7  # DT_STRING: not a number
    v.tensor.string_val.append(b"x")
    blob = frame(ev.SerializeToString()) + frame(scalar_event("ok", 1, 1.0))
    (logdir / "events.out.tfevents.1").write_bytes(blob)
    ld = Logdir(logdir)
    ld.reload()
    assert [(p.path, p.offset) for p in ld.problems] == [("events.out.tfevents.1", 0)]
    assert "weird" in ld.problems[0].message
    assert ld.scalars(".", "ok").value.tolist() == [1.0]


def test_internal_error_stops_one_file_only(logdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tbnb.events import run as run_module

    write_records(logdir / "a" / "events.out.tfevents.1", _events())
    write_records(logdir / "b" / "events.out.tfevents.1", _events())
    real = run_module.Run.ingest

    def boom(self: run_module.Run, path: str, *args: object) -> int:
        if path.startswith("a/"):
            raise RuntimeError("bug")
        return real(self, path, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module.Run, "ingest", boom)
    ld = Logdir(logdir)
    changes = ld.reload()
    assert len(changes.problems) == 1 and "internal error" in changes.problems[0].message
    assert len(ld.scalars("b", "a")) == STEPS
    assert not ld.reload().problems


def test_huge_declared_tensor_shape(logdir: Path) -> None:
    from evhelpers import event_pb2

    ev = event_pb2.Event(wall_time=1.0, step=1)
    v = ev.summary.value.add(tag="hist")
    v.metadata.plugin_data.plugin_name = "histograms"
    v.tensor.dtype = 2  # DT_DOUBLE, one value broadcast to a 10^12 x 3 shape
    v.tensor.tensor_shape.dim.add(size=10**12)
    v.tensor.tensor_shape.dim.add(size=3)
    v.tensor.double_val.append(1.0)
    blob = frame(ev.SerializeToString()) + frame(scalar_event("ok", 1, 1.0))
    (logdir / "events.out.tfevents.1").write_bytes(blob)
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.problems) == 1 and "hist" in ld.problems[0].message
    assert ld.scalars(".", "ok").value.tolist() == [1.0]
