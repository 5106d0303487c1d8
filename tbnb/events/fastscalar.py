"""Vectorized decoding of many same-shaped scalar events at once.

A *template* is read from one record: which byte ranges are the wall time, the step
varint and the value, and which bytes (field keys, lengths, tag, metadata) must be
identical in every record of the same shape. Records are then checked against the
template, CRC-checked and decoded column by column with numpy; records that do not
match go to the per-record path. Tags written in turn with one record length are
decoded in one pass over their records (:func:`decode_turns`), each row against its
tag's template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tbnb.events import crc
from tbnb.events.framing import HEADER
from tbnb.events.proto import events_pb2

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
BOOL = npt.NDArray[np.bool_]


@dataclass(frozen=True)
class Template:
    """Layout of one scalar event shape (offsets relative to the record's data)."""

    length: int
    data: bytes
    tag: str
    plugin: str  # plugin_name in the value's metadata, '' if none
    from_tensor: bool  # value in a TensorProto (needs the tag's plugin to be scalars)
    wall: int  # offset of the fixed64 wall time, -1 if absent (0.0)
    step: int  # offset of the step varint, -1 if absent (0)
    step_width: int
    value: int  # offset of the value
    value_dtype: str  # '<f4' or '<f8'

    def variable_columns(self) -> list[int]:
        cols = list(range(self.value, self.value + (4 if self.value_dtype == "<f4" else 8)))
        if self.wall >= 0:
            cols += range(self.wall, self.wall + 8)
        if self.step >= 0:
            cols += range(self.step, self.step + self.step_width)
        return sorted(cols)


def _varint(b: bytes, p: int) -> tuple[int, int]:
    result = 0
    shift = 0
    while True:
        if p >= len(b) or shift > 63:
            raise ValueError("bad varint")
        c = b[p]
        p += 1
        result |= (c & 0x7F) << shift
        if c < 0x80:
            return result, p
        shift += 7


class _NotScalar(Exception):
    pass


def _tensor_value(b: bytes, p: int, end: int) -> tuple[int, str]:
    dtype = 0
    found: tuple[int, str] | None = None
    while p < end:
        key, p = _varint(b, p)
        fn, wt = key >> 3, key & 7
        if fn == 1 and wt == 0:
            dtype, p = _varint(b, p)
        elif fn == 2 and wt == 2:
            n, p = _varint(b, p)
            shape: Any = events_pb2.TensorShapeProto.FromString(b[p : p + n])
            if any(d.size != 1 for d in shape.dim):
                raise _NotScalar
            p += n
        elif fn in (4, 5, 6) and wt == 2 and found is None:
            n, p = _varint(b, p)
            if n not in (4, 8):
                raise _NotScalar
            found = (p, "<f4" if n == 4 else "<f8")
            if (fn == 5 and n != 4) or (fn == 6 and n != 8):
                raise _NotScalar
            p += n
        elif fn == 5 and wt == 5 and found is None:
            found = (p, "<f4")
            p += 4
        elif fn == 6 and wt == 1 and found is None:
            found = (p, "<f8")
            p += 8
        else:
            raise _NotScalar
    if found is None or p != end:
        raise _NotScalar
    want = {1: "<f4", 2: "<f8"}.get(dtype)
    if want != found[1]:
        raise _NotScalar
    return found


def make_template(data: bytes) -> Template | None:
    """Template for ``data`` if it is a one-value scalar event, else None."""
    try:
        return _make_template(data)
    except Exception:  # _NotScalar, bad varints, bad UTF-8, protobuf DecodeError: not ours
        return None


def _make_template(b: bytes) -> Template | None:
    wall = step = -1
    step_width = 0
    value = -1
    value_dtype = ""
    tag: str | None = None
    plugin = ""
    from_tensor = False
    p = 0
    n_values = 0
    while p < len(b):
        key, p = _varint(b, p)
        fn, wt = key >> 3, key & 7
        if fn == 1 and wt == 1:
            wall = p
            p += 8
        elif fn == 2 and wt == 0:
            step = p
            _, p = _varint(b, p)
            step_width = p - step
        elif fn == 5 and wt == 2:
            n, p = _varint(b, p)
            send = p + n
            while p < send:
                k2, p = _varint(b, p)
                if k2 != 0x0A:
                    return None
                n2, p = _varint(b, p)
                vend = p + n2
                n_values += 1
                while p < vend:
                    k3, p = _varint(b, p)
                    fn3, wt3 = k3 >> 3, k3 & 7
                    if fn3 == 1 and wt3 == 2:
                        n3, p = _varint(b, p)
                        tag = b[p : p + n3].decode("utf-8")
                        p += n3
                    elif fn3 == 2 and wt3 == 5:
                        value, value_dtype = p, "<f4"
                        p += 4
                    elif fn3 == 9 and wt3 == 2:
                        n3, p = _varint(b, p)
                        md: Any = events_pb2.SummaryMetadata.FromString(b[p : p + n3])
                        plugin = str(md.plugin_data.plugin_name)
                        p += n3
                    elif fn3 == 8 and wt3 == 2:
                        n3, p = _varint(b, p)
                        value, value_dtype = _tensor_value(b, p, p + n3)
                        from_tensor = True
                        p += n3
                    else:
                        return None
                if p != vend:
                    return None
            if p != send:
                return None
        else:
            return None
    if p != len(b) or n_values != 1 or tag is None or value < 0:
        return None
    if plugin and plugin != "scalars":
        return None
    return Template(
        length=len(b),
        data=b,
        tag=tag,
        plugin=plugin,
        from_tensor=from_tensor,
        wall=wall,
        step=step,
        step_width=step_width,
        value=value,
        value_dtype=value_dtype,
    )


class Columns:
    """Read fixed-width little-endian columns of many records from one buffer."""

    def __init__(
        self, buf: npt.NDArray[np.uint8], starts: I64 | None, strided: tuple[int, int, int]
    ):
        # strided = (first data offset, stride, count); starts = explicit data offsets
        self.buf = buf
        self.starts = starts
        self.first, self.stride, self.count = strided
        # strided: the records' first bytes as one (records, width) view, made once (by
        # span()); a column is then a slice of it, a few times cheaper to make than a
        # view of the buffer (decode() takes a dozen columns a group)
        self._mat: npt.NDArray[np.uint8] | None = None

    def span(self, width: int) -> None:
        """Columns will be read from the records' first ``width`` bytes (at most a stride)."""
        if self._mat is not None and self._mat.shape[1] >= width:
            return  # made already (decode() and same_constant_bytes() both ask)
        if self.starts is None and self.count and width <= self.stride:
            self._mat = self.rows(0, width)

    @classmethod
    def strided(cls, buf: npt.NDArray[np.uint8], first: int, stride: int, count: int) -> Columns:
        return cls(buf, None, (first, stride, count))

    @classmethod
    def gathered(cls, buf: npt.NDArray[np.uint8], starts: I64) -> Columns:
        return cls(buf, starts, (0, 0, len(starts)))

    def rows(self, off: int, length: int) -> npt.NDArray[np.uint8]:
        """Bytes ``[off, off + length)`` of every record, as a (records, length) matrix."""
        if self.starts is None:
            out: npt.NDArray[np.uint8] = np.ndarray(
                (self.count, length),
                dtype=np.uint8,
                buffer=self.buf,
                offset=self.first + off,
                strides=(self.stride, 1),
            )
            return out
        got: npt.NDArray[np.uint8] = self.buf[self.starts[:, None] + off + np.arange(length)]
        return got

    def head(self, count: int) -> Columns:
        """The first ``count`` records of these."""
        if self.starts is None:
            return Columns.strided(self.buf, self.first, self.stride, min(count, self.count))
        return Columns.gathered(self.buf, self.starts[:count])

    def col(self, off: int, dtype: str) -> npt.NDArray[Any]:
        m = self._mat
        if m is not None:
            size = np.dtype(dtype).itemsize
            if off + size <= m.shape[1]:
                if size == 1:
                    return m[:, off]
                return m[:, off : off + size].view(dtype)[:, 0]
        if self.starts is None:
            out: npt.NDArray[Any] = np.ndarray(
                (self.count,),
                dtype=dtype,
                buffer=self.buf,
                offset=self.first + off,
                strides=(self.stride,),
            )
            return out
        size = np.dtype(dtype).itemsize
        idx = self.starts + off
        if size == 1:
            col: npt.NDArray[Any] = self.buf[idx]
            return col
        mat: npt.NDArray[Any] = self.buf[idx[:, None] + np.arange(size)]
        return mat.view(dtype).reshape(-1)


def _words(a: int, b: int) -> list[tuple[int, int]]:
    """Cover byte range [a, b) with reads of 8/4/2/1 bytes (may overlap inside it)."""
    out: list[tuple[int, int]] = []
    n = b - a
    if n >= 8:
        p = a
        while p + 8 <= b:
            out.append((p, 8))
            p += 8
        if p < b:
            out.append((b - 8, 8))
        return out
    p = a
    for size in (4, 2, 1):
        if b - p >= size:
            out.append((p, size))
            p += size
    while p < b:
        out.append((p, 1))
        p += 1
    return out


_DT = {8: "<u8", 4: "<u4", 2: "<u2", 1: "u1"}


@dataclass
class Decoded:
    """Result of :func:`decode`: a row mask plus columns for the matching rows."""

    match: BOOL  # rows that have the template's shape
    crc_ok: BOOL  # among those, rows whose data CRC verifies
    step: I64
    wall_time: F64
    value: F64


@dataclass(frozen=True, eq=False)
class _Plan:
    """What decoding a template's records checks: the words of its constant bytes and
    the CRC contribution of those bytes (the same for a tag in every run)."""

    checks: tuple[tuple[int, str, int], ...]  # (data offset, dtype, wanted value)
    var: tuple[int, ...]  # variable byte columns
    crc_const: int
    # for small groups, checked as one (rows, bytes) matrix
    const_idx: I64
    const_bytes: npt.NDArray[np.uint8]
    var_idx: I64
    var_tables: npt.NDArray[np.uint32]  # (variable column, byte value) -> CRC term


# Groups of at most this many records are checked as one matrix (fewer numpy calls);
# larger ones a column at a time (less work a record: the matrix's CRC is a gather and a
# reduce along rows of ~14 bytes). Measured on one run's scalars read in chunks of
# 16 KB-1 MB: the matrix is faster up to a few hundred records a group, the columns from
# about a thousand (4 MB chunks of 20 tags, ~2,500 a group: 0.19 s against 0.25 s).
SMALL_GROUP = 1024
_PLANS: dict[tuple[int, tuple[int, ...], bytes], _Plan] = {}
_MAX_PLANS = 4096


def _plan(t: Template) -> _Plan:
    var = tuple(t.variable_columns())
    masked = bytearray(t.data[: t.length])
    for k in var:
        masked[k] = 0
    key = (t.length, var, bytes(masked))
    plan = _PLANS.get(key)
    if plan is not None:
        return plan
    var_set = set(var)
    tb = t.data
    a = 0
    checks: list[tuple[int, str, int]] = []
    for k in range(t.length + 1):
        if k == t.length or k in var_set:
            for off, size in _words(a, k) if k > a else []:
                checks.append((off, _DT[size], int.from_bytes(tb[off : off + size], "little")))
            a = k + 1
    acc = crc.zeros_crc(t.length)
    for k in range(t.length):
        if k not in var_set:
            acc ^= int(crc.dist_table(t.length - 1 - k)[tb[k]])
    const_idx = np.array([k for k in range(t.length) if k not in var_set], dtype=np.int64)
    plan = _Plan(
        tuple(checks),
        var,
        acc,
        const_idx,
        np.frombuffer(tb, dtype=np.uint8)[const_idx].copy(),
        np.array(var, dtype=np.int64),
        np.stack([crc.dist_table(t.length - 1 - k) for k in var]),
    )
    if len(_PLANS) < _MAX_PLANS:
        _PLANS[key] = plan
    return plan


def same_constant_bytes(cols: Columns, t: Template) -> BOOL:
    """Rows of ``cols`` whose bytes outside the template's variable columns (keys,
    lengths, tag, metadata) are the template's: the first check of :func:`decode`. Alone,
    it finds the period of tags written in turn (groups.turn_period) for a fifth
    of a decoding's numpy calls."""
    plan = _plan(t)
    if cols.count <= SMALL_GROUP:  # a few numpy calls on the (rows, bytes) matrix
        rows = cols.rows(HEADER, t.length)
        same: BOOL = (rows[:, plan.const_idx] == plan.const_bytes).all(axis=1)
        return same
    same = np.ones(cols.count, dtype=np.bool_)
    cols.span(HEADER + t.length + 4)
    for off, dtype, want in plan.checks:
        same &= cols.col(HEADER + off, dtype) == want
    return same


def _steps(cols: Columns, t: Template) -> tuple[I64, BOOL | None]:
    """The step of every row, and which rows hold a well-formed varint there (None: the
    template has no step field, every step is 0)."""
    n = cols.count
    d = HEADER
    w = t.step_width
    if t.step < 0:
        return np.zeros(n, dtype=np.int64), None
    cont_mask = sum(0x80 << (8 * i) for i in range(w))
    cont_want = sum(0x80 << (8 * i) for i in range(w - 1))
    if w <= 4:
        # One little-endian word holds the whole varint (bytes past it are masked off;
        # the read stays inside the record, whose data is followed by a 4-byte CRC).
        # Byte i's 7 bits move down by i: a shift and a mask a byte, in 32 bits.
        x = cols.col(d + t.step, "<u4")
        ok: BOOL = (x & np.uint32(cont_mask)) == np.uint32(cont_want)
        s32 = x & np.uint32(0x7F)
        for i in range(1, w):
            s32 |= (x >> np.uint32(i)) & np.uint32(0x7F << (7 * i))
        return s32.astype(np.int64), ok
    step = np.zeros(n, dtype=np.uint64)
    if w <= 8 and t.step + 8 <= t.length + 4:
        x64 = cols.col(d + t.step, "<u8")
        ok = (x64 & np.uint64(cont_mask)) == np.uint64(cont_want)
        for i in range(w):
            step |= ((x64 >> np.uint64(8 * i)) & np.uint64(0x7F)) << np.uint64(7 * i)
        return step.view(np.int64), ok
    ok = np.ones(n, dtype=np.bool_)
    for i in range(w):
        c = cols.col(d + t.step + i, "u1")
        if i < w - 1:
            ok &= c >= 0x80
        else:
            ok &= c < 0x80
        step |= (c & 0x7F).astype(np.uint64) << np.uint64(7 * i)
    return step.view(np.int64), ok


def _crc_ok(
    cols: Columns, t: Template, var: tuple[int, ...], const: int | npt.NDArray[np.uint32]
) -> BOOL:
    """Rows whose stored data CRC is the one of the template's constant bytes (their
    CRC term ``const``: one for every row, or one a row, an array this uses up) and of
    the row's own bytes in the variable columns ``var`` (looked up in tables, two
    adjacent bytes at once)."""
    n = cols.count
    d = HEADER
    crcv = np.full(n, const, dtype=np.uint32) if isinstance(const, int) else const
    i = 0
    while i < len(var):
        k = var[i]
        if i + 1 < len(var) and var[i + 1] == k + 1:  # two adjacent bytes: one lookup
            crcv ^= np.take(crc.pair_table(t.length - 2 - k), cols.col(d + k, "<u2"))
            i += 2
        else:
            crcv ^= np.take(crc.dist_table(t.length - 1 - k), cols.col(d + k, "u1"))
            i += 1
    ok: BOOL = crc.mask_array(crcv) == cols.col(d + t.length, "<u4")
    return ok


def _layout(t: Template) -> tuple[int, int, int, int, int, str]:
    return (t.length, t.wall, t.step, t.step_width, t.value, t.value_dtype)


def _wall_and_value(cols: Columns, t: Template) -> tuple[F64, F64]:
    d = HEADER
    n = cols.count
    wall = (
        cols.col(d + t.wall, "<f8").astype(np.float64)
        if t.wall >= 0
        else np.zeros(n, dtype=np.float64)
    )
    return wall, cols.col(d + t.value, t.value_dtype).astype(np.float64)


def decode(cols: Columns, t: Template, same: BOOL | None = None) -> Decoded:
    """Check and decode the rows of ``cols`` (record starts) against template ``t``;
    ``same``: what :func:`same_constant_bytes` gave for them, if it was called.

    The constant bytes are compared, not only vouched for by the CRC (which is computed
    with the template's bytes): a byte of a record changed after it was written, its
    CRC intact, would read as the record written, and its corruption go unreported."""
    n = cols.count
    d = HEADER  # data begins after the record's header
    plan = _plan(t)
    var = plan.var
    cols.span(d + t.length + 4)  # to the data's CRC
    step, varint_ok = _steps(cols, t)
    if n <= SMALL_GROUP:  # the CRC terms of the (rows, bytes) matrix in one lookup
        rows = cols.rows(d, t.length)
        terms = plan.var_tables[np.arange(len(var)), rows[:, plan.var_idx]]
        crcv = np.bitwise_xor.reduce(terms, axis=1) ^ np.uint32(plan.crc_const)
        crc_ok = crc.mask_array(crcv) == cols.col(d + t.length, "<u4")
    else:
        crc_ok = _crc_ok(cols, t, var, plan.crc_const)
    match = same_constant_bytes(cols, t) if same is None else same.copy()
    if varint_ok is not None:
        match &= varint_ok
    wall, value = _wall_and_value(cols, t)
    return Decoded(match, crc_ok, step, wall, value)


def decode_turns(cols: Columns, ts: list[Template]) -> Decoded | None:
    """Decode tags written in turn at once: row ``i`` of ``cols`` has template
    ``ts[i % len(ts)]``, all of one layout (else None: decode each residue alone).

    One pass over the records, in file order, instead of one pass a tag over every
    ``len(ts)``-th record (a few times the time for 20 tags). ``match``: the rows that
    have their template's constant bytes and a well-formed step; ``crc_ok``: those whose
    data CRC verifies."""
    t = ts[0]
    p = len(ts)
    n = cols.count
    if p < 2 or any(_layout(u) != _layout(t) for u in ts):
        return None
    m = n - n % p  # rows in whole turns
    plans = [_plan(u) for u in ts]
    cols.span(HEADER + t.length + 4)
    # the constant bytes word by word, the whole turns of each column seen as
    # (turns, p) against the p templates' words
    match = np.ones(n, dtype=np.bool_)
    turns = match[:m].reshape(-1, p)
    for j, (off, dtype, _) in enumerate(plans[0].checks):
        want = np.array([pl.checks[j][2] for pl in plans], dtype=dtype)
        c = cols.col(HEADER + off, dtype)
        turns &= c[:m].reshape(-1, p) == want
        match[m:] &= c[m:] == want[: n - m]
    step, varint_ok = _steps(cols, t)
    if varint_ok is not None:
        match &= varint_ok
    consts = [pl.crc_const for pl in plans]
    const = np.empty(n, dtype=np.uint32)
    const[:m].reshape(-1, p)[:] = consts
    const[m:] = consts[: n - m]
    crc_ok = _crc_ok(cols, t, plans[0].var, const)
    wall, value = _wall_and_value(cols, t)
    return Decoded(match, crc_ok, step, wall, value)
