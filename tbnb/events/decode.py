"""Per-record protobuf decoding: Event bytes -> the values tbnb keeps.

This is the general (slow) path: one protobuf parse per record. TensorBoard's
``data_compat`` migrations are followed so that legacy ``simple_value``, ``image``,
``histo`` and ``audio`` values come out in the same shapes as the tensor forms.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import numpy.typing as npt
from google.protobuf.message import DecodeError

from tbnb.events.kinds import Kind
from tbnb.events.proto import events_pb2

Event = Any  # events_pb2.Event (generated, untyped for mypy)
Value = Any  # events_pb2.Summary.Value

# TensorFlow DataType enum values -> numpy dtypes (little-endian)
_DTYPES: dict[int, str] = {
    1: "<f4",  # DT_FLOAT
    2: "<f8",  # DT_DOUBLE
    3: "<i4",  # DT_INT32
    4: "u1",  # DT_UINT8
    5: "<i2",  # DT_INT16
    6: "i1",  # DT_INT8
    9: "<i8",  # DT_INT64
    10: "?",  # DT_BOOL
    17: "<u2",  # DT_UINT16
    19: "<f2",  # DT_HALF
    22: "<u4",  # DT_UINT32
    23: "<u8",  # DT_UINT64
}
DT_STRING = 7
# Largest tensor materialized (a short record can declare any shape).
MAX_TENSOR_ELEMENTS = 1 << 26

# the kinds, as the rest of the reader names them (decode.SCALARS...): the enum's members
SCALARS, IMAGES, HISTOGRAMS, TEXT = Kind.SCALARS, Kind.IMAGES, Kind.HISTOGRAMS, Kind.TEXT
AUDIO, PR_CURVES, HPARAMS = Kind.AUDIO, Kind.PR_CURVES, Kind.HPARAMS


def parse_event(data: bytes) -> Event | None:
    """Parse one record's data as an Event; None if it is not one."""
    ev = events_pb2.Event()
    try:
        ev.ParseFromString(data)
    except (DecodeError, RecursionError, ValueError):
        return None
    return ev


def tensor_shape(tp: Any) -> tuple[int, ...]:
    return tuple(int(d.size) for d in tp.tensor_shape.dim)


def tensor_to_numpy(tp: Any) -> npt.NDArray[Any] | list[bytes] | None:
    """Numeric TensorProto -> numpy array; string tensor -> flat list of bytes."""
    shape = tensor_shape(tp)
    if any(d < 0 for d in shape):
        return None
    size = math.prod(shape)
    if size > MAX_TENSOR_ELEMENTS:  # a crafted shape must not allocate unbounded memory
        return None
    if tp.dtype == DT_STRING:
        vals = list(tp.string_val)
        return vals
    dt = _DTYPES.get(int(tp.dtype))
    if dt is None:
        return None
    if tp.tensor_content:
        arr = np.frombuffer(tp.tensor_content, dtype=dt)
    else:
        if dt in ("<f4",):
            src: Any = tp.float_val
        elif dt == "<f8":
            src = tp.double_val
        elif dt == "<i8":
            src = tp.int64_val
        elif dt == "?":
            src = tp.bool_val
        elif dt == "<f2":
            src = np.asarray(list(tp.half_val), dtype=np.uint16).view("<f2")
        elif dt == "<u4":
            src = tp.uint32_val
        elif dt == "<u8":
            src = tp.uint64_val
        else:
            src = tp.int_val
        arr = np.asarray(list(src) if not isinstance(src, np.ndarray) else src, dtype=dt)
        if arr.size == 1 and size > 1:
            arr = np.full(size, arr[0], dtype=dt)
    if arr.size != size:
        return None
    return arr.reshape(shape)


def plugin_of(value: Value) -> str:
    """The plugin name in a value's metadata ('' when absent)."""
    if value.HasField("metadata"):
        return str(value.metadata.plugin_data.plugin_name)
    return ""


def plugin_content(value: Value) -> bytes:
    """The plugin content in a value's metadata (b'' when absent)."""
    if value.HasField("metadata"):
        return bytes(value.metadata.plugin_data.content)
    return b""


_LEGACY = {
    "simple_value": SCALARS,
    "image": IMAGES,
    "histo": HISTOGRAMS,
    "audio": AUDIO,
}


