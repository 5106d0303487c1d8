"""Helpers for the reading engine's tests: a raw TFRecord writer and event builders.

Raw records are framed with TensorBoard's own CRC helper and protos, so the tests do
not check tbnb against itself.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from pathlib import Path

from tensorboard.compat.proto import event_pb2, summary_pb2
from tensorboard.compat.tensorflow_stub.pywrap_tensorflow import masked_crc32c

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
if not CORPUS.exists():  # repository checked out elsewhere
    CORPUS = Path("/work/shared/corpus")


def frame(data: bytes) -> bytes:
    """One TFRecord: length, masked CRC of the length, data, masked CRC of the data."""
    header = struct.pack("<Q", len(data))
    return (
        header
        + struct.pack("<I", masked_crc32c(header))
        + data
        + struct.pack("<I", masked_crc32c(data))
    )


def scalar_event(tag: str, step: int, value: float, wall_time: float = 1.0e9) -> bytes:
    ev = event_pb2.Event(wall_time=wall_time, step=step)
    ev.summary.value.add(tag=tag, simple_value=value)
    return ev.SerializeToString()


def version_event(wall_time: float = 1.0e9) -> bytes:
    return event_pb2.Event(wall_time=wall_time, file_version="brain.Event:2").SerializeToString()


def start_event(step: int, wall_time: float = 1.0e9) -> bytes:
    ev = event_pb2.Event(wall_time=wall_time, step=step)
    ev.session_log.status = event_pb2.SessionLog.START
    return ev.SerializeToString()


def write_records(path: Path, events: Iterable[bytes], *, append: bool = False) -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    blob = b"".join(frame(e) for e in events)
    with path.open("ab" if append else "wb") as f:
        f.write(blob)
    return blob


def scalar_file(path: Path, tag: str, steps: Iterable[int], *, base: float = 0.0) -> list[float]:
    """Write a file of scalar events with values ``base + step / 8``; return the values."""
    steps = list(steps)
    values = [base + s / 8 for s in steps]
    write_records(
        path,
        [version_event()]
        + [scalar_event(tag, s, v, 1.0e9 + s) for s, v in zip(steps, values, strict=True)],
    )
    return values


__all__ = [
    "CORPUS",
    "event_pb2",
    "frame",
    "masked_crc32c",
    "scalar_event",
    "scalar_file",
    "start_event",
    "summary_pb2",
    "version_event",
    "write_records",
]
