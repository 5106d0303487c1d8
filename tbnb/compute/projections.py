"""Projections of embeddings for the projector: PCA (numpy only), t-SNE (openTSNE) and
UMAP (umap-learn), plus sphereize, sampling and nearest neighbours.

t-SNE and UMAP are optional extras (``pip install "tbnb[projector]"``); a missing one
raises `MissingExtraError` naming the extra, which the board shows in its tab.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

F32 = npt.NDArray[np.float32]
F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

# Points each method is run on at most (TensorBoard's projector limits); beyond them a
# random sample is projected and the board says so.
LIMITS = {"pca": 50_000, "tsne": 10_000, "umap": 5_000}
PCA_COMPONENTS = 10
# t-SNE input is first reduced to this many PCA dimensions (standard practice: the
# neighbourhoods barely change and the affinities are computed much faster).
TSNE_PCA_DIMS = 50


class MissingExtraError(RuntimeError):
    """An optional library is not installed."""

    def __init__(self, library: str, extra: str = "projector") -> None:
        super().__init__(
            f'{library} is not installed: pip install "tbnb[{extra}]" (then restart the kernel)'
        )
        self.library = library
        self.extra = extra


def require(module: str, library: str) -> Any:
    try:
        return importlib.import_module(module)
    except ImportError:
        raise MissingExtraError(library) from None


def sphereize(x: npt.ArrayLike) -> F32:
    """Centre the points and scale each to unit length (TensorBoard's "sphereize")."""
    a = np.asarray(x, dtype=np.float32)
    a = a - a.mean(axis=0, keepdims=True)
    norms = np.linalg.norm(a, axis=1, keepdims=True)
    out: F32 = a / np.where(norms > 0, norms, 1)
    return out


# Values beyond this make float32 sums of squares overflow (the covariance, distances):
# such points are scaled by a power of two first (exact), and the results scaled back.
LARGE = 1e15


def tame(a: F32) -> tuple[F32, float]:
    """``a`` divided by a power of two so its largest magnitude is at most 1 when it is
    beyond LARGE, and that power of two (1.0: ``a`` as given). The neighbourhoods that
    t-SNE and UMAP keep do not change with a common scale; PCA scales back."""
    peak = float(np.abs(a).max()) if a.size else 0.0
    if not peak > LARGE or not np.isfinite(peak):
        return a, 1.0
    factor = float(2.0 ** np.ceil(np.log2(peak)))
    return (a.astype(np.float64) / factor).astype(np.float32), factor


def sample(n: int, limit: int, seed: int = 0) -> I64 | None:
    """Sorted indices of a random sample of ``limit`` of ``n`` points (None: all)."""
    if n <= limit:
        return None
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, size=limit, replace=False)).astype(np.int64)


@dataclass(frozen=True)
class PCAResult:
    coords: F32  # [n, k]: the points on the top k components
    variance_ratio: F64  # [k]: fraction of the total variance each component explains


def pca(x: npt.ArrayLike, k: int = PCA_COMPONENTS, *, seed: int = 0) -> PCAResult:
    """The top ``k`` principal components of the points (rows of ``x``).

    Small inputs use the exact eigendecomposition of the covariance (or Gram) matrix;
    large ones a randomized SVD (Halko, Martinsson and Tropp) with power iterations.
    """
    a = np.asarray(x, dtype=np.float32)
    if a.ndim != 2 or len(a) == 0:
        raise ValueError(f"PCA needs a 2-D array of points, got shape {a.shape}")
    n, d = a.shape
    a, factor = tame(a)
    a = a - a.mean(axis=0, keepdims=True)
    total = float(np.einsum("ij,ij->", a, a, dtype=np.float64))
    k = max(1, min(k, n, d))
    if min(n, d) <= 2_000:
        small = (a.T @ a) if d <= n else (a @ a.T)
        vals, vecs = np.linalg.eigh(small.astype(np.float64))
        order = np.argsort(vals)[::-1][:k]
        vals = np.clip(vals[order], 0, None)
        vecs = vecs[:, order]
        if d <= n:
            coords = a @ vecs.astype(np.float32)
        else:  # Gram matrix: its eigenvectors are the scores up to scale
            coords = vecs.astype(np.float32) * np.sqrt(vals).astype(np.float32)
        var = vals
    else:
        coords, s = _randomized_svd_scores(a, k, seed)
        var = s.astype(np.float64) ** 2
    # a deterministic sign: the largest score of each component is positive
    flip = np.sign(coords[np.abs(coords).argmax(axis=0), np.arange(coords.shape[1])])
    coords = coords * np.where(flip == 0, 1, flip).astype(np.float32)
    ratio = var / total if total > 0 else np.zeros(k)
    if factor != 1.0:
        with np.errstate(over="ignore"):  # beyond float32: Inf, which the caller sees
            coords = (coords.astype(np.float64) * factor).astype(np.float32)
    return PCAResult(np.ascontiguousarray(coords, dtype=np.float32), np.asarray(ratio))


