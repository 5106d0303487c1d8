"""Graphs: where each one lies in its event file (``GraphRef``, kept by a run's
``GraphIndex``), and the ``Graph`` read from there when it is asked for.

Three kinds of record hold a graph:

- ``Event.graph_def``: a serialized GraphDef (torch's and tensorboardX's ``add_graph``,
  TF1's FileWriter). Tagged ``graph``, then ``graph_1``, ``graph_2``... in file order.
- a summary value of plugin ``graph_run_metadata_graph`` (TF2 ``trace_export``): a
  serialized RunMetadata whose function graphs' ``pre_optimization_graph`` is the graph
  (several are put side by side under ``graph_1/``, ``graph_2/``... as TensorBoard does).
- a summary value of plugin ``graph_keras_model`` (the Keras callback, tag ``keras``):
  the model config as JSON, a conceptual graph of layers (graph_keras.py).

Only the record's offset and length are kept: the bytes are read and parsed again by
``load``, so a logdir of many graphs holds none of them. Each graph is parsed once when
it is indexed, to report a malformed one as a problem; nothing of that parse is kept.
``Event.tagged_run_metadata`` (torch writes one, tag ``step1``, beside its graph) holds
execution stats, not a graph: it is counted in the notes of the run's op graphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from google.protobuf.message import DecodeError

from tbnb.events import decode
from tbnb.events.blobs import RecordReader, read_event
from tbnb.events.graph_attrs import missing_note, render_attr, shape_of
from tbnb.events.graph_keras import keras_graph
from tbnb.events.points import Graph, GraphEdge, GraphInfo, GraphNode, Shape
from tbnb.events.proto import graph_pb2

OP, KERAS = "op", "keras"  # Graph.kind
RUN_METADATA_GRAPH = "graph_run_metadata_graph"
KERAS_MODEL = "graph_keras_model"
PLUGINS = frozenset({RUN_METADATA_GRAPH, KERAS_MODEL})
GRAPH_DEF_TAG = "graph"
# where a graph's bytes are (GraphRef.source)
GRAPH_DEF, RUN_METADATA = "graph_def", "run_metadata"


@dataclass(slots=True)
class GraphRef:
    """Where one graph is: its record (offset and data length in a file), no bytes."""

    tag: str
    source: str  # GRAPH_DEF, RUN_METADATA or KERAS_MODEL
    step: int
    wall_time: float
    offset: int
    length: int
    value_index: int  # the summary value holding it (-1 for Event.graph_def)
    reader: RecordReader = field(repr=False)
    error: str = ""  # why it cannot be read ("" if it can)
    writes: int = 1  # how many times the tag was written (the last is kept)
    nodes: int = 0  # counted when indexed
    edges: int = 0

    @property
    def kind(self) -> str:
        return KERAS if self.source == KERAS_MODEL else OP


@dataclass(frozen=True)
class RunStats:
    """An Event.tagged_run_metadata: how many node stats it holds."""

    tag: str
    step: int
    node_stats: int


class GraphIndex:
    """The graphs of one run, by tag, in the order they were first written."""

    def __init__(self) -> None:
        self.refs: dict[str, GraphRef] = {}
        self.stats: list[RunStats] = []

    def tags(self) -> list[str]:
        return list(self.refs)

    def clear(self) -> None:
        self.refs.clear()
        self.stats.clear()

    def purge(self, step: int) -> list[str]:
        """SessionLog.START at ``step``: forget what was written at step >= step; the
        tags forgotten."""
        gone = [t for t, r in self.refs.items() if r.step >= step]
        self.refs = {t: r for t, r in self.refs.items() if r.step < step}
        self.stats = [s for s in self.stats if s.step < step]
        return gone

    def info(self, run: str, tag: str) -> GraphInfo | None:
        """The listing of graph ``tag`` (None: there is none), read by ``load``."""
        ref = self.refs.get(tag)
        if ref is None:
            return None
        return GraphInfo(
            ref.tag,
            ref.kind,
            ref.step,
            ref.wall_time,
            ref.nodes,
            ref.edges,
            ref.error,
            lambda: load(run, ref, list(self.stats)),
        )

    def add(
        self,
        ev: Any,
        offset: int,
        length: int,
        reader: RecordReader,
        vi: int = -1,
        plugin: str = "",
    ) -> tuple[GraphRef, bool]:
        """Index the graph of an event (``vi``: its summary value of ``plugin``, -1 for
        graph_def); its ref (``error`` says why it cannot be read) and if its tag is new."""
        if vi < 0:
            source = GRAPH_DEF
            n = len([r for r in self.refs.values() if r.source == GRAPH_DEF])
            tag = GRAPH_DEF_TAG if n == 0 else f"{GRAPH_DEF_TAG}_{n}"
            while tag in self.refs:
                n += 1
                tag = f"{GRAPH_DEF_TAG}_{n}"
        else:
            v = ev.summary.value[vi]
            tag = v.tag or v.node_name
            source = RUN_METADATA if plugin == RUN_METADATA_GRAPH else KERAS_MODEL
        ref = GraphRef(tag, source, int(ev.step), float(ev.wall_time), offset, length, vi, reader)
        try:
            nodes, edges, _ = _parse(ref, ev)
            ref.nodes, ref.edges = len(nodes), len(edges)
        except ValueError as e:
            ref.error = str(e)
        old = self.refs.get(tag)
        if old is not None:
            ref.writes = old.writes + 1
        self.refs[tag] = ref
        return ref, old is None

    def add_run_metadata(self, ev: Any) -> None:
        """An Event.tagged_run_metadata: its tag and node stats, for the notes."""
        tagged = graph_pb2.TaggedRunMetadata()
        rm = graph_pb2.RunMetadata()
        try:
            tagged.ParseFromString(ev.tagged_run_metadata)
            rm.ParseFromString(tagged.run_metadata)
        except (DecodeError, RecursionError, ValueError):
            return
        count = sum(len(d.node_stats) for d in rm.step_stats.dev_stats)
        self.stats.append(RunStats(tagged.tag, int(ev.step), count))


def load(run: str, ref: GraphRef, stats: list[RunStats]) -> Graph:
    """Read the graph of ``ref`` from its file. ValueError if it cannot be read."""
    if ref.error:
        raise ValueError(f"graph {ref.tag!r} of run {run!r} cannot be read: {ref.error}")
    try:
        ev = read_event(ref.reader, ref.offset, ref.length)
    except OSError as e:
        raise ValueError(f"graph {ref.tag!r} of run {run!r} cannot be read: {e}") from e
    try:
        nodes, edges, notes = _parse(ref, ev)
    except ValueError as e:
        raise ValueError(f"graph {ref.tag!r} of run {run!r} cannot be read: {e}") from e
    if ref.writes > 1:
        notes.append(f"written {ref.writes} times: the last (step {ref.step}) is shown")
    if ref.kind == OP:
        for s in stats:
            held = f"{s.node_stats} node stats" if s.node_stats else "no node stats"
            notes.append(f"run metadata {s.tag!r} (step {s.step}) holds {held}")
    return Graph(run, ref.tag, ref.kind, ref.step, ref.wall_time, nodes, edges, tuple(notes))


Parsed = tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...], list[str]]


def _parse(ref: GraphRef, ev: Any) -> Parsed:
    """The graph in event ``ev``; ValueError (a sentence) if it is not one."""
    if ref.source == GRAPH_DEF:
        if ev.WhichOneof("what") != "graph_def":
            raise ValueError("the record holds no graph_def")
        return op_graph([_graph_def(ev.graph_def)])
    if ref.value_index >= len(ev.summary.value):
        raise ValueError("the record holds no such summary value")
    cells = decode.tensor_to_numpy(ev.summary.value[ref.value_index].tensor)
    if not isinstance(cells, list) or len(cells) != 1:
        raise ValueError("the summary value is not one string")
    if ref.source == KERAS_MODEL:
        try:
            text = cells[0].decode("utf-8")
        except UnicodeDecodeError as e:
            raise ValueError("the Keras model config is not UTF-8 text") from e
        return keras_graph(text)
    rm = graph_pb2.RunMetadata()
    try:
        rm.ParseFromString(cells[0])
    except (DecodeError, RecursionError) as e:
        raise ValueError(f"malformed RunMetadata ({e})") from e
    graphs = [fg.pre_optimization_graph for fg in rm.function_graphs]
    if not graphs:
        raise ValueError("the RunMetadata holds no function graph")
    return op_graph(graphs)


def _graph_def(data: bytes) -> Any:
    gd = graph_pb2.GraphDef()
    try:
        gd.ParseFromString(data)
    except (DecodeError, RecursionError) as e:
        raise ValueError(f"malformed GraphDef ({e})") from e
    return gd


def _source_of(name: str, names: dict[str, GraphNode]) -> tuple[str, int, bool]:
    """An input string -> (node name, output index, control)."""
    control = name.startswith("^")
    if control:
        name = name[1:]
    if name in names:
        return name, 0, control
    head, sep, port = name.rpartition(":")
    if sep and port.isdigit():
        return head, int(port), control
    return name, 0, control


def op_graph(graph_defs: list[Any]) -> Parsed:
    """Nodes, edges and notes of GraphDefs (several: each under ``graph_<i>/``)."""
    nodes: dict[str, GraphNode] = {}
    notes: list[str] = []
    several = len(graph_defs) > 1
    if several:
        notes.append(f"{len(graph_defs)} function graphs, each under graph_<i>/")
    for gi, gd in enumerate(graph_defs, 1):
        prefix = f"graph_{gi}/" if several else ""
        for n in gd.node:
            attrs = {k: render_attr(n.attr[k]) for k in sorted(n.attr) if k != "_output_shapes"}
            shapes: tuple[Shape, ...] = ()
            if "_output_shapes" in n.attr:
                shapes = tuple(shape_of(s) for s in n.attr["_output_shapes"].list.shape)
            inputs = tuple(
                ("^" + prefix + i[1:]) if i.startswith("^") else prefix + i for i in n.input
            )
            name = prefix + n.name
            nodes[name] = GraphNode(name, n.op, inputs, shapes, n.device, attrs)
    edges: list[GraphEdge] = []
    missing: dict[str, int] = {}
    for node in nodes.values():
        for inp in node.inputs:
            src, port, control = _source_of(inp, nodes)
            source = nodes.get(src)
            if source is None:
                missing[src] = missing.get(src, 0) + 1
                continue
            shape = source.output_shapes[port] if port < len(source.output_shapes) else None
            edges.append(GraphEdge(src, node.name, None if control else shape, control))
    if missing:
        notes.insert(0, missing_note(missing))
    return tuple(nodes.values()), tuple(edges), notes
