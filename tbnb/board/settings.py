"""The view settings of a board: what the browser applies by itself (synced traits of
the widget, js/src/settings.ts), with their defaults defined once for the widget, the
static snapshot, the export and `Board.figure`."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from tbnb.board.filters import matcher

DEFAULT_SMOOTHING = 0.6
# the run palette (the front end's is js/src/settings.ts): a run keeps its colour
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

    def run_shown(self, run: str) -> bool:
        return run not in self.hidden_runs and matcher(self.run_filter)(run)

    def tag_shown(self, tag: str) -> bool:
        return matcher(self.tag_filter)(tag)

    def traits(self) -> dict[str, Any]:
        """As the widget's trait values (lists for tuples)."""
        out = asdict(self)
        out["hidden_runs"] = list(self.hidden_runs)
        return out

    @classmethod
    def of(cls, obj: Any) -> ViewSettings:
        """The settings held by an object with these attributes (a Board)."""
        return cls(
            smoothing=float(obj.smoothing),
            x_axis=obj.x_axis,
            log_y=bool(obj.log_y),
            ignore_outliers=bool(obj.ignore_outliers),
            tag_filter=str(obj.tag_filter),
            run_filter=str(obj.run_filter),
            hidden_runs=tuple(obj.hidden_runs),
        )
