"""Memory of a large first read: beyond what it keeps, a read holds a chunk or so of the
file at a time (not the whole file, nor doubling columns and their copies)."""

from __future__ import annotations

import importlib.util
import sys
import tracemalloc
from pathlib import Path
from types import ModuleType

import numpy as np

from tbnb.events import Logdir

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"
TAGS = [f"metric/{i}" for i in range(10)]
STEPS = 100_000  # 1,000,000 points (24 MB kept) in a 48 MB file
# what a read may need beyond what it keeps: a few MiB chunks of the file and their
# temporaries, not the file, nor columns doubling and copied
EXTRA = 16 << 20


def _fastwrite() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fastwrite", BENCH / "fastwrite.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("fastwrite", mod)
    spec.loader.exec_module(mod)
    return mod


def test_peak_allocation_of_a_large_read(tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    steps = np.arange(STEPS, dtype=np.int64)
    values = np.random.default_rng(0).standard_normal((STEPS, len(TAGS)))
    walls = 1.7e9 + steps * 0.01
    _fastwrite().write_scalars(
        run / "events.out.tfevents.1.host", TAGS, steps, values, walls, 1.7e9
    )
    Logdir(tmp_path, workers=1).reload()  # the CRC tables the decoding caches, made once
    tracemalloc.start()
    try:
        ld = Logdir(tmp_path, workers=1)
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        ld.reload()
        held, peak = (m - base for m in tracemalloc.get_traced_memory())
    finally:
        tracemalloc.stop()
    assert not ld.problems
    points = sum(len(ld.scalars("run", t)) for t in TAGS)
    assert points == STEPS * len(TAGS)
    assert 24 * points <= held <= 25 * points, held / points  # 3 columns of 8 bytes
    assert peak - held <= EXTRA, f"{(peak - held) / 2**20:.1f} MiB"
