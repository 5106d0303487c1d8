"""Min-max downsampling: extremes and NaNs kept, incremental updates equal a full pass."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tbnb.compute.downsample import Downsampler, bucket_picks, bucket_width


def test_small_series_kept_whole() -> None:
    v = np.array([3.0, 1.0, 2.0])
    idx, counts = bucket_picks(v, bucket_width(len(v), 8))
    assert idx.tolist() == [0, 1, 2]
    assert counts.tolist() == [1, 1, 1]


def test_width_is_smallest_power_of_two() -> None:
    assert bucket_width(0, 4) == 1
    assert bucket_width(4, 4) == 1
    assert bucket_width(5, 4) == 2
    assert bucket_width(17, 4) == 8
    with pytest.raises(ValueError, match="max_buckets"):
        bucket_width(3, 0)


def test_keeps_min_max_first_nonfinite_in_order_and_the_last_point() -> None:
    v = np.array([1, 5, np.nan, 2, 3, -np.inf, 4, 4, 0.0, 7.0, 6.0])
    idx, counts = bucket_picks(v, 4)
    # only the last bucket keeps its last point (6.0, neither its min nor its max)
    assert idx.tolist() == [0, 1, 2, 4, 5, 6, 8, 9, 10]
    assert counts.tolist() == [3, 3, 3]
    # a bucket whose last point is its minimum keeps it once
    idx, counts = bucket_picks(np.array([2.0, 9.0, 5.0, 1.0]), 4)
    assert idx.tolist() == [1, 3] and counts.tolist() == [2]


def test_the_newest_point_is_always_kept() -> None:
    # a live series: whatever its length, the chart ends at the step just written
    rng = np.random.default_rng(1)
    v = rng.normal(size=50_000)
    for n in (1_025, 4_097, 33_333, 50_000):
        idx, _ = bucket_picks(v[:n], bucket_width(n))
        assert idx[-1] == n - 1


def test_every_extreme_of_a_long_series_survives() -> None:
    rng = np.random.default_rng(0)
    v = rng.normal(size=100_000)
    v[12_345] = 50.0
    v[67_890] = -50.0
    v[99_999] = np.nan
    d = Downsampler(max_buckets=1024)
    start, idx = d.update(v)
    assert start == 0
    assert len(idx) <= 2 * 1024 + 1
    kept = v[idx]
    assert np.nanmax(kept) == 50.0
    assert np.nanmin(kept) == -50.0
    assert np.isnan(kept).sum() == 1
    assert np.all(np.diff(idx) > 0)


def _full(values: np.ndarray, max_buckets: int) -> np.ndarray:
    return bucket_picks(values, bucket_width(len(values), max_buckets))[0]


@settings(max_examples=200, deadline=None)
@given(
    chunks=st.lists(st.tuples(st.integers(0, 40), st.integers(0, 60)), min_size=1, max_size=12),
    max_buckets=st.integers(1, 16),
    seed=st.integers(0, 2**16),
)
def test_incremental_equals_full(
    chunks: list[tuple[int, int]], max_buckets: int, seed: int
) -> None:
    """Appends (and purges that cut the tail) give the same output as one full pass."""
    rng = np.random.default_rng(seed)
    values = np.empty(0)
    out: list[int] = []
    d = Downsampler(max_buckets=max_buckets)
    for cut, add in chunks:
        keep = max(len(values) - cut, 0) if cut % 3 == 0 else len(values)
        new = rng.normal(size=add)
        new[rng.random(add) < 0.1] = np.nan
        values = np.concatenate([values[:keep], new])
        start, idx = d.update(values, dirty_from=keep)
        out = out[:start] + idx.tolist()
        assert out == _full(values, max_buckets).tolist()
        assert d.size == len(out)
