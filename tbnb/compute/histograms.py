"""Histograms for the board: one shared grid per chart, and distribution bands.

A histogram is ``[k, 3]`` rows of (left, right, count) as TensorBoard's data_compat
makes them. For drawing, every histogram of a chart is re-binned onto one grid of
equal buckets spanning them all (TensorBoard's histogram dashboard uses 30), with each
source bucket's count spread uniformly over its width. Distributions are the values at
the basis points below, interpolated inside the bucket that holds each one (what
TensorBoard's compressed histograms show).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

F64 = npt.NDArray[np.float64]

BINS = 30
# min, -1.5 sigma, -1 sigma, -0.5 sigma, median, +0.5, +1, +1.5 sigma, max
BASIS_POINTS = (0, 668, 1587, 3085, 5000, 6915, 8413, 9332, 10000)


def _clean(buckets: F64) -> F64:
    """Finite rows with a positive count, as float64 ``[k, 3]``."""
    b = np.asarray(buckets, dtype=np.float64).reshape(-1, 3)
    keep = np.isfinite(b).all(axis=1) & (b[:, 2] > 0)
    return b[keep]


def span(histograms: Sequence[F64]) -> tuple[float, float] | None:
    """Smallest left and largest right edge of the non-empty buckets of all histograms."""
    lo, hi = np.inf, -np.inf
    for h in histograms:
        b = _clean(h)
        if len(b):
            lo = min(lo, float(b[:, 0].min()))
            hi = max(hi, float(b[:, 1].max()))
    if lo > hi:
        return None
    return lo, hi


def grid(lo: float, hi: float, bins: int = BINS) -> F64:
    """``bins + 1`` equally spaced edges from ``lo`` to ``hi`` (widened if empty)."""
    if bins < 1:
        raise ValueError("bins must be >= 1")
    if not hi > lo:
        pad = 0.5 if lo == 0 else abs(lo) * 0.05
        lo, hi = lo - pad, hi + pad
    return np.linspace(lo, hi, bins + 1)


def rebin(buckets: F64, edges: F64) -> F64:
    """Counts of ``buckets`` on the grid ``edges`` (uniform density inside a bucket).

    A zero-width bucket (all samples equal) counts where its value falls. Counts
    outside the grid are clipped into the first or last bin, so totals are kept.
    """
    b = _clean(buckets)
    nbins = len(edges) - 1
    out = np.zeros(nbins, dtype=np.float64)
    if len(b) == 0:
        return out
    left, right, count = b[:, 0], b[:, 1], b[:, 2]
    lo_e, hi_e = edges[0], edges[-1]
    left = np.clip(left, lo_e, hi_e)
    right = np.clip(np.maximum(right, left), lo_e, hi_e)
    width = right - left
    point = width <= 0
    if point.any():
        at = np.clip(np.searchsorted(edges, left[point], side="right") - 1, 0, nbins - 1)
        np.add.at(out, at, count[point])
    wide = ~point
    if wide.any():
        lw, rw, cw = left[wide], right[wide], count[wide]
        # overlap of every source bucket with every grid bin, as a fraction of its width
        a = np.maximum(lw[:, None], edges[None, :-1])
        z = np.minimum(rw[:, None], edges[None, 1:])
        frac = np.clip(z - a, 0, None) / (rw - lw)[:, None]
        out += (frac * cw[:, None]).sum(axis=0)
    return out


def percentiles(buckets: F64, basis_points: Sequence[int] = BASIS_POINTS) -> F64:
    """The value at each basis point (1/100 of a percent) of the histogram's mass.

    The bucket holding a basis point is found on the cumulative counts; the value is
    interpolated linearly between that bucket's edges (clamped to the histogram's
    first left and last right edge). An empty histogram gives zeros.
    """
    b = np.asarray(buckets, dtype=np.float64).reshape(-1, 3)
    bps = np.asarray(basis_points, dtype=np.float64)
    b = b[np.isfinite(b).all(axis=1)]
    if len(b) == 0 or not b[:, 2].sum() > 0:
        return np.zeros(len(bps), dtype=np.float64)
    lo, hi = float(b[0, 0]), float(b[-1, 1])
    counts = np.clip(b[:, 2], 0, None)
    cum = np.cumsum(counts) * (10_000.0 / counts.sum())
    i = np.searchsorted(cum, bps, side="right")
    out = np.full(len(bps), hi, dtype=np.float64)
    inside = i < len(cum)
    j = i[inside]
    before = np.where(j > 0, cum[np.maximum(j - 1, 0)], 0.0)
    left = np.where((j > 0) & (before > 0), np.maximum(b[np.maximum(j - 1, 0), 1], lo), lo)
    right = np.minimum(b[j, 1], hi)
    t = (bps[inside] - before) / (cum[j] - before)
    out[inside] = left + t * (right - left)
    return out
