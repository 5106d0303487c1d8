"""``%tbnb`` (and ``%tensorboard``): argument parsing -> Board. Thin (CONTRIBUTING.md, layers)."""

from __future__ import annotations

import argparse
import shlex
import weakref
from typing import Any, NoReturn

from tbnb.board import Board
from tbnb.board.runtime import in_colab
from tbnb.board.settings import DEFAULT_SMOOTHING
from tbnb.board.widget import LIVE

# TensorBoard flags that mean nothing without a server: accepted, with a note.
IGNORED = {
    "--port": "there is no server",
    "--host": "there is no server",
    "--bind_all": "there is no server",
    "--samples_per_plugin": "tbnb keeps every point and downsamples what it draws",
    "--load_fast": "tbnb has one reader",
}


class MagicUsageError(ValueError):
    """Bad flags given to ``%tbnb``; the message names the valid ones."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise MagicUsageError(f"{self.prog}: {message}. Valid flags: {valid_flags()}")


def build_parser(prog: str = "%tbnb") -> argparse.ArgumentParser:
    p = _Parser(prog=prog, add_help=False, allow_abbrev=False)
    p.add_argument("--logdir", default=None, help="directory or fsspec URL (default: runs)")
    p.add_argument("--logdir_spec", default=None, help="name1:path1,name2:path2")
    p.add_argument("--reload_interval", type=float, default=1.0, help="seconds; 0 reads once")
    p.add_argument("--tags", default="", help="regex: tags shown")
    p.add_argument("--runs", default="", help="regex: runs shown")
    p.add_argument(
        "--smoothing", type=float, default=DEFAULT_SMOOTHING, help="EMA weight in [0, 1)"
    )
    p.add_argument("--height", type=int, default=0, help="board height in pixels")
    p.add_argument(
        "--charts", action="append", default=None, help="regex: its tags on one chart (repeatable)"
    )
    p.add_argument("--groups", default=None, help="regex over run names: groups (capture groups)")
    for flag in IGNORED:
        if flag == "--bind_all":
            p.add_argument(flag, action="store_true")
        else:
            p.add_argument(flag, default=None)
    return p


def valid_flags() -> str:
    flags = ["--logdir", "--logdir_spec", "--reload_interval", "--tags", "--runs"]
    return ", ".join([*flags, "--smoothing", "--height", "--charts", "--groups"])


def parse(line: str, prog: str = "%tbnb") -> tuple[dict[str, Any], list[str]]:
    """The magic's line -> (Board keyword arguments, notes on ignored flags)."""
    try:
        words = shlex.split(line)
    except ValueError as err:
        raise MagicUsageError(f"{prog}: cannot parse {line!r}: {err}") from None
    ns = vars(build_parser(prog).parse_args(words))
    notes = []
    for flag, why in IGNORED.items():
        key = flag[2:]
        if ns.pop(key) not in (None, False):
            notes.append(f"{prog}: {flag} ignored ({why}).")
    if ns["logdir"] is not None and ns["logdir_spec"] is not None:
        raise MagicUsageError(f"{prog}: give --logdir or --logdir_spec, not both")
    if ns["logdir"] is None and ns["logdir_spec"] is None:
        ns["logdir"] = "runs"  # SummaryWriter's default
    for key in ("charts", "groups"):  # given only when used
        if ns[key] is None:
            del ns[key]
    return ns, notes


class _Magics:
    """The state of the loaded extension: which board each notebook cell shows."""

    def __init__(self, ipython: Any) -> None:
        self.ipython = ipython
        self.cell_id: str | None = None
        # weakly: a board closed (by hand, or by its browser) is not kept, with all it
        # read, until its cell is run again; an open one is held by its widget's comm
        self.by_cell: weakref.WeakValueDictionary[str, Board] = weakref.WeakValueDictionary()

    def pre_run_cell(self, info: Any) -> None:
        self.cell_id = getattr(info, "cell_id", None)

    def post_execute(self) -> None:
        # Colab shows no widget update sent from a thread: refresh from the main
        # thread after every cell instead (colabtools#3373).
        for board in list(LIVE):
            board.refresh()

    def magic(self, prog: str) -> Any:
        def run(line: str) -> Board | None:
            from IPython.core.error import UsageError
            from IPython.display import display

            try:
                options, notes = parse(line, prog)
                for note in notes:
                    print(note)
                old = self.by_cell.pop(self.cell_id, None) if self.cell_id else None
                if old is not None:
                    old.close()  # the cell was run again: its old board stops reading
                board = Board(**options)
            except (MagicUsageError, ValueError) as err:
                raise UsageError(str(err)) from None
            if self.cell_id:
                self.by_cell[self.cell_id] = board
            display(board)
            board._shown_in_execution = self.ipython.execution_count
            return board

        run.__doc__ = f"{prog} --logdir DIR: a live TensorBoard board of DIR in this cell."
        return run

    def close_all(self) -> None:
        for board in list(self.by_cell.values()):
            board.close()
        self.by_cell.clear()


_STATE: dict[int, _Magics] = {}


def register(ipython: Any) -> None:
    state = _STATE.get(id(ipython))
    if state is None:
        state = _STATE[id(ipython)] = _Magics(ipython)
        ipython.events.register("pre_run_cell", state.pre_run_cell)
        if in_colab():
            ipython.events.register("post_execute", state.post_execute)
    ipython.register_magic_function(state.magic("%tbnb"), magic_kind="line", magic_name="tbnb")
    # a notebook written for TensorBoard works by changing only its %load_ext line
    ipython.register_magic_function(
        state.magic("%tensorboard"), magic_kind="line", magic_name="tensorboard"
    )


def unregister(ipython: Any) -> None:
    state = _STATE.pop(id(ipython), None)
    if state is not None:
        state.close_all()
        ipython.events.unregister("pre_run_cell", state.pre_run_cell)
        if in_colab():
            ipython.events.unregister("post_execute", state.post_execute)
    for name in ("tbnb", "tensorboard"):
        ipython.magics_manager.magics["line"].pop(name, None)
