"""The projector's kernel side: the embeddings a board offers (torch and tensorboardX
add_embedding), and the requests tbnb.Projector and the board answer."""

from __future__ import annotations

import threading
import time
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import tbnb
from tbnb.board.protocol import decode
from tests.board.conftest import Recorder


def wait_for(rec: Recorder, pred: Any, timeout: float = 60.0) -> tuple[dict[str, Any], list[Any]]:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        for msg, bufs in list(rec.messages):
            if pred(msg):
                return msg, bufs
        time.sleep(0.05)
    raise AssertionError(f"no such message in {[m for m, _ in rec.messages]}")


def ask(widget: Any, content: dict[str, Any]) -> None:
    widget._on_browser_message(widget, content, [])


def labelled(n: int = 120, d: int = 16) -> tuple[np.ndarray, list[str]]:
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 8, (3, d))
    lab = rng.integers(0, 3, n)
    return (centres[lab] + rng.normal(0, 1, (n, d))).astype(np.float32), [f"c{v}" for v in lab]


@pytest.fixture
def projector() -> Any:
    x, labels = labelled()
    p = tbnb.Projector(x, metadata=labels, images=np.zeros((len(x), 8, 8)))
    yield p, x, labels
    p.close()


def test_in_memory_projector_serves_metadata_pca_and_neighbors(projector: Any) -> None:
    p, _, labels = projector
    assert p.view == "projector" and p.embeddings[0]["shape"] == [120, 16]
    rec = Recorder(p)
    ask(p, {"type": "embedding", "request": 1, "id": "0"})
    msg, bufs = wait_for(rec, lambda m: m["type"] == "embedding")
    assert msg["n"] == 120 and msg["header"] == ["label"] and msg["columns"] == [labels]
    assert msg["sprite_size"] == [8, 8] and bytes(decode(msg["sprite"], bufs))[:4] == b"\x89PNG"
    ask(p, {"type": "project", "request": 2, "id": "0", "method": "pca", "dims": 3})
    msg, bufs = wait_for(rec, lambda m: m["type"] == "projection" and m["request"] == 2)
    assert msg["done"] and msg["error"] == ""
    assert decode(msg["positions"], bufs).shape == (120, 10)
    assert msg["variance"][0] > msg["variance"][1] > 0
    ask(
        p, {"type": "neighbors", "request": 3, "id": "0", "index": 5, "k": 4, "metric": "euclidean"}
    )
    msg, bufs = wait_for(rec, lambda m: m["type"] == "neighbors")
    near = decode(msg["neighbors"], bufs)
    assert len(near) == 4 and 5 not in near.tolist()
    assert all(labels[i] == labels[5] for i in near)


def test_tsne_streams_frames_and_stops(projector: Any) -> None:
    pytest.importorskip("openTSNE")
    p, _, _ = projector
    rec = Recorder(p)
    ask(
        p, {"type": "project", "request": 7, "id": "0", "method": "tsne", "dims": 3, "n_iter": 5000}
    )
    wait_for(rec, lambda m: m["type"] == "projection" and not m["done"])
    ask(p, {"type": "project_control", "request": 7, "action": "stop"})
    msg, bufs = wait_for(rec, lambda m: m["type"] == "projection" and m["done"])
    assert msg["stopped"] is True and decode(msg["positions"], bufs).shape == (120, 3)
    assert not [t for t in threading.enumerate() if t.name.startswith("tbnb-projector")]


def test_missing_library_and_bad_requests_reach_the_tab(
    projector: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    p, _, _ = projector
    rec = Recorder(p)
    monkeypatch.setitem(sys.modules, "umap", None)
    ask(p, {"type": "project", "request": 4, "id": "0", "method": "umap", "dims": 2})
    msg, _ = wait_for(rec, lambda m: m["type"] == "projection" and m["request"] == 4)
    assert msg["missing"] == "umap-learn" and 'pip install "tbnb[projector]"' in msg["error"]
    ask(p, {"type": "embedding", "request": 5, "id": "nope"})
    msg, _ = wait_for(rec, lambda m: m["type"] == "projector_error")
    assert "no embedding" in msg["error"]
    ask(p, {"type": "project", "request": 6, "id": "0", "method": "mds"})
    msg, _ = wait_for(rec, lambda m: m["type"] == "projector_error" and m["request"] == 6)
    assert "unknown projection" in msg["error"]


def test_projector_input_errors() -> None:
    with pytest.raises(ValueError, match="metadata has 2 entries for 3 points"):
        tbnb.Projector(np.zeros((3, 2)), metadata=["a", "b"])
    with pytest.raises(ValueError, match="NaN"):
        tbnb.Projector(np.array([[np.nan, 1.0]]))


@pytest.mark.parametrize("writer", ["torch", "tensorboardX"])
def test_board_offers_written_embeddings(
    tmp_path: Path, boards: list[tbnb.Board], writer: str
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if writer == "torch":
            torch = pytest.importorskip("torch")
            from torch.utils.tensorboard import SummaryWriter
        else:
            torch = None
            from tensorboardX import SummaryWriter
    x, labels = labelled(60, 8)
    imgs = np.random.default_rng(1).random((60, 3, 10, 10)).astype(np.float32)
    w = SummaryWriter(str(tmp_path / "exp"))
    if torch is not None:
        w.add_embedding(torch.tensor(x), metadata=labels, label_img=torch.tensor(imgs), tag="feat")
    else:
        w.add_embedding(x, metadata=labels, label_img=imgs, tag="feat")
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    (entry,) = board.embeddings
    assert entry["run"] == "exp" and entry["tag"] == "feat"
    assert entry["shape"] in ([60, 8], [])  # torch writes no tensor_shape in the config
    rec = Recorder(board)
    ask(board, {"type": "embedding", "request": 1, "id": entry["id"]})
    msg, bufs = wait_for(rec, lambda m: m["type"] == "embedding")
    assert msg["n"] == 60 and msg["columns"] == [labels]
    assert msg["sprite_size"] == [10, 10] and bytes(decode(msg["sprite"], bufs))[:4] == b"\x89PNG"
    ask(board, {"type": "project", "request": 2, "id": entry["id"], "method": "pca", "dims": 2})
    msg, bufs = wait_for(rec, lambda m: m["type"] == "projection")
    np.testing.assert_allclose(
        np.abs(decode(msg["positions"], bufs)[:, 0]),
        np.abs(tbnb.compute.projections.pca(x).coords[:, 0]),
        rtol=1e-3,
        atol=1e-3,
    )
