"""Meshes and point clouds (TensorBoard's mesh plugin): one mesh from up to three tensors.

A mesh summary writes one tensor value per part, each with plugin ``mesh`` and a
``MeshPluginData`` naming the mesh it belongs to and the part it is: ``VERTEX``
(``[samples, n, 3]`` coordinates), ``FACE`` (``[samples, m, 3]`` vertex indices of
triangles) and ``COLOR`` (``[samples, n, 3]`` RGB, 0-255). torch and TensorBoard tag them
``<name>_VERTEX``..., tensorboardX ``<name>_1``...; torch and tensorboardX write the
three in one event (as floats), TF2 in three events of one step (float32, int32,
uint8), and TF2 writes a tag's metadata with its first value only. So parts are put
together by the mesh name of their tag's metadata and by step: one `MeshPoint` per
(mesh, step).

Only where each tensor lies in its event file is kept (`MeshTensor`): its values are
read again from there when they are asked for, so a run of big meshes costs the kernel
their listing only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
from google.protobuf.message import DecodeError

from tbnb.events import decode
from tbnb.events.blobs import RecordReader, read_event
from tbnb.events.proto import mesh_pb2
from tbnb.events.store import PointList

PLUGIN = "mesh"
VERTEX, FACE, COLOR = 1, 2, 3  # MeshPluginData.ContentType
PART_NAMES = {VERTEX: "VERTEX", FACE: "FACE", COLOR: "COLOR"}
_SLOTS = {VERTEX: "vertex", FACE: "face", COLOR: "color"}


@dataclass(frozen=True)
class MeshTensor:
    """One part of a mesh: its shape and dtype as written, and where its record is;
    ``array()`` reads the values from the event file now."""

    shape: tuple[int, ...]
    dtype: str  # as written: "float32" (torch, tensorboardX), "int32", "uint8"...
    offset: int
    length: int
    value_index: int
    reader: RecordReader = field(repr=False, compare=False)

    def array(self) -> npt.NDArray[Any]:
        """The tensor as written (its dtype and shape); ValueError if it cannot be read."""
        try:
            ev = read_event(self.reader, self.offset, self.length)
        except OSError as e:
            raise ValueError(f"its record cannot be read again: {e}") from e
        values = ev.summary.value
        arr = decode.tensor_of(values[self.value_index]) if self.value_index < len(values) else None
        if arr is None:
            raise ValueError("its tensor cannot be decoded")
        return arr


@dataclass(frozen=True)
class MeshData:
    """One sample of a mesh, checked and ready to draw: ``vertices`` float32 ``[n, 3]``,
    ``faces`` int32 ``[m, 3]`` (indices into the vertices) or None for a point cloud,
    ``colors`` uint8 ``[n, 3]`` or None."""

    vertices: npt.NDArray[np.float32]
    faces: npt.NDArray[np.int32] | None
    colors: npt.NDArray[np.uint8] | None


@dataclass(frozen=True)
class MeshPoint:
    """A mesh at one step: its parts (None: not written), the scene settings written
    with it (``json_config``, three.js names) and why it cannot be drawn (`problem`).
    ``vertices``, ``faces`` and ``colors`` read the tensors from the event file."""

    step: int
    wall_time: float
    name: str
    json_config: str = ""
    components: int = 0  # the bitmask as written (bit 1 << part); 0: not written
    vertex: MeshTensor | None = None
    face: MeshTensor | None = None
    color: MeshTensor | None = None
    error: str = ""  # the metadata could not be read

    # ---- what it is, from the listing (nothing read) --------------------------------
    @property
    def samples(self) -> int:
        """Meshes in the batch written (the first dimension of the vertices)."""
        shape = self.vertex.shape if self.vertex is not None else ()
        return shape[0] if len(shape) == 3 else (1 if len(shape) == 2 else 0)

    @property
    def vertex_count(self) -> int:
        return _rows(self.vertex)

    @property
    def face_count(self) -> int:
        return _rows(self.face)

    @property
    def has_colors(self) -> bool:
        return self.color is not None

    @property
    def config(self) -> dict[str, Any]:
        """``json_config`` parsed ({} when absent or not a JSON object)."""
        try:
            got = json.loads(self.json_config) if self.json_config else {}
        except ValueError:
            return {}
        return got if isinstance(got, dict) else {}

    @property
    def problem(self) -> str:
        """Why this mesh cannot be drawn, as a sentence ("" when it can, as far as the
        shapes tell: face indices are checked when the tensors are read)."""
        if self.error:
            return self.error
        if self.vertex is None:
            parts = [PART_NAMES[p] for p in (FACE, COLOR) if getattr(self, _SLOTS[p])]
            return (
                f"mesh {self.name!r} at step {self.step} has no VERTEX tensor"
                f" (only {', '.join(parts)})"
            )
        vs = self.vertex.shape
        if len(vs) not in (2, 3) or vs[-1] != 3:
            return f"its vertices have shape {_shape(vs)}, not [samples, n, 3]"
        for what, t in (("faces", self.face), ("colours", self.color)):
            if t is None:
                continue
            s = t.shape
            if len(s) != len(vs) or s[-1] != 3 or (len(s) == 3 and s[0] != vs[0]):
                return f"its {what} have shape {_shape(s)}, its vertices {_shape(vs)}"
        if self.color is not None and self.color.shape[-2] != vs[-2]:
            return f"{self.color.shape[-2]} colours for {vs[-2]} vertices"
        return ""

    # ---- the tensors, read now ----------------------------------------------------
    @property
    def vertices(self) -> npt.NDArray[Any] | None:
        return self.vertex.array() if self.vertex is not None else None

    @property
    def faces(self) -> npt.NDArray[Any] | None:
        return self.face.array() if self.face is not None else None

    @property
    def colors(self) -> npt.NDArray[Any] | None:
        return self.color.array() if self.color is not None else None

    def data(self, sample: int = 0) -> MeshData:
        """Sample ``sample`` of the batch, checked (ValueError says what is wrong)."""
        wrong = self.problem
        if wrong:
            raise ValueError(wrong)
        if not 0 <= sample < max(self.samples, 1):
            raise ValueError(f"no sample {sample}: the mesh has {self.samples}")
        v = _part(self.vertices, sample, "vertices")
        if not np.isfinite(v).all():
            bad = int((~np.isfinite(v).all(axis=1)).sum())
            raise ValueError(f"{bad} of its {len(v)} vertices are NaN or infinite")
        faces = None
        if self.face is not None:
            f = _part(self.faces, sample, "faces")
            if f.size and (not np.isfinite(f).all() or (f != np.round(f)).any()):
                raise ValueError("its faces hold indices that are not whole numbers")
            if f.size and (f.min() < 0 or f.max() >= len(v)):
                i = int(np.flatnonzero(((f < 0) | (f >= len(v))).any(axis=1))[0])
                idx = [int(x) for x in f[i]]
                raise ValueError(
                    f"face {i} uses vertices {idx}, but the mesh has {len(v)} vertices"
                    f" (0 to {len(v) - 1})"
                )
            faces = f.astype(np.int32)
        colors = None
        if self.color is not None:
            c = _part(self.colors, sample, "colours")
            colors = np.clip(np.nan_to_num(c), 0, 255).astype(np.uint8)
        return MeshData(v.astype(np.float32), faces, colors)


def _rows(t: MeshTensor | None) -> int:
    return t.shape[-2] if t is not None and len(t.shape) >= 2 else 0


def _shape(s: tuple[int, ...]) -> str:
    return "[" + ", ".join(str(d) for d in s) + "]"


def _part(arr: npt.NDArray[Any] | None, sample: int, what: str) -> npt.NDArray[Any]:
    if arr is None or arr.dtype.kind not in "fiub":
        raise ValueError(f"its {what} are not numbers")
    if arr.ndim == 3:
        arr = arr[sample]
    if arr.ndim != 2 or arr.shape[1] != 3:
        raise ValueError(f"its {what} have shape {_shape(arr.shape)}, not [n, 3]")
    return arr


@dataclass(frozen=True)
class MeshMeta:
    """What a tag's MeshPluginData says."""

    name: str
    part: int  # VERTEX, FACE, COLOR; 0: unreadable
    json_config: str = ""
    components: int = 0
    error: str = ""


