"""Projector assets: projector_config.pbtxt and the tensors/metadata/sprite it names.

Layout as torch and tensorboardX write it: ``<run>/projector_config.pbtxt`` with paths
relative to the run directory (``00003/feat/tensors.tsv``). Paths that resolve outside
both the logdir and the run's folder (a linked run folder is read like any other) are
refused.
"""

from __future__ import annotations

import io
import re
import struct
from dataclasses import dataclass
from typing import Any

import numpy as np
from google.protobuf import text_format

from tbnb.events.points import Embedding
from tbnb.events.proto import projector_pb2
from tbnb.events.source import PROJECTOR_CONFIG, Source, normalize_rel

PROJECTOR_PATH = PROJECTOR_CONFIG

_NAME_STEP = re.compile(r"^(.*):(\d+)$")

# The most read of an embedding's files (a larger file is refused and said): a bound on
# what one click on the Projector tab can make the kernel read and parse.
MAX_TENSOR_BYTES = 1 << 30
MAX_METADATA_BYTES = 256 << 20
MAX_SPRITE_BYTES = 64 << 20
# The most embeddings offered of one config (each is an option of the tab's menu).
MAX_EMBEDDINGS = 1000
# TensorBoard's projector refuses sprites larger than this a side; so do we, read from
# the image's header before anything is decoded.
MAX_SPRITE_SIDE = 8192

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
JPEG_MAGIC = b"\xff\xd8\xff"
# JPEG start-of-frame markers (they carry the size): C0-CF but DHT, JPG and DAC
_SOF = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


@dataclass(frozen=True)
class EmbeddingInfo:
    """One ``embeddings { ... }`` entry, paths already relative to the logdir."""

    tag: str
    step: int
    tensor_path: str | None
    metadata_path: str | None
    sprite_path: str | None
    sprite_dim: tuple[int, int] | None
    tensor_shape: tuple[int, ...]


def _join(run: str, rel: str) -> str | None:
    """``rel`` (relative to the run) as a path relative to the logdir; None if absolute."""
    if not rel or rel.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", rel):
        return None
    return normalize_rel(rel if run == "." else f"{run}/{rel}")


def parse_config(run: str, text: str) -> tuple[list[EmbeddingInfo], list[str]]:
    """Parse a projector config; returns entries and problem messages."""
    problems: list[str] = []
    cfg: Any = projector_pb2.ProjectorConfig()
    try:
        text_format.Parse(text, cfg, allow_unknown_field=True)
    except text_format.ParseError as e:
        return [], [f"malformed projector config: {e}"]
    except RecursionError:
        return [], ["malformed projector config: nested too deeply"]
    out: list[EmbeddingInfo] = []
    entries = cfg.embeddings
    if len(entries) > MAX_EMBEDDINGS:
        problems.append(
            f"the config lists {len(entries):,} embeddings: "
            f"the first {MAX_EMBEDDINGS:,} are offered"
        )
        entries = entries[:MAX_EMBEDDINGS]
    for i, emb in enumerate(entries):
        name = str(emb.tensor_name) or f"embedding_{i}"
        m = _NAME_STEP.match(name)
        tag, step = (m.group(1), int(m.group(2))) if m else (name, 0)
        paths: dict[str, str | None] = {}
        refused = False
        for key, rel in (
            ("tensor", str(emb.tensor_path)),
            ("metadata", str(emb.metadata_path)),
            ("sprite", str(emb.sprite.image_path)),
        ):
            joined = _join(run, rel)
            if rel and joined is None:
                problems.append(f"embedding {name!r}: path {rel!r} leaves the logdir: refused")
                refused = key == "tensor"
            paths[key] = joined
        if refused:
            continue
        if paths["tensor"] is None:
            problems.append(f"embedding {name!r} has no tensor_path (checkpoints unsupported)")
            continue
        dim = tuple(int(d) for d in emb.sprite.single_image_dim)
        out.append(
            EmbeddingInfo(
                tag=tag,
                step=step,
                tensor_path=paths["tensor"],
                metadata_path=paths["metadata"],
                sprite_path=paths["sprite"],
                sprite_dim=(dim[0], dim[1]) if len(dim) >= 2 else None,
                tensor_shape=tuple(int(d) for d in emb.tensor_shape),
            )
        )
    return out, problems


def parse_tensors(data: bytes) -> np.ndarray[Any, np.dtype[np.float32]]:
    """tensors.tsv: one row of tab-separated numbers per point."""
    text = data.decode("utf-8")
    rows = [ln for ln in text.splitlines() if ln.strip()]
    if not rows:
        return np.zeros((0, 0), dtype=np.float32)
    arr = np.loadtxt(io.StringIO("\n".join(rows)), delimiter="\t", dtype=np.float32, ndmin=2)
    return arr


def parse_metadata(data: bytes, n_points: int) -> tuple[list[list[str]], list[str] | None]:
    """metadata.tsv: one column without header, or several columns with a header row.

    ``n_points`` is unused by the format rule and kept for callers' checks.
    """
    del n_points
    lines = data.decode("utf-8").split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    rows = [ln.removesuffix("\r").split("\t") for ln in lines]  # \n or \r\n
    if rows and len(rows[0]) > 1:
        return rows[1:], rows[0]
    return rows, None


