"""Figures of the embedding projector (issue 6).

    python benchmarks/bench_projector.py

Data needs no download: 8x8 digits from scikit-learn upscaled to 28x28 (784 dimensions)
with noise, labelled 0-9, so that neighbourhood preservation can be measured.

- t-SNE 3D of 5,000 x 784 through the board's projector service (the same code a browser
  request runs): time to the first frame and to the end, and the 10-NN label agreement
  of the result. openTSNE's Barnes-Hut run plainly (its defaults) is measured in the
  same run for comparison.
- PCA 3D of 10,000 x 784: kernel time; in the browser, from the request to the points
  drawn (plotly's data on the page).
- 100,000 points in PCA 3D: time to draw, and the frame time while the camera rotates
  (requestAnimationFrame intervals during scripted camera moves).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path
from typing import Any

import numpy as np

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tbnb.board.projector import EmbeddingData, ProjectorService  # noqa: E402
from tbnb.compute import projections as proj  # noqa: E402


def digits(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.datasets import load_digits

    d = load_digits()
    rng = np.random.default_rng(seed)
    idx = rng.integers(0, len(d.images), n)
    x = np.zeros((n, 28, 28), np.float32)
    x[:, 2:26, 2:26] = np.kron(d.images[idx], np.ones((1, 3, 3)))
    x += rng.normal(0, 1.0, x.shape).astype(np.float32)
    return x.reshape(n, 784), d.target[idx]


def service_run(x: np.ndarray, content: dict[str, Any]) -> dict[str, Any]:
    """Run one projection through ProjectorService; times of its frames."""
    frames: list[tuple[float, dict[str, Any], list[Any]]] = []
    done = threading.Event()
    t0 = time.perf_counter()

    def send(message: dict[str, Any], buffers: list[Any]) -> None:
        frames.append((time.perf_counter() - t0, message, buffers))
        if message.get("done"):
            done.set()

    data = EmbeddingData(x, None, None, None, None)
    service = ProjectorService(lambda _id: data, send)
    service.handle({"type": "project", "request": 1, "id": "x", **content})
    done.wait(600)
    last = frames[-1]
    if last[1].get("error"):
        raise RuntimeError(last[1]["error"])
    from tbnb.board.protocol import decode

    positions = decode(last[1]["positions"], last[2])
    return {
        "first_s": frames[0][0],
        "total_s": last[0],
        "frames": len(frames),
        "positions": positions,
    }


def tsne_plain(x: np.ndarray) -> float:
    """openTSNE with its defaults (exact PCA input, theta 0.5), as a person would run it."""
    from openTSNE import TSNE

    t0 = time.perf_counter()
    TSNE(n_components=3, n_jobs=-1, random_state=0, verbose=False).fit(x.astype(np.float64))
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--no-plain", action="store_true", help="skip openTSNE's plain run")
    args = ap.parse_args()
    rows: list[tuple[str, str, str]] = []

    x5, y5 = digits(5_000)
    ts = service_run(x5, {"method": "tsne", "dims": 3})
    agree = proj.knn_agreement(ts["positions"], y5)
    rows.append(("t-SNE 3D 5,000 x 784: first frame", f"{ts['first_s']:.1f} s", "<= 5 s"))
    rows.append(("  finished", f"{ts['total_s']:.1f} s ({ts['frames']} frames)", "<= 30 s"))
    rows.append(("  10-NN label agreement", f"{agree:.3f}", ">= 0.9"))
    if not args.no_plain:
        plain = tsne_plain(x5)
        rows.append(
            (
                "  openTSNE plain (defaults), same data",
                f"{plain:.1f} s",
                f"ratio {ts['total_s'] / plain:.2f}",
            )
        )
    x10, _ = digits(10_000, seed=1)
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        proj.pca(x10, 10)
        times.append(time.perf_counter() - t0)
    rows.append(
        ("PCA 10,000 x 784 in the kernel (median of 3)", f"{statistics.median(times):.2f} s", "")
    )
    width = max(len(r[0]) for r in rows)
    print(f"\n{'figure':<{width}}  {'tbnb':>26}  target")
    for a, b, c in rows:
        print(f"{a:<{width}}  {b:>26}  {c}")


if __name__ == "__main__":
    main()
