"""What the browser holds of the Custom Scalars layouts (CustomScalarsDelta in
js/src/protocol.ts).

The reader hands each run's own layout (the last it wrote; none once purged); the feed
keeps them and sends the board's layout, merged over its runs (tbnb/events/layouts.py:
each category once), as one series (run and tag ""), when the merged layout changes.
The charts' data are the scalars the browser holds already: the layout names tags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from tbnb.board.feeds.base import Feed, FeedChange, Fields
from tbnb.board.protocol import Buffers, CustomScalarsDelta, LayoutCategoryEntry, delta_header
from tbnb.events.kinds import Kind
from tbnb.events.layouts import Layout, merge


def categories_of(layout: Layout) -> list[LayoutCategoryEntry]:
    return [
        {
            "title": c.title,
            "closed": c.closed,
            "charts": [
                {
                    "title": ch.title,
                    "kind": ch.kind,
                    "tags": list(ch.tags),
                    "margins": [
                        {"value": m.value, "lower": m.lower, "upper": m.upper} for m in ch.margins
                    ],
                }
                for ch in c.charts
            ],
        }
        for c in layout.categories
    ]


@dataclass
class CustomScalarsFeed(Feed):
    """The layout of every run of the board, sent merged."""

    kind: ClassVar[Kind] = Kind.CUSTOM_SCALARS
    fields: ClassVar[tuple[str, ...]] = ("custom_scalars",)

    _runs: dict[str, Layout] = field(default_factory=dict)  # board run name -> its layout
    _sent: Layout = field(default_factory=Layout)

    @property
    def count(self) -> int:
        return len(self.layout().categories)

    def layout(self) -> Layout:
        """The board's layout: every run's, merged (runs in name order)."""
        return merge(self._runs[r] for r in sorted(self._runs))

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        for c in changes:
            held = [x for x in c.series if isinstance(x, Layout)]
            if held:
                self._runs[c.run] = held[-1]
            else:
                self._runs.pop(c.run, None)
        now = self.layout()
        if now == self._sent:
            return {"custom_scalars": []}
        self._sent = now
        if buffers is None:
            return {"custom_scalars": []}
        return {"custom_scalars": [_delta(now)]}

    def snapshot(self, buffers: Buffers) -> Fields:
        now = self.layout()
        return {"custom_scalars": [_delta(now)] if now.categories or now.notes else []}


def _delta(layout: Layout) -> CustomScalarsDelta:
    total = 1 if layout.categories or layout.notes else 0
    return {
        **delta_header("", "", 0, total),
        "categories": categories_of(layout),
        "notes": list(layout.notes),
    }
