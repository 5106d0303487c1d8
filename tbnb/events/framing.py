"""TFRecord framing: find the records in a buffer, checking every length CRC.

A record is ``uint64 length | uint32 masked_crc(length) | data | uint32 masked_crc(data)``.
Records are walked one by one until the lengths repeat with some period (a training
loop writes the same tags in the same order); then whole periods are accepted at once
by comparing each slot's 12-byte header (length and its CRC) across all later periods
with numpy, which checks those length CRCs too. When no period is found, detection is
retried with exponential backoff so that irregular files are walked at full speed.
A header whose CRC fails, or whose length is not plausible, starts a corrupt region:
it is reported once and the buffer is scanned (resync.py) for the next record whose
length and data CRCs both verify. Loose records of ``CHECK_DATA`` bytes or more have
their data CRC checked here too, so that a wrong length that happens to carry a valid
CRC does not make the reader skip the valid records it spans.
"""

from __future__ import annotations

import struct
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from tbnb.events import crc
from tbnb.events.resync import (
    FOOTER,
    HEADER,
    MAX_RECORD,
    OVERHEAD,
    data_ok,
    find_header,
    find_record,
)

MAX_PERIOD = 32
# Shorter periodic stretches are left to the length-grouped path.
MIN_PERIODS = 8
# A period is looked for after each of a stretch's first records (two periods of
# MAX_PERIOD and the file's first record): a small file (a run of a few hundred events)
# then leaves few records to protobuf; later attempts back off.
EAGER = 2 * MAX_PERIOD + 1
# Loose records at least this long have their data CRC checked while framing.
CHECK_DATA = 64 << 10
_HDR = struct.Struct("<QI")


@dataclass(frozen=True)
class Loose:
    """Consecutive records without a detected period: their starts and data lengths."""

    starts: array[int]  # array('q'): 8 bytes per record
    lengths: array[int]


@dataclass(frozen=True)
class Strided:
    """``count`` repetitions of a period of records, ``stride`` bytes apart.

    Slot ``r`` of period ``j`` starts at ``base + j * stride + offsets[r]`` and has
    ``lengths[r]`` data bytes.
    """

    base: int
    stride: int
    count: int
    offsets: tuple[int, ...]
    lengths: tuple[int, ...]

    @property
    def n_records(self) -> int:
        return self.count * len(self.offsets)


Segment = Loose | Strided


@dataclass
class Framing:
    """Records found in ``buf[:end]``; bytes from ``end`` on wait for more data.

    ``waiting`` is the data length of the record that starts at ``end`` and is not
    complete in the buffer (-1: none). ``corrupt``: the bytes just before ``end`` were a
    corrupt region, already reported, in which no valid record was found yet.
    """

    segments: list[Segment] = field(default_factory=list)
    end: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)
    waiting: int = -1
    corrupt: bool = False


def _speculate(buf: np.ndarray, q0: int, end: int, period: list[tuple[int, int]]) -> int:
    """How many whole periods from ``q0`` repeat ``period``'s headers exactly."""
    first = period[0][0]
    offsets = [s - first for s, _ in period]
    stride = period[-1][0] + period[-1][1] + OVERHEAD - first
    total = (end - q0) // stride
    done = 0
    chunk = 256
    while done < total:
        n = min(chunk, total - done)
        base = q0 + done * stride
        good = n
        for (s, length), off in zip(period, offsets, strict=True):
            hcrc = int.from_bytes(bytes(buf[s + 8 : s + 12]), "little")
            lens = np.ndarray((n,), dtype="<u8", buffer=buf, offset=base + off, strides=(stride,))
            crcs = np.ndarray(
                (n,), dtype="<u4", buffer=buf, offset=base + off + 8, strides=(stride,)
            )
            bad = np.flatnonzero((lens != length) | (crcs != hcrc))
            if len(bad):
                good = min(good, int(bad[0]))
        done += good
        if good < n:
            break
        chunk *= 4
    return done


def implausible(length: int) -> str:
    return f"record length {length:,} is not plausible: skipped to the next valid record"


