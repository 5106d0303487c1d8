"""The one rule for "relative" time on every chart (scalars, distributions, figures,
snapshots; the front end's is js/src/axes.ts, both checked against
tests/fixtures/relative_time.json): x is seconds since the series' first point, shown in
hours when the longest span on the chart exceeds 2 hours, minutes when it exceeds 120
seconds, else seconds."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import numpy.typing as npt

HOURS_ABOVE = 2 * 3600.0
MINUTES_ABOVE = 120.0


def relative_unit(span_seconds: float) -> tuple[float, str]:
    """(seconds per unit, unit name) for a chart whose longest series spans this long."""
    if span_seconds > HOURS_ABOVE:
        return 3600.0, "hours"
    if span_seconds > MINUTES_ABOVE:
        return 60.0, "minutes"
    return 1.0, "seconds"


def chart_unit(wall_times: Iterable[npt.NDArray[np.float64]]) -> tuple[float, str]:
    """The unit of a chart of these series (each the wall times of one series)."""
    span = 0.0
    for w in wall_times:
        if len(w):
            span = max(span, float(w[-1] - w[0]))
    return relative_unit(span)


def relative(wall_time: npt.NDArray[np.float64], scale: float) -> npt.NDArray[np.float64]:
    """Time since the series' first point, in units of ``scale`` seconds."""
    if len(wall_time) == 0:
        return wall_time.astype(np.float64)
    out: npt.NDArray[np.float64] = (wall_time - wall_time[0]) / scale
    return out
