"""What the images and audio feeds share: an index per (run, tag) in the browser, the
encoded bytes read from the event file when they are to be shown.

Entries new in a live read are pushed with it (every entry at the newest step of each
series, then older new ones, newest first, within a byte budget); the snapshot pushes
the newest step of each series within its budget; any other entry is sent when the
browser asks for it (a request of ``request_type``, answered by a ``reply_type``
message). The kernel keeps no bytes: a point's ``data`` re-reads its record.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np

from tbnb.board.feeds.base import Feed, FeedChange, Fields, Offline
from tbnb.board.protocol import Buffers, Message

# Entries answered per request (the browser asks for what its cards show).
MAX_PER_REQUEST = 64


class MediaPoint(Protocol):
    """An image or audio point: its step, and its bytes read on access."""

    @property
    def step(self) -> int: ...

    @property
    def data(self) -> bytes: ...


@dataclass
class MediaFeed(Feed):
    """The index of one kind of encoded media per (run, tag); bytes read when shown."""

    # the request the browser sends, and the reply's type (protocol.py)
    request_type: ClassVar[str]
    reply_type: ClassVar[str]
    # how an entry is named in messages ("image", "clip")
    noun: ClassVar[str]

    _points: dict[tuple[str, str], Sequence[Any]] = field(default_factory=dict)

    # ---- what a kind says ----------------------------------------------------------
    def index_delta(
        self, run: str, tag: str, points: Sequence[Any], start: int, buffers: Buffers
    ) -> Any:
        """The delta of a series' index from ``start`` on."""
        raise NotImplementedError

    def mime(self, raw: bytes) -> str:
        """The type of encoded bytes ("" if unknown)."""
        raise NotImplementedError

    def empty_error(self, point: Any) -> str:
        """Why an entry that has no bytes shows none ("" : it has some)."""
        return ""

    def live_bytes(self) -> int:
        """Bytes of entries new in a live read pushed with it (beyond the newest step)."""
        raise NotImplementedError

    def snapshot_bytes(self) -> int:
        """Bytes of newest entries sent with a snapshot."""
        raise NotImplementedError

    # ---- the feed ------------------------------------------------------------------
    @property
    def count(self) -> int:
        return sum(len(p) for p in self._points.values())

    def points(self) -> dict[tuple[str, str], Sequence[Any]]:
        """The index of every (run, tag) held."""
        return dict(self._points)

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        out: list[Any] = []
        data: list[Any] = []
        older: list[tuple[str, str, int]] = []
        for c in changes:
            run, tag, points = c.run, c.tag, c.series
            self._points[(run, tag)] = points
            if buffers is None:
                continue
            start = min(max(c.first_row, 0), len(points))
            out.append(self.index_delta(run, tag, points, start, buffers))
            newest = newest_step(points, start)
            for i in newest:
                data.append(self._data(run, tag, i, buffers))
            older.extend((run, tag, i) for i in range(start, newest.start))
        if buffers is not None and older:
            budget = self.live_bytes() - sum(_size(d) for d in data)
            for run, tag, i in sorted(older, key=lambda o: -o[2]):
                item = self._data_within(run, tag, i, buffers, budget)
                if item is None:
                    break
                budget -= _size(item)
                data.append(item)
        index_field, data_field = self.fields
        return {index_field: out, data_field: data}

    def snapshot(self, buffers: Buffers) -> Fields:
        out: list[Any] = []
        data: list[Any] = []
        budget = self.snapshot_bytes()
        for (run, tag), points in self._points.items():
            out.append(self.index_delta(run, tag, points, 0, buffers))
            for i in newest_step(points, 0):
                if budget <= 0:
                    break
                before = buffers.nbytes
                data.append(self._data(run, tag, i, buffers))
                budget -= buffers.nbytes - before
        index_field, data_field = self.fields
        return {index_field: out, data_field: data}

    def answer(self, content: dict[str, Any]) -> Message | None:
        """The reply to a browser's request of this kind."""
        if content.get("type") != self.request_type:
            return None
        buffers = Buffers()
        reply = {"type": self.reply_type, "items": self.requested(content.get("items"), buffers)}
        return reply, buffers.items  # type: ignore[return-value]

    def offline(self, budget: int) -> Offline:
        """Every entry's bytes, newest first per series, within ``budget`` bytes."""
        out = Offline(self.request_type, self.reply_type, {}, [])
        for (run, tag), points in self._points.items():
            for index in range(len(points) - 1, -1, -1):
                try:
                    raw = points[index].data
                except Exception:
                    continue
                if len(raw) > budget:
                    break
                budget -= len(raw)
                key = json.dumps({"run": run, "tag": tag, "index": index}, separators=(",", ":"))
                ref: Any = None
                if raw:
                    ref = {"buffer": len(out.blobs), "dtype": "uint8", "shape": [len(raw)]}
                    out.blobs.append(raw)
                out.replies[key] = {
                    "run": run, "tag": tag, "index": index, "step": points[index].step,
                    "mime": self.mime(raw), "data": ref,
                    "error": "" if raw else self.empty_error(points[index]),
                }  # fmt: skip
        return out

    def requested(self, items: Any, buffers: Buffers) -> list[Any]:
        """The data items for a request's items (bad items are skipped)."""
        out: list[Any] = []
        if not isinstance(items, list):
            return out
        for item in items[:MAX_PER_REQUEST]:
            if not isinstance(item, dict):
                continue
            run, tag, index = item.get("run"), item.get("tag"), item.get("index")
            if not isinstance(run, str) or not isinstance(tag, str) or not isinstance(index, int):
                continue
            out.append(self._data(run, tag, index, buffers))
        return out

    def _data(self, run: str, tag: str, index: int, buffers: Buffers) -> Any:
        item = self._data_within(run, tag, index, buffers, None)
        assert item is not None
        return item

    def _data_within(
        self, run: str, tag: str, index: int, buffers: Buffers, max_bytes: int | None
    ) -> dict[str, Any] | None:
        """The data item of one entry; None if its bytes are more than ``max_bytes``."""
        points = self._points.get((run, tag), ())
        item: dict[str, Any] = {
            "run": run,
            "tag": tag,
            "index": index,
            "step": -1,  # no such entry
            "mime": "",
            "data": None,
            "error": "",
        }
        if not 0 <= index < len(points):
            item["error"] = f"this {self.noun} is no longer in the logdir"
            return item
        point = points[index]
        item["step"] = point.step
        try:
            raw = point.data
        except Exception as err:  # a file gone, a remote read failing: shown in the card
            item["error"] = f"could not read the {self.noun}: {err}"
            return item
        if max_bytes is not None and len(raw) > max_bytes:
            return None
        if not raw:
            item["error"] = self.empty_error(point) or f"the {self.noun} has no bytes"
            return item
        item["mime"] = self.mime(raw)
        item["data"] = buffers.add(np.frombuffer(raw, dtype=np.uint8))
        return item


def _size(item: dict[str, Any]) -> int:
    """Bytes of a data item."""
    return int(item["data"]["shape"][0]) if item["data"] is not None else 0


def newest_step(points: Sequence[MediaPoint], start: int) -> range:
    """Indexes of the entries at the newest step (a TF2 summary of several images or
    clips has one entry each), from ``start`` on."""
    n = len(points)
    if n <= start:
        return range(0)
    first = n - 1
    while first > start and points[first - 1].step == points[n - 1].step:
        first -= 1
    return range(first, n)
