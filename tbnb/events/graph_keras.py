"""The Keras callback's conceptual graph: the model config JSON -> layers and edges.

Each layer is a node named ``<model>/<layer>`` (a nested model adds its own scope), its
op is its ``class_name``, its attributes are ``class_name`` and ``config`` (as JSON).
Edges come from each layer's ``inbound_nodes`` in a functional model (Keras 3 writes
``keras_history`` entries, Keras 2 ``[layer, node, tensor, kwargs]`` lists), from the
layer order in a Sequential one. An edge into a nested model goes to its input layers,
one out of it leaves from its output layers.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from tbnb.events.graph_attrs import missing_note
from tbnb.events.points import GraphEdge, GraphNode, Shape

MAX_CONFIG_TEXT = 4000  # characters of a layer's config kept as its attribute
MAX_DEPTH = 32  # nested models followed

Parsed = tuple[tuple[GraphNode, ...], tuple[GraphEdge, ...], list[str]]


def keras_graph(text: str) -> Parsed:
    """Nodes, edges and notes of a Keras model config; ValueError if it is not one."""
    try:
        model = json.loads(text)
    except (ValueError, RecursionError) as e:
        raise ValueError(f"the Keras model config is not JSON ({e})") from e
    if not isinstance(model, dict) or not isinstance(model.get("config"), dict):
        raise ValueError("the Keras model config holds no 'config' object")
    b = _Builder()
    b.model(model, "", 0)
    notes: list[str] = []
    edges: list[GraphEdge] = []
    for src, dst, shape in b.links:
        for s in b.exits.get(src, [src]):
            for d in b.entries.get(dst, [dst]):
                if s in b.nodes and d in b.nodes:
                    edges.append(GraphEdge(s, d, shape))
                else:
                    missing = s if s not in b.nodes else d
                    b.missing[missing] = b.missing.get(missing, 0) + 1
    if b.missing:
        notes.append(missing_note(b.missing))
    inputs: dict[str, list[str]] = {}
    for edge in edges:
        inputs.setdefault(edge.target, []).append(edge.source)
    nodes = tuple(replace(n, inputs=tuple(inputs.get(n.name, ()))) for n in b.nodes.values())
    return nodes, tuple(edges), notes


def _shape(value: Any) -> Shape:
    if not isinstance(value, list) or not all(d is None or isinstance(d, int) for d in value):
        return None
    return tuple(value)


def _histories(obj: Any, out: list[tuple[str, Shape]]) -> None:
    """The (layer name, tensor shape) of each tensor an inbound node names."""
    if isinstance(obj, dict):
        cfg = obj.get("config")
        hist = cfg.get("keras_history") if isinstance(cfg, dict) else None
        if isinstance(hist, list) and hist and isinstance(hist[0], str):  # Keras 3
            out.append((hist[0], _shape(cfg.get("shape"))))  # type: ignore[union-attr]
            return
        for v in obj.values():
            _histories(v, out)
    elif isinstance(obj, list):
        if len(obj) >= 3 and isinstance(obj[0], str) and isinstance(obj[1], int):  # Keras 2
            out.append((obj[0], None))
            return
        for v in obj:
            _histories(v, out)


def _layer_names(spec: Any) -> list[str]:
    """Names in ``input_layers`` / ``output_layers``: [name, 0, 0] or a list of them."""
    if isinstance(spec, list) and spec and isinstance(spec[0], str):
        return [spec[0]]
    if isinstance(spec, list):
        return [n for s in spec for n in _layer_names(s)]
    return []


class _Builder:
    def __init__(self) -> None:
        self.nodes: dict[str, GraphNode] = {}
        self.links: list[tuple[str, str, Shape]] = []  # by scoped name, models included
        self.entries: dict[str, list[str]] = {}  # a nested model -> its input layers
        self.exits: dict[str, list[str]] = {}  # ... and its output layers
        self.missing: dict[str, int] = {}

    def model(self, model: dict[str, Any], scope: str, depth: int) -> tuple[list[str], list[str]]:
        """Add a model's layers under ``scope``; its entry and exit nodes."""
        cfg = model["config"]
        name = str(cfg.get("name") or model.get("name") or model.get("class_name") or "model")
        prefix = f"{scope}{name}/"
        layers = [ly for ly in cfg.get("layers") or [] if isinstance(ly, dict)]
        names: list[str] = []
        for i, layer in enumerate(layers):
            names.append(self.layer(layer, prefix, i, depth))
        functional = any(ly.get("inbound_nodes") for ly in layers)
        if functional:
            for layer, full in zip(layers, names, strict=True):
                found: list[tuple[str, Shape]] = []
                _histories(layer.get("inbound_nodes"), found)
                for src, shape in found:
                    self.links.append((prefix + src, full, shape))
            ins = [prefix + n for n in _layer_names(cfg.get("input_layers"))] or names[:1]
            outs = [prefix + n for n in _layer_names(cfg.get("output_layers"))] or names[-1:]
            return ins, outs
        for i in range(1, len(layers)):  # Sequential: each layer feeds the next
            built = layers[i].get("build_config")
            shape = _shape(built.get("input_shape")) if isinstance(built, dict) else None
            self.links.append((names[i - 1], names[i], shape))
        return names[:1], names[-1:]

    def layer(self, layer: dict[str, Any], prefix: str, i: int, depth: int) -> str:
        cfg = layer.get("config")
        cfg = cfg if isinstance(cfg, dict) else {}
        class_name = str(layer.get("class_name", ""))
        name = str(layer.get("name") or cfg.get("name") or f"layer_{i}")
        full = prefix + name
        if isinstance(cfg.get("layers"), list) and depth < MAX_DEPTH:  # a nested model
            ins, outs = self.model({"class_name": class_name, "config": cfg}, prefix, depth + 1)
            self.entries[full], self.exits[full] = ins, outs
            return full
        shown = {k: v for k, v in cfg.items() if k != "layers"}
        text = json.dumps(shown, separators=(", ", ": "))
        if len(text) > MAX_CONFIG_TEXT:
            text = text[:MAX_CONFIG_TEXT] + f"... ({len(text) - MAX_CONFIG_TEXT} more characters)"
        shape = _shape(cfg.get("batch_shape", cfg.get("batch_input_shape")))
        outputs: tuple[Shape, ...] = (shape,) if class_name == "InputLayer" else ()
        attrs = {"class_name": class_name, "config": text}
        self.nodes[full] = GraphNode(full, class_name, (), outputs, "", attrs)
        return full
