"""Benchmark of tbnb's reading engine against TensorBoard's loaders and tbparse.

Corpus: 4 runs x 10 tags x 100,000 steps of scalars written by tensorboardX's own
``SummaryWriter.add_scalar`` (4 million events, about 220 MB). It is generated once,
by four parallel processes, into ``benchmarks/.cache/`` (git-ignored; delete that
folder to regenerate). ``--quick`` uses a small corpus (4 runs x 10 tags x 2,000 steps).

Run from the repository root::

    python benchmarks/bench_reader.py            # full corpus (first run writes it: minutes)
    python benchmarks/bench_reader.py --quick    # seconds
"""

from __future__ import annotations

import argparse
import gc
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
CACHE = HERE / ".cache"
TAGS = [
    "loss",
    "accuracy",
    "lr",
    "grad_norm",
    "train/loss_total",
    "val/loss",
    "val/accuracy",
    "weights/l2",
    "throughput/samples_per_sec",
    "memory/gpu_mb",
]
N_RUNS = 4


def _write_run(args: tuple[str, int, int]) -> str:
    path, steps, seed = args
    from tensorboardX import SummaryWriter

    rng = np.random.default_rng(seed)
    values = rng.standard_normal((steps, len(TAGS))).tolist()
    writer = SummaryWriter(path, max_queue=1000, flush_secs=3600)
    for step in range(steps):
        row = values[step]
        for i, tag in enumerate(TAGS):
            writer.add_scalar(tag, row[i], step)
    writer.close()
    return path


def corpus(steps: int) -> Path:
    """Write (once) and return the corpus directory for ``steps`` steps per tag."""
    root = CACHE / f"tbx_{N_RUNS}x{len(TAGS)}x{steps}"
    done = root / ".complete"
    if done.exists():
        return root
    if root.exists():
        shutil.rmtree(root)
    root.mkdir(parents=True)
    t0 = time.perf_counter()
    jobs = [(str(root / f"run{i}"), steps, i) for i in range(N_RUNS)]
    with ProcessPoolExecutor(max_workers=min(N_RUNS, os.cpu_count() or 1)) as pool:
        list(pool.map(_write_run, jobs))
    done.write_text("ok\n")
    print(f"wrote corpus {root} in {time.perf_counter() - t0:.1f} s")
    return root


if __name__ == "__main__" and len(sys.argv) > 1 and sys.argv[1] == "--generate-only":
    corpus(int(sys.argv[2]))
    sys.exit(0)
