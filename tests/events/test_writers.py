"""Real files from torch.utils.tensorboard and tensorboardX, read back and compared
with what was given to the writer (and, for scalars, with TensorBoard's own loader)."""

from __future__ import annotations

import io
import math
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from tbnb.events import Logdir

torch = pytest.importorskip("torch")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    from tensorboardX import SummaryWriter as XWriter
    from torch.utils.tensorboard import SummaryWriter as TWriter

WRITERS = {"torch": TWriter, "tensorboardX": XWriter}


@pytest.fixture(params=sorted(WRITERS))
def writer_cls(request: pytest.FixtureRequest) -> Any:
    return WRITERS[request.param]


def load(path: Path) -> Logdir:
    ld = Logdir(path)
    ld.reload()
    assert ld.problems == []
    return ld


def event_accumulator_scalars(path: Path, tag: str) -> tuple[list[int], list[float]]:
    from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

    acc = EventAccumulator(str(path), size_guidance={"scalars": 0})
    acc.Reload()
    evs = acc.Scalars(tag)
    return [e.step for e in evs], [e.value for e in evs]


def test_scalars(logdir: Path, writer_cls: Any) -> None:
    rng = np.random.default_rng(3)
    values = rng.standard_normal(300)
    w = writer_cls(str(logdir / "run"))
    for step, v in enumerate(values):
        w.add_scalar("loss/train", float(v), step)
        if step % 3 == 0:
            w.add_scalar("acc", float(v) * 2, step * 10)
    w.close()
    ld = load(logdir)
    assert ld.runs() == ["run"]
    assert ld.tags("run")["scalars"] == ["acc", "loss/train"]
    s = ld.scalars("run", "loss/train")
    assert s.step.dtype == np.int64 and s.value.dtype == np.float64
    assert s.wall_time.dtype == np.float64
    np.testing.assert_array_equal(s.step, np.arange(300))
    np.testing.assert_array_equal(s.value, values.astype(np.float32).astype(np.float64))
    a = ld.scalars("run", "acc")
    np.testing.assert_array_equal(a.step, np.arange(0, 300, 3) * 10)
    np.testing.assert_array_equal(a.value, (values[::3] * 2).astype(np.float32))
    steps, vals = event_accumulator_scalars(logdir / "run", "loss/train")
    assert steps == s.step.tolist()
    assert vals == s.value.tolist()
    assert np.all(np.diff(s.wall_time) >= 0)


def test_torch_new_style_and_double_precision(logdir: Path) -> None:
    w = TWriter(str(logdir))
    x = 0.1234567890123
    for step in range(5):
        w.add_scalar("ns", x * step, step, new_style=True)
        w.add_scalar("dp", x * step, step, new_style=True, double_precision=True)
    w.close()
    ld = load(logdir)
    assert ld.runs() == ["."]
    np.testing.assert_array_equal(
        ld.scalars(".", "ns").value, np.float32(x * np.arange(5)).astype(np.float64)
    )
    np.testing.assert_array_equal(ld.scalars(".", "dp").value, x * np.arange(5))


def test_add_scalars_makes_runs(logdir: Path, writer_cls: Any) -> None:
    w = writer_cls(str(logdir / "exp"))
    for step in range(4):
        w.add_scalars("loss", {"train": step * 1.0, "val": step * 2.0}, step)
    w.close()
    ld = load(logdir)
    sep = "_" if writer_cls is TWriter else "/"  # tensorboardX nests, torch joins with _
    assert {f"exp/loss{sep}train", f"exp/loss{sep}val"} <= set(ld.runs())
    assert ld.scalars(f"exp/loss{sep}val", "loss").value.tolist() == [0.0, 2.0, 4.0, 6.0]


def _png(data: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(data)))


