"""What the browser holds of the meshes (MeshDelta and MeshData in js/src/protocol.ts).

The browser holds each mesh's listing (a `MeshEntry` per step: counts, config, what is
wrong); the tensors are read from the event file when they are sent. The newest step of
a mesh that changed is pushed with its listing when it is small (so the Mesh tab follows
a live run while a training cell keeps the kernel busy); a larger one, or another step,
is sent when the browser asks for it (`MeshRequest`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, cast

from tbnb.board.feeds.base import Feed, FeedChange, Fields, Offline
from tbnb.board.protocol import (
    MESH_DATA,
    MESH_REQUEST,
    Buffers,
    MeshData,
    MeshDataMessage,
    MeshDelta,
    MeshEntry,
    Message,
    delta_header,
)
from tbnb.events import MeshPoint
from tbnb.events.kinds import Kind

# A mesh step of at most this many vertices + faces is pushed when it is new ...
PUSH_ELEMENTS = 50_000
# ... while a message pushes at most this many in all (the rest are asked for).
PUSH_BUDGET_ELEMENTS = 200_000
MAX_MESHES_PER_REQUEST = 8


def _size(p: MeshPoint) -> int:
    return p.vertex_count + p.face_count


def mesh_entry(p: MeshPoint) -> MeshEntry:
    return {
        "step": p.step,
        "wall_time": p.wall_time,
        "vertices": p.vertex_count,
        "faces": p.face_count,
        "colors": p.has_colors,
        "samples": p.samples,
        "config": p.json_config,
        "error": p.problem,
    }


def mesh_data(run: str, tag: str, points: Sequence[MeshPoint], index: int, b: Buffers) -> MeshData:
    """The first sample of entry ``index``, read from its file now (or why it cannot be)."""
    item: MeshData = {
        "run": run,
        "tag": tag,
        "index": index,
        "step": -1,
        "vertices": None,
        "faces": None,
        "colors": None,
        "error": "",
    }
    if not 0 <= index < len(points):
        item["error"] = "this mesh step is no longer in the logdir"
        return item
    p = points[index]
    item["step"] = p.step
    try:
        d = p.data()
    except ValueError as e:
        item["error"] = str(e)
        return item
    except Exception as e:  # a file gone, a remote read failing: shown on the card
        item["error"] = f"could not read the mesh: {e}"
        return item
    item["vertices"] = b.add(d.vertices)
    item["faces"] = b.add(d.faces) if d.faces is not None else None
    item["colors"] = b.add(d.colors) if d.colors is not None else None
    return item


@dataclass
class MeshFeed(Feed):
    """The meshes listed per (run, mesh name): a series of `MeshPoint`, one per step."""

    kind: ClassVar[Kind] = Kind.MESH
    fields: ClassVar[tuple[str, ...]] = ("meshes", "mesh_data")

    _points: dict[tuple[str, str], Sequence[MeshPoint]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self._points.values())

    def points(self) -> dict[tuple[str, str], Sequence[MeshPoint]]:
        """The steps of every (run, mesh) held."""
        return dict(self._points)

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        out: list[MeshDelta] = []
        changed: list[tuple[str, str]] = []
        for c in changes:
            points: Sequence[MeshPoint] = c.series
            self._points[(c.run, c.tag)] = points
            if buffers is not None:
                start = min(max(c.first_row, 0), len(points))
                out.append(_delta(c.run, c.tag, points, start))
                if start < len(points):
                    changed.append((c.run, c.tag))
        pushed = self._push(changed, buffers) if buffers is not None else []
        return {"meshes": out, "mesh_data": pushed}

    def snapshot(self, buffers: Buffers) -> Fields:
        deltas = [_delta(r, t, p, 0) for (r, t), p in self._points.items()]
        return {"meshes": deltas, "mesh_data": self._push(list(self._points), buffers)}

    def _push(self, keys: list[tuple[str, str]], buffers: Buffers) -> list[MeshData]:
        """The newest step of each of ``keys`` that is small, within one message's budget
        (a mesh that cannot be drawn is pushed too: its error is what the card shows)."""
        out: list[MeshData] = []
        budget = PUSH_BUDGET_ELEMENTS
        for key in keys:
            points = self._points.get(key)
            if not points:
                continue
            size = _size(points[-1])
            if size > min(PUSH_ELEMENTS, budget):
                continue
            budget -= size
            out.append(mesh_data(*key, points, len(points) - 1, buffers))
        return out

    def answer(self, content: dict[str, Any]) -> Message | None:
        """MeshDataMessage answering a browser's MeshRequest (bad items are skipped)."""
        if content.get("type") != MESH_REQUEST:
            return None
        buffers = Buffers()
        items: list[MeshData] = []
        asked = content.get("items")
        for item in asked[:MAX_MESHES_PER_REQUEST] if isinstance(asked, list) else []:
            if not isinstance(item, dict):
                continue
            run, tag, index = item.get("run"), item.get("tag"), item.get("index")
            if isinstance(run, str) and isinstance(tag, str) and isinstance(index, int):
                items.append(mesh_data(run, tag, self._points.get((run, tag), ()), index, buffers))
        reply: MeshDataMessage = {"type": MESH_DATA, "items": items}
        return reply, buffers.items

    def offline(self, budget: int) -> Offline:
        """Every step of every mesh, newest first per mesh, within ``budget`` bytes."""
        out = Offline(MESH_REQUEST, MESH_DATA, {}, [])
        for (run, tag), points in self._points.items():
            for index in range(len(points) - 1, -1, -1):
                buffers = Buffers()
                data = mesh_data(run, tag, points, index, buffers)
                size = buffers.nbytes + len(json.dumps(data))
                if size > budget:
                    break
                budget -= size
                base = len(out.blobs)
                out.blobs.extend(bytes(b) for b in buffers.items)
                for ref in cast(dict[str, Any], data).values():  # its arrays name the blobs
                    if isinstance(ref, dict) and "buffer" in ref:
                        ref["buffer"] += base
                key = json.dumps({"run": run, "tag": tag, "index": index}, separators=(",", ":"))
                out.replies[key] = data
        return out


def _delta(run: str, tag: str, points: Sequence[MeshPoint], start: int) -> MeshDelta:
    entries = [mesh_entry(p) for p in points[start:]]
    return {**delta_header(run, tag, start, len(points)), "meshes": entries}
