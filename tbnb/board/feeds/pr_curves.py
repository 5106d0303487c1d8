"""What the browser holds of the PR curves (PRCurveDelta in js/src/protocol.ts).

torch's and tensorboardX's ``add_pr_curve`` / ``add_pr_curve_raw`` and TF's pr_curve
summaries write, per step, a float tensor [6, k]: true positives, false positives, true
negatives, false negatives, precision and recall at k thresholds i / (k - 1). Every
point is pushed (a point is 24 k bytes: 10 runs x 100 steps of 127 thresholds is 3 MB),
so the step sliders move without asking the kernel (CONTRIBUTING.md, principle 1).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import ClassVar

import numpy as np
import numpy.typing as npt

from tbnb.board.feeds.base import Feed, FeedChange, Fields
from tbnb.board.protocol import Buffers, PRCurveDelta, delta_header
from tbnb.events import TensorPoint
from tbnb.events.kinds import Kind

ROWS = 6  # TP, FP, TN, FN, precision, recall


def curve_of(point: TensorPoint) -> tuple[npt.NDArray[np.float32] | None, str]:
    """The point's [6, k] curve as float32, or None and why it is not one."""
    t = point.tensor
    if t.ndim != 2 or t.shape[0] != ROWS or t.shape[1] < 1:
        return (
            None,
            f"step {point.step}: a PR curve is a [6, k] tensor, this one is {list(t.shape)}",
        )
    if not np.issubdtype(t.dtype, np.number):
        return None, f"step {point.step}: a PR curve holds numbers, this one holds {t.dtype}"
    return np.asarray(t, dtype=np.float32), ""


Floats = npt.NDArray[np.float32]


def drawn(curve: Floats) -> tuple[Floats, Floats]:
    """The recall (x) and precision (y) a [6, k] curve draws: its thresholds up to the
    last that predicts something positive (TP + FP > 0), as TensorBoard trims them (the
    rule of js/src/pr-curve-data.ts curvePoints; both test tests/fixtures/pr_curves.json)."""
    end = curve.shape[1]
    while end > 1 and curve[0, end - 1] + curve[1, end - 1] == 0:
        end -= 1
    return curve[5, :end], curve[4, :end]


@dataclass
class PRCurveFeed(Feed):
    """The PR curves per (run, tag)."""

    kind: ClassVar[Kind] = Kind.PR_CURVES
    fields: ClassVar[tuple[str, ...]] = ("pr_curves",)

    _points: dict[tuple[str, str], Sequence[TensorPoint]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self._points.values())

    def points(self) -> dict[tuple[str, str], Sequence[TensorPoint]]:
        """The PR curve points of every (run, tag) held."""
        return dict(self._points)

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        out: list[PRCurveDelta] = []
        for c in changes:
            points: Sequence[TensorPoint] = c.series
            self._points[(c.run, c.tag)] = points
            if buffers is not None:
                start = min(max(c.first_row, 0), len(points))
                out.append(_delta(c.run, c.tag, points, start, buffers))
        return {"pr_curves": out}

    def snapshot(self, buffers: Buffers) -> Fields:
        return {"pr_curves": [_delta(r, t, p, 0, buffers) for (r, t), p in self._points.items()]}


def _delta(
    run: str, tag: str, points: Sequence[TensorPoint], start: int, buffers: Buffers
) -> PRCurveDelta:
    tail = points[start:]
    curves: list[npt.NDArray[np.float32]] = []
    counts: list[int] = []
    errors: list[str] = []
    for p in tail:
        curve, error = curve_of(p)
        counts.append(0 if curve is None else curve.shape[1])
        errors.append(error)
        if curve is not None:
            curves.append(curve.ravel())
    data = np.concatenate(curves) if curves else np.zeros(0, dtype=np.float32)
    return {
        **delta_header(run, tag, start, len(points)),
        "step": buffers.add(np.array([p.step for p in tail], dtype=np.float64)),
        "wall_time": buffers.add(np.array([p.wall_time for p in tail], dtype=np.float64)),
        "thresholds": buffers.add(np.array(counts, dtype=np.int32)),
        "data": buffers.add(data),
        "errors": errors,
    }
