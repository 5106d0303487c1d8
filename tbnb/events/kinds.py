"""The kinds of data a logdir holds: the one list of them, used by the reader, the
board's feeds and the front end's message fields (js/src/protocol.ts names them too)."""

from __future__ import annotations

from enum import Enum


class Kind(str, Enum):
    """A kind of data; its value is the name used in ``Logdir.tags()`` and messages."""

    SCALARS = "scalars"
    IMAGES = "images"
    HISTOGRAMS = "histograms"
    TEXT = "text"
    AUDIO = "audio"
    PR_CURVES = "pr_curves"
    HPARAMS = "hparams"
    EMBEDDINGS = "embeddings"
    GRAPHS = "graphs"
    MESH = "mesh"  # a mesh or point cloud: its VERTEX, FACE and COLOR tensors as one
    CUSTOM_SCALARS = "custom_scalars"

    def __str__(self) -> str:
        return self.value
