"""tbnb: TensorBoard inside the Jupyter notebook, with no server.

``%load_ext tbnb`` then ``%tbnb --logdir runs/`` shows a live board in the cell's output.
"""

from __future__ import annotations

from typing import Any

from tbnb.board import Board, Projector
from tbnb.events import Logdir, ScalarSeries

__all__ = [
    "Board",
    "Logdir",
    "Projector",
    "ScalarSeries",
    "load_ipython_extension",
    "unload_ipython_extension",
]
__version__ = "0.1.0"


def load_ipython_extension(ipython: Any) -> None:
    """Register ``%tbnb`` and its alias ``%tensorboard`` (``%load_ext tbnb``)."""
    from tbnb.board.runtime import preload
    from tbnb.magic import register

    register(ipython)
    preload()  # the page parses the front end while the next cells run


def unload_ipython_extension(ipython: Any) -> None:
    """Stop the boards the magic started (``%unload_ext tbnb``)."""
    from tbnb.magic import unregister

    unregister(ipython)
