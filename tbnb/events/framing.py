"""TFRecord framing: find the records in a buffer, checking every length CRC.

A record is ``uint64 length | uint32 masked_crc(length) | data | uint32 masked_crc(data)``.
Records are walked one by one until the lengths repeat with some period (a training
loop writes the same tags in the same order); then whole periods are accepted at once
by comparing each slot's 12-byte header (length and its CRC) across all later periods
with numpy, which checks those length CRCs too. When no period is found, detection is
retried with exponential backoff so that irregular files are walked at full speed.
A header whose CRC fails is reported and the buffer is scanned (vectorized) for the
next header whose CRC verifies.
"""

from __future__ import annotations

import struct
from array import array
from dataclasses import dataclass, field

import numpy as np

from tbnb.events import crc

HEADER = 12
FOOTER = 4
OVERHEAD = HEADER + FOOTER
# Larger lengths (512 MiB) are treated as corruption rather than waited for.
MAX_RECORD = 1 << 29
MAX_PERIOD = 32
# Shorter periodic stretches are left to the length-grouped path.
MIN_PERIODS = 8
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
    """Records found in ``buf[:end]``; bytes from ``end`` on wait for more data."""

    segments: list[Segment] = field(default_factory=list)
    end: int = 0
    problems: list[tuple[int, str]] = field(default_factory=list)


def find_header(buf: np.ndarray, start: int, stop: int) -> int:
    """First offset ``q`` in ``[start, stop)`` whose 8 bytes carry a valid length CRC.

    Returns -1 when there is none (a header must fit in ``buf`` entirely).
    """
    last = min(stop, len(buf) - HEADER + 1)
    window = 1 << 20
    q = start
    zero = crc.zeros_crc(8)
    while q < last:
        n = min(window, last - q)
        acc = np.full(n, zero, dtype=np.uint32)
        for k in range(8):
            acc ^= crc.dist_table(7 - k)[buf[q + k : q + k + n]]
        stored = np.ndarray((n,), dtype="<u4", buffer=buf, offset=q + 8, strides=(1,))
        hits = np.flatnonzero(crc.mask_array(acc) == stored)
        if len(hits):
            return q + int(hits[0])
        q += n
    return -1


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


def frame_bytes(raw: bytes, buf: np.ndarray, start: int = 0) -> Framing:
    """Split ``raw[start:]`` (also given as the uint8 array ``buf``) into records.

    Stops before a record that is not complete yet.
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

    while True:
        if end - p < HEADER:
            break
        length, stored = _HDR.unpack_from(raw, p)
        ok = crc.masked_crc32c(raw[p : p + 8]) == stored and length <= MAX_RECORD
        if not ok:
            out.problems.append((p, "bad record header (length CRC mismatch)"))
            close_loose()
            q = find_header(buf, p + 1, end)
            if q < 0:
                p = max(p + 1, end - HEADER + 1)
                break
            p = q
            continue
        if p + length + OVERHEAD > end:
            break  # incomplete record: wait for the writer
        starts.append(p)
        lens.append(length)
        p += length + OVERHEAD
        if skip > 0:
            skip -= 1
            continue
        n = len(lens)
        found = False
        for period in range(1, min(MAX_PERIOD, n // 2) + 1):
            if (
                lens[n - 1 - period] != length
                or lens[n - period :] != lens[n - 2 * period : n - period]
            ):
                continue
            pattern = list(zip(starts[n - period :], lens[n - period :], strict=True))
            k = _speculate(buf, p, end, pattern)
            if k >= MIN_PERIODS:
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
                p += k * stride
                found = True
            break
        if found:
            backoff = 1
        else:
            skip = backoff
            backoff = min(2 * backoff, 1024)
    close_loose()
    out.end = p
    return out
