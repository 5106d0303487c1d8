"""What a logdir holds cannot stall, mix or flood the reader (issue 12): a length field
longer than the file, a rewritten event file, and corrupt regions reported once."""

from __future__ import annotations

import shutil
import struct
from pathlib import Path

import numpy as np
import pytest
from evhelpers import frame, masked_crc32c, scalar_event, version_event, write_records

from tbnb.events import Logdir
from tbnb.events.source import LocalSource

NAME = "events.out.tfevents.1"


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    log: list[tuple[int, int]] = []
    real = LocalSource.read

    def spy(self: LocalSource, run: str, name: str, start: int, end: int) -> bytes:
        log.append((start, end))
        return real(self, run, name, start, end)

    monkeypatch.setattr(LocalSource, "read", spy)
    return log


def header(length: int) -> bytes:
    """A record header whose length CRC is valid (whatever the length says)."""
    h = struct.pack("<Q", length)
    return h + struct.pack("<I", masked_crc32c(h))


def scalars(tag: str, steps: range, base: float = 0.0, wall: float = 1e9) -> list[bytes]:
    return [scalar_event(tag, s, base + s / 4, wall + s) for s in steps]


# ---- a length longer than the rest of the file ----------------------------------------


def test_long_length_with_valid_records_after_is_skipped(
    logdir: Path, reads: list[tuple[int, int]]
) -> None:
    path = logdir / NAME
    good = frame(version_event())
    blob = good + header(1_000_000) + b"\x07" * 50 + b"".join(map(frame, scalars("a", range(5))))
    path.write_bytes(blob)
    ld = Logdir(logdir)
    ld.reload()
    assert ld.scalars(".", "a").step.tolist() == [0, 1, 2, 3, 4]
    assert [(p.offset, p.kind) for p in ld.problems] == [
        (len(good), "record length N is not plausible: skipped to the next valid record")
    ]
    more = b"".join(map(frame, scalars("a", range(5, 8))))
    with path.open("ab") as f:
        f.write(more)
    reads.clear()
    ld.reload()
    assert ld.scalars(".", "a").step.tolist() == list(range(8))
    assert min(start for start, _ in reads) >= len(blob) - 32  # nothing judged read again
    assert len(ld.problems) == 1


def test_record_being_written_waits_without_rescanning(
    logdir: Path, reads: list[tuple[int, int]]
) -> None:
    path = logdir / NAME
    first = frame(version_event())
    rec = frame(b"\x01" * 3000)  # not an Event, but a well-framed record: 3,016 bytes
    path.write_bytes(first + rec[:1000])
    ld = Logdir(logdir)
    ld.reload()
    for cut in (1500, 2000, 2500):  # the writer adds to it: only the new bytes are read
        with path.open("ab") as f:
            f.write(rec[cut - 500 : cut])
        reads.clear()
        ld.reload()
        # the 500 new bytes, the 11 before them (a header may start there), and the 32
        # before the waiting record that recognize the file
        assert reads and sum(end - start for start, end in reads) <= 500 + 11 + 32
        assert ld.problems == []
    with path.open("ab") as f:
        f.write(rec[2500:] + frame(scalar_event("a", 1, 2.0)))
    ld.reload()
    assert ld.scalars(".", "a").value.tolist() == [2.0]
    assert [p.message for p in ld.problems] == ["record is not an Event: skipped"]


def test_long_length_then_valid_record_written_later(logdir: Path) -> None:
    path = logdir / NAME
    first = frame(version_event())
    path.write_bytes(first + header(100_000) + b"\x00" * 300)
    ld = Logdir(logdir)
    ld.reload()
    assert ld.problems == []  # may still be a record being written
    with path.open("ab") as f:
        f.write(b"".join(map(frame, scalars("a", range(3)))))
    ld.reload()
    assert ld.scalars(".", "a").step.tolist() == [0, 1, 2]
    assert [p.offset for p in ld.problems] == [len(first)]
    assert "not plausible" in ld.problems[0].message


def test_wrong_length_within_the_file_does_not_skip_the_records_it_spans(logdir: Path) -> None:
    records = b"".join(map(frame, scalars("a", range(2000))))
    bogus = header(len(records) - 100)  # ends inside the file; its "data CRC" fails
    (logdir / NAME).write_bytes(frame(version_event()) + bogus + records)
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.scalars(".", "a")) == 2000
    assert ld.problem_count == 1


# ---- rewritten files ------------------------------------------------------------------


def test_file_rewritten_with_the_same_record_lengths_is_read_again(logdir: Path) -> None:
    path = logdir / "run" / NAME
    write_records(path, [version_event(1e9), *scalars("a", range(100), wall=1e9)])
    ld = Logdir(logdir)
    ld.reload()
    # a writer restarted under the same name: same tags, same record lengths, more steps
    write_records(path, [version_event(2e9), *scalars("a", range(150), base=100, wall=2e9)])
    ch = ld.reload()
    s = ld.scalars("run", "a")
    assert s.step.tolist() == list(range(150))
    np.testing.assert_array_equal(s.value, 100 + np.arange(150) / 4)
    assert ch.series[("run", "scalars", "a")].first_row == 0
    assert [p.message for p in ld.problems] == ["event file was rewritten: its run is read again"]


