"""The points returned for non-scalar series."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

# Reads the encoded bytes of one blob again from its event file when asked.
BlobLoader = Callable[[], bytes]


@dataclass(frozen=True, eq=False)
class HistogramPoint:
    step: int
    wall_time: float
    buckets: npt.NDArray[np.float64]  # [k, 3]: left, right, count


@dataclass(frozen=True)
class TextPoint:
    """One text summary. ``text`` joins the strings with newlines; a 1-D or 2-D string
    tensor also keeps its ``shape`` and ``cells`` (row-major) to be shown as a table."""

    step: int
    wall_time: float
    text: str
    shape: tuple[int, ...] = ()
    cells: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class TensorPoint:
    """A tensor-valued point (pr_curves: [6, thresholds])."""

    step: int
    wall_time: float
    tensor: npt.NDArray[Any]


@dataclass(frozen=True)
class ImagePoint:
    """One image; ``data`` (the encoded PNG/JPEG bytes) is read from disk on access."""

    step: int
    wall_time: float
    width: int
    height: int
    _load: BlobLoader = field(repr=False, compare=False)

    @property
    def data(self) -> bytes:
        return self._load()


@dataclass(frozen=True)
class AudioPoint:
    """One audio clip; ``data`` (encoded, usually WAV) is read from disk on access."""

    step: int
    wall_time: float
    sample_rate: float
    _load: BlobLoader = field(repr=False, compare=False)

    @property
    def data(self) -> bytes:
        return self._load()


@dataclass(frozen=True, eq=False)
class Embedding:
    """One projector embedding with its optional metadata and sprite."""

    tag: str
    step: int
    vectors: npt.NDArray[np.float32]
    metadata: list[list[str]] | None
    metadata_header: list[str] | None
    sprite: bytes | None
    sprite_size: tuple[int, int] | None


# a shape: its dims (None: unknown size), or None when even the rank is unknown
Shape = tuple[int | None, ...] | None


@dataclass(frozen=True)
class GraphNode:
    """One node: an op of a GraphDef, or a layer of a Keras model."""

    name: str  # a scope path: "LeNet/Conv2d[conv1]/input.1", "sequential/hidden"
    op: str  # "aten::linear", "MatMul", or the layer's class ("Dense")
    inputs: tuple[str, ...]  # as written ("^ctrl", "name:1"), never-written ones included
    output_shapes: tuple[Shape, ...]  # per output; a None dim is unknown, None: no shape
    device: str
    attributes: dict[str, str]  # name -> value as readable text (tensors summarised)


@dataclass(frozen=True)
class GraphEdge:
    source: str
    target: str
    shape: Shape = None  # of the tensor on the edge, where known
    control: bool = False  # a control dependency ("^source")


@dataclass(frozen=True)
class GraphInfo:
    """One graph of a run as listed: what it is, without its nodes (``load`` reads them
    from the event file; ValueError if they cannot be read)."""

    tag: str
    kind: str  # "op" or "keras"
    step: int
    wall_time: float
    nodes: int  # counted when it was indexed (0 when it cannot be read)
    edges: int
    error: str  # why it cannot be read ("" if it can)
    load: Callable[[], Graph] = field(repr=False, compare=False)


@dataclass(frozen=True)
class Graph:
    run: str
    tag: str
    kind: str  # "op" (a GraphDef) or "keras" (a Keras model's conceptual graph)
    step: int
    wall_time: float
    nodes: tuple[GraphNode, ...]
    edges: tuple[GraphEdge, ...]
    notes: tuple[str, ...]  # sentences: inputs dropped, graphs merged, stats seen