def _randomized_svd_scores(a: F32, k: int, seed: int) -> tuple[F32, F32]:
    rng = np.random.default_rng(seed)
    p = min(k + 10, *a.shape)
    q = a @ rng.standard_normal((a.shape[1], p)).astype(np.float32)
    for _ in range(4):  # power iterations sharpen the spectrum
        q, _ = np.linalg.qr(q)
        q, _ = np.linalg.qr(a.T @ q)
        q = a @ q
    q, _ = np.linalg.qr(q)
    u, s, _ = np.linalg.svd(q.T @ a, full_matrices=False)
    scores = (q @ u[:, :k]) * s[:k]
    return scores.astype(np.float32), s[:k].astype(np.float32)


# A t-SNE/UMAP progress callback: (iteration, positions so far) -> False to stop.
Progress = Callable[[int, F32], bool]


def tsne(
    x: npt.ArrayLike,
    dims: int = 3,
    *,
    perplexity: float = 30.0,
    learning_rate: float | str = "auto",
    n_iter: int = 500,
    progress: Progress | None = None,
    every: int = 10,
    seed: int = 0,
    n_jobs: int = -1,
    theta: float = 0.8,
) -> F32:
    """t-SNE with openTSNE's Barnes-Hut gradient (2 or 3 dimensions).

    ``theta`` is the Barnes-Hut angle: 0.8 instead of openTSNE's 0.5 makes a 3-D run
    of 5,000 points about 20% faster with the same neighbourhoods (10-NN label
    agreement 0.991 vs 0.991 on digits; benchmarks/bench_projector.py).

    The input is reduced to 50 PCA dimensions first; ``n_iter`` counts the iterations
    after the 250 of early exaggeration. ``progress`` gets the starting positions (PCA,
    iteration 0) and then the positions every ``every`` iterations, and may return False
    to stop (the positions so far are kept).
    """
    require("openTSNE", "openTSNE")
    from openTSNE import TSNEEmbedding, affinity, initialization

    if dims not in (2, 3):
        raise ValueError("t-SNE draws 2 or 3 dimensions")
    a, _ = tame(np.asarray(x, dtype=np.float32))  # a common scale changes nothing
    n = len(a)
    if n < 4:
        raise ValueError("t-SNE needs at least 4 points")
    if a.shape[1] > TSNE_PCA_DIMS:
        a = pca(a, TSNE_PCA_DIMS, seed=seed).coords
    perplexity = float(min(perplexity, (n - 1) / 3))
    aff = affinity.PerplexityBasedNN(
        a.astype(np.float64),
        perplexity=perplexity,
        method="annoy" if n > 1000 else "exact",
        n_jobs=n_jobs,
        random_state=seed,
        verbose=False,
    )
    init = initialization.pca(a.astype(np.float64), n_components=dims, random_state=seed)
    emb = TSNEEmbedding(
        init,
        aff,
        negative_gradient_method="bh",
        theta=theta,
        n_jobs=n_jobs,
        random_state=seed,
        verbose=False,
    )
    if progress is not None and not progress(0, np.asarray(init, dtype=np.float32)):
        return np.asarray(init, dtype=np.float32)
    done = 0
    stopped = False

    def callback(iteration: int, _error: float, positions: Any) -> bool:
        nonlocal stopped
        if progress is None:
            return False
        keep_going = progress(done + iteration, np.asarray(positions, dtype=np.float32))
        stopped = stopped or not keep_going
        return not keep_going  # openTSNE stops when a callback returns True

    lr = learning_rate if learning_rate != "auto" else max(n / 12.0, 50.0)
    cb = {"callbacks": callback, "callbacks_every_iters": every} if progress else {}
    emb = emb.optimize(n_iter=250, exaggeration=12, momentum=0.5, learning_rate=lr, **cb)
    done = 250
    if not stopped:
        emb = emb.optimize(n_iter=n_iter, momentum=0.8, learning_rate=lr, **cb)
    return np.asarray(emb, dtype=np.float32)


