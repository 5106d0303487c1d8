"""Re-binning onto a chart's grid and distribution bands, against numpy and against
TensorBoard's own compressor."""

from __future__ import annotations

import numpy as np
import pytest

from tbnb.compute.histograms import BASIS_POINTS, grid, percentiles, rebin, span


def fine_buckets(samples: np.ndarray, bins: int = 200) -> np.ndarray:
    counts, edges = np.histogram(samples, bins=bins)
    return np.stack([edges[:-1], edges[1:], counts.astype(np.float64)], axis=1)


def test_rebin_keeps_total_and_matches_numpy_histogram() -> None:
    rng = np.random.default_rng(0)
    x = rng.normal(1.0, 2.0, 10_000)
    b = fine_buckets(x)
    lo, hi = span([b]) or (0.0, 0.0)
    assert (lo, hi) == (x.min(), x.max())
    edges = grid(lo, hi, 30)
    got = rebin(b, edges)
    want, _ = np.histogram(x, bins=edges)
    assert got.sum() == pytest.approx(10_000)
    # 200 fine buckets spread uniformly: off by at most a fine bucket's worth per bin
    assert np.abs(got - want).max() < 0.02 * 10_000


def test_rebin_zero_width_and_out_of_grid_buckets() -> None:
    edges = grid(0.0, 10.0, 10)
    b = np.array([[3.5, 3.5, 4.0], [-5.0, -4.0, 2.0], [9.0, 20.0, 11.0], [1, 2, np.nan]])
    got = rebin(b, edges)
    assert got[3] == 4.0  # the zero-width bucket lands where its value is
    assert got[0] == 2.0  # below the grid: first bin
    assert got.sum() == pytest.approx(17.0)
    assert got[9] == pytest.approx(11.0)  # [9, 20] clipped to [9, 10]: all in the last bin


def test_grid_of_a_constant_is_widened() -> None:
    e = grid(2.0, 2.0, 30)
    assert len(e) == 31 and e[0] < 2.0 < e[-1]
    assert span([np.zeros((0, 3))]) is None


def test_percentiles_match_numpy_within_a_bucket() -> None:
    rng = np.random.default_rng(1)
    x = rng.normal(0.0, 1.0, 50_000)
    b = fine_buckets(x, 400)
    width = b[0, 1] - b[0, 0]
    got = percentiles(b)
    want = np.percentile(x, np.array(BASIS_POINTS) / 100)
    assert np.abs(got - want).max() <= width
    assert got[0] == x.min() and got[-1] == x.max()
    assert np.all(np.diff(got) >= 0)


def test_percentiles_agree_with_tensorboard_compressor() -> None:
    compressor = pytest.importorskip("tensorboard.plugins.distribution.compressor")
    rng = np.random.default_rng(2)
    cases = [
        fine_buckets(rng.exponential(1.0, 5000), 30),
        np.array([[0.0, 1.0, 0.0], [1.0, 2.0, 5.0], [2.0, 3.0, 0.0], [3.0, 4.0, 5.0]]),
        np.array([[-1.0, -1.0, 7.0]]),
        np.array([[0.0, 1.0, 1.0], [1.0, 5.0, 0.0]]),
    ]
    for b in cases:
        want = [v[1] for v in compressor.compress_histogram(b.tolist(), BASIS_POINTS)]
        np.testing.assert_allclose(percentiles(b), want, rtol=1e-9, atol=1e-12)


def test_empty_histogram_percentiles() -> None:
    assert percentiles(np.zeros((0, 3))).tolist() == [0.0] * len(BASIS_POINTS)
    assert rebin(np.zeros((0, 3)), grid(0, 1, 4)).tolist() == [0.0] * 4


@pytest.mark.parametrize("weight", [0.001, 0.3, 0.6, 0.9, 0.999])
def test_smoothing_matches_tensorboard_ema(weight: float) -> None:
    from tbnb.compute.smoothing import smooth

    rng = np.random.default_rng(4)
    y = rng.normal(0, 1, 3000).cumsum()
    y[[0, 7, 1500]] = [np.nan, np.inf, -np.inf]
    got = smooth(y, weight)
    # TensorBoard's loop: debiased EMA over the finite values, non-finite passed through
    last, count, want = 0.0, 0, []
    for v in y:
        if not np.isfinite(v):
            want.append(v)
            continue
        last = last * weight + (1 - weight) * v
        count += 1
        want.append(last / (1 - weight**count))
    np.testing.assert_allclose(got, want, rtol=1e-9, atol=1e-9)
    assert smooth([5.0, 5.0, 5.0], 0.9).tolist() == [5.0, 5.0, 5.0]
    assert smooth([1.0, 3.0], 0.0).tolist() == [1.0, 3.0]
