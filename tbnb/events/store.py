"""Columnar storage of a run's series, with TensorBoard's purge rule.

A new point at step ``s`` drops the series' earlier points with step >= ``s`` (the
rule of TensorBoard's Rust loader), so kept steps are strictly increasing. Scalars live
in growable numpy columns (24 bytes per point, capacity doubled when full).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


@dataclass(frozen=True, eq=False)
class ScalarSeries:
    """A scalar time series: three aligned columns."""

    step: I64
    wall_time: F64
    value: F64

    def __len__(self) -> int:
        return len(self.step)


def keep_mask(steps: I64) -> npt.NDArray[np.bool_] | None:
    """Points that no later point of the batch purges (None: keep all)."""
    if len(steps) < 2 or bool(np.all(steps[1:] > steps[:-1])):
        return None
    later_min = np.minimum.accumulate(steps[::-1])[::-1]
    keep = np.ones(len(steps), dtype=np.bool_)
    keep[:-1] = steps[:-1] < later_min[1:]
    return keep


class ScalarColumn:
    """Growable step/wall_time/value columns for one tag."""

    __slots__ = ("_step", "_value", "_wall", "dirty_from", "n")

    def __init__(self) -> None:
        self._step = np.empty(0, dtype=np.int64)
        self._wall = np.empty(0, dtype=np.float64)
        self._value = np.empty(0, dtype=np.float64)
        self.n = 0
        self.dirty_from = 0  # points before this index are unchanged since last take

    def _reserve(self, extra: int) -> None:
        need = self.n + extra
        cap = len(self._step)
        if need <= cap:
            return
        # Doubling keeps appends amortized O(1); pages not yet written stay unresident.
        # A batch at least as long as what is held gets exactly the room it needs (the
        # copy is still paid for by the batch): a series read in a few big batches has
        # no slack for trim() to copy away after a large read.
        new = need if extra >= self.n else max(2 * need, 2 * cap, 16)
        for name in ("_step", "_wall", "_value"):
            old = getattr(self, name)
            arr = np.empty(new, dtype=old.dtype)
            arr[: self.n] = old[: self.n]
            setattr(self, name, arr)

    def reserve(self, extra: int) -> None:
        """Room for ``extra`` more points, exactly (a reader that expects them: the
        columns then grow by one copy each instead of doubling, and keep no slack)."""
        need = self.n + extra
        if need <= len(self._step):
            return
        for name in ("_step", "_wall", "_value"):
            old = getattr(self, name)
            arr = np.empty(need, dtype=old.dtype)
            arr[: self.n] = old[: self.n]
            setattr(self, name, arr)

    def truncate_from_step(self, step: int) -> bool:
        """Drop points with step >= ``step``; True if any were dropped."""
        if self.n == 0 or self._step[self.n - 1] < step:
            return False
        cut = int(np.searchsorted(self._step[: self.n], step, side="left"))
        # Fresh arrays, so that series handed out earlier never change under a reader.
        for name in ("_step", "_wall", "_value"):
            old = getattr(self, name)
            arr = np.empty(len(old), dtype=old.dtype)
            arr[:cut] = old[:cut]
            setattr(self, name, arr)
        self.n = cut
        self.dirty_from = min(self.dirty_from, cut)
        return True

    def append(self, steps: I64, walls: F64, values: F64) -> None:
        if len(steps) == 0:
            return
        keep = keep_mask(steps)
        if keep is not None:
            steps, walls, values = steps[keep], walls[keep], values[keep]
        self.truncate_from_step(int(steps[0]))
        k = len(steps)
        self._reserve(k)
        self._step[self.n : self.n + k] = steps
        self._wall[self.n : self.n + k] = walls
        self._value[self.n : self.n + k] = values
        self.n += k

    def trim(self) -> None:
        """Release spare capacity (a copy of the columns: not for a few points)."""
        if len(self._step) > self.n + self.n // 16 + 64:
            self._step = self._step[: self.n].copy()
            self._wall = self._wall[: self.n].copy()
            self._value = self._value[: self.n].copy()

    def series(self) -> ScalarSeries:
        """Read-only views of the current points; later reloads never modify them."""
        s = self._step[: self.n]
        w = self._wall[: self.n]
        v = self._value[: self.n]
        for a in (s, w, v):
            a.flags.writeable = False
        return ScalarSeries(s, w, v)

    @property
    def nbytes(self) -> int:
        return int(self._step.nbytes + self._wall.nbytes + self._value.nbytes)


def scalars_frame(names: list[str], tags: list[str], parts: list[ScalarSeries]) -> Any:
    """A DataFrame (run, tag, step, wall_time, value) of series ``parts``, named by
    ``names`` and ``tags``: one pass per column (a DataFrame per series and a concat took
    ~10 s for 1M rows)."""
    import pandas as pd

    counts = np.array([len(p) for p in parts], dtype=np.int64)
    return pd.DataFrame(
        {
            "run": np.repeat(np.array(names, dtype=object), counts),
            "tag": np.repeat(np.array(tags, dtype=object), counts),
            "step": np.concatenate([p.step for p in parts] or [np.empty(0, np.int64)]),
            "wall_time": np.concatenate([p.wall_time for p in parts] or [np.empty(0, np.float64)]),
            "value": np.concatenate([p.value for p in parts] or [np.empty(0, np.float64)]),
        }
    )


class _HasStep(Protocol):
    @property
    def step(self) -> int: ...


P = TypeVar("P", bound=_HasStep)


class PointList(Generic[P]):
    """A list of non-scalar points (images, histograms, text...) with the purge rule."""

    __slots__ = ("dirty_from", "items")

    def __init__(self) -> None:
        self.items: list[P] = []
        self.dirty_from = 0

    @property
    def n(self) -> int:
        return len(self.items)

    def truncate_from_step(self, step: int) -> bool:
        items = self.items
        if not items or items[-1].step < step:
            return False
        i = len(items)
        while i > 0 and items[i - 1].step >= step:
            i -= 1
        del items[i:]
        self.dirty_from = min(self.dirty_from, i)
        return True

    def add(self, step: int, points: list[P]) -> None:
        """Append one event's points (all at ``step``), purging earlier steps >= step."""
        self.truncate_from_step(step)
        self.items.extend(points)
