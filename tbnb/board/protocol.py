"""What the kernel sends the browser: numpy arrays as binary buffers.

The browser side is js/src/protocol.ts; the two change together. An array in a
message is ``{"buffer": i, "dtype": ..., "shape": [...]}`` naming the message's
i-th buffer (never a JSON list of numbers).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt

# the one codec table of the kernel side (browser: decodeArray in protocol.ts)
DTYPES = {
    np.dtype("float64"): "float64",
    np.dtype("float32"): "float32",
    np.dtype("int32"): "int32",
    np.dtype("uint32"): "uint32",
    np.dtype("uint8"): "uint8",
    np.dtype("int64"): "int64",
}


class Buffers:
    """Collects the buffers of one message while its JSON part is built."""

    def __init__(self) -> None:
        self.items: list[memoryview] = []

    def add(self, array: npt.ArrayLike) -> dict[str, Any]:
        arr = np.asarray(array)
        # little-endian, as every browser is
        arr = np.ascontiguousarray(arr, dtype=arr.dtype.newbyteorder("<"))
        name = DTYPES.get(arr.dtype.newbyteorder("="))
        if name is None:
            raise TypeError(f"no browser codec for dtype {arr.dtype}")
        self.items.append(memoryview(arr.tobytes()))
        return {"buffer": len(self.items) - 1, "dtype": name, "shape": list(arr.shape)}

    @property
    def nbytes(self) -> int:
        return sum(b.nbytes for b in self.items)


def decode(ref: dict[str, Any], buffers: list[Any]) -> npt.NDArray[Any]:
    """The inverse of `Buffers.add` (for tests and snapshots read back in Python)."""
    dtype = np.dtype(ref["dtype"]).newbyteorder("<")
    flat: npt.NDArray[Any] = np.frombuffer(bytes(buffers[ref["buffer"]]), dtype=dtype)
    shaped: npt.NDArray[Any] = flat.reshape(ref["shape"])
    return shaped