def test_file_replaced_by_a_shorter_one_is_read_again(logdir: Path) -> None:
    path = logdir / "run" / NAME
    other = logdir / "run" / "events.out.tfevents.2"
    write_records(path, [version_event(), *scalars("a", range(100))])
    write_records(other, [version_event(), *scalars("b", range(10))])
    ld = Logdir(logdir)
    ld.reload()
    write_records(path, [version_event(3e9), *scalars("a", range(40), base=7, wall=3e9)])
    ld.reload()
    assert ld.scalars("run", "a").value.tolist() == [7 + s / 4 for s in range(40)]
    assert ld.scalars("run", "b").step.tolist() == list(range(10))  # its other file kept
    assert len(ld.problems) == 1 and "rewritten" in ld.problems[0].message
    assert not ld.reload()


def test_file_replaced_by_another_writers_file(tmp_path: Path) -> None:
    from tensorboardX import SummaryWriter

    logdir = tmp_path / "logs"
    files = []
    for i, steps in enumerate((30, 60)):
        with SummaryWriter(str(tmp_path / f"w{i}")) as w:
            for s in range(steps):
                w.add_scalar("loss", i * 1000 + s, s)
        files.extend((tmp_path / f"w{i}").iterdir())
    dest = logdir / "run" / NAME
    dest.parent.mkdir(parents=True)
    shutil.copy(files[0], dest)
    ld = Logdir(logdir)
    ld.reload()
    assert len(ld.scalars("run", "loss")) == 30
    shutil.copy(files[1], dest)  # a longer file under the same name
    ld.reload()
    assert ld.scalars("run", "loss").value.tolist() == [1000.0 + s for s in range(60)]
    assert "rewritten" in ld.problems[-1].message


# ---- bounded problems, one per corrupt region -------------------------------------------


def test_problems_are_counted_and_only_the_latest_kept(logdir: Path) -> None:
    rng = np.random.default_rng(3)
    blob = bytearray(frame(version_event()))
    n_bad = 3000
    for i in range(n_bad):  # tags of varying length: records of many lengths
        rec = bytearray(frame(scalar_event("t" * int(rng.integers(1, 40)), i, 1.0)))
        rec[-1] ^= 0xFF  # bad data CRC
        blob += rec
    blob += frame(scalar_event("ok", 1, 1.0))
    (logdir / NAME).write_bytes(bytes(blob))
    ld = Logdir(logdir)
    ch = ld.reload()
    assert ld.scalars(".", "ok").value.tolist() == [1.0]
    assert len(ld.problems) == 100 and len(ch.problems) == 100
    assert ld.problem_count == n_bad == ch.problem_count
    assert ld.problem_summary == {(NAME, "bad data CRC: record skipped"): n_bad}


def test_absurd_length_is_reported_as_such(logdir: Path) -> None:
    blob = frame(version_event()) + header(1 << 40) + frame(scalar_event("a", 1, 2.0))
    (logdir / NAME).write_bytes(blob)
    ld = Logdir(logdir)
    ld.reload()
    assert [p.message for p in ld.problems] == [
        "record length 1,099,511,627,776 is not plausible: skipped to the next valid record"
    ]
    assert ld.scalars(".", "a").value.tolist() == [2.0]


def test_one_corrupt_region_is_one_problem(logdir: Path) -> None:
    rng = np.random.default_rng(4)
    garbage = rng.bytes(3000) + header(1 << 30) + rng.bytes(3000) + header(70_000) + bytes(50_000)
    blob = frame(version_event()) + garbage + b"".join(map(frame, scalars("a", range(10))))
    (logdir / NAME).write_bytes(blob)
    ld = Logdir(logdir, chunk_bytes=4096)  # the region spans many chunks
    ld.reload()
    assert ld.scalars(".", "a").step.tolist() == list(range(10))
    assert len(ld.problems) == 1 and ld.problems[0].offset == len(frame(version_event()))
    assert ld.problem_count == 1


def test_zeros_across_chunks_are_one_problem(logdir: Path) -> None:
    first = frame(version_event())
    blob = first + bytes(300_000) + b"".join(map(frame, scalars("a", range(10))))
    (logdir / NAME).write_bytes(blob)
    ld = Logdir(logdir, chunk_bytes=4096)
    ld.reload()
    assert ld.scalars(".", "a").step.tolist() == list(range(10))
    assert [(p.offset, p.kind) for p in ld.problems] == [
        (len(first), "bad record header (length CRC mismatch)")
    ]
