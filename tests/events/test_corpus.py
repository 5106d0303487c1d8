"""TF2 ``tf.summary`` and Keras callback files (../shared/corpus), compared with what
TensorBoard's own loader reads from them (expected.json)."""

from __future__ import annotations

import json
import shutil
from collections import defaultdict
from typing import Any

import numpy as np
import pytest
from evhelpers import CORPUS

from tbnb.events import Logdir

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")


def _series() -> list[dict[str, Any]]:
    if not CORPUS.exists():
        return []
    return list(json.loads((CORPUS / "expected.json").read_text())["series"])


@pytest.fixture(scope="module")
def corpus_logdir(tmp_path_factory: pytest.TempPathFactory) -> Logdir:
    root = tmp_path_factory.mktemp("corpus")
    for sub in ("tf2", "keras"):
        shutil.copytree(CORPUS / sub, root / sub)
    ld = Logdir(root)
    ld.reload()
    assert ld.problems == []
    return ld


def test_runs(corpus_logdir: Logdir) -> None:
    assert corpus_logdir.runs() == sorted({s["run"] for s in _series()})


def test_tags(corpus_logdir: Logdir) -> None:
    want: dict[tuple[str, str], set[str]] = defaultdict(set)
    for s in _series():
        want[(s["run"], s["kind"])].add(s["tag"])
    for (run, kind), tags in want.items():
        assert set(corpus_logdir.tags(run)[kind]) == tags, (run, kind)


@pytest.mark.parametrize("s", _series(), ids=lambda s: f"{s['run']}:{s['tag']}")
def test_series(corpus_logdir: Logdir, s: dict[str, Any]) -> None:
    run, tag, kind, pts = s["run"], s["tag"], s["kind"], s["points"]
    if kind == "scalars":
        got = corpus_logdir.scalars(run, tag)
        assert got.step.tolist() == [p["step"] for p in pts]
        assert got.wall_time.tolist() == [p["wall_time"] for p in pts]
        assert got.value.tolist() == [p["value"] for p in pts]
    elif kind == "histograms":
        hs = corpus_logdir.histograms(run, tag)
        assert [h.step for h in hs] == [p["step"] for p in pts]
        assert [h.wall_time for h in hs] == [p["wall_time"] for p in pts]
        for h, p in zip(hs, pts, strict=True):
            np.testing.assert_array_equal(h.buckets, np.array(p["buckets"], dtype=np.float64))
    elif kind == "images":
        ims = corpus_logdir.images(run, tag)
        by_step: dict[int, list[Any]] = defaultdict(list)
        for im in ims:
            by_step[im.step].append(im)
        assert sorted(by_step) == [p["step"] for p in pts]
        for p in pts:
            group = by_step[p["step"]]
            assert len(group) == p["count"]
            assert [len(g.data) for g in group] == p["png_sizes"]
            assert all(g.data.startswith(b"\x89PNG") for g in group)
            assert all((g.width, g.height) == (p["width"], p["height"]) for g in group)
            assert all(g.wall_time == p["wall_time"] for g in group)
    elif kind == "text":
        ts = corpus_logdir.text(run, tag)
        assert [(t.step, t.wall_time, t.text) for t in ts] == [
            (p["step"], p["wall_time"], p["text"]) for p in pts
        ]
    else:
        pytest.fail(f"unexpected kind {kind}")


def test_keras_epoch_and_iteration_tags_do_not_purge_each_other(corpus_logdir: Logdir) -> None:
    # evaluation_*_vs_iterations (steps in iterations) and epoch_* (steps in epochs)
    # share one file; steps are per tag.
    ev = corpus_logdir.scalars("keras/validation", "evaluation_loss_vs_iterations")
    ep = corpus_logdir.scalars("keras/validation", "epoch_loss")
    assert len(ev) == 3 and len(ep) == 3
    assert ev.step.max() > ep.step.max()