def image_size(data: bytes) -> tuple[str, int, int]:
    """(format, width, height) of a PNG or JPEG, read from its header (nothing decoded).

    Raises ValueError, saying what the bytes are instead, for anything else.
    """
    if data[:8] == PNG_MAGIC:
        if len(data) < 24 or data[12:16] != b"IHDR":
            raise ValueError("a PNG without its IHDR header")
        w, h = struct.unpack(">II", data[16:24])
        return "PNG", int(w), int(h)
    if data[:3] == JPEG_MAGIC:
        i = 2
        while i + 4 <= len(data):
            if data[i] != 0xFF:
                raise ValueError("a JPEG whose markers are corrupt")
            marker = data[i + 1]
            if marker == 0xFF:  # fill byte
                i += 1
                continue
            if marker == 0x01 or 0xD0 <= marker <= 0xD8:  # markers without a length
                i += 2
                continue
            (length,) = struct.unpack(">H", data[i + 2 : i + 4])
            if marker in _SOF:
                if i + 9 > len(data):
                    break
                h, w = struct.unpack(">HH", data[i + 5 : i + 9])
                return "JPEG", int(w), int(h)
            if length < 2:
                raise ValueError("a JPEG whose markers are corrupt")
            i += 2 + length
        raise ValueError("a JPEG without a frame header")
    raise ValueError("not a PNG or JPEG image (by its first bytes)")


def sprite_problem(data: bytes, cell: tuple[int, int] | None, n: int) -> str | None:
    """Why a sprite sheet cannot be shown for ``n`` points in cells of ``cell`` =
    (width, height) pixels; None if it can. Only the image's header is read."""
    try:
        kind, w, h = image_size(data)
    except ValueError as e:
        return f"the sprite is {e}"
    if w == 0 or h == 0:
        return f"the sprite is {w:,} x {h:,} pixels"
    if w > MAX_SPRITE_SIDE or h > MAX_SPRITE_SIDE:
        return (
            f"the sprite ({kind}) is {w:,} x {h:,} pixels, larger than the "
            f"{MAX_SPRITE_SIDE:,} x {MAX_SPRITE_SIDE:,} shown"
        )
    if cell is None:
        return "the config gives no single_image_dim (width and height) for the sprite"
    cw, ch = cell
    if cw <= 0 or ch <= 0:
        return f"single_image_dim {cw:,} x {ch:,} is not a size: both must be positive"
    if cw > w or ch > h:
        return f"single_image_dim {cw:,} x {ch:,} is larger than the sprite ({w:,} x {h:,})"
    cells = (w // cw) * (h // ch)
    if cells < n:
        return (
            f"the sprite ({w:,} x {h:,}) holds {cells:,} thumbnails of {cw:,} x {ch:,}, "
            f"fewer than the {n:,} points"
        )
    return None


def finite_rows(vectors: np.ndarray[Any, Any]) -> np.ndarray[Any, np.dtype[np.bool_]]:
    """Per point: True if all its values are finite (no NaN or Inf)."""
    if vectors.ndim != 2 or vectors.shape[1] == 0:
        return np.ones(len(vectors), dtype=bool)
    ok: np.ndarray[Any, np.dtype[np.bool_]] = np.isfinite(vectors).all(axis=1)
    return ok


def nonfinite_problem(vectors: np.ndarray[Any, Any]) -> str | None:
    """What the board says of NaN or Inf values in ``vectors`` (None: there are none)."""
    ok = finite_rows(vectors)
    bad_rows = int(len(ok) - np.count_nonzero(ok))
    if bad_rows == 0:
        return None
    values = int(vectors.size - np.count_nonzero(np.isfinite(vectors)))
    return (
        f"{values:,} NaN or Inf values in {bad_rows:,} of {len(ok):,} points: "
        f"{'that point is' if bad_rows == 1 else 'those points are'} left out of "
        "projections and neighbours"
    )


def load(source: Source, info: EmbeddingInfo, run: str = ".") -> tuple[Embedding | None, list[str]]:
    """Read one embedding's files (named by the config of ``run``); returns it (or None)
    and problem messages. Files must resolve inside the logdir or the run's folder."""
    problems: list[str] = []
    assert info.tensor_path is not None
    for p in (info.tensor_path, info.metadata_path, info.sprite_path):
        if p is not None and not source.confined(p, run):
            return None, [f"{p}: path leaves the logdir (symlink?): refused"]
    try:
        vectors = parse_tensors(source.read_rel(info.tensor_path, MAX_TENSOR_BYTES))
    except (OSError, ValueError, UnicodeDecodeError) as e:
        return None, [f"{info.tensor_path}: cannot read tensors: {e}"]
    bad = nonfinite_problem(vectors)
    if bad:
        problems.append(f"{info.tensor_path}: {bad}")
    metadata = header = None
    if info.metadata_path:
        try:
            metadata, header = parse_metadata(
                source.read_rel(info.metadata_path, MAX_METADATA_BYTES), len(vectors)
            )
        except (OSError, ValueError) as e:
            problems.append(f"{info.metadata_path}: cannot read metadata: {e}")
        if metadata is not None and len(metadata) != len(vectors):
            problems.append(f"{info.metadata_path}: {len(metadata)} rows for {len(vectors)} points")
    sprite = None
    if info.sprite_path:
        try:
            sprite = source.read_rel(info.sprite_path, MAX_SPRITE_BYTES)
        except (OSError, ValueError) as e:
            problems.append(f"{info.sprite_path}: cannot read sprite: {e}")
        if sprite is not None:
            why = sprite_problem(sprite, info.sprite_dim, len(vectors))
            if why:
                # kept as read: the board checks it again (sprite_problem) and sends none
                problems.append(f"{info.sprite_path}: {why}: the points show without thumbnails")
    emb = Embedding(
        tag=info.tag,
        step=info.step,
        vectors=vectors,
        metadata=metadata,
        metadata_header=header,
        sprite=sprite,
        sprite_size=info.sprite_dim if sprite is not None else None,
    )
    return emb, problems
