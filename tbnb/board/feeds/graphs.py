"""What the browser holds of the graphs (GraphDelta, GraphData in js/src/protocol.ts).

The feed keeps only each graph's listing (`GraphInfo`: tag, kind, counts, and how to read
it): a graph's nodes are read from its event file when they are sent, and dropped after,
so an unopened graph costs the kernel nothing. A small graph is pushed with its listing
(the Graphs tab then works while a training cell keeps the kernel busy); a larger one is
sent when the browser asks for it (`GraphRequest`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, cast

import numpy as np

from tbnb.board.feeds.base import Feed, FeedChange, Fields, Offline
from tbnb.board.protocol import (
    GRAPH_DATA,
    GRAPH_REQUEST,
    Buffers,
    GraphData,
    GraphDataMessage,
    GraphDelta,
    GraphEntry,
    Message,
    delta_header,
)
from tbnb.events import Graph, GraphInfo
from tbnb.events.kinds import Kind
from tbnb.events.points import Shape

# A graph of at most this many nodes is pushed when it changes and in the snapshot ...
PUSH_NODES = 5_000
# ... while a message pushes at most this many nodes in all (the rest are asked for).
PUSH_BUDGET_NODES = 20_000
MAX_GRAPHS_PER_REQUEST = 8
TIMES = "\u00d7"


def shape_text(shape: Shape) -> str:
    """A shape as the tab shows it: 2, 3, 32, 32 as "2x3x32x32" (with the sign for
    times, U+00D7), "scalar", "" when unknown."""
    if shape is None:
        return ""
    if not shape:
        return "scalar"
    return TIMES.join("?" if d is None else str(d) for d in shape)


def shape_size(shape: Shape) -> float:
    """Elements of a tensor of this shape (NaN when a dimension is unknown)."""
    if shape is None or any(d is None for d in shape):
        return math.nan
    return float(math.prod(cast(tuple[int, ...], shape)))


def graph_data(run: str, tag: str, graph: Graph, buffers: Buffers) -> GraphData:
    """The nodes and edges of ``graph`` as the browser takes them."""
    index = {n.name: i for i, n in enumerate(graph.nodes)}
    table: dict[str, int] = {}
    edge_shape: list[int] = []
    for e in graph.edges:
        text = shape_text(e.shape)
        edge_shape.append(table.setdefault(text, len(table)) if text else -1)
    return {
        "run": run,
        "tag": tag,
        "step": graph.step,
        "kind": _kind(graph.kind),
        "error": "",
        "names": [n.name for n in graph.nodes],
        "ops": [n.op for n in graph.nodes],
        "devices": [n.device for n in graph.nodes],
        "output_shapes": [", ".join(shape_text(s) for s in n.output_shapes) for n in graph.nodes],
        "attributes": [[[k, v] for k, v in n.attributes.items()] for n in graph.nodes],
        "shape_table": list(table),
        "edge_source": buffers.add(np.array([index[e.source] for e in graph.edges], np.int32)),
        "edge_target": buffers.add(np.array([index[e.target] for e in graph.edges], np.int32)),
        "edge_shape": buffers.add(np.array(edge_shape, np.int32)),
        "edge_size": buffers.add(np.array([shape_size(e.shape) for e in graph.edges], np.float64)),
        "edge_control": buffers.add(np.array([e.control for e in graph.edges], np.uint8)),
        "notes": list(graph.notes),
    }


def failed_data(
    run: str, tag: str, info: GraphInfo | None, error: str, buffers: Buffers
) -> GraphData:
    """A GraphData saying why the graph could not be sent (no nodes, no edges)."""
    return {
        "run": run,
        "tag": tag,
        "step": info.step if info is not None else -1,
        "kind": _kind(info.kind if info is not None else "op"),
        "error": error,
        "names": [], "ops": [], "devices": [], "output_shapes": [], "attributes": [],
        "shape_table": [],
        "edge_source": buffers.add(np.zeros(0, np.int32)),
        "edge_target": buffers.add(np.zeros(0, np.int32)),
        "edge_shape": buffers.add(np.zeros(0, np.int32)),
        "edge_size": buffers.add(np.zeros(0, np.float64)),
        "edge_control": buffers.add(np.zeros(0, np.uint8)),
        "notes": [],
    }  # fmt: skip


def _kind(kind: str) -> Literal["op", "keras"]:
    return "keras" if kind == "keras" else "op"


def _entry(info: GraphInfo) -> GraphEntry:
    return {
        "kind": _kind(info.kind),
        "step": info.step,
        "wall_time": info.wall_time,
        "nodes": info.nodes,
        "edges": info.edges,
        "error": info.error,
    }


@dataclass
class GraphFeed(Feed):
    """The graphs listed per (run, tag): a series of at most one `GraphInfo`."""

    kind: ClassVar[Kind] = Kind.GRAPHS
    fields: ClassVar[tuple[str, ...]] = ("graphs", "graph_data")

    _infos: dict[tuple[str, str], Sequence[GraphInfo]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(i) for i in self._infos.values())

    def infos(self) -> dict[tuple[str, str], GraphInfo]:
        """The graph of every (run, tag) listed."""
        return {k: v[0] for k, v in self._infos.items() if v}

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        out: list[GraphDelta] = []
        changed: list[tuple[str, str]] = []
        for c in changes:
            listed: Sequence[GraphInfo] = c.series
            self._infos[(c.run, c.tag)] = listed
            if buffers is not None:
                out.append(_delta(c.run, c.tag, listed))
                changed.append((c.run, c.tag))
        pushed = self._push(changed, buffers) if buffers is not None else []
        return {"graphs": out, "graph_data": pushed}

    def snapshot(self, buffers: Buffers) -> Fields:
        deltas = [_delta(r, t, listed) for (r, t), listed in self._infos.items()]
        return {"graphs": deltas, "graph_data": self._push(list(self._infos), buffers)}

    def _push(self, keys: list[tuple[str, str]], buffers: Buffers) -> list[GraphData]:
        """The small graphs among ``keys``, within the budget of one message."""
        out: list[GraphData] = []
        budget = PUSH_BUDGET_NODES
        for key in keys:
            listed = self._infos.get(key)
            if not listed or listed[0].error or listed[0].nodes > min(PUSH_NODES, budget):
                continue
            budget -= listed[0].nodes
            out.append(self._data(key, buffers))
        return out

    def _data(self, key: tuple[str, str], buffers: Buffers) -> GraphData:
        run, tag = key
        listed = self._infos.get(key)
        if not listed:
            return failed_data(run, tag, None, f"there is no graph {tag!r} in run {run!r}", buffers)
        info = listed[0]
        try:
            graph = info.load()
        except (ValueError, KeyError, OSError) as e:
            return failed_data(run, tag, info, str(e), buffers)
        return graph_data(run, tag, graph, buffers)

    def answer(self, content: dict[str, Any]) -> Message | None:
        """GraphDataMessage answering a browser's GraphRequest."""
        if content.get("type") != GRAPH_REQUEST:
            return None
        buffers = Buffers()
        items: list[GraphData] = []
        asked = content.get("items")
        for item in asked[:MAX_GRAPHS_PER_REQUEST] if isinstance(asked, list) else []:
            if isinstance(item, dict):
                run, tag = item.get("run"), item.get("tag")
                if isinstance(run, str) and isinstance(tag, str):
                    items.append(self._data((run, tag), buffers))
        reply: GraphDataMessage = {"type": GRAPH_DATA, "items": items}
        return reply, buffers.items

    def offline(self, budget: int) -> Offline:
        """The graphs too large to be pushed, within ``budget`` bytes."""
        out = Offline(GRAPH_REQUEST, GRAPH_DATA, {}, [])
        for key, listed in self._infos.items():
            if not listed or listed[0].error or listed[0].nodes <= PUSH_NODES:
                continue
            buffers = Buffers()
            data = self._data(key, buffers)
            size = buffers.nbytes + len(json.dumps(data))
            if size > budget:
                continue
            budget -= size
            base = len(out.blobs)
            out.blobs.extend(bytes(b) for b in buffers.items)
            for ref in cast(dict[str, Any], data).values():  # its arrays name the blobs
                if isinstance(ref, dict) and "buffer" in ref:
                    ref["buffer"] += base
            item = json.dumps({"run": key[0], "tag": key[1]}, separators=(",", ":"))
            out.replies[item] = data
        return out


def _delta(run: str, tag: str, listed: Sequence[GraphInfo]) -> GraphDelta:
    return {**delta_header(run, tag, 0, len(listed)), "graphs": [_entry(i) for i in listed]}
