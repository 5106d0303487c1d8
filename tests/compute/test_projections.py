"""Projections for the projector: PCA against numpy's SVD, t-SNE and UMAP on clustered
data, neighbours against brute force, sprites, and the missing-extra error."""

from __future__ import annotations

import struct
import sys
import zlib

import numpy as np
import pytest

from tbnb.compute import projections as proj
from tbnb.compute.sprite import make_sprite


def clusters(n: int = 300, d: int = 20, k: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    centres = rng.normal(0, 10, (k, d))
    labels = rng.integers(0, k, n)
    return (centres[labels] + rng.normal(0, 1, (n, d))).astype(np.float32), labels


@pytest.mark.parametrize("shape", [(500, 30), (40, 300), (3000, 2100)])
def test_pca_matches_svd(shape: tuple[int, int]) -> None:
    rng = np.random.default_rng(1)
    # a spectrum that decays, as real embeddings have
    x = (rng.normal(size=shape) * (0.8 ** np.arange(shape[1]))).astype(np.float32)
    got = proj.pca(x, 10)
    c = x.astype(np.float64) - x.mean(axis=0)
    u, s, _ = np.linalg.svd(c, full_matrices=False)
    ratio = s**2 / (s**2).sum()
    np.testing.assert_allclose(got.variance_ratio, ratio[:10], rtol=2e-3, atol=1e-6)
    for j in range(3):  # the leading components, up to sign
        a, b = got.coords[:, j], u[:, j] * s[j]
        assert min(np.abs(a - b).max(), np.abs(a + b).max()) < 1e-2 * np.abs(b).max()
    assert got.coords.dtype == np.float32 and got.coords.shape == (shape[0], 10)


def test_sphereize_and_sample() -> None:
    x, _ = clusters()
    s = proj.sphereize(x)
    np.testing.assert_allclose(np.linalg.norm(s, axis=1), 1.0, rtol=1e-5)
    assert proj.sample(100, 200) is None
    idx = proj.sample(20_000, 10_000)
    assert idx is not None and len(np.unique(idx)) == 10_000 and idx.max() < 20_000


@pytest.mark.parametrize("metric", ["cosine", "euclidean"])
def test_neighbors_match_brute_force(metric: str) -> None:
    x, _ = clusters(200)
    idx, dist = proj.neighbors(x, 7, 5, metric)
    if metric == "euclidean":
        all_d = np.linalg.norm(x - x[7], axis=1)
    else:
        all_d = 1 - (x @ x[7]) / (np.linalg.norm(x, axis=1) * np.linalg.norm(x[7]))
    all_d[7] = np.inf
    want = np.argsort(all_d)[:5]
    assert idx.tolist() == want.tolist()
    np.testing.assert_allclose(dist, all_d[want], rtol=1e-4, atol=1e-5)
    with pytest.raises(IndexError):
        proj.neighbors(x, 999)


def test_tsne_streams_and_separates_clusters() -> None:
    pytest.importorskip("openTSNE")
    x, labels = clusters(300, 60)
    frames: list[tuple[int, tuple[int, ...]]] = []

    def progress(it: int, pos: np.ndarray) -> bool:
        frames.append((it, pos.shape))
        return True

    y = proj.tsne(x, 3, n_iter=150, progress=progress)
    assert y.shape == (300, 3)
    assert len(frames) >= 10 and all(s == (300, 3) for _, s in frames)
    assert [it for it, _ in frames] == sorted(it for it, _ in frames)
    assert proj.knn_agreement(y, labels) >= 0.9


def test_tsne_stops_when_asked() -> None:
    pytest.importorskip("openTSNE")
    x, _ = clusters(200, 10)
    calls = []

    def progress(it: int, pos: np.ndarray) -> bool:
        calls.append(it)
        return len(calls) < 3

    proj.tsne(x, 2, n_iter=500, progress=progress)
    assert len(calls) == 3


def test_missing_extra_names_the_install(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "openTSNE", None)
    monkeypatch.setitem(sys.modules, "umap", None)
    x, _ = clusters(50)
    with pytest.raises(proj.MissingExtraError, match=r'pip install "tbnb\[projector\]"'):
        proj.tsne(x)
    with pytest.raises(proj.MissingExtraError, match="umap-learn"):
        proj.umap(x)


def test_sprite_png_holds_each_thumbnail_in_its_cell() -> None:
    rng = np.random.default_rng(3)
    imgs = rng.integers(0, 255, (5, 4, 6), dtype=np.uint8)  # grayscale [n, h, w]
    png, size = make_sprite(imgs)
    assert size == (6, 4)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", png[16:24])
    assert (w, h) == (18, 12)  # a 3 x 3 grid of 6 x 4 cells
    # decode the single IDAT (filter byte 0 per row) and compare cell 4 (row 1, col 1)
    idat_len = struct.unpack(">I", png[33:37])[0]
    raw = zlib.decompress(png[41 : 41 + idat_len])
    px = np.frombuffer(raw, np.uint8).reshape(h, 1 + w * 4)[:, 1:].reshape(h, w, 4)
    np.testing.assert_array_equal(px[4:8, 6:12, 0], imgs[4])
    assert (px[..., 3][4:8, 6:12] == 255).all()
