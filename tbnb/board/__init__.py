"""The board widget: what a notebook cell shows."""

from tbnb.board.widget import Board

__all__ = ["Board"]
