"""One regex dialect for the tag and run filters (tests/fixtures/filters.json, which the
front end's tests read too), the one relative-time rule, and the board's use of both."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import tbnb
from tbnb.board.filters import FilterError, compile_filter
from tbnb.compute.timeaxis import chart_unit, relative_unit
from tests.board.conftest import write_scalars

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
FILTERS = json.loads((FIXTURES / "filters.json").read_text(encoding="utf-8"))["cases"]
RELATIVE = json.loads((FIXTURES / "relative_time.json").read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", FILTERS, ids=[c["pattern"] or "empty" for c in FILTERS])
def test_filter_dialect(case: dict[str, Any]) -> None:
    if case["ok"]:
        compiled = compile_filter(case["pattern"])
        assert [m for m in case["match"] if not compiled.search(m)] == []
        assert [m for m in case["nomatch"] if compiled.search(m)] == []
    else:
        with pytest.raises(FilterError) as err:
            compile_filter(case["pattern"])
        assert str(err.value) == f'"{case["pattern"]}" {case["error"]}'


@pytest.mark.parametrize("case", RELATIVE, ids=[str(c["span"]) for c in RELATIVE])
def test_relative_time_rule(case: dict[str, Any]) -> None:
    assert relative_unit(case["span"]) == (case["scale"], case["unit"])
    walls = [np.array([100.0, 100.0 + case["span"] / 2]), np.array([5.0, 5.0 + case["span"]])]
    assert chart_unit(walls) == (case["scale"], case["unit"])


def test_a_case_insensitive_filter_filters_the_snapshot_and_the_board(tmp_path: Path) -> None:
    write_scalars(tmp_path, "exp", "Loss/train", range(5))
    write_scalars(tmp_path, "exp", "acc", range(5))
    board = tbnb.Board(tmp_path, reload_interval=0, tags="(?i)loss")
    try:
        assert board.tag_filter == "(?i)loss"  # what the browser compiles the same way
        html = board.static_html()
        assert "Loss/train" in html and ">acc<" not in html
    finally:
        board.close()


@pytest.mark.parametrize("pattern", [c["pattern"] for c in FILTERS if not c["ok"]])
def test_a_refused_filter_is_refused_with_the_boards_message(tmp_path: Path, pattern: str) -> None:
    want = next(c["error"] for c in FILTERS if c["pattern"] == pattern)
    with pytest.raises(ValueError, match=r"^tags: ") as err:
        tbnb.Board(tmp_path, reload_interval=0, tags=pattern)
    assert str(err.value) == f'tags: "{pattern}" {want}'
    ip = InteractiveShell.instance()
    ip.run_line_magic("load_ext", "tbnb")
    try:
        with pytest.raises(UsageError) as usage:
            ip.run_line_magic("tbnb", f"--logdir {tmp_path} --reload_interval 0 --runs '{pattern}'")
        assert str(usage.value) == f'runs: "{pattern}" {want}'
    finally:
        ip.run_line_magic("unload_ext", "tbnb")


def test_figure_relative_axis_follows_the_rule(tmp_path: Path) -> None:
    from tensorboardX import SummaryWriter

    w = SummaryWriter(str(tmp_path / "run"))
    for step in range(4):
        w.add_scalar("loss", float(step), step, walltime=1000.0 + 60.0 * step)  # 3 minutes
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    try:
        board.x_axis = "relative"
        fig = board.figure("loss")
        assert fig.layout.xaxis.title.text == "relative (minutes)"
        np.testing.assert_allclose(fig.data[-1].x, [0, 1, 2, 3])
    finally:
        board.close()