def test_images(logdir: Path, writer_cls: Any) -> None:
    rng = np.random.default_rng(4)
    img = rng.integers(0, 256, (3, 7, 5), dtype=np.uint8)
    batch = rng.integers(0, 256, (4, 3, 6, 6), dtype=np.uint8)
    w = writer_cls(str(logdir))
    w.add_image("one", img, 2, dataformats="CHW")
    w.add_image("one", img[:, ::-1].copy(), 3, dataformats="CHW")
    w.add_images("batch", batch, 1, dataformats="NCHW")
    w.close()
    ld = load(logdir)
    assert ld.tags(".")["images"] == ["batch", "one"]
    ims = ld.images(".", "one")
    assert [(i.step, i.width, i.height) for i in ims] == [(2, 5, 7), (3, 5, 7)]
    np.testing.assert_array_equal(_png(ims[0].data), img.transpose(1, 2, 0))
    np.testing.assert_array_equal(_png(ims[1].data), img[:, ::-1].transpose(1, 2, 0))
    (grid,) = ld.images(".", "batch")
    assert grid.width == _png(grid.data).shape[1] and grid.height == _png(grid.data).shape[0]


def test_image_bytes_are_read_lazily(logdir: Path) -> None:
    img = np.zeros((3, 4, 4), dtype=np.uint8)
    w = XWriter(str(logdir))
    w.add_image("im", img, 0)
    w.close()
    ld = load(logdir)
    (point,) = ld.images(".", "im")
    assert not any(isinstance(v, bytes) for v in vars(point).values())
    assert point.data.startswith(b"\x89PNG")


def test_histograms(logdir: Path, writer_cls: Any) -> None:
    rng = np.random.default_rng(5)
    data = rng.standard_normal(1000)
    w = writer_cls(str(logdir))
    w.add_histogram("h", data, 7)
    w.close()
    ld = load(logdir)
    (h,) = ld.histograms(".", "h")
    assert h.step == 7 and h.buckets.shape[1] == 3 and h.buckets.dtype == np.float64
    assert h.buckets[:, 2].sum() == 1000
    assert h.buckets[0, 0] == np.float32(data.min())
    assert h.buckets[-1, 1] == np.float32(data.max())
    assert np.all(h.buckets[:, 0] <= h.buckets[:, 1])
    assert h.buckets[0, 2] > 0 and h.buckets[-1, 2] > 0


def test_histogram_raw(logdir: Path, writer_cls: Any) -> None:
    limits = [-1.0, 0.0, 1.0, 2.0, 3.0]
    counts = [0.0, 4.0, 0.0, 2.0, 0.0]
    w = writer_cls(str(logdir))
    w.add_histogram_raw(
        "raw", min=-0.5, max=1.8, num=6, sum=3.0, sum_squares=9.0,
        bucket_limits=limits, bucket_counts=counts, global_step=1,
    )  # fmt: skip
    w.close()
    ld = load(logdir)
    (h,) = ld.histograms(".", "raw")
    # TensorBoard's data_compat: bucket i is (limit[i-1], limit[i]]; empty end buckets
    # dropped; min and max become the outer edges
    want = np.array([[-0.5, 0.0, 4.0], [0.0, 1.0, 0.0], [1.0, 1.8, 2.0]], dtype=np.float32)
    np.testing.assert_array_equal(h.buckets, want.astype(np.float64))


def test_text(logdir: Path, writer_cls: Any) -> None:
    w = writer_cls(str(logdir))
    w.add_text("notes", "**hello** <b>world</b>", 3)
    w.add_text("notes", "second", 4)
    w.close()
    ld = load(logdir)
    (tag,) = ld.tags(".")["text"]
    assert tag.startswith("notes")
    assert [(t.step, t.text) for t in ld.text(".", tag)] == [
        (3, "**hello** <b>world</b>"),
        (4, "second"),
    ]


