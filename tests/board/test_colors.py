"""Run colours from names, the same rule as js/src/colors.ts (tests/fixtures/colors.json),
and a picked colour honoured by the static snapshot and Board.figure."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import traitlets

import tbnb
from tbnb.board.settings import PALETTE, name_hash, run_colour
from tests.board.conftest import write_scalars

FIXTURE = json.loads(
    (Path(__file__).resolve().parents[1] / "fixtures" / "colors.json").read_text(encoding="utf-8")
)


def test_palette_is_the_fixtures() -> None:
    assert FIXTURE["palette"] == PALETTE


@pytest.mark.parametrize(
    "case", FIXTURE["cases"], ids=[repr(c["name"][:30]) for c in FIXTURE["cases"]]
)
def test_colour_of_name(case: dict[str, Any]) -> None:
    assert name_hash(case["name"]) == case["hash"]
    assert run_colour(case["name"]) == case["color"]


@pytest.mark.parametrize("case", FIXTURE["picked"])
def test_picked_colour(case: dict[str, Any]) -> None:
    assert run_colour(case["name"], case["picked"]) == case["color"]


def test_colours_do_not_depend_on_the_other_runs(tmp_path: Path) -> None:
    write_scalars(tmp_path, "b", "loss", range(3))
    one = tbnb.Board(tmp_path, reload_interval=0)
    write_scalars(tmp_path, "a", "loss", range(3))
    two = tbnb.Board(tmp_path, reload_interval=0)
    try:
        assert one.figure("loss").data[0].line.color == run_colour("b")
        by_name = {t.name: t.line.color for t in two.figure("loss").data}
        assert by_name == {"a": run_colour("a"), "b": run_colour("b")}
    finally:
        one.close()
        two.close()


def test_picked_colour_in_snapshot_and_figure(tmp_path: Path) -> None:
    write_scalars(tmp_path, "exp1", "loss", range(3))
    board = tbnb.Board(tmp_path, reload_interval=0, run_colors={"exp1": "#123456"})
    try:
        assert "#123456" in board.static_html()
        assert {t.line.color for t in board.figure("loss").data} == {"#123456"}
        with pytest.raises(traitlets.TraitError):
            board.run_colors = {"exp1": "javascript:alert(1)"}
    finally:
        board.close()
