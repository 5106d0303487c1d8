"""Group a batch of records for template decoding: by slot of a periodic stretch, or
by record length for records without a period."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from tbnb.events.fastscalar import Columns
from tbnb.events.framing import Loose, Strided

I64 = npt.NDArray[np.int64]
# Groups of fewer records go through protobuf one record at a time (run.py's _batch,
# whatever made the group: a loose segment, a strided run, tags written in turn split
# apart): a template costs a few dozen numpy calls and its plan whatever the group's
# size, and protobuf about 8 us a record. CPU to read 100 runs x 10 tags written in turn:
# 24 steps, 0.21 s record by record against 0.25 s with templates; 48 steps, 0.35 s
# against 0.25 s. One run of 10,000 tags x 5 steps (a template each): 0.74-0.78 s against
# 3.0-3.6 s; 2,000 runs x 3 tags x 20 steps: 2.1-2.4 s against 2.8-2.9 s. A live
# reload's few new records take this path too.
MIN_GROUP = 32
MAX_FAST_LENGTH = 512
# (ordinal within the batch, record start, data length) of a record left to protobuf
SlowRecord = tuple[int, int, int]


@dataclass
class Group:
    """Records of one length in a batch: columns, starts, and order within the batch."""

    cols: Columns
    starts: I64
    ordinals: I64
    length: int
    residue: bool = False  # one residue of a split_interleaved: not split again


def strided_groups(
    buf: npt.NDArray[np.uint8], seg: Strided
) -> tuple[list[Group], list[SlowRecord]]:
    nslots = len(seg.offsets)
    j = np.arange(seg.count, dtype=np.int64)
    groups = []
    for r, (off, length) in enumerate(zip(seg.offsets, seg.lengths, strict=True)):
        first = seg.base + off
        groups.append(
            Group(
                Columns.strided(buf, first, seg.stride, seg.count),
                first + j * seg.stride,
                j * nslots + r,
                length,
            )
        )
    return groups, []


def loose_groups(buf: npt.NDArray[np.uint8], seg: Loose) -> tuple[list[Group], list[SlowRecord]]:
    n = len(seg.starts)
    if n < MIN_GROUP:
        return [], [(i, seg.starts[i], seg.lengths[i]) for i in range(n)]
    starts = np.frombuffer(seg.starts, dtype=np.int64)
    lens = np.frombuffer(seg.lengths, dtype=np.int64)
    order = np.argsort(lens, kind="stable")
    sl = lens[order]
    cuts = np.flatnonzero(sl[1:] != sl[:-1]) + 1
    groups: list[Group] = []
    slow: list[SlowRecord] = []
    for idx in np.split(order, cuts):
        length = int(lens[idx[0]])
        if len(idx) >= MIN_GROUP and length <= MAX_FAST_LENGTH:
            st = starts[idx]
            groups.append(Group(Columns.gathered(buf, st), st, idx, length))
        else:
            slow.extend((int(i), int(starts[i]), length) for i in idx)
    return groups, slow


def turn_period(g: Group, match: npt.NDArray[np.bool_]) -> int | None:
    """The period ``p`` of a strided group whose first template matches every ``p``-th
    row only (``match``: for the group's first rows, or all of them); None when the
    matches are not that regular.

    A loop that logs ``p`` tags per step whose records share one length gives a period of
    one record; the template of row 0 then matches rows 0, p, 2p, ...
    """
    if g.cols.starts is not None:
        return None
    hits = np.flatnonzero(match)
    if len(hits) < 2 or hits[0] != 0:
        return None
    p = int(hits[1])
    if p < 2 or hits[-1] + p < len(match) or not (np.diff(hits) == p).all():
        return None
    return p


def split_interleaved(g: Group, p: int) -> list[Group]:
    """The ``p`` residues of a strided group of period ``p`` (turn_period): each a
    strided group of its own (stride ``p`` times longer), decoded without gathering."""
    cols = g.cols
    n = cols.count
    return [
        Group(
            Columns.strided(
                cols.buf, cols.first + r * cols.stride, cols.stride * p, len(range(r, n, p))
            ),
            g.starts[r::p],
            g.ordinals[r::p],
            g.length,
            residue=True,
        )
        for r in range(p)
    ]
