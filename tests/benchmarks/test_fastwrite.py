"""The benchmarks' fast event writer (benchmarks/fastwrite.py) writes tensorboardX's
bytes: the benchmarks' logdirs are what a real writer would have written."""

from __future__ import annotations

import importlib.util
import struct
import sys
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from tensorboardX import SummaryWriter

from tbnb.events import Logdir

BENCH = Path(__file__).resolve().parents[2] / "benchmarks"


@pytest.fixture(scope="module")
def fastwrite() -> ModuleType:
    spec = importlib.util.spec_from_file_location("fastwrite", BENCH / "fastwrite.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["fastwrite"] = mod
    spec.loader.exec_module(mod)
    return mod


def test_same_bytes_as_tensorboardx_sample(fastwrite: ModuleType, tmp_path: Path) -> None:
    # the sample the benchmarks check before writing: step varints of 0 to 6 bytes, a tag
    # over 127 bytes, 0.0, -0.0 and a subnormal float32
    assert fastwrite.check_against_tensorboardx(tmp_path) == 56


def test_same_bytes_across_blocks(fastwrite: ModuleType, tmp_path: Path) -> None:
    """Steps that cross varint widths and blocks, walls per step, one tag."""
    steps = [*range(120, 140), *range(16_370, 16_400)]
    rng = np.random.default_rng(3)
    values = rng.standard_normal((len(steps), 1))
    walls = 1.6e9 + np.arange(len(steps)) * 0.25
    with SummaryWriter(str(tmp_path / "tbx")) as w:
        for s, v, t in zip(steps, values[:, 0], walls, strict=True):
            w.add_scalar("Loss/train", float(v), s, walltime=float(t))
    (theirs,) = (tmp_path / "tbx").iterdir()
    raw = theirs.read_bytes()
    (version_wall,) = struct.unpack_from("<d", raw, 13)
    fastwrite.BLOCK_STEPS = 7  # many blocks
    try:
        size = fastwrite.write_scalars(
            tmp_path / "fast", ["Loss/train"], steps, values, walls, version_wall
        )
    finally:
        fastwrite.BLOCK_STEPS = 16_384
    assert (tmp_path / "fast").read_bytes() == raw
    assert size == len(raw)


def test_differs_when_the_data_does(fastwrite: ModuleType, tmp_path: Path) -> None:
    """The comparison can fail: one value changed is a different file."""
    a, b = tmp_path / "a", tmp_path / "b"
    fastwrite.write_scalars(a, ["x"], [1, 2], [[1.0], [2.0]], [1.7e9, 1.7e9], 1.7e9)
    fastwrite.write_scalars(b, ["x"], [1, 2], [[1.0], [2.5]], [1.7e9, 1.7e9], 1.7e9)
    assert a.read_bytes() != b.read_bytes()
    assert len(a.read_bytes()) == len(b.read_bytes())


def test_read_back_by_tbnb(fastwrite: ModuleType, tmp_path: Path) -> None:
    run = tmp_path / "run"
    run.mkdir()
    steps = np.arange(0, 3000, 3)
    values = np.random.default_rng(1).standard_normal((len(steps), 3))
    walls = 1.7e9 + steps * 0.5
    seen: list[int] = []
    fastwrite.write_scalars(
        run / "events.out.tfevents.1.host",
        ["a", "b/c", "d"],
        steps,
        values,
        walls,
        1.7e9,
        progress=seen.append,
    )
    assert seen[-1] == len(steps)
    ld = Logdir(tmp_path)
    ld.reload()
    assert not ld.problems
    for j, tag in enumerate(["a", "b/c", "d"]):
        s = ld.scalars("run", tag)
        assert s.step.tolist() == steps.tolist()
        assert np.array_equal(s.value, values[:, j].astype(np.float32).astype(np.float64))
        assert np.array_equal(s.wall_time, walls)
