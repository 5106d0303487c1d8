"""Reading engine: TensorBoard event files and projector assets -> numpy columns.

No widget imports here; usable from scripts and tests::

    ld = Logdir("runs/")            # or "s3://bucket/runs", "memory://...", any fsspec URL
    changes = ld.reload()           # reads only bytes written since the last call
    ld.runs(), ld.tags("exp1")
    s = ld.scalars("exp1", "Loss/train")   # s.step int64, s.wall_time / s.value float64
    ld.images(run, tag)[0].data     # PNG bytes, read from the event file when asked for
    ld.graph(run)                   # nodes, edges, notes, read from the event file now
    ld.mesh(run, name)[-1].data()   # a mesh's vertices, faces, colours, read now
    ld.hparams()                    # experiment configs and sessions (hparams.py)
    ld.problems                     # bad CRCs, garbage, unreadable files: never raised
"""

from __future__ import annotations

from tbnb.events.layouts import Layout, LayoutCategory, LayoutChart, MarginSeries
from tbnb.events.logdir import Changes, Logdir, SeriesChange
from tbnb.events.meshes import MeshData, MeshPoint, MeshTensor
from tbnb.events.points import (
    AudioPoint,
    Embedding,
    Experiment,
    Graph,
    GraphEdge,
    GraphInfo,
    GraphNode,
    HistogramPoint,
    HParamInfo,
    HParams,
    ImagePoint,
    MetricInfo,
    RunHParams,
    Session,
    TensorPoint,
    TextPoint,
)
from tbnb.events.problems import Problem
from tbnb.events.store import ScalarSeries

__all__ = [
    "AudioPoint",
    "Changes",
    "Embedding",
    "Experiment",
    "Graph",
    "GraphEdge",
    "GraphInfo",
    "GraphNode",
    "HParamInfo",
    "HParams",
    "HistogramPoint",
    "ImagePoint",
    "Layout",
    "LayoutCategory",
    "LayoutChart",
    "Logdir",
    "MarginSeries",
    "MeshData",
    "MeshPoint",
    "MeshTensor",
    "MetricInfo",
    "Problem",
    "RunHParams",
    "ScalarSeries",
    "SeriesChange",
    "Session",
    "TensorPoint",
    "TextPoint",
]
