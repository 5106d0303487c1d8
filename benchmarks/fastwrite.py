"""A fast writer of scalar event files for benchmarks: tensorboardX's bytes, vectorised.

``write_scalars`` writes the same bytes as tensorboardX's ``SummaryWriter`` given the
same calls: a ``file_version`` event first, then for each step, for each tag,
``add_scalar(tag, value, step, walltime)`` (an Event with ``wall_time``, ``step``
(omitted at step 0, as proto3 omits a default) and a Summary of one ``simple_value``,
a float32). It is checked against tensorboardX by ``check_against_tensorboardx`` (the
benchmarks call it before writing a large logdir) and by tests/test_fastwrite.py.

How: within a block of steps whose step varint has one width, every step's records
(one per tag) have the same bytes except the wall time, the step and the value, so the
block is one (steps, bytes per step) uint8 matrix; its constant bytes are written once
per column and its variable ones as columns. The data CRC32C is affine over GF(2): the
constant bytes fold into one number per tag and each variable byte column costs one
table lookup. About 50x tensorboardX's
``add_scalar`` loop.
"""

from __future__ import annotations

import os
import struct
from collections.abc import Callable, Sequence
from pathlib import Path

import google_crc32c
import numpy as np
import numpy.typing as npt

FILE_VERSION = b"brain.Event:2"
_POLY = 0x82F63B78  # CRC32C, reflected


def _byte_table() -> npt.NDArray[np.uint32]:
    t = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        t = np.where(t & 1, (t >> 1) ^ np.uint32(_POLY), t >> 1).astype(np.uint32)
    return t


_TABLE = _byte_table()
_DIST: list[npt.NDArray[np.uint32]] = [_TABLE]


def _dist_table(d: int) -> npt.NDArray[np.uint32]:
    """What each byte value adds to the CRC register when ``d`` bytes follow it."""
    while len(_DIST) <= d:
        prev = _DIST[-1]
        _DIST.append(_TABLE[prev & 0xFF] ^ (prev >> 8))
    return _DIST[d]


def _masked(c: int) -> int:
    return (((c >> 15) | (c << 17)) + 0xA282EAD8) & 0xFFFFFFFF


def _masked_crc(data: bytes) -> int:
    return _masked(int(google_crc32c.value(data)))


# Steps written per block at most (bounds the matrix: about 50 bytes a record).
BLOCK_STEPS = 16_384


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def _frame(data: bytes) -> bytes:
    head = struct.pack("<Q", len(data))
    return head + struct.pack("<I", _masked_crc(head)) + data + struct.pack("<I", _masked_crc(data))


def version_record(wall: float) -> bytes:
    """The ``file_version`` event every writer starts its file with."""
    return _frame(
        b"\x09" + struct.pack("<d", wall) + b"\x1a" + _varint(len(FILE_VERSION)) + FILE_VERSION
    )


def _widths(steps: npt.NDArray[np.int64]) -> npt.NDArray[np.int64]:
    """Bytes of each step's varint (0 for step 0: proto3 does not write a default)."""
    w = (steps > 0).astype(np.int64)
    for k in range(1, 10):
        w += steps >= (1 << (7 * k))
    return w


