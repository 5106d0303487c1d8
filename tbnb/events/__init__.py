"""Reading engine: TensorBoard event files and projector assets -> numpy columns.

No widget imports here; usable from scripts and tests. See :class:`Logdir`.
"""

from __future__ import annotations

from tbnb.events.logdir import Changes, Logdir, SeriesChange
from tbnb.events.points import (
    AudioPoint,
    Embedding,
    HistogramPoint,
    ImagePoint,
    TensorPoint,
    TextPoint,
)
from tbnb.events.problems import Problem
from tbnb.events.store import ScalarSeries

__all__ = [
    "AudioPoint",
    "Changes",
    "Embedding",
    "HistogramPoint",
    "ImagePoint",
    "Logdir",
    "Problem",
    "ScalarSeries",
    "SeriesChange",
    "TensorPoint",
    "TextPoint",
]
