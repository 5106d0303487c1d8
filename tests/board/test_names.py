"""Names shown with their invisible characters, in the snapshot and in Board.figure()."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import tbnb
from tbnb.board.names import plotly_text, visible
from tests.board.conftest import write_scalars

CASES = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "names.json").read_text(encoding="utf-8")
)["cases"]


@pytest.mark.parametrize("case", CASES, ids=[repr(c["name"]) for c in CASES])
def test_visible(case: dict[str, Any]) -> None:
    assert visible(case["name"]) == case["shown"]


def test_plotly_labels_are_text() -> None:
    assert plotly_text('<a href="x">r</a>\u202e') == '&lt;a href="x"&gt;r&lt;/a&gt;[U+202E]'


def test_snapshot_and_figure_show_hidden_characters(tmp_path: Path) -> None:
    # the writers replace such characters in tags; run folders keep them
    write_scalars(tmp_path, "r3_\u202etxt.exe", "loss", range(3))
    write_scalars(tmp_path, "lo\u200bss", "loss", range(3))
    board = tbnb.Board(tmp_path, reload_interval=0)
    try:
        html = board.static_html()
        assert "r3_[U+202E]txt.exe" in html and "lo[U+200B]ss" in html
        assert "\u202e" not in html and "\u200b" not in html
        fig = board.figure("loss")
        assert {t.name for t in fig.data} == {"r3_[U+202E]txt.exe", "lo[U+200B]ss"}
    finally:
        board.close()
