"""``%load_ext tbnb`` and ``%tbnb``'s argument parsing, in a real IPython shell."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell

import tbnb
from tbnb.magic import MagicUsageError, parse


@pytest.fixture
def ip() -> Iterator[InteractiveShell]:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "tbnb")
    yield shell
    shell.run_line_magic("unload_ext", "tbnb")


def test_defaults_to_summarywriters_default_logdir() -> None:
    assert parse("")["logdir"] == "runs"


def test_logdir_with_spaces_quoted() -> None:
    assert parse('--logdir "my runs/exp 1"')["logdir"] == "my runs/exp 1"


def test_unknown_flag_names_the_valid_ones() -> None:
    with pytest.raises(MagicUsageError, match=r"unrecognized arguments: --lgdir.*--logdir"):
        parse("--lgdir runs")


def test_unbalanced_quote_is_a_usage_error() -> None:
    with pytest.raises(MagicUsageError, match="cannot parse"):
        parse('--logdir "runs')


def test_load_ext_registers_magic_returning_board(ip: InteractiveShell, tmp_path: Path) -> None:
    board = ip.run_line_magic("tbnb", f"--logdir {tmp_path}")
    assert isinstance(board, tbnb.Board)
    assert board.logdir == str(tmp_path)


def test_magic_error_is_an_ipython_usage_error(ip: InteractiveShell) -> None:
    with pytest.raises(UsageError, match="Valid flags: --logdir"):
        ip.run_line_magic("tbnb", "--nope")


def test_unload_ext_removes_magic(tmp_path: Path) -> None:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "tbnb")
    shell.run_line_magic("unload_ext", "tbnb")
    assert "tbnb" not in shell.magics_manager.magics["line"]
