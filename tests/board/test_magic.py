"""``%load_ext tbnb``, ``%tbnb`` and ``%tensorboard`` in a real IPython shell."""

from __future__ import annotations

import threading
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
    left = [t.name for t in threading.enumerate() if t.name.startswith("tbnb-poller")]
    assert left == [], f"poller threads leaked: {left}"


def _pollers() -> list[str]:
    return [t.name for t in threading.enumerate() if t.name.startswith("tbnb-poller")]


def test_defaults_to_summarywriters_default_logdir() -> None:
    options, notes = parse("")
    assert options["logdir"] == "runs"
    assert options["reload_interval"] == 1.0
    assert options["smoothing"] == 0.6
    assert notes == []


def test_every_flag_reaches_the_board_options() -> None:
    options, _ = parse(
        "--logdir 'my runs/exp 1' --reload_interval 0.5 --tags ^Loss --runs lr= "
        "--smoothing 0.3 --height 600"
    )
    assert options == {
        "logdir": "my runs/exp 1",
        "logdir_spec": None,
        "reload_interval": 0.5,
        "tags": "^Loss",
        "runs": "lr=",
        "smoothing": 0.3,
        "height": 600,
    }


def test_tensorboard_server_flags_are_accepted_with_a_note() -> None:
    options, notes = parse(
        "--logdir runs --port 6006 --host 0.0.0.0 --bind_all "
        "--samples_per_plugin scalars=500 --load_fast false"
    )
    assert options["logdir"] == "runs"
    assert len(notes) == 5
    assert all("ignored" in n for n in notes)
    assert any("--port" in n for n in notes)


def test_unknown_flag_names_the_valid_ones() -> None:
    with pytest.raises(MagicUsageError, match=r"unrecognized arguments: --lgdir.*--logdir,"):
        parse("--lgdir runs")


def test_logdir_and_spec_together_is_an_error() -> None:
    with pytest.raises(MagicUsageError, match="not both"):
        parse("--logdir a --logdir_spec x:b")


def test_unbalanced_quote_is_a_usage_error() -> None:
    with pytest.raises(MagicUsageError, match="cannot parse"):
        parse('--logdir "runs')


def test_bad_number_is_a_usage_error(ip: InteractiveShell) -> None:
    with pytest.raises(UsageError, match="reload_interval"):
        ip.run_line_magic("tbnb", "--reload_interval soon")


def test_magic_returns_board(ip: InteractiveShell, tmp_path: Path) -> None:
    board = ip.run_line_magic("tbnb", f"--logdir {tmp_path} --reload_interval 0")
    assert isinstance(board, tbnb.Board)
    assert board.logdir == str(tmp_path)
    board.close()


def test_tensorboard_alias(ip: InteractiveShell, tmp_path: Path) -> None:
    board = ip.run_line_magic("tensorboard", f"--logdir {tmp_path} --reload_interval 0 --port 1")
    assert isinstance(board, tbnb.Board)
    board.close()


def test_magic_error_is_an_ipython_usage_error(ip: InteractiveShell) -> None:
    with pytest.raises(UsageError, match="Valid flags: --logdir"):
        ip.run_line_magic("tbnb", "--nope")


def test_bad_option_value_is_a_usage_error(ip: InteractiveShell, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="smoothing"):
        ip.run_line_magic("tbnb", f"--logdir {tmp_path} --smoothing 2")


def test_rerunning_the_cell_stops_the_old_board(ip: InteractiveShell, tmp_path: Path) -> None:
    cell = f"board = %tbnb --logdir {tmp_path} --reload_interval 0.05"
    ip.run_cell(cell, cell_id="cell-1")
    first = ip.user_ns["board"]
    assert first.live
    ip.run_cell(cell, cell_id="cell-1")
    second = ip.user_ns["board"]
    assert second is not first
    assert not first.live
    assert second.live
    assert len(_pollers()) == 1
    # another cell's board is left alone
    ip.run_cell(cell, cell_id="cell-2")
    assert second.live
    assert len(_pollers()) == 2


def test_a_board_closed_by_hand_is_not_kept_by_its_cell(
    ip: InteractiveShell, tmp_path: Path
) -> None:
    import gc
    import weakref

    ip.run_cell(f"board = %tbnb --logdir {tmp_path} --reload_interval 0.05", cell_id="c")
    ref = weakref.ref(ip.user_ns["board"])
    ip.run_cell("board.close(); del board", cell_id="d")
    gc.collect()
    assert ref() is None


def test_magic_on_last_line_displays_once(ip: InteractiveShell, tmp_path: Path) -> None:
    shown: list[object] = []
    ip.display_pub.publish = lambda data, *a, **k: shown.append(data)  # type: ignore[method-assign]
    ip.run_cell(f"%tbnb --logdir {tmp_path} --reload_interval 0", cell_id="c")
    views = [d for d in shown if "application/vnd.jupyter.widget-view+json" in d]
    assert len(views) == 1


def test_unload_ext_removes_magics_and_stops_boards(tmp_path: Path) -> None:
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "tbnb")
    shell.run_cell(f"b = %tbnb --logdir {tmp_path} --reload_interval 0.05", cell_id="x")
    assert shell.user_ns["b"].live
    shell.run_line_magic("unload_ext", "tbnb")
    assert "tbnb" not in shell.magics_manager.magics["line"]
    assert "tensorboard" not in shell.magics_manager.magics["line"]
    assert not shell.user_ns["b"].live


def test_colab_reads_from_the_main_thread_after_each_cell(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Colab drops widget updates sent from threads: no poller, a post-execute refresh."""
    import sys
    import types

    from tests.board.conftest import write_scalars

    monkeypatch.setitem(sys.modules, "google.colab", types.ModuleType("google.colab"))
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "tbnb")
    try:
        shell.run_cell(f"b = %tbnb --logdir {tmp_path} --reload_interval 0.05", cell_id="colab")
        board = shell.user_ns["b"]
        assert not board.live
        assert _pollers() == []
        write_scalars(tmp_path, "exp", "loss", range(7))
        assert board.status["points"] == 0
        shell.run_cell("1 + 1", cell_id="next")  # any cell: post_execute reads
        assert board.status["points"] == 7
    finally:
        shell.run_line_magic("unload_ext", "tbnb")
