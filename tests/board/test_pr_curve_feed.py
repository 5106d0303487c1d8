"""The PR curve feed (issue 17): every point of every (run, tag) pushed as written.

Curves written by torch's and tensorboardX's ``add_pr_curve`` and ``add_pr_curve_raw``
are checked against what TensorBoard's own EventAccumulator reads from the same files,
TF's pr_curve summary against the shared corpus' expected values; a point written
later arrives as a delta, and a tensor of the wrong shape is an error on its point.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator
from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.util import tensor_util
from tensorboardX import SummaryWriter as XWriter

from tbnb.board import static
from tbnb.board.engine import BoardEngine
from tbnb.board.feeds.pr_curves import drawn
from tbnb.board.protocol import decode
from tbnb.board.settings import ViewSettings
from tbnb.events.kinds import Kind
from tests.events.evhelpers import CORPUS, frame

torch = pytest.importorskip("torch")
from torch.utils.tensorboard import SummaryWriter  # noqa: E402

STEPS = 3
FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "pr_curves.json"


def write_curves(root: Path) -> None:
    rng = np.random.default_rng(7)
    for name, cls in (("torch", SummaryWriter), ("tbx", XWriter)):
        w = cls(str(root / name))
        for step in range(STEPS):
            labels = rng.integers(0, 2, 200)
            preds = np.clip(labels * 0.3 + rng.random(200) * 0.7, 0, 1)
            w.add_pr_curve("pr/classifier", labels, preds, step)
        w.add_pr_curve_raw(
            "pr/raw", [10, 8, 5], [5, 3, 1], [0, 2, 4], [0, 2, 5], [0.66, 0.72, 0.83],
            [1.0, 0.8, 0.5], 0, num_thresholds=3,
        )  # fmt: skip
        w.close()


def curves(message: Any) -> dict[tuple[str, str], dict[str, Any]]:
    """The pr_curves deltas of a message, decoded: per (run, tag) steps and tensors."""
    content, buffers = message
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for d in content["pr_curves"]:
        counts = decode(d["thresholds"], buffers)
        data = decode(d["data"], buffers)
        tensors, at = [], 0
        for k in counts:
            tensors.append(data[at : at + 6 * k].reshape(6, k) if k else None)
            at += 6 * int(k)
        assert at == data.size
        out[(d["run"], d["tag"])] = {
            "start": d["start"],
            "total": d["total"],
            "step": decode(d["step"], buffers).tolist(),
            "tensors": tensors,
            "errors": d["errors"],
        }
    return out


def test_curves_are_pushed_as_tensorboard_reads_them(tmp_path: Path) -> None:
    write_curves(tmp_path)
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    got = curves(engine.snapshot())
    for run in ("torch", "tbx"):
        acc = EventAccumulator(str(tmp_path / run), size_guidance={"tensors": 0})
        acc.Reload()
        for tag in ("pr/classifier", "pr/raw"):
            events = acc.Tensors(tag)
            sent = got[(run, tag)]
            assert sent["step"] == [e.step for e in events]
            assert sent["errors"] == [""] * len(events)
            for tensor, e in zip(sent["tensors"], events, strict=True):
                want = tensor_util.make_ndarray(e.tensor_proto)
                assert want.shape[0] == 6
                np.testing.assert_array_equal(tensor, want.astype(np.float32))
    raw = got[("torch", "pr/raw")]["tensors"][0]
    np.testing.assert_allclose(raw[4], [0.66, 0.72, 0.83], rtol=1e-6)  # precision row
    np.testing.assert_allclose(raw[5], [1.0, 0.8, 0.5], rtol=1e-6)  # recall row
    assert engine.counts()[Kind.PR_CURVES] == 2 * (STEPS + 1)


def test_tf_corpus_curves_are_the_expected_values(tmp_path: Path) -> None:
    expected = json.loads((CORPUS / "tf2_dashboards" / "expected.json").read_text())
    (series,) = [s for s in expected["series"] if s["kind"] == "pr_curves"]
    engine = BoardEngine(CORPUS / "tf2_dashboards" / "pr_curve", live=False)
    engine.read(message=False)
    sent = curves(engine.snapshot())[(".", series["tag"])]
    assert sent["step"] == [p["step"] for p in series["points"]]
    for tensor, p in zip(sent["tensors"], series["points"], strict=True):
        assert tensor.shape == (6, series["num_thresholds"])
        np.testing.assert_allclose(tensor, np.array(p["values"], dtype=np.float32))


def test_a_new_step_is_a_delta_from_the_points_held(tmp_path: Path) -> None:
    # two writers, one after the other (files read in name order)
    w = XWriter(str(tmp_path / "live"), filename_suffix=".0")
    w.add_pr_curve("pr", np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.6, 0.4]), 0)
    w.close()
    engine = BoardEngine(tmp_path)
    engine.read(message=False)
    assert len(curves(engine.snapshot())[("live", "pr")]["step"]) == 1
    w = XWriter(str(tmp_path / "live"), filename_suffix=".1")
    w.add_pr_curve("pr", np.array([0, 1, 1, 0]), np.array([0.2, 0.9, 0.7, 0.3]), 1)
    w.close()
    msg = engine.read()
    assert msg is not None
    delta = curves(msg)[("live", "pr")]
    assert (delta["start"], delta["total"], delta["step"]) == (1, 2, [1.0])
    assert delta["tensors"][0].shape == (6, 127)


def test_a_tensor_that_is_not_a_curve_is_an_error_on_its_point(tmp_path: Path) -> None:
    meta = summary_pb2.SummaryMetadata()
    meta.plugin_data.plugin_name = "pr_curves"
    bad = tensor_util.make_tensor_proto(np.ones((3, 4), dtype=np.float32))
    good = tensor_util.make_tensor_proto(np.ones((6, 2), dtype=np.float32))
    events = [event_pb2.Event(wall_time=1e9, file_version="brain.Event:2")]
    for step, t in enumerate((bad, good)):
        value = summary_pb2.Summary.Value(tag="pr", metadata=meta, tensor=t)
        events.append(
            event_pb2.Event(
                wall_time=1e9 + step, step=step, summary=summary_pb2.Summary(value=[value])
            )
        )
    run = tmp_path / "bad"
    run.mkdir()
    with (run / "events.out.tfevents.1.bad").open("wb") as f:
        for ev in events:
            f.write(frame(ev.SerializeToString()))
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    sent = curves(engine.snapshot())[("bad", "pr")]
    assert sent["tensors"][0] is None and "[6, k]" in sent["errors"][0]
    assert sent["tensors"][1].shape == (6, 2) and sent["errors"][1] == ""


@pytest.mark.parametrize(
    "case", json.loads(FIXTURE.read_text(encoding="utf-8"))["cases"], ids=lambda c: c["name"]
)
def test_the_points_drawn_are_the_browsers(case: dict[str, Any]) -> None:
    recall, precision = drawn(np.array(case["tensor"], dtype=np.float32))
    np.testing.assert_allclose(recall, case["recall"], rtol=1e-6)
    np.testing.assert_allclose(precision, case["precision"], rtol=1e-6)


def test_the_static_snapshot_draws_each_tag_escaped(tmp_path: Path) -> None:
    w = XWriter(str(tmp_path / "<b>run</b>"))
    w.add_pr_curve("<i>pr</i>", np.array([0, 1, 1, 0]), np.array([0.1, 0.8, 0.6, 0.4]), 0)
    w.close()
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    html = static.render(engine, ViewSettings())
    assert "PR curves" in html and "&lt;i&gt;pr&lt;/i&gt;" in html and "<i>" not in html
    assert html.count("<polyline") == 1
