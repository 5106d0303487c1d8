"""What the browser holds of the scalars (ScalarDelta in js/src/protocol.ts).

For every (run, tag) the browser holds a min-max downsampled copy
(tbnb.compute.downsample); when the reader reports new or changed points, only the
changed tail is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar, Protocol

import numpy as np
import numpy.typing as npt

from tbnb.board.feeds.base import Feed, FeedChange, Fields
from tbnb.board.protocol import Buffers, ScalarDelta, delta_header
from tbnb.compute.downsample import MAX_BUCKETS, Downsampler, bucket_picks
from tbnb.events.kinds import Kind

# Buckets of all series together: a board of a few series draws each with up to
# MAX_BUCKETS buckets; one of 2,000 series (100 runs x 20 tags) gets MIN_BUCKETS each,
# so the state a browser receives stays a few MB at most.
BUDGET = 131_072
MIN_BUCKETS = 64


class Series(Protocol):
    @property
    def step(self) -> npt.NDArray[np.int64]: ...
    @property
    def wall_time(self) -> npt.NDArray[np.float64]: ...
    @property
    def value(self) -> npt.NDArray[np.float64]: ...


@dataclass
class _Held:
    down: Downsampler
    n: int = 0  # raw points the downsampler has seen


@dataclass
class ScalarFeed(Feed):
    """The downsampled scalars a board's browsers hold."""

    kind: ClassVar[Kind] = Kind.SCALARS
    fields: ClassVar[tuple[str, ...]] = ("scalars",)

    max_buckets: int = MAX_BUCKETS
    budget: int = BUDGET
    _held: dict[tuple[str, str], _Held] = field(default_factory=dict)
    _series: dict[tuple[str, str], Series] = field(default_factory=dict)

    @property
    def count(self) -> int:
        """Raw scalar points behind what is shown."""
        return sum(h.n for h in self._held.values())

    def series(self) -> dict[tuple[str, str], Series]:
        """Every (run, tag) held, with all of its points."""
        return dict(self._series)

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        out: list[ScalarDelta] = []
        count = len(self._held) + sum((c.run, c.tag) not in self._held for c in changes)
        buckets = max(min(self.budget // max(count, 1), self.max_buckets), MIN_BUCKETS)
        for c in changes:
            key = (c.run, c.tag)
            held = self._held.get(key)
            if held is None:
                held = self._held[key] = _Held(Downsampler(buckets))
            series: Series = c.series
            self._series[key] = series
            start, idx = held.down.update(series.value, c.first_row)
            held.n = len(series.value)
            if buffers is not None:
                out.append(_delta(c.run, c.tag, start, held.n, series, idx, buffers))
        return {"scalars": out}

    def snapshot(self, buffers: Buffers) -> Fields:
        out: list[ScalarDelta] = []
        for (run, tag), held in self._held.items():
            series = self._series[(run, tag)]
            idx, _ = bucket_picks(series.value[: held.n], held.down.width)
            out.append(_delta(run, tag, 0, held.n, series, idx, buffers))
        return {"scalars": out}


def _delta(
    run: str,
    tag: str,
    start: int,
    total: int,
    series: Series,
    idx: npt.NDArray[np.int64],
    buffers: Buffers,
) -> ScalarDelta:
    return {
        **delta_header(run, tag, start, total),
        "step": buffers.add(series.step[idx].astype(np.float64)),
        "wall_time": buffers.add(series.wall_time[idx]),
        "value": buffers.add(series.value[idx]),
    }
