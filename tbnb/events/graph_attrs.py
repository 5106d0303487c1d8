"""A node's attributes (AttrValue) as short readable text, and shapes as tuples.

Tensors are summarised (dtype and shape, the values only when there are a few), long
strings and lists are cut: a graph's attributes are for reading, not a dump.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from tbnb.events import decode
from tbnb.events.points import Shape

MAX_TEXT = 200  # characters of a string attribute shown
MAX_ITEMS = 16  # items of a list attribute shown
MAX_VALUES = 8  # a tensor's values are shown when it has at most this many
SHOWN_MISSING = 3  # names of never-written input nodes quoted in a graph's notes

# TensorFlow's DataType enum (types.proto); 101... are the _ref variants
DTYPE_NAMES: dict[int, str] = {
    1: "float32",
    2: "float64",
    3: "int32",
    4: "uint8",
    5: "int16",
    6: "int8",
    7: "string",
    8: "complex64",
    9: "int64",
    10: "bool",
    11: "qint8",
    12: "quint8",
    13: "qint32",
    14: "bfloat16",
    15: "qint16",
    16: "quint16",
    17: "uint16",
    18: "complex128",
    19: "float16",
    20: "resource",
    21: "variant",
    22: "uint32",
    23: "uint64",
}


def dtype_name(value: int) -> str:
    if value in DTYPE_NAMES:
        return DTYPE_NAMES[value]
    if value - 100 in DTYPE_NAMES:
        return DTYPE_NAMES[value - 100] + "_ref"
    return f"dtype {value}"


def shape_of(tsp: Any) -> Shape:
    """TensorShapeProto -> dims (-1 -> None), None for an unknown rank."""
    if tsp.unknown_rank:
        return None
    return tuple(int(d.size) if d.size >= 0 else None for d in tsp.dim)


def shape_text(shape: Shape) -> str:
    if shape is None:
        return "<unknown rank>"
    return "[" + ", ".join("?" if d is None else str(d) for d in shape) + "]"


def _cut(text: str, limit: int = MAX_TEXT) -> str:
    if len(text) <= limit:
        return text
    return text[:limit] + f"... ({len(text) - limit} more characters)"


def bytes_text(b: bytes) -> str:
    return _cut(b.decode("utf-8", "replace"))


def float_text(x: float) -> str:
    """A float attribute (stored as float32) in its shortest form: 0.1, not 0.10000000149."""
    return str(np.float32(x))


def tensor_text(tp: Any) -> str:
    """``float32 [3, 4]``, with the values when there are at most MAX_VALUES."""
    shape = decode.tensor_shape(tp)
    head = f"{dtype_name(int(tp.dtype))} {shape_text(shape)}"
    if any(d < 0 for d in shape) or math.prod(shape) > MAX_VALUES:
        return head
    arr = decode.tensor_to_numpy(tp)
    if isinstance(arr, list):
        return head + " = [" + ", ".join(repr(bytes_text(b)) for b in arr) + "]"
    if arr is None:
        return head
    flat = arr.reshape(-1).tolist()
    return (
        head + " = " + ("[" + ", ".join(str(x) for x in flat) + "]" if arr.ndim else str(flat[0]))
    )


def func_text(f: Any) -> str:
    if not f.attr:
        return str(f.name)
    inner = ", ".join(f"{k}={render_attr(f.attr[k])}" for k in sorted(f.attr))
    return _cut(f"{f.name}({inner})")


def render_attr(v: Any) -> str:
    """One AttrValue as text."""
    which = v.WhichOneof("value")
    if which == "s":
        return bytes_text(v.s)
    if which == "i":
        return str(v.i)
    if which == "f":
        return float_text(v.f)
    if which == "b":
        return "true" if v.b else "false"
    if which == "type":
        return dtype_name(v.type)
    if which == "shape":
        return shape_text(shape_of(v.shape))
    if which == "tensor":
        return tensor_text(v.tensor)
    if which == "func":
        return func_text(v.func)
    if which == "placeholder":
        return "$" + str(v.placeholder)
    if which == "list":
        lv = v.list
        for parts in (
            [repr(bytes_text(s)) for s in lv.s[: MAX_ITEMS + 1]],
            [str(i) for i in lv.i[: MAX_ITEMS + 1]],
            [float_text(f) for f in lv.f[: MAX_ITEMS + 1]],
            ["true" if b else "false" for b in lv.b[: MAX_ITEMS + 1]],
            [dtype_name(t) for t in lv.type[: MAX_ITEMS + 1]],
            [shape_text(shape_of(s)) for s in lv.shape[: MAX_ITEMS + 1]],
            [tensor_text(t) for t in lv.tensor[: MAX_ITEMS + 1]],
            [func_text(f) for f in lv.func[: MAX_ITEMS + 1]],
        ):
            if parts:
                n = max(len(lv.s), len(lv.i), len(lv.f), len(lv.b), len(lv.type))
                n = max(n, len(lv.shape), len(lv.tensor), len(lv.func))
                more = f", ... ({n - MAX_ITEMS} more)" if n > MAX_ITEMS else ""
                return "[" + ", ".join(parts[:MAX_ITEMS]) + more + "]"
        return "[]"
    return ""


def missing_note(missing: dict[str, int]) -> str:
    """The sentence counting inputs that name nodes never written (edges dropped)."""
    total = sum(missing.values())
    shown = ", ".join(repr(m) for m in list(missing)[:SHOWN_MISSING])
    more = ", ..." if len(missing) > SHOWN_MISSING else ""
    said = "input names a node that was" if total == 1 else "inputs name nodes that were"
    kinds = "name" if len(missing) == 1 else "names"
    return (
        f"{total} {said} never written ({len(missing)} {kinds}: {shown}{more}); "
        "their edges are left out"
    )
