"""The view settings of a board: what the browser applies by itself (synced traits of
the widget, js/src/settings.ts), with their defaults defined once for the widget, the
static snapshot, the export and `Board.figure`."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from functools import cached_property
from typing import Any, Literal

from tbnb.board.filters import matcher

DEFAULT_SMOOTHING = 0.6
# the run palette (the front end's is js/src/colors.ts): a run keeps its colour
PALETTE = [
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#ad494a", "#637939", "#8c6d31", "#843c39", "#7b4173",
    "#3182bd", "#e6550d", "#31a354", "#756bb1",
]  # fmt: skip


def colour(index: int) -> str:
    """The colour of the run at ``index`` in the board's run order."""
    return PALETTE[index % len(PALETTE)]


XAxis = Literal["step", "relative", "wall"]
X_AXES: tuple[XAxis, ...] = ("step", "relative", "wall")


@dataclass(frozen=True)
class ViewSettings:
    """The settings a board's views apply (each is a synced trait of the widget)."""

    smoothing: float = DEFAULT_SMOOTHING
    x_axis: XAxis = "step"
    log_y: bool = False
    ignore_outliers: bool = False
    tag_filter: str = ""
    run_filter: str = ""
    hidden_runs: tuple[str, ...] = field(default_factory=tuple)

    # compiled once per settings, not once per name tested
    @cached_property
    def _run_matches(self) -> Callable[[str], bool]:
        return matcher(self.run_filter)

    @cached_property
    def _tag_matches(self) -> Callable[[str], bool]:
        return matcher(self.tag_filter)

    def run_shown(self, run: str) -> bool:
        return run not in self.hidden_runs and self._run_matches(run)

    def tag_shown(self, tag: str) -> bool:
        return self._tag_matches(tag)

    def traits(self) -> dict[str, Any]:
        """As the widget's trait values (lists for tuples)."""
        out = asdict(self)
        out["hidden_runs"] = list(self.hidden_runs)
        return out

    @classmethod
    def of(cls, obj: Any) -> ViewSettings:
        """The settings held by an object with these attributes (a Board's traits)."""
        values = {f.name: getattr(obj, f.name) for f in fields(cls)}
        return cls(**{**values, "hidden_runs": tuple(values["hidden_runs"])})
