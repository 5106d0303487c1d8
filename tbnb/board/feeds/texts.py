"""What the browser holds of the texts (TextDelta in js/src/protocol.ts)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np

from tbnb.board.feeds.base import Feed, FeedChange, Fields
from tbnb.board.protocol import Buffers, TextDelta, TextEntry, delta_header
from tbnb.events import TextPoint
from tbnb.events.kinds import Kind

# A text longer than this is cut (a log dumped as text must not freeze the page).
MAX_TEXT = 200_000


def _cut(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + f"\n\n[... {len(text) - MAX_TEXT:,} more characters not shown]"


@dataclass
class TextFeed(Feed):
    """The texts per (run, tag)."""

    kind: ClassVar[Kind] = Kind.TEXT
    fields: ClassVar[tuple[str, ...]] = ("texts",)

    _points: dict[tuple[str, str], Sequence[TextPoint]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self._points.values())

    def points(self) -> dict[tuple[str, str], Sequence[TextPoint]]:
        """The texts of every (run, tag) held."""
        return dict(self._points)

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        out: list[TextDelta] = []
        for c in changes:
            points: Sequence[TextPoint] = c.series
            self._points[(c.run, c.tag)] = points
            if buffers is not None:
                start = min(max(c.first_row, 0), len(points))
                out.append(_text_delta(c.run, c.tag, points, start, buffers))
        return {"texts": out}

    def snapshot(self, buffers: Buffers) -> Fields:
        return {"texts": [_text_delta(r, t, p, 0, buffers) for (r, t), p in self._points.items()]}


def _text_delta(
    run: str, tag: str, points: Sequence[TextPoint], start: int, buffers: Buffers
) -> TextDelta:
    tail = points[start:]
    return {
        **delta_header(run, tag, start, len(points)),
        "step": buffers.add(np.array([p.step for p in tail], dtype=np.float64)),
        "wall_time": buffers.add(np.array([p.wall_time for p in tail], dtype=np.float64)),
        "texts": [_text_entry(p) for p in tail],
    }


def _text_entry(p: TextPoint) -> TextEntry:
    """One string (markdown), or a table for a 1-D / 2-D string tensor of several cells.

    torch and tensorboardX write add_text as a tensor of shape [1]: one string, shown as
    markdown (TensorBoard draws it as a table of one cell).
    """
    table = len(p.shape) in (1, 2) and len(p.cells) > 1
    return {
        "text": _cut(p.text),
        "shape": list(p.shape) if table else [],
        "cells": [_cut(c) for c in p.cells] if table else [],
    }
