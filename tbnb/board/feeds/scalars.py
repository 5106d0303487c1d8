"""What the browser holds of the scalars (ScalarDelta in js/src/protocol.ts).

For every (run, tag) the browser holds a min-max downsampled copy
(tbnb.compute.downsample); when the reader reports new or changed points, only the
changed tail is sent.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np
import numpy.typing as npt

from tbnb.board.feeds.base import Feed, FeedChange, Fields, Offline
from tbnb.board.protocol import (
    SCALAR_DATA,
    SCALAR_REQUEST,
    Buffers,
    Message,
    ScalarData,
    ScalarDataMessage,
    ScalarDelta,
    delta_header,
)
from tbnb.compute.downsample import MAX_BUCKETS, Downsampler, bucket_picks
from tbnb.events.kinds import Kind

# Buckets of all series together: a board of a few series draws each with up to
# MAX_BUCKETS buckets; one of 2,000 series (100 runs x 20 tags) gets MIN_BUCKETS each,
# so the state a browser receives stays a few MB at most.
BUDGET = 131_072
MIN_BUCKETS = 64
# series answered per ScalarRequest (a card asks for its visible runs)
MAX_SERIES_PER_REQUEST = 10_000
# bytes of full series `tbnb export` embeds for downloads of downsampled cards
OFFLINE_SCALAR_BYTES = 16 << 20


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
    # the runs listed over the runs read (BoardEngine: a large logdir's first reads leave
    # runs for later): the series still to come share the budget, so the first runs'
    # series are not given all of it and later ones a sliver (fixed once made)
    growth: float = 1.0
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
        count = int(count * max(self.growth, 1.0))
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

    def answer(self, content: dict[str, Any]) -> Message | None:
        """ScalarDataMessage: every point of the series a ScalarRequest names."""
        if content.get("type") != SCALAR_REQUEST:
            return None
        buffers = Buffers()
        items = content.get("items")
        out: list[ScalarData] = []
        for item in items[:MAX_SERIES_PER_REQUEST] if isinstance(items, list) else []:
            if not isinstance(item, dict):
                continue
            run, tag = item.get("run"), item.get("tag")
            if not isinstance(run, str) or not isinstance(tag, str):
                continue
            series = self._series.get((run, tag))
            if series is None:
                out.append(_missing(run, tag, "no such series on this board"))
            else:
                out.append(_full(run, tag, series, buffers))
        reply: ScalarDataMessage = {"type": SCALAR_DATA, "items": out}
        return reply, buffers.items

    def offline(self, budget: int) -> Offline:
        """Every point of the series the browser holds downsampled, smallest first,
        within ``budget`` (at most OFFLINE_SCALAR_BYTES): a download in the export."""
        out = Offline(SCALAR_REQUEST, SCALAR_DATA, {}, [])
        budget = min(budget, OFFLINE_SCALAR_BYTES)
        cut = [(k, s) for k, s in self._series.items() if len(s.value) > self._shown(k)]
        for (run, tag), series in sorted(cut, key=lambda ks: len(ks[1].value)):
            buffers = Buffers()
            reply: dict[str, Any] = dict(_full(run, tag, series, buffers))
            if buffers.nbytes > budget:
                break
            budget -= buffers.nbytes
            for name in ("step", "wall_time", "value"):
                ref = dict(reply[name])
                ref["buffer"] = len(out.blobs)
                out.blobs.append(bytes(buffers.items[reply[name]["buffer"]]))
                reply[name] = ref
            key = json.dumps({"run": run, "tag": tag}, separators=(",", ":"))
            out.replies[key] = reply
        return out

    def _shown(self, key: tuple[str, str]) -> int:
        held = self._held[key]
        idx, _ = bucket_picks(self._series[key].value[: held.n], held.down.width)
        return len(idx)

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


def _full(run: str, tag: str, series: Series, buffers: Buffers) -> ScalarData:
    return {
        "run": run,
        "tag": tag,
        "step": buffers.add(compact_steps(series.step)),
        "wall_time": buffers.add(series.wall_time),
        "value": buffers.add(compact_values(series.value)),
        "error": "",
    }


INT32 = np.iinfo(np.int32)


def compact_steps(step: npt.NDArray[np.int64]) -> npt.NDArray[Any]:
    """int32 when every step fits (they nearly always do), else float64 as deltas send."""
    if len(step) == 0 or (int(step.min()) >= INT32.min and int(step.max()) <= INT32.max):
        return step.astype(np.int32)
    return step.astype(np.float64)


def compact_values(value: npt.NDArray[np.float64]) -> npt.NDArray[Any]:
    """float32 when that loses nothing: a scalar written by add_scalar (or tf.summary's
    simple_value) is a float32 in the event file; float64 ones stay float64."""
    with np.errstate(over="ignore", invalid="ignore"):  # beyond float32: inf, so not same
        small = value.astype(np.float32)
        same = np.array_equal(small.astype(np.float64), value, equal_nan=True)
    return small if same else value


def _missing(run: str, tag: str, error: str) -> ScalarData:
    return {"run": run, "tag": tag, "step": None, "wall_time": None, "value": None, "error": error}
