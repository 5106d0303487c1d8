"""What the browser holds of the histograms (HistogramDelta in js/src/protocol.ts).

At most ``MAX_HISTOGRAMS`` of a series are held in the browser, evenly spread over the
run with the newest always included, re-binned onto the chart's grid
(tbnb.compute.histograms), with the distribution bands of each.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from tbnb.board.feeds.base import Feed, FeedChange, Fields
from tbnb.board.protocol import Buffers, HistogramDelta, delta_header
from tbnb.compute.histograms import BINS, grid, percentiles, rebin
from tbnb.events import HistogramPoint
from tbnb.events.kinds import Kind

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

MAX_HISTOGRAMS = 500
# A grid is kept while the data it must hold still fills this share of it.
GRID_KEEP = 0.8


def sample_indices(n: int, cap: int = MAX_HISTOGRAMS) -> I64:
    """Indices of at most ``cap`` of ``n`` items: every ``2**k``-th and the last one.

    The stride only changes when ``n`` doubles, so a growing series keeps its sample
    and a live update adds to its end.
    """
    if n <= cap:
        return np.arange(n, dtype=np.int64)
    stride = 1
    while -(-n // stride) > cap:
        stride *= 2
    idx = np.arange(0, n, stride, dtype=np.int64)
    if idx[-1] != n - 1:
        if len(idx) == cap:
            idx[-1] = n - 1  # the newest replaces the last sample: still at most cap
        else:
            idx = np.append(idx, n - 1)
    return idx


@dataclass
class _HeldHistograms:
    idx: I64 = field(default_factory=lambda: np.zeros(0, np.int64))  # sent, into the list
    edges: F64 | None = None
    spans: dict[int, tuple[float, float] | None] = field(default_factory=dict)
    bands: dict[int, F64] = field(default_factory=dict)
    counts: dict[int, F64] = field(default_factory=dict)  # on ``edges``

    def forget_from(self, i: int) -> None:
        for cache in (self.spans, self.bands, self.counts):
            for k in [k for k in cache if k >= i]:
                del cache[k]


def _span(b: F64) -> tuple[float, float] | None:
    arr = np.asarray(b, dtype=np.float64).reshape(-1, 3)
    arr = arr[np.isfinite(arr).all(axis=1) & (arr[:, 2] > 0)]
    if len(arr) == 0:
        return None
    return float(arr[:, 0].min()), float(arr[:, 1].max())


@dataclass
class HistogramFeed(Feed):
    """Re-binned histograms and distribution bands per (run, tag)."""

    kind: ClassVar[Kind] = Kind.HISTOGRAMS
    fields: ClassVar[tuple[str, ...]] = ("histograms",)

    max_held: int = MAX_HISTOGRAMS
    bins: int = BINS
    _held: dict[tuple[str, str], _HeldHistograms] = field(default_factory=dict)
    _points: dict[tuple[str, str], Sequence[HistogramPoint]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self._points.values())

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        out: list[HistogramDelta] = []
        # with no buffers the re-binned counts are still computed: cached for the snapshot
        bufs = buffers if buffers is not None else Buffers()
        for c in changes:
            key = (c.run, c.tag)
            held = self._held.setdefault(key, _HeldHistograms())
            self._points[key] = c.series
            held.forget_from(c.first_row)
            delta = self._delta(c.run, c.tag, held, c.series, c.first_row, bufs)
            if buffers is not None:
                out.append(delta)
        return {"histograms": out}

    def snapshot(self, buffers: Buffers) -> Fields:
        out = [
            self._delta(run, tag, held, self._points[(run, tag)], 0, buffers)
            for (run, tag), held in self._held.items()
        ]
        return {"histograms": out}

    def bands(self) -> dict[tuple[str, str], tuple[F64, F64, F64]]:
        """Per (run, tag) held: the steps, wall times and distribution bands ([n, 9], at
        the basis points of tbnb.compute.histograms) of the histograms the browser holds."""
        out = {}
        for key, held in self._held.items():
            points = self._points[key]
            idx = [i for i in held.idx.tolist() if i in held.bands and i < len(points)]
            if not idx:
                continue
            steps = np.array([points[i].step for i in idx], dtype=np.float64)
            walls = np.array([points[i].wall_time for i in idx], dtype=np.float64)
            out[key] = (steps, walls, np.array([held.bands[i] for i in idx]))
        return out

    def _delta(
        self,
        run: str,
        tag: str,
        held: _HeldHistograms,
        points: Sequence[HistogramPoint],
        dirty_from: int,
        buffers: Buffers,
    ) -> HistogramDelta:
        idx = sample_indices(len(points), self.max_held)
        lo, hi = np.inf, -np.inf
        for i in idx.tolist():
            if i not in held.spans:
                held.spans[i] = _span(points[i].buckets)
            s = held.spans[i]
            if s is not None:
                lo, hi = min(lo, s[0]), max(hi, s[1])
        if lo > hi:
            lo, hi = 0.0, 0.0
        edges = held.edges
        keep = (
            edges is not None
            and edges[0] <= lo
            and hi <= edges[-1]
            and (hi - lo) >= GRID_KEEP * (edges[-1] - edges[0])
        )
        start = 0
        if keep:
            # the sent sample's prefix that is still valid
            common = min(len(held.idx), len(idx))
            same = (held.idx[:common] == idx[:common]) & (idx[:common] < dirty_from)
            start = common if bool(same.all()) else int(np.argmin(same))
        else:
            edges = grid(lo, hi, self.bins)
            held.edges = edges
            held.counts.clear()
        assert edges is not None
        send = idx[start:].tolist()
        counts = np.zeros((len(send), self.bins), dtype=np.float64)
        bands = np.zeros((len(send), 9), dtype=np.float64)
        for row, i in enumerate(send):
            b = points[i].buckets
            if i not in held.counts:
                held.counts[i] = rebin(b, edges)
            if i not in held.bands:
                held.bands[i] = percentiles(b)
            counts[row] = held.counts[i]
            bands[row] = held.bands[i]
        held.idx = idx
        return {
            **delta_header(run, tag, start, len(points)),
            "edges": buffers.add(edges),
            "step": buffers.add(np.array([points[i].step for i in send], dtype=np.float64)),
            "wall_time": buffers.add(
                np.array([points[i].wall_time for i in send], dtype=np.float64)
            ),
            "counts": buffers.add(counts),
            "bands": buffers.add(bands),
        }
