"""What the browser holds of the scalars, and the deltas that keep it current.

Kernel side of the UpdateMessage in js/src/protocol.ts: for every (run, tag) the
browser holds a min-max downsampled copy (tbnb.compute.downsample); when the reader
reports new or changed points, only the changed tail is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np
import numpy.typing as npt

from tbnb.board.protocol import Buffers
from tbnb.compute.downsample import MAX_BUCKETS, Downsampler, bucket_picks

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
class ScalarView:
    """The downsampled scalars a board's browsers hold."""

    max_buckets: int = MAX_BUCKETS
    budget: int = BUDGET
    runs: list[str] = field(default_factory=list)
    _held: dict[tuple[str, str], _Held] = field(default_factory=dict)
    _series: dict[tuple[str, str], Series] = field(default_factory=dict)

    @property
    def points(self) -> int:
        """Raw scalar points behind what is shown."""
        return sum(h.n for h in self._held.values())

    def add_runs(self, runs: list[str]) -> bool:
        """Append runs not seen before (colours follow this order); True if any."""
        new = [r for r in runs if r not in self.runs]
        self.runs.extend(new)
        return bool(new)

    def deltas(
        self, changed: list[tuple[str, str, Series, int]], buffers: Buffers | None
    ) -> list[dict[str, Any]]:
        """ScalarDeltas for ``(run, tag, series, dirty_from)`` that changed (with no
        ``buffers``: only take the changes in, for a state no browser holds yet)."""
        out = []
        count = len(self._held) + sum((r, t) not in self._held for r, t, _, _ in changed)
        buckets = max(min(self.budget // max(count, 1), self.max_buckets), MIN_BUCKETS)
        for run, tag, series, dirty_from in changed:
            key = (run, tag)
            held = self._held.get(key)
            if held is None:
                held = self._held[key] = _Held(Downsampler(buckets))
            self._series[key] = series
            start, idx = held.down.update(series.value, dirty_from)
            held.n = len(series.value)
            if buffers is None:
                continue
            out.append(
                _delta(run, tag, start=start, total=held.n, series=series, idx=idx, buffers=buffers)
            )
        return out

    def snapshot_deltas(self, buffers: Buffers) -> list[dict[str, Any]]:
        """Every series held, from its first point (for a browser that holds nothing)."""
        out = []
        for (run, tag), held in self._held.items():
            series = self._series[(run, tag)]
            idx, _ = bucket_picks(series.value[: held.n], held.down.width)
            out.append(
                _delta(run, tag, start=0, total=held.n, series=series, idx=idx, buffers=buffers)
            )
        return out


def _delta(
    run: str,
    tag: str,
    *,
    start: int,
    total: int,
    series: Series,
    idx: npt.NDArray[np.int64],
    buffers: Buffers,
) -> dict[str, Any]:
    return {
        "run": run,
        "tag": tag,
        "start": start,
        "total": total,
        "step": buffers.add(series.step[idx].astype(np.float64)),
        "wall_time": buffers.add(series.wall_time[idx]),
        "value": buffers.add(series.value[idx]),
    }
