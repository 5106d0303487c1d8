"""What the browser holds of the images (ImageDelta and ImageData in js/src/protocol.ts).

The browser holds the index (step, wall time, size); the encoded bytes are read from the
event file when they are to be shown: images new in a live read are pushed with it
(within a byte budget), others are sent when the browser asks for them.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np

from tbnb.board.feeds.base import Feed, FeedChange, Fields, Offline
from tbnb.board.protocol import (
    IMAGE_DATA,
    IMAGE_REQUEST,
    Buffers,
    ImageData,
    ImageDataMessage,
    ImageDelta,
    Message,
    delta_header,
)
from tbnb.events import ImagePoint
from tbnb.events.kinds import Kind

# Bytes of newest images sent with a snapshot; beyond it the browser asks for them.
SNAPSHOT_IMAGE_BYTES = 4 << 20
# Images new in a live read are pushed with it, newest first, up to this many bytes (the
# newest step of each series always): while a training cell runs the kernel cannot answer
# the browser's requests, so what was pushed is what the slider can show until it ends.
LIVE_IMAGE_BYTES = 8 << 20
# Images answered per request (the browser asks for what its cards show).
MAX_IMAGES_PER_REQUEST = 64


def sniff_mime(data: bytes) -> str:
    """The image type of encoded bytes, from their first bytes ("" if unknown)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"BM"):
        return "image/bmp"
    return ""


@dataclass
class ImageFeed(Feed):
    """The image index per (run, tag); bytes read from the files when to be shown."""

    kind: ClassVar[Kind] = Kind.IMAGES
    fields: ClassVar[tuple[str, ...]] = ("images", "image_data")

    _points: dict[tuple[str, str], Sequence[ImagePoint]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self._points.values())

    def points(self) -> dict[tuple[str, str], Sequence[ImagePoint]]:
        """The image index of every (run, tag) held."""
        return dict(self._points)

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        """ImageDeltas, and ImageData of the images new in this read: every image at the
        newest step of each series that changed, then older new ones, newest first, within
        LIVE_IMAGE_BYTES."""
        out: list[ImageDelta] = []
        data: list[ImageData] = []
        older: list[tuple[str, str, int]] = []
        for c in changes:
            run, tag, points = c.run, c.tag, c.series
            self._points[(run, tag)] = points
            if buffers is None:
                continue
            start = min(max(c.first_row, 0), len(points))
            out.append(_image_delta(run, tag, points, start, buffers))
            newest = _newest_step(points, start)
            for i in newest:
                data.append(self._data(run, tag, i, buffers))
            older.extend((run, tag, i) for i in range(start, newest.start))
        if buffers is not None and older:
            budget = LIVE_IMAGE_BYTES - sum(_size(d) for d in data)
            for run, tag, i in sorted(older, key=lambda o: -o[2]):
                item = self._data_within(run, tag, i, buffers, budget)
                if item is None:
                    break
                budget -= _size(item)
                data.append(item)
        return {"images": out, "image_data": data}

    def snapshot(self, buffers: Buffers) -> Fields:
        out: list[ImageDelta] = []
        data: list[ImageData] = []
        budget = SNAPSHOT_IMAGE_BYTES
        for (run, tag), points in self._points.items():
            out.append(_image_delta(run, tag, points, 0, buffers))
            for i in _newest_step(points, 0):
                if budget <= 0:
                    break
                before = buffers.nbytes
                data.append(self._data(run, tag, i, buffers))
                budget -= buffers.nbytes - before
        return {"images": out, "image_data": data}

    def answer(self, content: dict[str, Any]) -> Message | None:
        """ImageDataMessage answering a browser's ImageRequest."""
        if content.get("type") != IMAGE_REQUEST:
            return None
        buffers = Buffers()
        reply: ImageDataMessage = {
            "type": IMAGE_DATA,
            "items": self.requested(content.get("items"), buffers),
        }
        return reply, buffers.items

    def offline(self, budget: int) -> Offline:
        """Every image's bytes, newest first per series, within ``budget`` bytes."""
        out = Offline(IMAGE_REQUEST, IMAGE_DATA, {}, [])
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
                ref = {"buffer": len(out.blobs), "dtype": "uint8", "shape": [len(raw)]}
                out.blobs.append(raw)
                out.replies[key] = {
                    "run": run, "tag": tag, "index": index, "step": points[index].step,
                    "mime": sniff_mime(raw), "data": ref, "error": "",
                }  # fmt: skip
        return out

    def requested(self, items: Any, buffers: Buffers) -> list[ImageData]:
        """ImageData for the browser's ImageRequest items (bad items are skipped)."""
        out: list[ImageData] = []
        if not isinstance(items, list):
            return out
        for item in items[:MAX_IMAGES_PER_REQUEST]:
            if not isinstance(item, dict):
                continue
            run, tag, index = item.get("run"), item.get("tag"), item.get("index")
            if not isinstance(run, str) or not isinstance(tag, str) or not isinstance(index, int):
                continue
            out.append(self._data(run, tag, index, buffers))
        return out

    def _data(self, run: str, tag: str, index: int, buffers: Buffers) -> ImageData:
        item = self._data_within(run, tag, index, buffers, None)
        assert item is not None
        return item

    def _data_within(
        self, run: str, tag: str, index: int, buffers: Buffers, max_bytes: int | None
    ) -> ImageData | None:
        """ImageData of one image; None if its bytes are more than ``max_bytes``."""
        points = self._points.get((run, tag), ())
        item: ImageData = {
            "run": run,
            "tag": tag,
            "index": index,
            "step": -1,  # no such entry
            "mime": "",
            "data": None,
            "error": "",
        }
        if not 0 <= index < len(points):
            item["error"] = "this image is no longer in the logdir"
            return item
        point = points[index]
        item["step"] = point.step
        try:
            raw = point.data
        except Exception as err:  # a file gone, a remote read failing: shown in the card
            item["error"] = f"could not read the image: {err}"
            return item
        if max_bytes is not None and len(raw) > max_bytes:
            return None
        item["mime"] = sniff_mime(raw)
        item["data"] = buffers.add(np.frombuffer(raw, dtype=np.uint8))
        return item


def _size(item: ImageData) -> int:
    """Bytes of an ImageData's image."""
    return int(item["data"]["shape"][0]) if item["data"] is not None else 0


def _newest_step(points: Sequence[ImagePoint], start: int) -> range:
    """Indexes of the images at the newest step (a TF2 summary of several images has
    one entry each), from ``start`` on."""
    n = len(points)
    if n <= start:
        return range(0)
    first = n - 1
    while first > start and points[first - 1].step == points[n - 1].step:
        first -= 1
    return range(first, n)


def _image_delta(
    run: str, tag: str, points: Sequence[ImagePoint], start: int, buffers: Buffers
) -> ImageDelta:
    tail = points[start:]
    return {
        **delta_header(run, tag, start, len(points)),
        "step": buffers.add(np.array([p.step for p in tail], dtype=np.float64)),
        "wall_time": buffers.add(np.array([p.wall_time for p in tail], dtype=np.float64)),
        "width": buffers.add(np.array([p.width for p in tail], dtype=np.int32)),
        "height": buffers.add(np.array([p.height for p in tail], dtype=np.int32)),
    }