class MeshTags:
    """The mesh tags of one run: each one's metadata, remembered from its first value."""

    def __init__(self) -> None:
        self._meta: dict[str, MeshMeta] = {}

    def clear(self) -> None:
        self._meta.clear()

    def part(
        self, value: Any, tag: str, vi: int, offset: int, length: int, reader: RecordReader
    ) -> tuple[MeshMeta, MeshTensor | None, str]:
        """The mesh and part a value is, and where its tensor is (None: it has none);
        the last item is a problem to report ("" when none, or already reported)."""
        meta = self._meta.get(tag)
        said = ""
        if meta is None or decode.plugin_content(value):
            new = _parse(tag, decode.plugin_content(value))
            if meta is None or not new.error:
                if new.error and meta is None:
                    said = f"mesh tag {tag!r}: {new.error}"
                meta = self._meta[tag] = new
        if meta.error or value.WhichOneof("value") != "tensor":
            return meta, None, said
        tp = value.tensor
        dtype = decode._DTYPES.get(int(tp.dtype))
        shape = decode.tensor_shape(tp)
        name = np.dtype(dtype).name if dtype else "string" if tp.dtype == decode.DT_STRING else "?"
        return meta, MeshTensor(shape, name, offset, length, vi, reader), said


def _parse(tag: str, content: bytes) -> MeshMeta:
    md = mesh_pb2.MeshPluginData()
    try:
        md.ParseFromString(content)
    except (DecodeError, RecursionError, ValueError):
        return MeshMeta(tag, 0, error="its MeshPluginData cannot be read (garbled metadata)")
    part = int(md.content_type)
    if part not in PART_NAMES:
        return MeshMeta(md.name or tag, 0, error=f"its MeshPluginData names no known part ({part})")
    return MeshMeta(md.name or tag, part, str(md.json_config), int(md.components))


def _with(point: MeshPoint, part: int, t: MeshTensor | None) -> MeshPoint:
    if part == VERTEX:
        return replace(point, vertex=t)
    if part == FACE:
        return replace(point, face=t)
    return replace(point, color=t) if part == COLOR else point


def add(
    points: PointList[MeshPoint], step: int, wall: float, meta: MeshMeta, t: MeshTensor | None
) -> None:
    """Adds one part to the mesh's points: to the mesh of the same step when that one
    lacks it (TF2 writes the parts in three events), else as a new point (a mesh written
    again at a step replaces it, and drops later steps, as every series does)."""
    items = points.items
    last = items[-1] if items else None
    slot = _SLOTS.get(meta.part, "")
    if (
        last is not None
        and last.step == step
        and slot
        and not last.error
        and not meta.error
        and getattr(last, slot) is None
    ):
        items[-1] = replace(
            _with(last, meta.part, t),
            json_config=last.json_config or meta.json_config,
            components=last.components or meta.components,
        )
        points.dirty_from = min(points.dirty_from, len(items) - 1)
        return
    point = MeshPoint(step, wall, meta.name, meta.json_config, meta.components, error=meta.error)
    points.add(step, [_with(point, meta.part, t)])
