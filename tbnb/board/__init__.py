"""The board widget: what a notebook cell shows."""

from tbnb.board.projector_widget import Projector
from tbnb.board.widget import Board

__all__ = ["Board", "Projector"]
