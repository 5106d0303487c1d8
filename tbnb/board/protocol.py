"""What the kernel and the browser say to each other: one typed definition per message.

The browser side is js/src/protocol.ts; the two change together, and
tests/board/test_protocol.py keeps them equal (the field names of every message and
the message type names). mypy --strict checks every message built here against these
types. Arrays travel as binary buffers, never JSON lists of numbers: an array in a
message is an `ArrayRef` ``{"buffer": i, "dtype": ..., "shape": [...]}`` naming the
message's i-th buffer.

Over 400 lines on purpose: every message of every dashboard is here, in one module, so
that test_protocol compares the two halves in one place.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

import numpy as np
import numpy.typing as npt

# ---- message type names (the `type` field) --------------------------------------
UPDATE: Literal["update"] = "update"
IMAGE_DATA: Literal["image_data"] = "image_data"
IMAGE_REQUEST: Literal["image"] = "image"
RESYNC: Literal["resync"] = "resync"
PAINTED: Literal["painted"] = "painted"
GRAPH_DATA: Literal["graph_data"] = "graph_data"
GRAPH_REQUEST: Literal["graph"] = "graph"
SCALAR_DATA: Literal["scalar_data"] = "scalar_data"
SCALAR_REQUEST: Literal["scalar_request"] = "scalar_request"
EMBEDDING: Literal["embedding"] = "embedding"
PROJECT: Literal["project"] = "project"
PROJECT_CONTROL: Literal["project_control"] = "project_control"
NEIGHBORS: Literal["neighbors"] = "neighbors"
PROJECTION: Literal["projection"] = "projection"
PROJECTOR_ERROR: Literal["projector_error"] = "projector_error"
AUDIO_DATA: Literal["audio_data"] = "audio_data"
AUDIO_REQUEST: Literal["audio"] = "audio"
MESH_DATA: Literal["mesh_data"] = "mesh_data"
MESH_REQUEST: Literal["mesh"] = "mesh"

# the one codec table of the kernel side (browser: decodeArray in protocol.ts)
DTYPES = {
    np.dtype("float64"): "float64",
    np.dtype("float32"): "float32",
    np.dtype("int32"): "int32",
    np.dtype("uint32"): "uint32",
    np.dtype("uint8"): "uint8",
    np.dtype("int64"): "int64",
}


class ArrayRef(TypedDict):
    buffer: int
    dtype: str
    shape: list[int]


class Buffers:
    """Collects the buffers of one message while its JSON part is built."""

    def __init__(self) -> None:
        self.items: list[memoryview] = []

    def add(self, array: npt.ArrayLike) -> ArrayRef:
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


def decode(ref: ArrayRef | dict[str, Any], buffers: list[Any]) -> npt.NDArray[Any]:
    """The inverse of `Buffers.add` (for tests and snapshots read back in Python)."""
    dtype = np.dtype(ref["dtype"]).newbyteorder("<")
    flat: npt.NDArray[Any] = np.frombuffer(bytes(buffers[ref["buffer"]]), dtype=dtype)
    shaped: npt.NDArray[Any] = flat.reshape(ref["shape"])
    return shaped


# ---- the deltas of the board's feeds (one kind each) ------------------------------


class DeltaHeader(TypedDict):
    """What every delta starts with: the series, and from which of its entries the
    browser replaces what it holds (``start``: an index into what the browser holds,
    not a row of the reader's column). ``total``: entries the kernel holds."""

    run: str
    tag: str
    start: int
    total: int


def delta_header(run: str, tag: str, start: int, total: int) -> DeltaHeader:
    return {"run": run, "tag": tag, "start": start, "total": total}


class ScalarDelta(DeltaHeader):
    step: ArrayRef
    wall_time: ArrayRef
    value: ArrayRef


class HistogramDelta(DeltaHeader):
    edges: ArrayRef
    step: ArrayRef
    wall_time: ArrayRef
    counts: ArrayRef
    bands: ArrayRef


class ImageDelta(DeltaHeader):
    step: ArrayRef
    wall_time: ArrayRef
    width: ArrayRef
    height: ArrayRef


class ImageData(TypedDict):
    run: str
    tag: str
    index: int
    step: int
    mime: str
    data: ArrayRef | None
    error: str


class AudioDelta(DeltaHeader):
    step: ArrayRef
    wall_time: ArrayRef
    sample_rate: ArrayRef
    labels: list[str]


class AudioData(TypedDict):
    run: str
    tag: str
    index: int
    step: int
    mime: str
    data: ArrayRef | None
    error: str


class TextEntry(TypedDict):
    text: str
    shape: list[int]
    cells: list[str]


class TextDelta(DeltaHeader):
    step: ArrayRef
    wall_time: ArrayRef
    texts: list[TextEntry]


class GraphEntry(TypedDict):
    kind: Literal["op", "keras"]
    step: int
    wall_time: float
    nodes: int
    edges: int
    error: str


class GraphDelta(DeltaHeader):
    graphs: list[GraphEntry]


class GraphData(TypedDict):
    run: str
    tag: str
    step: int
    kind: Literal["op", "keras"]
    error: str
    names: list[str]
    ops: list[str]
    devices: list[str]
    output_shapes: list[str]
    attributes: list[list[list[str]]]
    shape_table: list[str]
    edge_source: ArrayRef
    edge_target: ArrayRef
    edge_shape: ArrayRef
    edge_size: ArrayRef
    edge_control: ArrayRef
    notes: list[str]


HParamValue = bool | float | str | None  # None: a number that is NaN or infinite


class HParamInfoEntry(TypedDict):
    name: str
    display_name: str
    description: str
    type: Literal["bool", "number", "string", ""]
    domain_kind: Literal["discrete", "interval", ""]
    values: list[bool | float | str]
    min: float | None
    max: float | None


class MetricInfoEntry(TypedDict):
    key: str
    tag: str
    group: str
    display_name: str
    description: str
    dataset_type: str


class ExperimentEntry(TypedDict):
    run: str
    time_created: float
    hparams: list[HParamInfoEntry]
    metrics: list[MetricInfoEntry]
    notes: list[str]


class HParamsInfo(TypedDict):
    experiments: list[ExperimentEntry]
    notes: list[str]


class SessionEntry(TypedDict):
    parent: str
    name: str
    group_name: str
    status: Literal["running", "success", "failure", "unknown"]
    start_time: float | None
    end_time: float | None
    experiment: str
    hparams: list[tuple[str, HParamValue]]
    metric_keys: list[str]
    metric_values: ArrayRef
    notes: list[str]


class HParamsDelta(DeltaHeader):
    sessions: list[SessionEntry]


class PRCurveDelta(DeltaHeader):
    """The PR curves of one (run, tag), in step order: per point its number of
    thresholds (0: the point is not a PR curve, ``errors`` says why) and its [6, k]
    tensor (TP, FP, TN, FN, precision, recall rows), concatenated in ``data``."""

    step: ArrayRef
    wall_time: ArrayRef
    thresholds: ArrayRef
    data: ArrayRef
    errors: list[str]


class MeshEntry(TypedDict):
    step: int
    wall_time: float
    vertices: int
    faces: int
    colors: bool
    samples: int
    config: str
    error: str


class MeshDelta(DeltaHeader):
    meshes: list[MeshEntry]


class MeshData(TypedDict):
    run: str
    tag: str
    index: int
    step: int
    vertices: ArrayRef | None
    faces: ArrayRef | None
    colors: ArrayRef | None
    error: str


class MarginEntry(TypedDict):
    """The tags of a margin chart's line: its value and the band between lower and upper."""

    value: str
    lower: str
    upper: str


class LayoutChartEntry(TypedDict):
    title: str
    kind: Literal["multiline", "margin"]
    tags: list[str]  # multiline: regexes over tags, matched from the tag's start
    margins: list[MarginEntry]  # margin


class LayoutCategoryEntry(TypedDict):
    title: str
    closed: bool
    charts: list[LayoutChartEntry]


class CustomScalarsDelta(DeltaHeader):
    """The Custom Scalars layout of the board, merged over its runs (one series: run and
    tag ""; ``total`` 0 once no run holds a layout)."""

    categories: list[LayoutCategoryEntry]
    notes: list[str]


# ---- kernel -> browser ------------------------------------------------------------


class UpdateMessage(TypedDict):
    type: Literal["update"]
    seq: int
    full: bool
    runs: list[str]
    scalars: list[ScalarDelta]
    histograms: list[HistogramDelta]
    images: list[ImageDelta]
    texts: list[TextDelta]
    graphs: list[GraphDelta]
    hparams: list[HParamsDelta]
    pr_curves: list[PRCurveDelta]
    custom_scalars: list[CustomScalarsDelta]
    image_data: list[ImageData]
    graph_data: list[GraphData]
    hparams_info: list[HParamsInfo]
    audio: list[AudioDelta]
    audio_data: list[AudioData]
    meshes: list[MeshDelta]
    mesh_data: list[MeshData]


class ImageDataMessage(TypedDict):
    type: Literal["image_data"]
    items: list[ImageData]


class AudioDataMessage(TypedDict):
    type: Literal["audio_data"]
    items: list[AudioData]


class ScalarData(TypedDict):
    """Every point of one (run, tag) (the browser holds a downsampled copy)."""

    run: str
    tag: str
    step: ArrayRef | None  # int32[n] (float64[n] past int32); None with an error
    wall_time: ArrayRef | None  # float64[n]
    value: ArrayRef | None  # float32[n] when written as float32 (no loss), else float64[n]
    error: str


class ScalarDataMessage(TypedDict):
    type: Literal["scalar_data"]
    items: list[ScalarData]


class GraphDataMessage(TypedDict):
    type: Literal["graph_data"]
    items: list[GraphData]


class MeshDataMessage(TypedDict):
    type: Literal["mesh_data"]
    items: list[MeshData]


class Snapshot(TypedDict):
    message: UpdateMessage | None
    buffers: list[memoryview]


class Problem(TypedDict):
    path: str
    offset: int | None
    message: str


class Status(TypedDict):
    state: Literal["waiting", "live", "stopped", "error"]
    message: str
    last_read: float | None
    runs: int
    unread_runs: int
    points: int
    histograms: int
    images: int
    texts: int
    graphs: int
    sessions: int
    problems: list[Problem]
    problem_count: int


# ---- browser -> kernel ------------------------------------------------------------


class ImageRequestItem(TypedDict):
    run: str
    tag: str
    index: int


class ImageRequest(TypedDict):
    type: Literal["image"]
    items: list[ImageRequestItem]


class AudioRequestItem(TypedDict):
    run: str
    tag: str
    index: int


class AudioRequest(TypedDict):
    type: Literal["audio"]
    items: list[AudioRequestItem]


class ScalarRequestItem(TypedDict):
    run: str
    tag: str


class ScalarRequest(TypedDict):
    """Every point of these series, for a download of a card the browser holds downsampled."""

    type: Literal["scalar_request"]
    items: list[ScalarRequestItem]


class GraphRequestItem(TypedDict):
    run: str
    tag: str


class GraphRequest(TypedDict):
    type: Literal["graph"]
    items: list[GraphRequestItem]


class MeshRequestItem(TypedDict):
    run: str
    tag: str
    index: int


class MeshRequest(TypedDict):
    type: Literal["mesh"]
    items: list[MeshRequestItem]


class ResyncMessage(TypedDict):
    type: Literal["resync"]


class PaintedMessage(TypedDict):
    """browser -> kernel: a view of the board has drawn every card in view, its first
    paint (sent once per model). The kernel may read the rest of a large logdir now, if
    the board's display message has not already let it (a board shown inside another
    widget: it waited so that its reading would not hold up the board's way to the
    page)."""

    type: Literal["painted"]


# ---- the embedding projector (tbnb/board/projector.py) ----------------------------


class EmbeddingEntry(TypedDict):
    id: str
    run: str
    tag: str
    step: int
    shape: list[int]


class ProjectionLimits(TypedDict):
    pca: int
    tsne: int
    umap: int


class _EmbeddingRequired(TypedDict):
    type: Literal["embedding"]
    request: int | None
    id: str
    n: int
    dim: int
    header: list[str]
    columns: list[list[str]]
    sprite: ArrayRef | None
    sprite_size: list[int] | None
    limits: ProjectionLimits


class EmbeddingMessage(_EmbeddingRequired, total=False):
    notes: list[str]  # what was left out or is wrong, for the tab to say


class _ProjectionRequired(TypedDict):
    type: Literal["projection"]
    request: int
    id: str
    method: str
    done: bool
    error: str


class ProjectionMessage(_ProjectionRequired, total=False):
    iteration: int
    missing: str
    positions: ArrayRef
    indices: ArrayRef | None
    note: str
    variance: list[float]
    stopped: bool


class NeighborsMessage(TypedDict):
    type: Literal["neighbors"]
    request: int | None
    id: str
    index: int
    metric: str
    neighbors: ArrayRef
    distances: ArrayRef


class ProjectorErrorMessage(TypedDict):
    type: Literal["projector_error"]
    request: int | None
    error: str


KernelMessage = (
    UpdateMessage
    | ImageDataMessage
    | ScalarDataMessage
    | GraphDataMessage
    | MeshDataMessage
    | EmbeddingMessage
    | ProjectionMessage
    | NeighborsMessage
    | ProjectorErrorMessage
    | AudioDataMessage
)
Message = tuple[KernelMessage, list[memoryview]]
