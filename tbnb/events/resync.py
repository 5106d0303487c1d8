"""Finding the next valid record after corruption, at memory speed over zeros and garbage.

A header that can be accepted has a length of at most ``MAX_RECORD`` (2**29), so its
bytes 4..7 are zero. The scan therefore

1. skips blocks that are all zeros (a header needs a non-zero byte among its 12:
   the masked CRC of a zero length is not zero), with one ``max`` per block;
2. in the other blocks, keeps the positions followed by four zero bytes (a few
   boolean passes; rare in random bytes, one in eight in an array of small integers);
3. checks the length CRC of those positions at once with the CRC tables.

A candidate is a record only if its data CRC verifies too (:func:`find_record`).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from tbnb.events import crc

HEADER = 12
FOOTER = 4
OVERHEAD = HEADER + FOOTER
# Larger lengths (512 MiB) are treated as corruption rather than waited for.
MAX_RECORD = 1 << 29
BLOCK = 4096  # zero blocks are skipped by this many bytes
WINDOW = 8 << 20  # positions examined per step for zero blocks
SPAN = 1 << 20  # positions whose candidates are checked at once
# Candidates whose record ends beyond the buffer, kept for a later look.
MAX_PENDING = 16

I64 = npt.NDArray[np.int64]


def _nonzero_runs(buf: np.ndarray, lo: int, hi: int) -> list[tuple[int, int]]:
    """Ranges covering every non-zero byte of ``buf[lo:hi]``: maximal runs of
    BLOCK-aligned blocks holding one (the partial blocks at either end included)."""
    b0 = -(-lo // BLOCK) * BLOCK
    b1 = hi // BLOCK * BLOCK
    if b1 - b0 < 2 * BLOCK:
        return [(lo, hi)] if buf[lo:hi].any() else []
    words = np.ndarray(((b1 - b0) // 8,), dtype="<u8", buffer=buf, offset=b0)
    nz = words.reshape(-1, BLOCK // 8).max(axis=1) != 0
    nb = len(nz)
    # segments: 0 = [lo, b0), 1..nb = the blocks, nb + 1 = [b1, hi)
    head, tail = bool(buf[lo:b0].any()), bool(buf[b1:hi].any())
    flags = np.concatenate(([False, head], nz, [tail, False])).astype(np.int8)
    edges = np.flatnonzero(np.diff(flags)).tolist()
    out = []
    for a, e in zip(edges[0::2], edges[1::2], strict=True):  # segments a .. e - 1
        start = lo if a == 0 else b0 + (a - 1) * BLOCK
        end = hi if e == nb + 2 else b0 + (e - 1) * BLOCK
        out.append((start, end))
    return out


def _headers_in(buf: np.ndarray, lo: int, hi: int) -> I64:
    """Sorted positions ``r`` in ``[lo, hi)`` holding a valid, plausible header
    (``buf`` must hold ``r + 12`` bytes for each)."""
    n = hi - lo
    if n <= 0:
        return np.empty(0, dtype=np.int64)
    zero = buf[lo + 4 : hi + 7] == 0  # bytes 4..7 of every candidate
    high = zero[0:n] & zero[1 : n + 1] & zero[2 : n + 2] & zero[3 : n + 3]
    high &= buf[lo + 3 : hi + 3] <= MAX_RECORD >> 24
    if not high.any():
        return np.empty(0, dtype=np.int64)
    # bytes 0..3 (the length) and 8..11 (its masked CRC) of the candidates
    length = np.ndarray((n,), dtype="<u4", buffer=buf, offset=lo, strides=(1,))[high]
    stored = np.ndarray((n,), dtype="<u4", buffer=buf, offset=lo + 8, strides=(1,))[high]
    cand = np.flatnonzero(high).astype(np.int64) + lo
    acc = np.full(len(cand), crc.zeros_crc(8), dtype=np.uint32)
    for k in range(4):  # bytes 4..7 are zero: they add nothing to the register
        acc ^= crc.dist_table(7 - k)[(length >> np.uint32(8 * k)) & np.uint32(0xFF)]
    ok = (crc.mask_array(acc) == stored) & (length <= MAX_RECORD)
    out: I64 = cand[ok]
    return out


def find_header(buf: np.ndarray, start: int, stop: int) -> int:
    """First offset in ``[start, stop)`` where a header with a valid length CRC and a
    length of at most ``MAX_RECORD`` starts; -1 when there is none (a header must fit in
    ``buf`` entirely)."""
    last = min(stop, len(buf) - HEADER + 1)
    q = start
    while q < last:
        n = min(WINDOW, last - q)
        # a header starting in [q, q + n) has a non-zero byte in [q, q + n + 11)
        for lo, hi in _nonzero_runs(buf, q, q + n + HEADER - 1):
            a, b = max(q, lo - HEADER + 1), min(q + n, hi)
            for c in range(a, b, SPAN):
                hits = _headers_in(buf, c, min(c + SPAN, b))
                if len(hits):
                    return int(hits[0])
        q += n
    return -1


def data_ok(raw: bytes, start: int, length: int) -> bool:
    """Whether the complete record at ``start`` (data ``length`` bytes) has a valid data CRC."""
    at = start + HEADER + length
    stored = int.from_bytes(raw[at : at + FOOTER], "little")
    return crc.masked_crc32c(raw[start + HEADER : at]) == stored


def find_record(
    raw: bytes, buf: np.ndarray, start: int, end: int
) -> tuple[int, list[tuple[int, int]]]:
    """First offset in ``[start, end)`` where a record with valid length and data CRCs
    starts and ends by ``end`` (-1 if none), and the headers found before it whose
    record ends beyond ``end`` (offset, length; at most MAX_PENDING), which only more
    bytes can judge."""
    pending: list[tuple[int, int]] = []
    q = start
    while True:
        h = find_header(buf, q, end)
        if h < 0:
            return -1, pending
        length = int.from_bytes(raw[h : h + 8], "little")
        if h + length + OVERHEAD <= end:
            if data_ok(raw, h, length):
                return h, pending
        elif len(pending) < MAX_PENDING:
            pending.append((h, length))
        q = h + 1
