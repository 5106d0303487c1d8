"""`Board`: one anywidget model per board (DESIGN.md, principle 4)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import anywidget
import traitlets

STATIC = Path(__file__).resolve().parent.parent / "static"
BUNDLE = STATIC / "widget.js"


class FrontEndMissingError(RuntimeError):
    """The built front end is not where the package expects it."""


def _check_bundle() -> None:
    if not BUNDLE.is_file():
        raise FrontEndMissingError(
            f"tbnb's front end is not built ({BUNDLE} is missing). Install tbnb with "
            "`pip install .` or `pip install -e .` from the repository, which builds js/ "
            "with npm, or run `npm --prefix js ci && npm --prefix js run build`."
        )


class Board(anywidget.AnyWidget):
    """A TensorBoard-like dashboard of the event files under ``logdir``."""

    # anywidget turns a class-level Path into the file's contents (and reloads it
    # on change with ANYWIDGET_HMR=1).
    _esm: Any = BUNDLE

    logdir = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Unicode("").tag(sync=True)

    def __init__(self, logdir: str | os.PathLike[str] = "runs", **kwargs: Any) -> None:
        _check_bundle()
        if isinstance(type(self)._esm, Path):
            # The bundle was built after this module was imported: send its text.
            self._esm = BUNDLE.read_text(encoding="utf-8")
        super().__init__(logdir=os.fspath(logdir), **kwargs)
        if not Path(self.logdir).exists():
            self.status = f"waiting for event files in {self.logdir}"
