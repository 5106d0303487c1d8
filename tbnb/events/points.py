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
    """One audio clip; ``data`` (encoded, usually WAV) is read from disk on access.
    ``sample_rate``: as written (0 when the writer does not say: TF2 writes it only in
    the WAV header); ``label``: TF2's markdown label ("" for none)."""

    step: int
    wall_time: float
    sample_rate: float
    label: str
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


# ---- hparams (tbnb/events/hparams.py reads them; the API is described there) ----------

# an hparam's value: google.protobuf.Value's bool, number or string
HParamValue = bool | float | str


@dataclass(frozen=True)
class HParamInfo:
    """One hparam of an experiment config (or of the implied experiment)."""

    name: str
    display_name: str
    description: str
    type: str  # "bool", "number", "string" or "" (unset)
    domain_kind: str  # "discrete", "interval" or "" (none)
    values: tuple[HParamValue, ...] = ()  # a discrete domain's values
    min: float | None = None  # an interval domain's bounds
    max: float | None = None


@dataclass(frozen=True)
class MetricInfo:
    """One metric of an experiment: scalar ``tag`` of the session's run, or of its
    sub-run ``group`` (a path relative to the session's run) when there is one."""

    tag: str
    group: str
    display_name: str
    description: str
    dataset_type: str = ""  # "training", "validation" or "" (unknown)

    @property
    def key(self) -> str:
        """The metric's name in ``Session.metrics``: ``tag``, or ``group/tag``."""
        return f"{self.group}/{self.tag}" if self.group else self.tag


@dataclass(frozen=True)
class Experiment:
    """An experiment config, written in ``run`` ("" for the implied experiment of the
    sessions that no config applies to, made from their values as TensorBoard does)."""

    run: str
    hparams: tuple[HParamInfo, ...]
    metrics: tuple[MetricInfo, ...]
    time_created: float  # its time_created_secs, or its event's wall time when unset
    notes: tuple[str, ...] = ()  # what of the config was malformed and left out


@dataclass(frozen=True)
class RunHParams:
    """What one run's own hparams records say (before runs are put together): the
    series of ``Changes.series[(run, Kind.HPARAMS, "")]``."""

    run: str
    experiment: Experiment | None  # a config written in this run
    started: bool  # a session start info was read
    hparams: dict[str, HParamValue]
    group_name: str
    start_time: float | None
    ended: bool  # a session end info was read
    status: str  # "running" (no end info), "success", "failure" or "unknown"
    end_time: float | None
    notes: tuple[str, ...]  # about the session records (values skipped...)


@dataclass(frozen=True)
class Session:
    """One training session: a run with a session start (or end) info."""

    run: str  # the session's own run (its hparams records and metric scalars)
    parent: str  # the run it belongs to: the writer's run of an add_hparams sub-run
    name: str  # for display: the parent's name (+ " · " + the sub-run when several)
    group_name: str
    start_time: float | None
    end_time: float | None
    status: str  # "running", "success", "failure" or "unknown"
    hparams: dict[str, HParamValue]
    metrics: dict[str, float]  # MetricInfo.key -> the last value written (NaN kept)
    notes: tuple[str, ...]
    experiment: str = ""  # the run of the config that applies ("": the implied one)


@dataclass(frozen=True)
class HParams:
    """Every experiment config and session of a logdir (``Logdir.hparams()``)."""

    experiments: tuple[Experiment, ...]
    sessions: tuple[Session, ...]
    notes: tuple[str, ...]  # configs' notes and domains that disagree with values
