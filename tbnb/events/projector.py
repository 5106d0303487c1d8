"""Projector assets: projector_config.pbtxt and the tensors/metadata/sprite it names.

Layout as torch and tensorboardX write it: ``<run>/projector_config.pbtxt`` with paths
relative to the run directory (``00003/feat/tensors.tsv``). Paths that resolve outside
both the logdir and the run's folder (a linked run folder is read like any other) are
refused.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from typing import Any

import numpy as np
from google.protobuf import text_format

from tbnb.events.points import Embedding
from tbnb.events.proto import projector_pb2
from tbnb.events.source import PROJECTOR_CONFIG, Source, normalize_rel

PROJECTOR_PATH = PROJECTOR_CONFIG

_NAME_STEP = re.compile(r"^(.*):(\d+)$")


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
    for i, emb in enumerate(cfg.embeddings):
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
    rows = [ln.split("\t") for ln in lines]
    if rows and len(rows[0]) > 1:
        return rows[1:], rows[0]
    return rows, None


def load(source: Source, info: EmbeddingInfo, run: str = ".") -> tuple[Embedding | None, list[str]]:
    """Read one embedding's files (named by the config of ``run``); returns it (or None)
    and problem messages. Files must resolve inside the logdir or the run's folder."""
    problems: list[str] = []
    assert info.tensor_path is not None
    for p in (info.tensor_path, info.metadata_path, info.sprite_path):
        if p is not None and not source.confined(p, run):
            return None, [f"{p}: path leaves the logdir (symlink?): refused"]
    try:
        vectors = parse_tensors(source.read_rel(info.tensor_path))
    except (OSError, ValueError, UnicodeDecodeError) as e:
        return None, [f"{info.tensor_path}: cannot read tensors: {e}"]
    metadata = header = None
    if info.metadata_path:
        try:
            metadata, header = parse_metadata(source.read_rel(info.metadata_path), len(vectors))
        except (OSError, UnicodeDecodeError) as e:
            problems.append(f"{info.metadata_path}: cannot read metadata: {e}")
        if metadata is not None and len(metadata) != len(vectors):
            problems.append(f"{info.metadata_path}: {len(metadata)} rows for {len(vectors)} points")
    sprite = None
    if info.sprite_path:
        try:
            sprite = source.read_rel(info.sprite_path)
        except OSError as e:
            problems.append(f"{info.sprite_path}: cannot read sprite: {e}")
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