def frame_bytes(raw: bytes, buf: np.ndarray, start: int = 0, *, corrupt: bool = False) -> Framing:
    """Split ``raw[start:]`` (also given as the uint8 array ``buf``) into records.

    Stops before a record that is not complete yet. ``corrupt``: ``raw[start:]`` begins
    inside a corrupt region already reported (the record there must prove itself by its
    data CRC, and is not reported again).
    """
    out = Framing()
    end = len(raw)
    p = start
    starts = array("q")
    lens = array("q")
    skip = 0  # records to walk before trying to detect a period again
    backoff = 1

    def close_loose() -> None:
        nonlocal starts, lens
        if starts:
            out.segments.append(Loose(starts, lens))
            starts, lens = array("q"), array("q")

    def resync(at: int, message: str | None) -> int:
        """Skip a corrupt region from ``at``; the next position to read, or -1 to stop."""
        if message is not None:
            out.problems.append((at, message))
        close_loose()
        q, pending = find_record(raw, buf, at if message is None else at + 1, end)
        if q >= 0:
            return q
        out.corrupt = True
        if pending:  # a plausible header whose record is not complete: more bytes judge it
            out.end, out.waiting = pending[0]
        else:
            out.end = max(at, end - HEADER + 1)
        return -1

    if corrupt:
        p = resync(p, None)
        if p < 0:
            return out
    while True:
        if end - p < HEADER:
            break
        length, stored = _HDR.unpack_from(raw, p)
        if crc.masked_crc32c(raw[p : p + 8]) != stored:
            p = resync(p, "bad record header (length CRC mismatch)")
        elif length > MAX_RECORD:
            p = resync(p, implausible(length))
        elif p + length + OVERHEAD > end:
            out.waiting = length  # incomplete record: wait for the writer (or more bytes)
            break
        elif length >= CHECK_DATA and not data_ok(raw, p, length):
            p = resync(p, "bad data CRC: skipped to the next valid record")
        else:
            starts.append(p)
            lens.append(length)
            p += length + OVERHEAD
            if skip > 0:
                skip -= 1
                continue
            if _detect_period(buf, p, end, starts, lens, out, close_loose):
                p = out.end
                backoff = 1
                starts, lens = array("q"), array("q")
            elif len(lens) > EAGER:
                skip = backoff
                backoff = min(2 * backoff, 1024)
            continue
        if p < 0:
            return out
    close_loose()
    out.end = p
    return out


def _detect_period(
    buf: np.ndarray,
    p: int,
    end: int,
    starts: array[int],
    lens: array[int],
    out: Framing,
    close_loose: Callable[[], None],
) -> bool:
    """Whether the last records repeat with a period that goes on from ``p``; if so the
    periods found are appended to ``out`` as one Strided segment and ``out.end`` is set
    past them."""
    n = len(lens)
    length = lens[n - 1]
    for period in range(1, min(MAX_PERIOD, n // 2) + 1):
        if (
            lens[n - 1 - period] != length
            or lens[n - period :] != lens[n - 2 * period : n - period]
        ):
            continue
        if end - p < MIN_PERIODS * (p - starts[n - period]):
            return False  # too few bytes left for a periodic stretch worth accepting
        pattern = list(zip(starts[n - period :], lens[n - period :], strict=True))
        k = _speculate(buf, p, end, pattern)
        if k < MIN_PERIODS:
            return False
        first = pattern[0][0]
        stride = p - first
        close_loose()
        out.segments.append(
            Strided(
                base=p,
                stride=stride,
                count=k,
                offsets=tuple(st - first for st, _ in pattern),
                lengths=tuple(ln for _, ln in pattern),
            )
        )
        out.end = p + k * stride
        return True
    return False


__all__ = [
    "FOOTER",
    "HEADER",
    "MAX_RECORD",
    "OVERHEAD",
    "Framing",
    "Loose",
    "Segment",
    "Strided",
    "find_header",
    "frame_bytes",
    "implausible",
]
