"""The Board widget outside a browser: bundle, state, display."""

from __future__ import annotations

import base64
import gzip
import json
import sys
import types
from pathlib import Path

import pytest

import tbnb
from tbnb.board import runtime


def test_boards_share_one_runtime_model_holding_the_bundle(tmp_path: Path) -> None:
    boards = [tbnb.Board(tmp_path, reload_interval=0) for _ in range(3)]
    shared = runtime.runtime()
    # the code once, in the runtime model's state (what a saved notebook holds): the
    # bundle's chunks packed (js/build.mjs), each after the chunks it names...
    state = shared.get_state()
    pack = gzip.decompress(base64.b64decode(state["code_gzip"]))
    head, data = pack.split(b"\n", 1)
    index = json.loads(head)
    assert index["format"] == "tbnb-chunks-1"
    bundle = runtime.BUNDLE.read_text(encoding="utf-8")
    names = [c["name"] for c in index["chunks"]]
    assert index["main"] == names[-1] and f'"{index["main"]}"' in bundle
    assert len(names) > 2 and index["chunks"][-1]["end"] == len(data)
    for i, c in enumerate(index["chunks"]):
        for start, end, name in c["refs"]:
            assert name in names[:i]
            assert data[c["start"] + start : c["start"] + end] == f'"./{name}"'.encode()
    assert len(state["code_gzip"]) < len(bundle) / 2  # packed: a smaller saved notebook
    assert len(state["version"]) == 16
    assert state["_esm"] == runtime.LOADER.read_text(encoding="utf-8")  # it starts the import
    for board in boards:
        # ...and each board carries only the loader and a reference to that model
        assert board.runtime == f"IPY_MODEL_{shared.model_id}"
        assert board._esm == runtime.LOADER.read_text(encoding="utf-8")
        assert len(board.get_state()["_esm"]) < 5_000


def test_a_pack_older_than_the_bundle_is_not_used(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A bundle rebuilt without its pack (or a pack of another build): the runtime model
    holds the bundle itself, one module, which the loader imports as it is."""
    code = runtime.BUNDLE.read_text(encoding="utf-8")
    whole = gzip.compress(code.encode("utf-8"), mtime=0)
    for pack in (b"", gzip.compress(b'{"format":"tbnb-chunks-1","main":"x.js","chunks":[]}\n')):
        monkeypatch.setattr(runtime, "PACK", tmp_path / "widget.pack.gz")
        if pack:
            runtime.PACK.write_bytes(pack)
        assert base64.b64decode(runtime.packed(code)) == whole
    assert runtime.packed(code) != runtime.packed(code + " ")


def test_a_closed_runtime_model_is_opened_again(tmp_path: Path) -> None:
    first = runtime.runtime()
    first.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    again = runtime.runtime()
    assert again is not first and again.comm is not None
    assert board.runtime == f"IPY_MODEL_{again.model_id}"


def test_hosts_without_shared_models_get_the_bundle_in_each_board(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TBNB_SHARED_RUNTIME", "0")
    board = tbnb.Board(tmp_path, reload_interval=0)
    assert board.runtime == ""
    assert board._esm == runtime.BUNDLE.read_text(encoding="utf-8")
    monkeypatch.delenv("TBNB_SHARED_RUNTIME")
    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    assert tbnb.Board(tmp_path, reload_interval=0)._esm == board._esm


def test_missing_logdir_says_waiting(tmp_path: Path) -> None:
    missing = tmp_path / "not-yet"
    board = tbnb.Board(missing, reload_interval=0)
    assert board.status["state"] == "waiting"
    assert board.status["message"] == f"waiting for event files in {missing}"


def test_display_bundle_is_a_widget_view(tmp_path: Path) -> None:
    board = tbnb.Board(tmp_path, reload_interval=0)
    bundle = board._repr_mimebundle_()
    data = bundle[0] if isinstance(bundle, tuple) else bundle
    view = data["application/vnd.jupyter.widget-view+json"]
    assert view["model_id"] == board.model_id


def test_unbuilt_front_end_gives_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(runtime, "BUNDLE", tmp_path / "nowhere" / "widget.js")
    with pytest.raises(runtime.FrontEndMissingError, match="npm --prefix js"):
        tbnb.Board(tmp_path)
    monkeypatch.undo()
    monkeypatch.setattr(runtime, "LOADER", tmp_path / "nowhere" / "loader.js")
    with pytest.raises(runtime.FrontEndMissingError, match=r"loader\.js"):
        tbnb.Board(tmp_path)


def test_a_closed_board_is_collected(tmp_path: Path) -> None:
    import gc
    import weakref

    from tests.board.conftest import write_scalars

    write_scalars(tmp_path, "exp", "loss", range(100))
    refs = []
    for _ in range(3):  # as re-running a %tbnb cell does
        board = tbnb.Board(tmp_path, reload_interval=0.05)
        board.get_state()  # what a browser asks for when it shows the board
        refs.append(weakref.ref(board))
        board.close()
        del board
    gc.collect()
    assert [r() for r in refs] == [None, None, None]


def test_a_closed_projector_is_collected() -> None:
    import gc
    import weakref

    import numpy as np

    p = tbnb.Projector(np.eye(4, dtype=np.float32))
    ref = weakref.ref(p)
    p.close()
    del p
    gc.collect()
    assert ref() is None


def test_a_rerun_board_keeps_what_the_person_curated(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    """Re-running the %tbnb cell makes a new Board: pins, picked colours and card sizes
    of the last board of that logdir carry over (for the kernel's life), unless given."""
    (tmp_path / "a").mkdir()
    first = tbnb.Board(tmp_path / "a", reload_interval=0)
    boards.append(first)
    first.pinned_cards = ['["scalars","loss"]']
    first.run_colors = {"exp1": "#112233"}
    first.card_width = 520
    first.close()
    again = tbnb.Board(tmp_path / "a", reload_interval=0)
    boards.append(again)
    assert again.pinned_cards == ['["scalars","loss"]']
    assert again.run_colors == {"exp1": "#112233"} and again.card_width == 520
    given = tbnb.Board(tmp_path / "a", reload_interval=0, pinned_cards=[])
    boards.append(given)
    assert given.pinned_cards == [] and given.run_colors == {"exp1": "#112233"}
    other = tbnb.Board(tmp_path / "b", reload_interval=0)
    boards.append(other)
    assert other.pinned_cards == [] and other.run_colors == {}


def test_load_ext_in_a_kernel_opens_the_runtime_before_any_board(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from IPython.core import getipython

    runtime._opened.clear()
    monkeypatch.setattr(getipython, "get_ipython", lambda: types.SimpleNamespace(kernel=None))
    runtime.preload()  # a terminal IPython: no page to send it to
    assert "runtime" not in runtime._opened
    monkeypatch.setattr(getipython, "get_ipython", lambda: types.SimpleNamespace(kernel=object()))
    runtime.preload()
    opened = runtime._opened["runtime"]
    assert opened.comm is not None and len(opened.code_gzip) > 100_000
    runtime.preload()  # once per kernel
    assert runtime._opened["runtime"] is opened
