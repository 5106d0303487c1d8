"""Fixtures for the board tests: logdirs written by real writers, sends recorded."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from tensorboardX import SummaryWriter

import tbnb

_FILES = itertools.count()


def write_scalars(
    logdir: Path, run: str, tag: str, steps: range, value: Callable[[int], float] = float
) -> None:
    """Scalars written by tensorboardX, closed so they are on disk.

    Each call writes a new file (tensorboardX names files by the second, so two
    writers in one second would otherwise write the same file).
    """
    writer = SummaryWriter(str(logdir / run), filename_suffix=f".{next(_FILES)}")
    for step in steps:
        writer.add_scalar(tag, value(step), step)
    writer.close()


class Recorder:
    """Every message a board sends to the browser."""

    def __init__(self, board: tbnb.Board) -> None:
        self.messages: list[tuple[dict[str, Any], list[memoryview]]] = []
        original = board.send

        def send(content: dict[str, Any], buffers: list[memoryview] | None = None) -> None:
            self.messages.append((content, list(buffers or [])))
            original(content, buffers)

        board.send = send  # type: ignore[method-assign]

    def nbytes(self, i: int = -1) -> int:
        return sum(b.nbytes for b in self.messages[i][1])


@pytest.fixture
def boards() -> Iterator[list[tbnb.Board]]:
    """Boards made by a test, closed after it; no poller thread may outlive them."""
    made: list[tbnb.Board] = []
    yield made
    for board in made:
        board.close()
    left = [t.name for t in threading.enumerate() if t.name.startswith("tbnb-poller")]
    assert left == [], f"poller threads leaked: {left}"
