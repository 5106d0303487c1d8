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
from tests.events.test_projector_limits import png_header_only, write_embedding


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


# ---- what a hostile logdir cannot do to the tab (issue 12) ------------------------------


def open_embedding(board: tbnb.Board) -> tuple[dict[str, Any], list[Any], Recorder]:
    (entry,) = board.embeddings
    rec = Recorder(board)
    ask(board, {"type": "embedding", "request": 1, "id": entry["id"]})
    msg, bufs = wait_for(rec, lambda m: m["type"] in ("embedding", "projector_error"))
    return msg, bufs, rec


def test_a_million_metadata_columns_send_a_bounded_message(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    import json

    cols = 1_000_000
    header = "\t".join(f"c{i}" for i in range(cols))
    rows = ["\t".join(str(r) for _ in range(cols)) for r in range(3)]
    write_embedding(tmp_path, [[1, 2], [3, 4], [5, 6]], metadata="\n".join([header, *rows]) + "\n")
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    msg, _, _ = open_embedding(board)
    assert msg["type"] == "embedding" and msg["n"] == 3
    assert len(msg["header"]) == len(msg["columns"]) == 50
    assert msg["header"][:2] == ["c0", "c1"] and msg["columns"][0] == ["0", "1", "2"]
    assert "metadata: showing 50 of 1,000,000 columns (at most 50 are sent)" in msg["notes"]
    assert len(json.dumps(msg)) < 10_000


def test_long_and_many_metadata_values_are_cut(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    n = 40
    meta = "name\tbio\n" + "".join(f"p{i}\t{'x' * (10_000 if i % 2 else 5)}\n" for i in range(n))
    meta += "extra\trow\n"  # one row more than the points
    write_embedding(tmp_path, [[float(i), 0.0] for i in range(n)], metadata=meta)
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    msg, _, _ = open_embedding(board)
    assert [len(c) for c in msg["columns"]] == [n, n]
    assert max(len(v) for v in msg["columns"][1]) == 500 and msg["columns"][1][0] == "xxxxx"
    assert msg["columns"][1][1].endswith("…")
    assert "metadata: 20 values cut to 500 characters" in msg["notes"]
    assert "metadata: 41 rows for 40 points (the first used)" in msg["notes"]


def test_metadata_total_is_bounded_for_many_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from tbnb.board import projector as service

    monkeypatch.setattr(service, "MAX_METADATA_CHARS", 1000)
    rows = [[f"{i:04d}", "y" * 20, "z"] for i in range(100)]
    names, columns, notes = service.metadata_shown(["a", "b", "c"], rows, 100)
    assert names == ["a"] and sum(len(v) for v in columns[0]) <= 1000
    assert "metadata: showing 1 of 3 columns (the first 1,000 characters)" in notes
    names, columns, notes = service.metadata_shown(None, [["q"]] * 2, 4)
    assert names == ["label"] and columns == [["q", "q", "", ""]]
    assert "metadata: 2 rows for 4 points (the points without one are blank)" in notes


def test_a_huge_sprite_is_not_sent_and_is_said_at_once(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    sprite = png_header_only(20000, 20000, 1_500_000)
    write_embedding(tmp_path, [[1, 2], [3, 4]], sprite=sprite, dim=(100, 100))
    board = tbnb.Board(tmp_path, reload_interval=0)  # no later reload to report it
    boards.append(board)
    msg, _, rec = open_embedding(board)
    assert msg["sprite"] is None and msg["sprite_size"] is None and rec.nbytes() == 0
    (note,) = msg["notes"]
    assert note.startswith("thumbnails: the sprite (PNG) is 20,000 x 20,000 pixels")
    assert "without them" in note
    said = [p["message"] for p in board.engine.status()["problems"]]
    assert any("20,000 x 20,000" in m for m in said), said


@pytest.mark.parametrize(
    ("dim", "said"), [((0, 0), "not a size"), ((2**31 - 1, 2**31 - 1), "larger than the sprite")]
)
def test_a_bad_single_image_dim_shows_the_points_without_thumbnails(
    tmp_path: Path, boards: list[tbnb.Board], dim: tuple[int, int], said: str
) -> None:
    from tbnb.compute.sprite import make_sprite

    sprite, _ = make_sprite(np.zeros((4, 8, 8)))
    write_embedding(tmp_path, [[float(i), 1.0] for i in range(4)], sprite=sprite, dim=dim)
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    msg, _, rec = open_embedding(board)
    assert msg["n"] == 4 and msg["sprite"] is None
    assert any(said in note for note in msg["notes"]), msg["notes"]
    ask(board, {"type": "project", "request": 2, "id": msg["id"], "method": "pca", "dims": 2})
    proj_msg, bufs = wait_for(rec, lambda m: m["type"] == "projection")
    assert proj_msg["error"] == "" and decode(proj_msg["positions"], bufs).shape[0] == 4


def test_nan_points_are_left_out_and_said(tmp_path: Path, boards: list[tbnb.Board]) -> None:
    x, _ = labelled(30, 4)
    x[[3, 7]] = np.nan
    x[10, 1] = np.inf
    write_embedding(tmp_path, x)
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    msg, _, rec = open_embedding(board)
    assert "points: 9 NaN or Inf values in 3 of 30 points" in msg["notes"][0]
    eid = msg["id"]
    ask(board, {"type": "project", "request": 2, "id": eid, "method": "pca", "dims": 3})
    p, bufs = wait_for(rec, lambda m: m["type"] == "projection")
    assert p["error"] == "" and "3 points with NaN or Inf values left out" in p["note"]
    positions, indices = decode(p["positions"], bufs), decode(p["indices"], bufs)
    assert np.isfinite(positions).all() and len(positions) == 27
    assert sorted(set(range(30)) - set(indices.tolist())) == [3, 7, 10]
    ask(board, {"type": "neighbors", "request": 3, "id": eid, "index": 0, "k": 29})
    nb, bufs = wait_for(rec, lambda m: m["type"] == "neighbors")
    near = decode(nb["neighbors"], bufs).tolist()
    assert len(near) == 26 and not {0, 3, 7, 10} & set(near)
    assert np.isfinite(decode(nb["distances"], bufs)).all()
    ask(board, {"type": "neighbors", "request": 4, "id": eid, "index": 7, "k": 5})
    err, _ = wait_for(rec, lambda m: m["type"] == "projector_error" and m["request"] == 4)
    assert "point 7 has NaN or Inf values" in err["error"]


def test_an_unreadable_embedding_is_in_the_status_at_once(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    write_embedding(tmp_path, [[1, 2], [3, 4]])
    (tmp_path / "00000" / "default" / "tensors.tsv").write_text("1\t2\n3\n")  # ragged
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    assert board.engine.status()["problems"] == []
    msg, _, _ = open_embedding(board)
    assert msg["type"] == "projector_error" and "could not be read" in msg["error"]
    said = [p["message"] for p in board.engine.status()["problems"]]
    assert any("cannot read tensors" in m for m in said), said
    # and the board's synced status (what the status line shows) has it too
    shown = [p["message"] for p in board.status["problems"]]
    assert any("cannot read tensors" in m for m in shown), shown


def test_huge_finite_values_project_and_find_neighbours(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    x, _ = labelled(40, 5)
    write_embedding(tmp_path, x.astype(np.float64) * 1e30)  # float32 squares overflow
    (tmp_path / "edge").mkdir()
    write_embedding(tmp_path / "edge", [[3e38, -3e38], [-3e38, 3e38]] * 3)
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    big, edge = sorted(board.embeddings, key=lambda e: e["run"])
    rec = Recorder(board)
    ask(board, {"type": "project", "request": 1, "id": big["id"], "method": "pca", "dims": 2})
    msg, bufs = wait_for(rec, lambda m: m["type"] == "projection" and m["request"] == 1)
    assert msg["error"] == ""
    np.testing.assert_allclose(
        decode(msg["positions"], bufs) / 1e30,
        tbnb.compute.projections.pca(x).coords,
        rtol=1e-3,
        atol=1e-3,
    )
    ask(board, {"type": "neighbors", "request": 2, "id": big["id"], "index": 0, "k": 5})
    nb, bufs = wait_for(rec, lambda m: m["type"] == "neighbors")
    expect, _ = tbnb.compute.projections.neighbors(x, 0, 5)
    assert decode(nb["neighbors"], bufs).tolist() == expect.tolist()
    # PCA coordinates beyond float32's range: said, not sent as Inf to draw nothing
    ask(board, {"type": "project", "request": 3, "id": edge["id"], "method": "pca", "dims": 2})
    msg, _ = wait_for(rec, lambda m: m["type"] == "projection" and m["request"] == 3)
    assert "NaN or Inf positions" in msg["error"]
