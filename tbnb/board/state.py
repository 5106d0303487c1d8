"""Everything a board's browsers hold, as UpdateMessages (js/src/protocol.ts).

One `BoardState` per board: the scalars, histograms, images and texts views, the
run order (colours follow it) and the sequence number of the last delta.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tbnb.board.media import HistogramView, ImageView, TextView
from tbnb.board.protocol import Buffers
from tbnb.board.scalars import ScalarView
from tbnb.board.sources import HISTOGRAMS, IMAGES, SCALARS, TEXT, Change

Message = tuple[dict[str, Any], list[memoryview]]


@dataclass
class BoardState:
    scalars: ScalarView = field(default_factory=ScalarView)
    histograms: HistogramView = field(default_factory=HistogramView)
    images: ImageView = field(default_factory=ImageView)
    texts: TextView = field(default_factory=TextView)
    seq: int = 0  # of the last delta made (UpdateMessage.seq)

    @property
    def runs(self) -> list[str]:
        return self.scalars.runs

    def update(
        self, changes: list[Change], new_runs: list[str], *, message: bool = True
    ) -> Message | None:
        """The delta for what changed (None if nothing did, or ``message`` is False: the
        changes are only taken in, before any browser holds the state)."""
        runs_added = self.scalars.add_runs(new_runs)
        if not changes and not runs_added:
            return None
        by_kind: dict[str, list[Any]] = {SCALARS: [], HISTOGRAMS: [], IMAGES: [], TEXT: []}
        for c in changes:
            by_kind[c.kind].append((c.run, c.tag, c.data, c.start))
        if not message:
            self.scalars.deltas(by_kind[SCALARS], None)
            self.histograms.deltas(by_kind[HISTOGRAMS], None)
            self.images.deltas(by_kind[IMAGES], None)
            self.texts.deltas(by_kind[TEXT], None)
            return None
        buffers = Buffers()
        images, image_data = self.images.deltas(by_kind[IMAGES], buffers)
        content = {
            "type": "update",
            "full": False,
            "runs": list(self.runs),
            "scalars": self.scalars.deltas(by_kind[SCALARS], buffers),
            "histograms": self.histograms.deltas(by_kind[HISTOGRAMS], buffers),
            "images": images,
            "texts": self.texts.deltas(by_kind[TEXT], buffers),
            "image_data": image_data,
        }
        self.seq += 1
        content["seq"] = self.seq
        return content, buffers.items

    def snapshot(self) -> Message:
        """The whole state as a full update, for a browser that holds nothing."""
        buffers = Buffers()
        images, image_data = self.images.snapshot_deltas(buffers)
        message = {
            "type": "update",
            "seq": self.seq,
            "full": True,
            "runs": list(self.runs),
            "scalars": self.scalars.snapshot_deltas(buffers),
            "histograms": self.histograms.snapshot_deltas(buffers),
            "images": images,
            "texts": self.texts.snapshot_deltas(buffers),
            "image_data": image_data,
        }
        return message, buffers.items

    def image_reply(self, items: Any) -> Message:
        """ImageDataMessage answering a browser's ImageRequest."""
        buffers = Buffers()
        return {"type": "image_data", "items": self.images.requested(items, buffers)}, buffers.items