class _Layout:
    """One tag's record for a step varint of ``width`` bytes: its constant bytes, and
    where the wall time, the step and the value go (offsets in the record)."""

    def __init__(self, tag: bytes, width: int) -> None:
        val = b"\x0a" + _varint(len(tag)) + tag + b"\x15"
        summ_head = b"\x0a" + _varint(len(val) + 4)
        summ_len = len(summ_head) + len(val) + 4
        after_step = b"\x2a" + _varint(summ_len) + summ_head + val
        n = 1 + 8 + (1 + width if width else 0) + len(after_step) + 4  # data bytes
        head = struct.pack("<Q", n)
        self.length = n
        self.size = 12 + n + 4
        rec = bytearray(self.size)
        rec[:8] = head
        rec[8:12] = struct.pack("<I", _masked_crc(head))
        rec[12] = 0x09
        self.wall = 13
        p = 21
        if width:
            rec[p] = 0x10
            p += 1
        self.step = p
        p += width
        rec[p : p + len(after_step)] = after_step
        self.value = p + len(after_step)
        self.const = np.frombuffer(bytes(rec), dtype=np.uint8)
        # the data CRC of the constant bytes (variable ones as zeros), folded once
        data = bytes(rec[12 : 12 + n])
        self.crc_const = int(google_crc32c.value(data))  # variable bytes are zero in ``rec``

    def crc_of(
        self, mat: npt.NDArray[np.uint8], at: int, cols: Sequence[int]
    ) -> npt.NDArray[np.uint32]:
        """Masked data CRC of each row (``at``: the record's offset in a row; ``cols``:
        the variable byte columns, record offsets)."""
        out = np.full(mat.shape[0], self.crc_const, dtype=np.uint32)
        for k in cols:
            d = self.length - 1 - (k - 12)  # zero bytes after data byte k - 12
            out ^= _dist_table(d)[mat[:, at + k]]
        return ((out >> np.uint32(15)) | (out << np.uint32(17))) + np.uint32(0xA282EAD8)


def _bytes(col: npt.NDArray[np.generic], dtype: str) -> npt.NDArray[np.uint8]:
    """A column's little-endian bytes as an (n, itemsize) matrix."""
    a = np.ascontiguousarray(col, dtype=dtype)
    return a.view(np.uint8).reshape(len(a), a.itemsize)


def _block(
    tags: Sequence[bytes],
    steps: npt.NDArray[np.int64],
    values: npt.NDArray[np.float32],
    walls: npt.NDArray[np.float64],
) -> bytes:
    """Records of ``steps`` (one varint width) x ``tags``, step-major."""
    width = int(_widths(steps[:1])[0])
    layouts = [_Layout(t, width) for t in tags]
    row = sum(lay.size for lay in layouts)
    n = len(steps)
    mat = np.empty((n, row), dtype=np.uint8)
    u = steps.astype(np.uint64)
    step_bytes = np.empty((n, width), dtype=np.uint8)
    for i in range(width):
        b = (u >> np.uint64(7 * i)) & np.uint64(0x7F)
        if i < width - 1:
            b |= np.uint64(0x80)
        step_bytes[:, i] = b
    at = 0
    for j, lay in enumerate(layouts):
        mat[:, at : at + lay.size] = lay.const
        mat[:, at + lay.wall : at + lay.wall + 8] = _bytes(walls[:, j], "<f8")
        mat[:, at + lay.step : at + lay.step + width] = step_bytes
        mat[:, at + lay.value : at + lay.value + 4] = _bytes(values[:, j], "<f4")
        var = [
            *range(lay.wall, lay.wall + 8),
            *range(lay.step, lay.step + width),
            *range(lay.value, lay.value + 4),
        ]
        c = lay.crc_of(mat, at, var)
        mat[:, at + lay.size - 4 : at + lay.size] = _bytes(c, "<u4")
        at += lay.size
    return mat.tobytes()


