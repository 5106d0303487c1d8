"""CRC32C as TFRecord uses it (masked), for one buffer or for many records at once.

CRC32C is affine over GF(2): for a message of length L,
``crc(m) = crc(zeros(L)) ^ XOR_k T_{L-1-k}[m[k]]`` where ``T_d[b]`` is the register
contribution of byte ``b`` followed by ``d`` zero bytes. Many same-length records can
therefore be checked with one table lookup per varying byte column, and the columns
that hold the same byte in every record fold into one constant.
"""

from __future__ import annotations

import threading

import google_crc32c
import numpy as np
import numpy.typing as npt

_POLY = 0x82F63B78
_MASK_DELTA = 0xA282EAD8

U8 = npt.NDArray[np.uint8]
U32 = npt.NDArray[np.uint32]


def _byte_table() -> U32:
    crc = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        crc = np.where(crc & 1, (crc >> 1) ^ np.uint32(_POLY), crc >> 1).astype(np.uint32)
    return crc


_TABLE = _byte_table()
_dist_tables: list[U32] = [_TABLE.copy()]
_dist_lock = threading.Lock()


def dist_table(d: int) -> U32:
    """Register contribution of each byte value followed by ``d`` zero bytes."""
    if d < len(_dist_tables):
        return _dist_tables[d]
    with _dist_lock:
        while len(_dist_tables) <= d:
            prev = _dist_tables[-1]
            _dist_tables.append(_TABLE[prev & 0xFF] ^ (prev >> 8))
        return _dist_tables[d]


_pair_tables: dict[int, U32] = {}


def pair_table(d: int) -> U32:
    """Contribution of a little-endian uint16 (two bytes) whose second byte is followed
    by ``d`` zero bytes: one lookup instead of two."""
    t = _pair_tables.get(d)
    if t is None:
        first, second = dist_table(d + 1), dist_table(d)
        t = (first[None, :] ^ second[:, None]).reshape(-1)
        if len(_pair_tables) < 256:
            _pair_tables[d] = t
    return t


def crc32c(data: bytes | memoryview) -> int:
    """Plain CRC32C of ``data``."""
    return int(google_crc32c.value(bytes(data)))


def mask(crc: int) -> int:
    """TFRecord's masking of a CRC32C value."""
    return (((crc >> 15) | (crc << 17)) + _MASK_DELTA) & 0xFFFFFFFF


def masked_crc32c(data: bytes | memoryview) -> int:
    """Masked CRC32C of ``data`` as stored in TFRecord framing."""
    return mask(crc32c(data))


def mask_array(crc: U32) -> U32:
    """Vectorized :func:`mask`."""
    out: U32 = ((crc >> np.uint32(15)) | (crc << np.uint32(17))) + np.uint32(_MASK_DELTA)
    return out


_zero_crc: dict[int, int] = {}


def zeros_crc(length: int) -> int:
    """CRC32C of ``length`` zero bytes (cached)."""
    v = _zero_crc.get(length)
    if v is None:
        v = crc32c(bytes(length))
        _zero_crc[length] = v
    return v


def masked_crc_columns(rows: U8, const_cols: npt.NDArray[np.bool_], template: U8) -> U32:
    """Masked CRC32C of each row of ``rows`` (n, L).

    Columns flagged in ``const_cols`` are taken from ``template`` (the caller has
    checked that every row holds those bytes); only the other columns are read.
    """
    n, length = rows.shape
    acc = zeros_crc(length)
    for k in np.flatnonzero(const_cols):
        acc ^= int(dist_table(length - 1 - int(k))[template[k]])
    out = np.full(n, acc, dtype=np.uint32)
    for k in np.flatnonzero(~const_cols):
        out ^= dist_table(length - 1 - int(k))[rows[:, k]]
    return mask_array(out)