def test_embedding(logdir: Path, writer_cls: Any) -> None:
    rng = np.random.default_rng(6)
    vecs = rng.standard_normal((10, 4)).astype(np.float32)
    label_img = torch.rand(10, 3, 5, 5)
    w = writer_cls(str(logdir))
    w.add_embedding(
        torch.from_numpy(vecs), metadata=[f"p{i}" for i in range(10)],
        label_img=label_img, global_step=3, tag="feat",
    )  # fmt: skip
    w.add_embedding(
        torch.from_numpy(vecs[:3]), metadata=[["a", "1"], ["b", "2"], ["c", "3"]],
        metadata_header=["name", "n"], tag="multi",
    )  # fmt: skip
    w.close()
    ld = load(logdir)
    assert ld.tags(".")["embeddings"] == ["feat", "multi"]
    embs = {e.tag: e for e in ld.embeddings(".")}
    feat = embs["feat"]
    assert feat.step == 3 and feat.vectors.dtype == np.float32
    np.testing.assert_allclose(feat.vectors, vecs, rtol=1e-6)
    assert feat.metadata == [[f"p{i}"] for i in range(10)] and feat.metadata_header is None
    assert feat.sprite is not None and feat.sprite_size == (5, 5)
    side = math.ceil(math.sqrt(10)) * 5
    assert Image.open(io.BytesIO(feat.sprite)).size == (side, side)
    multi = embs["multi"]
    assert multi.metadata_header == ["name", "n"]
    assert multi.metadata == [["a", "1"], ["b", "2"], ["c", "3"]]
    assert multi.sprite is None and multi.sprite_size is None


def test_hparams(logdir: Path, writer_cls: Any) -> None:
    w = writer_cls(str(logdir))
    w.add_hparams({"lr": 0.1, "bs": 8}, {"hp/acc": 0.75})
    w.close()
    ld = load(logdir)
    hp_runs = [r for r in ld.runs() if ld.tags(r).get("hparams")]
    assert hp_runs
    assert any(
        "hp/acc" in ld.tags(r)["scalars"] and ld.scalars(r, "hp/acc").value.tolist() == [0.75]
        for r in ld.runs()
    )


def test_pr_curve(logdir: Path, writer_cls: Any) -> None:
    rng = np.random.default_rng(7)
    labels = rng.integers(0, 2, 64)
    preds = rng.random(64)
    w = writer_cls(str(logdir))
    w.add_pr_curve("pr", labels, preds, 2, num_thresholds=33)
    w.close()
    ld = load(logdir)
    (p,) = ld.pr_curves(".", "pr")
    assert p.step == 2 and p.tensor.shape == (6, 33)
    # row 0: true positives at threshold 0 = number of positive labels
    assert p.tensor[0, 0] == labels.sum()
    assert p.tensor[1, 0] == len(labels) - labels.sum()


def test_audio(logdir: Path, writer_cls: Any) -> None:
    snd = np.sin(np.linspace(0, 20, 800)).astype(np.float32)[None, :]
    if writer_cls is XWriter:
        snd = snd.T  # tensorboardX wants (length, channels), torch (1, length)
    w = writer_cls(str(logdir))
    w.add_audio("snd", torch.from_numpy(snd), 1, sample_rate=8000)
    w.close()
    ld = load(logdir)
    (a,) = ld.audio(".", "snd")
    assert a.step == 1 and a.sample_rate == 8000
    assert a.data[:4] == b"RIFF" and b"WAVE" in a.data[:16]


def test_live_writer_flushes_are_read_incrementally(logdir: Path) -> None:
    from tbnb.events import SeriesChange

    w = TWriter(str(logdir))  # torch's flush() waits for its queue (tensorboardX's does not)
    try:
        ld = Logdir(logdir)
        total = 0
        for batch in range(5):
            for step in range(total, total + 40):
                w.add_scalar("loss", step / 10, step)
            total += 40
            w.flush()
            changes = ld.reload()
            assert changes.series[(".", "scalars", "loss")] == SeriesChange(total - 40, 40)
            if batch == 0:
                assert changes.new_runs == ["."]
        assert ld.scalars(".", "loss").step.tolist() == list(range(200))
        assert ld.problems == []
    finally:
        w.close()
