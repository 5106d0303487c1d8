"""Lazy access to image and audio bytes (and graphs): re-read one record when asked for."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tbnb.events import crc, decode

# (record offset in file, data length) -> the record's bytes (header to footer)
RecordReader = Callable[[int, int], bytes]


class Blob:
    """Reads one image/audio item again from its record when its bytes are wanted."""

    __slots__ = ("item", "length", "offset", "reader", "value_index")

    def __init__(self, reader: RecordReader, offset: int, length: int, vi: int, item: int):
        self.reader = reader
        self.offset = offset
        self.length = length
        self.value_index = vi
        self.item = item

    def image(self) -> bytes:
        ev = self._event()
        return decode.images_of(ev.summary.value[self.value_index])[self.item][2]

    def audio(self) -> bytes:
        ev = self._event()
        return decode.audio_of(ev.summary.value[self.value_index])[self.item][1]

    def _event(self) -> Any:
        return read_event(self.reader, self.offset, self.length)


def read_event(reader: RecordReader, offset: int, length: int) -> Any:
    """The Event of the record at ``offset`` (data ``length``), read again from its file;
    OSError if the record is no longer the one that was indexed."""
    raw = reader(offset, length)
    data = raw[12 : 12 + length]
    stored = int.from_bytes(raw[12 + length : 16 + length], "little")
    if len(raw) != length + 16 or crc.masked_crc32c(data) != stored:
        raise OSError(f"record at offset {offset} changed on disk")
    ev = decode.parse_event(data)
    if ev is None:
        raise OSError(f"record at offset {offset} is no longer an event")
    return ev
