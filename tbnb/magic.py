"""``%tbnb``: argument parsing -> Board. Thin (DESIGN.md, layers)."""

from __future__ import annotations

import argparse
import shlex
from typing import Any, NoReturn

from tbnb.board import Board


class MagicUsageError(ValueError):
    """Bad flags given to ``%tbnb``; the message names the valid ones."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        valid = ", ".join(sorted(a.option_strings[0] for a in self._actions if a.option_strings))
        raise MagicUsageError(f"%tbnb: {message}. Valid flags: {valid}")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="%tbnb", add_help=False)
    parser.add_argument("--logdir", default="runs", help="directory of event files")
    return parser


def parse(line: str) -> dict[str, Any]:
    """Turn the magic's line into Board keyword arguments."""
    try:
        words = shlex.split(line)
    except ValueError as err:
        raise MagicUsageError(f"%tbnb: cannot parse {line!r}: {err}") from None
    return vars(build_parser().parse_args(words))


def tbnb_magic(line: str) -> Board:
    """Show a live board of the event files under ``--logdir``."""
    from IPython.core.error import UsageError

    try:
        options = parse(line)
    except MagicUsageError as err:
        raise UsageError(str(err)) from None
    return Board(**options)


def register(ipython: Any) -> None:
    ipython.register_magic_function(tbnb_magic, magic_kind="line", magic_name="tbnb")


def unregister(ipython: Any) -> None:
    ipython.magics_manager.magics["line"].pop("tbnb", None)
