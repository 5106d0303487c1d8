"""The shape every feed has (tbnb/board/feeds/__init__.py)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from tbnb.board.protocol import Buffers, Message
from tbnb.events.kinds import Kind

# message field -> its entries (the deltas of one feed, or data it pushes)
Fields = dict[str, list[Any]]


@dataclass(frozen=True)
class FeedChange:
    """One series of the reader that changed: its rows from ``first_row`` on are new
    (``series``: the whole series, a `ScalarSeries` or a list of points)."""

    run: str
    tag: str
    series: Any
    first_row: int


class Feed:
    """What the browser holds of one kind of data."""

    kind: ClassVar[Kind]
    # the UpdateMessage fields this feed fills (its deltas first)
    fields: ClassVar[tuple[str, ...]]

    @property
    def count(self) -> int:
        """Entries held in the kernel (points, histograms, images...), for the status."""
        raise NotImplementedError

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        """The fields for what changed. With no ``buffers`` the changes are only taken in
        (before any browser holds the board's state) and the fields are empty."""
        raise NotImplementedError

    def snapshot(self, buffers: Buffers) -> Fields:
        """Everything held, from each series' first entry (for a browser holding nothing)."""
        raise NotImplementedError

    def answer(self, content: dict[str, Any]) -> Message | None:
        """The reply to a browser's request this feed serves (None: not one of its)."""
        return None

    def offline(self, budget: int) -> Offline | None:
        """For a page with no kernel (`tbnb export`): the answers to the requests its
        browser may make, within ``budget`` bytes (None: this feed serves none)."""
        return None


@dataclass
class Offline:
    """Answers to a feed's requests, precomputed: a request of type ``request`` lists
    ``items``; each is answered by the entry of ``replies`` under the item's JSON (its
    keys in the order the browser sends them), in a ``reply`` message's ``items``. An
    entry's ``data`` names a buffer of ``blobs`` ({"buffer": i, ...})."""

    request: str
    reply: str
    replies: dict[str, Any]
    blobs: list[bytes]
