"""`tbnb.Projector`: the embedding projector for vectors held in memory."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

import anywidget
import numpy as np
import numpy.typing as npt
import traitlets

from tbnb.board.projector import EmbeddingData, ProjectorService
from tbnb.board.runtime import BUNDLE, front_end
from tbnb.compute.sprite import make_sprite


def _metadata(
    metadata: Any, header: Sequence[str] | None, n: int
) -> tuple[list[str] | None, list[list[str]] | None]:
    """Labels (one per point), rows of columns, or a DataFrame -> (header, rows)."""
    if metadata is None:
        return None, None
    if hasattr(metadata, "columns") and hasattr(metadata, "itertuples"):  # a DataFrame
        cols = [str(c) for c in metadata.columns]
        rows = [[str(v) for v in row] for row in metadata.itertuples(index=False)]
        return cols, rows
    items = list(metadata)
    if len(items) != n:
        raise ValueError(f"metadata has {len(items)} entries for {n} points")
    if items and all(isinstance(r, (list, tuple)) for r in items):
        rows = [[str(v) for v in r] for r in items]
        width = max(len(r) for r in rows)
        cols = list(header) if header else [f"column {i + 1}" for i in range(width)]
        return cols, rows
    return (list(header) if header else ["label"]), [[str(v)] for v in items]


class Projector(anywidget.AnyWidget):
    """The projector for ``vectors`` (``[n, d]``) with optional ``metadata`` (one label
    per point, rows of columns with ``header``, or a pandas DataFrame) and ``images``
    (thumbnails ``[n, h, w(, c)]``, shown on hover)."""

    _esm: Any = BUNDLE
    board_id = traitlets.Unicode("").tag(sync=True)
    # the runtime model holding the code (tbnb/board/runtime.py)
    runtime = traitlets.Unicode("").tag(sync=True)
    view = traitlets.Unicode("projector").tag(sync=True)
    embeddings = traitlets.List(traitlets.Dict()).tag(sync=True)
    height = traitlets.Int(600).tag(sync=True)

    def __init__(
        self,
        vectors: npt.ArrayLike,
        metadata: Any = None,
        images: npt.ArrayLike | None = None,
        *,
        header: Sequence[str] | None = None,
        tag: str = "embedding",
        height: int = 600,
        **kwargs: Any,
    ) -> None:
        # its own code (not the class's file watcher, which would hold self)
        self._esm, kwargs["runtime"] = front_end()
        v = np.asarray(vectors, dtype=np.float32)
        if v.ndim != 2 or len(v) == 0:
            raise ValueError(f"vectors must be a non-empty [n, d] array, got shape {v.shape}")
        if not np.isfinite(v).all():
            raise ValueError("vectors hold NaN or Inf values")
        cols, rows = _metadata(metadata, header, len(v))
        sprite = size = None
        if images is not None:
            imgs = np.asarray(images)
            if len(imgs) != len(v):
                raise ValueError(f"{len(imgs)} images for {len(v)} points")
            sprite, size = make_sprite(imgs)
        self._data = EmbeddingData(v, cols, rows, sprite, size)
        super().__init__(
            board_id=uuid.uuid4().hex,
            embeddings=[{"id": "0", "run": "", "tag": tag, "step": 0, "shape": list(v.shape)}],
            height=height,
            **kwargs,
        )
        self._service = ProjectorService(self._resolve, self._reply)
        self.on_msg(self._on_browser_message)

    def _resolve(self, eid: str) -> EmbeddingData | None:
        return self._data if eid == "0" else None

    def _reply(self, content: dict[str, Any], buffers: list[memoryview]) -> None:
        if self.comm is not None:
            self.send(content, buffers)

    def _on_browser_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if isinstance(content, dict):
            self._service.handle(content)

    def close(self) -> None:
        if hasattr(self, "_service"):
            self._service.close()
        super().close()