def umap(
    x: npt.ArrayLike,
    dims: int = 3,
    *,
    n_neighbors: int = 15,
    min_dist: float = 0.1,
    seed: int | None = None,
) -> F32:
    """UMAP with umap-learn (its first call in a process compiles code: slow once)."""
    mod = require("umap", "umap-learn")
    a, _ = tame(np.asarray(x, dtype=np.float32))  # a common scale changes nothing
    if len(a) < 4:
        raise ValueError("UMAP needs at least 4 points")
    reducer = mod.UMAP(
        n_components=dims,
        n_neighbors=int(max(2, min(n_neighbors, len(a) - 1))),
        min_dist=float(min_dist),
        random_state=seed,
    )
    return np.asarray(reducer.fit_transform(a), dtype=np.float32)


def neighbors(x: npt.ArrayLike, i: int, k: int = 10, metric: str = "cosine") -> tuple[I64, F64]:
    """The ``k`` nearest neighbours of point ``i`` (itself excluded) and their distances,
    in the original space, nearest first; metric "cosine" or "euclidean"."""
    a, factor = tame(np.asarray(x, dtype=np.float32))
    if not 0 <= i < len(a):
        raise IndexError(f"point {i} is not among the {len(a)} points")
    q = a[i]
    if metric == "cosine":
        norms = np.linalg.norm(a, axis=1) * max(float(np.linalg.norm(q)), 1e-30)
        dist = 1.0 - (a @ q) / np.where(norms > 0, norms, 1e-30)
    elif metric == "euclidean":
        diff = a - q
        dist = np.sqrt(np.einsum("ij,ij->i", diff, diff))
    else:
        raise ValueError(f"metric must be 'cosine' or 'euclidean', not {metric!r}")
    dist = dist.astype(np.float64)
    if metric == "euclidean":
        dist *= factor
    dist[i] = np.inf
    k = min(k, len(a) - 1)
    if k <= 0:
        return np.zeros(0, np.int64), np.zeros(0)
    top = np.argpartition(dist, k - 1)[:k]
    top = top[np.argsort(dist[top], kind="stable")]
    return top.astype(np.int64), dist[top]


def knn_agreement(positions: npt.ArrayLike, labels: npt.ArrayLike, k: int = 10) -> float:
    """Share of each point's ``k`` nearest neighbours (in ``positions``) with its label."""
    p = np.asarray(positions, dtype=np.float64)
    lab = np.asarray(labels)
    sq = np.einsum("ij,ij->i", p, p)
    agree = 0
    for s in range(0, len(p), 1024):
        d = sq[s : s + 1024, None] - 2 * p[s : s + 1024] @ p.T + sq[None, :]
        np.fill_diagonal(d[:, s : s + 1024], np.inf)
        nn = np.argpartition(d, k, axis=1)[:, :k]
        agree += int((lab[nn] == lab[s : s + 1024, None]).sum())
    return agree / (len(p) * k)
