"""What the browser holds of the images (ImageDelta and ImageData in js/src/protocol.ts).

The browser holds the index (step, wall time, size); the encoded bytes are read from the
event file when they are to be shown: images new in a live read are pushed with it
(within a byte budget), others are sent when the browser asks for them (feeds/media.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from tbnb.board.feeds.media import MediaFeed
from tbnb.board.protocol import IMAGE_DATA, IMAGE_REQUEST, Buffers, ImageDelta, delta_header
from tbnb.events import ImagePoint
from tbnb.events.kinds import Kind

# Bytes of newest images sent with a snapshot; beyond it the browser asks for them.
SNAPSHOT_IMAGE_BYTES = 4 << 20
# Images new in a live read are pushed with it, newest first, up to this many bytes (the
# newest step of each series always): while a training cell runs the kernel cannot answer
# the browser's requests, so what was pushed is what the slider can show until it ends.
LIVE_IMAGE_BYTES = 8 << 20
# What an entry of add_video that made no GIF says (a bare tag, tbnb/events/decode.py).
NO_FRAMES = (
    "the writer wrote no frames here: add_video makes its GIF with moviepy, and writes "
    "only the tag when moviepy is missing, or with torch.utils.tensorboard and moviepy 2 "
    "(pytorch#147317; tensorboardX works with moviepy 2)"
)


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
class ImageFeed(MediaFeed):
    """The image index per (run, tag); bytes read from the files when to be shown."""

    kind: ClassVar[Kind] = Kind.IMAGES
    fields: ClassVar[tuple[str, ...]] = ("images", "image_data")
    request_type: ClassVar[str] = IMAGE_REQUEST
    reply_type: ClassVar[str] = IMAGE_DATA
    noun: ClassVar[str] = "image"

    def index_delta(
        self, run: str, tag: str, points: Sequence[ImagePoint], start: int, buffers: Buffers
    ) -> ImageDelta:
        return _image_delta(run, tag, points, start, buffers)

    def mime(self, raw: bytes) -> str:
        return sniff_mime(raw)

    def empty_error(self, point: ImagePoint) -> str:
        if point.width == 0 and point.height == 0:
            return NO_FRAMES
        return ""

    def live_bytes(self) -> int:
        return LIVE_IMAGE_BYTES

    def snapshot_bytes(self) -> int:
        return SNAPSHOT_IMAGE_BYTES


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
