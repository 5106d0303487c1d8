"""What the browser holds of the audio clips (AudioDelta and AudioData in
js/src/protocol.ts): the index (step, wall time, sample rate as written, label) per
(run, tag); the encoded clips are read from the event file when they are to be shown,
as images are (feeds/media.py): the newest step's clips pushed, others asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from tbnb.board.feeds.media import MediaFeed
from tbnb.board.protocol import AUDIO_DATA, AUDIO_REQUEST, AudioDelta, Buffers, delta_header
from tbnb.events import AudioPoint
from tbnb.events.kinds import Kind

# Bytes of newest clips sent with a snapshot (2 s of 44.1 kHz 16-bit mono: 176 KB); beyond
# it the browser asks for them.
SNAPSHOT_AUDIO_BYTES = 4 << 20
# Clips new in a live read pushed with it, newest first, beyond the newest step of each
# series (always pushed): what the slider can play while a training cell runs.
LIVE_AUDIO_BYTES = 8 << 20


def sniff_audio(data: bytes) -> str:
    """The audio type of encoded bytes, from their first bytes ("" if unknown)."""
    if data.startswith(b"RIFF") and data[8:12] == b"WAVE":
        return "audio/wav"
    if data.startswith(b"OggS"):
        return "audio/ogg"
    if data.startswith(b"fLaC"):
        return "audio/flac"
    if data.startswith(b"ID3") or data[:2] in (b"\xff\xfb", b"\xff\xf3", b"\xff\xf2"):
        return "audio/mpeg"
    return ""


@dataclass
class AudioFeed(MediaFeed):
    """The clip index per (run, tag); bytes read from the files when to be played."""

    kind: ClassVar[Kind] = Kind.AUDIO
    fields: ClassVar[tuple[str, ...]] = ("audio", "audio_data")
    request_type: ClassVar[str] = AUDIO_REQUEST
    reply_type: ClassVar[str] = AUDIO_DATA
    noun: ClassVar[str] = "clip"

    def index_delta(
        self, run: str, tag: str, points: Sequence[AudioPoint], start: int, buffers: Buffers
    ) -> AudioDelta:
        tail = points[start:]
        return {
            **delta_header(run, tag, start, len(points)),
            "step": buffers.add(np.array([p.step for p in tail], dtype=np.float64)),
            "wall_time": buffers.add(np.array([p.wall_time for p in tail], dtype=np.float64)),
            "sample_rate": buffers.add(np.array([p.sample_rate for p in tail], dtype=np.float64)),
            "labels": [p.label for p in tail],
        }

    def mime(self, raw: bytes) -> str:
        return sniff_audio(raw)

    def live_bytes(self) -> int:
        return LIVE_AUDIO_BYTES

    def snapshot_bytes(self) -> int:
        return SNAPSHOT_AUDIO_BYTES
