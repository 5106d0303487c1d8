"""Min-max downsampling that keeps every extreme and can be extended cheaply.

A series of n points is cut into buckets of ``width`` consecutive points, ``width``
the smallest power of two giving at most ``max_buckets`` buckets. Each bucket keeps
its smallest and largest finite value and its first non-finite one (NaN, +-Inf), in
their original order, and the last bucket also its last point, so a chart drawn from
the result shows every extreme and every NaN of the full series, and ends at the newest
point written (a live chart's last value is the one just logged, as in TensorBoard).
Only the last bucket: a last point in every bucket drew half as many points again
(plotly's SVG lines cost per point) and showed nothing the extremes do not. Series of
at most ``max_buckets`` points are kept whole.

Because the buckets are fixed by ``width``, points appended to a series change only
its last bucket and add new ones: the output before that bucket stays as it was,
so a live board resends only the tail (CONTRIBUTING.md, principle 2). ``width`` doubles
when the series outgrows ``max_buckets`` buckets, which rewrites the output once
per doubling.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

MAX_BUCKETS = 1024


def bucket_width(n: int, max_buckets: int = MAX_BUCKETS) -> int:
    """Smallest power of two w with ceil(n / w) <= max_buckets."""
    if max_buckets < 1:
        raise ValueError("max_buckets must be >= 1")
    width = 1
    while -(-n // width) > max_buckets:
        width *= 2
    return width


def bucket_picks(values: F64, width: int, first_bucket: int = 0) -> tuple[I64, I64]:
    """Indices kept from buckets ``first_bucket`` on, and how many each bucket keeps.

    Returns ``(indices, counts)``: indices into ``values``, increasing; ``counts[i]``
    is the number kept from bucket ``first_bucket + i``.
    """
    n = len(values)
    lo = first_bucket * width
    if lo >= n:
        return np.empty(0, np.int64), np.empty(0, np.int64)
    if width == 1:  # a series held whole (the usual case on boards of many series): every point
        return np.arange(lo, n, dtype=np.int64), np.ones(n - lo, np.int64)
    nb = -(-(n - lo) // width)
    pad = nb * width - (n - lo)
    part = values[lo:]
    finite = np.isfinite(part)
    low = np.where(finite, part, np.inf)
    high = np.where(finite, part, -np.inf)
    bad = ~finite
    if pad:
        low = np.concatenate([low, np.full(pad, np.inf)])
        high = np.concatenate([high, np.full(pad, -np.inf)])
        bad = np.concatenate([bad, np.zeros(pad, dtype=bool)])
    low = low.reshape(nb, width)
    high = high.reshape(nb, width)
    bad = bad.reshape(nb, width)
    rows = np.arange(nb, dtype=np.int64) * width
    cand = np.full((nb, 4), -1, dtype=np.int64)
    has_finite = np.isfinite(low).any(axis=1)
    cand[:, 0] = np.where(has_finite, rows + np.argmin(low, axis=1), -1)
    cand[:, 1] = np.where(has_finite, rows + np.argmax(high, axis=1), -1)
    cand[:, 2] = np.where(bad.any(axis=1), rows + np.argmax(bad, axis=1), -1)
    cand[-1, 3] = n - lo - 1  # the series' last point
    cand.sort(axis=1)
    keep = cand >= 0
    keep[:, 1:] &= cand[:, 1:] != cand[:, :-1]
    return cand[keep] + lo, keep.sum(axis=1).astype(np.int64)


@dataclass
class Downsampler:
    """The downsampled view of one growing series, and what changed in it.

    ``update(values, dirty_from)`` takes the series' values (all of them) and the
    index of its first point that is new or changed since the last update, and
    returns ``(start, indices)``: the output from ``start`` on is replaced by the
    points at ``indices``.
    """

    max_buckets: int = MAX_BUCKETS
    width: int = 0  # 0: nothing sent yet
    # offsets[b] = output index where bucket b starts; len = buckets sent + 1
    offsets: I64 = field(default_factory=lambda: np.zeros(1, np.int64))

    @property
    def size(self) -> int:
        return int(self.offsets[-1])

    def update(self, values: F64, dirty_from: int = 0) -> tuple[int, I64]:
        width = bucket_width(len(values), self.max_buckets)
        nsent = len(self.offsets) - 1
        # from the bucket of the first new point, or the last one sent if that is earlier
        # (it held its last point as the series' last bucket, which it may be no more;
        # a series held whole keeps every point: nothing to take back)
        last = nsent if width == 1 else max(nsent - 1, 0)
        first = 0 if width != self.width else min(max(dirty_from, 0) // width, last)
        indices, counts = bucket_picks(values, width, first)
        head = self.offsets[: first + 1] if width == self.width else np.zeros(1, np.int64)
        start = int(head[-1])
        self.width = width
        self.offsets = np.concatenate([head, start + np.cumsum(counts)])
        return start, indices