def kind_of(value: Value, known: str | None) -> str | None:
    """Which series a value belongs to, given the plugin recorded for its tag."""
    which = value.WhichOneof("value")
    if which in _LEGACY:
        return _LEGACY[which]
    if which is None:  # metadata-only values (hparams session info)
        if not value.HasField("metadata"):
            # a bare tag: what torch's and tensorboardX's add_video write when they
            # make no GIF (moviepy missing; torch with moviepy 2, pytorch#147317), an
            # image entry with no bytes so that its card can say so
            return IMAGES
        return plugin_of(value) or None
    if which != "tensor":
        return None
    if known:
        return known
    return plugin_of(value) or None


def scalar_of(value: Value) -> float | None:
    which = value.WhichOneof("value")
    if which == "simple_value":
        return float(value.simple_value)
    if which == "tensor":
        arr = tensor_to_numpy(value.tensor)
        if isinstance(arr, np.ndarray) and arr.size == 1 and arr.dtype.kind in "fiub":
            return float(arr.reshape(()))
    return None


def histogram_of(value: Value) -> npt.NDArray[np.float64] | None:
    """``[k, 3]`` (left, right, count) buckets, legacy ``histo`` migrated as TensorBoard does."""
    which = value.WhichOneof("value")
    if which == "histo":
        h = value.histo
        counts = list(h.bucket)
        n = len(counts)
        nonzero = [i for i in range(n) if counts[i] > 0]
        if not nonzero:
            return np.zeros((0, 3), dtype=np.float64)
        start, end = nonzero[0], nonzero[-1]
        inner = list(h.bucket_limit[start:end])
        lefts = [h.min, *inner]
        rights = [*inner, h.max]
        out = np.array([lefts, rights, counts[start : end + 1]], dtype=np.float32).T
        migrated: npt.NDArray[np.float64] = out.astype(np.float64)
        return migrated
    if which == "tensor":
        arr = tensor_to_numpy(value.tensor)
        if isinstance(arr, np.ndarray) and arr.dtype.kind in "fiu":
            if arr.size == 0:
                return np.zeros((0, 3), dtype=np.float64)
            if arr.ndim == 2 and arr.shape[1] == 3:
                buckets: npt.NDArray[np.float64] = arr.astype(np.float64)
                return buckets
    return None


def images_of(value: Value) -> list[tuple[int, int, bytes]]:
    """(width, height, encoded bytes) of each image in a value (a bare tag: one entry
    0 x 0 with no bytes, see `kind_of`)."""
    which = value.WhichOneof("value")
    if which is None and not value.HasField("metadata"):
        return [(0, 0, b"")]
    if which == "image":
        im = value.image
        return [(int(im.width), int(im.height), bytes(im.encoded_image_string))]
    if which == "tensor":
        arr = tensor_to_numpy(value.tensor)
        if isinstance(arr, list) and len(arr) >= 2:
            try:
                w, h = int(arr[0]), int(arr[1])
            except ValueError:
                return []
            return [(w, h, bytes(b)) for b in arr[2:]]
    return []


def audio_of(value: Value) -> list[tuple[float, bytes, str]]:
    """(sample rate or 0, encoded bytes, label) of each clip in a value: a legacy
    ``Summary.Audio`` (torch, tensorboardX: one clip, no label) or TF2's string tensor
    ``[k, 2]`` of (clip, markdown label) rows (the rate is in the clip's header)."""
    which = value.WhichOneof("value")
    if which == "audio":
        a = value.audio
        return [(float(a.sample_rate), bytes(a.encoded_audio_string), "")]
    if which == "tensor":
        arr = tensor_to_numpy(value.tensor)
        if isinstance(arr, list):
            shape = tensor_shape(value.tensor)
            if len(shape) == 2 and shape[1] == 2 and len(arr) == 2 * shape[0]:
                return [
                    (0.0, bytes(arr[2 * i]), bytes(arr[2 * i + 1]).decode("utf-8", "replace"))
                    for i in range(shape[0])
                ]
            return [(0.0, bytes(b), "") for b in arr]
    return []


def text_of(value: Value) -> tuple[list[str], tuple[int, ...]] | None:
    """The strings of a text summary (row-major) and the tensor's shape."""
    which = value.WhichOneof("value")
    if which != "tensor":
        return None
    arr = tensor_to_numpy(value.tensor)
    if isinstance(arr, list):
        shape = tensor_shape(value.tensor)
        cells = [b.decode("utf-8", "replace") for b in arr]
        if int(np.prod(shape)) != len(cells):  # shape missing or inconsistent: a list
            shape = (len(cells),) if len(cells) != 1 else ()
        return cells, shape
    return None


def tensor_of(value: Value) -> npt.NDArray[Any] | None:
    if value.WhichOneof("value") != "tensor":
        return None
    arr = tensor_to_numpy(value.tensor)
    return arr if isinstance(arr, np.ndarray) else None