def write_scalars(
    path: str | os.PathLike[str],
    tags: Sequence[str],
    steps: npt.ArrayLike,
    values: npt.ArrayLike,
    walls: npt.ArrayLike,
    version_wall: float,
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write an event file as tensorboardX would: ``for s: for t: add_scalar(t, v, s, w)``.

    ``steps``: (n,) non-negative ints; ``values``: (n, len(tags)), written as float32
    (``simple_value``); ``walls``: (n,) or (n, len(tags)) seconds, not 0 (proto3 would
    omit them); ``version_wall``: the file_version event's wall time. ``progress`` is
    called with the number of steps written so far. Returns the file's size.
    """
    st = np.asarray(steps, dtype=np.int64)
    n = len(st)
    vals = np.ascontiguousarray(np.asarray(values, dtype=np.float64).astype(np.float32)).reshape(
        n, len(tags)
    )
    w = np.asarray(walls, dtype=np.float64)
    w = np.ascontiguousarray(np.broadcast_to(w.reshape(n, -1) if w.ndim else w, (n, len(tags))))
    if n and (st.min() < 0 or not np.all(w != 0)):
        raise ValueError("steps must be >= 0 and wall times not 0")
    btags = [t.encode() for t in tags]
    size = 0
    with Path(path).open("wb") as f:
        head = version_record(version_wall)
        f.write(head)
        size += len(head)
        widths = _widths(st)
        i = 0
        while i < n:
            j = min(n, i + BLOCK_STEPS)
            same = np.flatnonzero(widths[i:j] != widths[i])
            if len(same):
                j = i + int(same[0])
            blob = _block(btags, st[i:j], vals[i:j], w[i:j])
            f.write(blob)
            size += len(blob)
            i = j
            if progress is not None:
                progress(i)
    return size


def check_against_tensorboardx(tmp: str | os.PathLike[str]) -> int:
    """Write a sample with tensorboardX and with ``write_scalars``; raise if their bytes
    differ. Returns the number of records compared."""
    from tensorboardX import SummaryWriter

    tags = ["loss", "accuracy", "val/loss", "a" * 130, "x"]
    steps = [0, 1, 2, 127, 128, 300, 16383, 16384, 70_000, 2_097_152, 10**12]
    rng = np.random.default_rng(7)
    values = rng.standard_normal((len(steps), len(tags))) * 1e3
    values[0, 0] = 0.0
    values[1, 1] = -0.0
    values[2, 2] = 1e-45
    walls = 1.7e9 + rng.random((len(steps), len(tags))) * 1e6
    d = Path(tmp) / "tbx"
    with SummaryWriter(str(d)) as wr:
        for i, s in enumerate(steps):
            for j, t in enumerate(tags):
                wr.add_scalar(t, float(values[i, j]), s, walltime=float(walls[i, j]))
    (theirs,) = d.iterdir()
    raw = theirs.read_bytes()
    if raw[12] != 0x09:  # the file_version event starts with its wall time
        raise AssertionError("tensorboardX's first record is not a wall time")
    (version_wall,) = struct.unpack_from("<d", raw, 13)
    ours = Path(tmp) / "fast"
    write_scalars(ours, tags, steps, values, walls, version_wall)
    mine = ours.read_bytes()
    if mine != raw:
        at = next(
            (k for k, (a, b) in enumerate(zip(mine, raw, strict=False)) if a != b),
            min(len(mine), len(raw)),
        )
        raise AssertionError(
            f"fast writer differs from tensorboardX at byte {at} "
            f"({len(mine)} against {len(raw)} bytes)"
        )
    return 1 + len(steps) * len(tags)


_checked = False


def check_once() -> None:
    """``check_against_tensorboardx`` once per process, said on stdout."""
    global _checked  # noqa: PLW0603
    if _checked:
        return
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        n = check_against_tensorboardx(tmp)
    print(f"fast writer: the same bytes as tensorboardX's add_scalar on {n} records", flush=True)
    _checked = True


def write_run(
    folder: str | os.PathLike[str],
    tags: Sequence[str],
    values: npt.ArrayLike,
    wall0: float,
    step_seconds: float = 0.01,
) -> Path:
    """A run folder of one event file named as tensorboardX names it, holding steps
    ``0 .. len(values) - 1`` of ``tags`` (``values``: (steps, tags)); step ``s`` of tag
    ``j`` at ``wall0 + s * step_seconds + j * 1e-6``."""
    import socket

    vals = np.asarray(values, dtype=np.float64)
    steps = np.arange(len(vals), dtype=np.int64)
    walls = wall0 + steps[:, None] * step_seconds + np.arange(len(tags)) * 1e-6
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"events.out.tfevents.{int(wall0)}.{socket.gethostname()}"
    write_scalars(path, tags, steps, vals, walls, wall0)
    return path
