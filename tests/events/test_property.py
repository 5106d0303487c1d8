"""Property: truncating and flipping bytes of real files never raises out of reload(),
never shows a value that was not written, and loses nothing already read."""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tbnb.events import Logdir

with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from tensorboardX import SummaryWriter


@pytest.fixture(scope="module")
def real_file(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    d = tmp_path_factory.mktemp("real")
    rng = np.random.default_rng(0)
    w = SummaryWriter(str(d))
    for step in range(400):
        w.add_scalar("loss", float(rng.standard_normal()), step)
        w.add_scalar("acc", float(rng.random()), step)
        if step % 50 == 0:
            w.add_histogram("h", rng.standard_normal(50), step)
            w.add_image("im", rng.integers(0, 255, (3, 4, 4), dtype=np.uint8), step)
            w.add_text("t", f"step {step}", step)
    w.close()
    (f,) = list(d.iterdir())
    return f.read_bytes()


def _snapshot(ld: Logdir) -> dict[str, list[tuple[int, float]]]:
    out: dict[str, list[tuple[int, float]]] = {}
    for run in ld.runs():
        for tag in ld.tags(run)["scalars"]:
            s = ld.scalars(run, tag)
            out[tag] = list(zip(s.step.tolist(), s.value.tolist(), strict=True))
    return out


@pytest.fixture(scope="module")
def truth(real_file: bytes, tmp_path_factory: pytest.TempPathFactory) -> dict[str, list]:
    d = tmp_path_factory.mktemp("truth")
    (d / "events.out.tfevents.1").write_bytes(real_file)
    ld = Logdir(d)
    ld.reload()
    assert ld.problems == []
    return _snapshot(ld)


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_truncate_flip_append(
    real_file: bytes, truth: dict[str, list], data: st.DataObject
) -> None:
    n = len(real_file)
    cut = data.draw(st.integers(0, n), label="cut")
    flips = data.draw(
        st.lists(st.tuples(st.integers(0, n - 1), st.integers(1, 255)), max_size=6), label="flips"
    )
    rest = bytearray(real_file[cut:])
    for pos, x in flips:
        if pos >= cut:
            rest[pos - cut] ^= x
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "events.out.tfevents.1"
        path.write_bytes(real_file[:cut])
        ld = Logdir(tmp)
        ld.reload()
        assert ld.problems == []  # a clean prefix reads without problems
        before = _snapshot(ld)
        with path.open("ab") as f:
            f.write(bytes(rest))
        ld.reload()
        ld.reload()
        assert not [p for p in ld.problems if "internal error" in p.message]
        after = _snapshot(ld)
        for tag, pts in before.items():
            assert after[tag][: len(pts)] == pts  # nothing already read is lost
        for tag, pts in after.items():
            assert set(pts) <= set(truth[tag])  # nothing that was not written
        if not any(pos >= cut for pos, _ in flips):
            assert after == truth
        for run in ld.runs():
            for tag in ld.tags(run)["images"]:
                for im in ld.images(run, tag):
                    assert im.data.startswith(b"\x89PNG")


@settings(max_examples=30, deadline=None)
@given(blob=st.binary(max_size=2000))
def test_arbitrary_bytes_never_raise(blob: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "events.out.tfevents.1").write_bytes(blob)
        ld = Logdir(tmp)
        ld.reload()
        ld.reload()
        assert not [p for p in ld.problems if "internal error" in p.message]
