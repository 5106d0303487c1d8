"""The view settings of a board: what the browser applies by itself (synced traits of
the widget, js/src/settings.ts), with their defaults defined once for the widget, the
static snapshot, the export and `Board.figure`."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
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
    """The palette's colour at ``index`` (the projector's categories take them in order)."""
    return PALETTE[index % len(PALETTE)]


# a colour the person picked for a run: #rrggbb (anything else is ignored)
PICKED_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")


def name_hash(name: str) -> int:
    """FNV-1a (32 bits) of the UTF-8 bytes of ``name``: the same run name gives the same
    number on every board, in every notebook and in the front end (js/src/colors.ts,
    both tested against tests/fixtures/colors.json)."""
    h = 0x811C9DC5
    for byte in name.encode("utf-8", "surrogatepass"):
        h = ((h ^ byte) * 0x01000193) & 0xFFFFFFFF
    return h


def run_colour(run: str, picked: Mapping[str, str] | None = None) -> str:
    """The colour of ``run``: the one picked for it (``run_colors``), else the palette's
    colour chosen by the hash of its name (the same run has it everywhere)."""
    mine = (picked or {}).get(run)
    if isinstance(mine, str) and PICKED_COLOUR.fullmatch(mine):
        return mine.lower()
    return PALETTE[name_hash(run) % len(PALETTE)]


XAxis = Literal["step", "relative", "wall"]
X_AXES: tuple[XAxis, ...] = ("step", "relative", "wall")
# the order of the rows of a scalar chart's tooltip (js/src/hover.ts)
TooltipSort = Literal["default", "descending", "ascending", "nearest", "alphabetical"]
TOOLTIP_SORTS: tuple[TooltipSort, ...] = (
    "default", "descending", "ascending", "nearest", "alphabetical",
)  # fmt: skip
DEFAULT_TOOLTIP_ROWS = 12


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
    # run -> "#rrggbb" the person picked in the run list (others: run_colour's hash)
    run_colors: dict[str, str] = field(default_factory=dict)
    # the scalars tab's tools (js/src/scalars.ts); all applied in the browser
    symlog_y: bool = False
    # tag -> the step marker ([step]) or range ([start, end]) of its card; "" the
    # marker every card shares when link_by_step
    step_markers: dict[str, list[float]] = field(default_factory=dict)
    link_by_step: bool = False
    range_selection: bool = False
    # the data table: {"hidden": [column...], "sort": column, "descending": bool}
    data_table: dict[str, Any] = field(default_factory=dict)
    pinned_cards: tuple[str, ...] = field(default_factory=tuple)
    full_size_cards: tuple[str, ...] = field(default_factory=tuple)
    card_width: int = 0  # px, the cards' least width (0: the board's default)
    tooltip_sort: TooltipSort = "default"
    tooltip_rows: int = DEFAULT_TOOLTIP_ROWS
    link_hover_zoom: bool = False
    # the x range every card shows while link_hover_zoom ([lo, hi] in the x axis'
    # units: steps, relative time, ms of wall time); empty: each card's own
    linked_x_range: tuple[float, ...] = field(default_factory=tuple)
    # multi-tag charts of the scalars tab: each a regex, the tags it matches on one chart
    tag_charts: tuple[str, ...] = field(default_factory=tuple)
    # run groups (js/src/groups.ts): {"by": "" | "regex" | "hparam", "regex", "hparam",
    # "center": "mean" | "median", "band": "minmax" | "std" | "ci95" | "none", "members"}
    run_groups: dict[str, Any] = field(default_factory=dict)

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

    def markers_of(self, tag: str) -> list[float]:
        """The card's step markers (the board's one when linked by step): one step, or
        two with range selection (js/src/scalars.ts markersOf)."""
        key = "" if self.link_by_step else tag
        got = [float(v) for v in self.step_markers.get(key, []) if math.isfinite(v)]
        return got[: 2 if self.range_selection else 1]

    def colour(self, run: str) -> str:
        """The run's colour on this board (picked, else from its name)."""
        return run_colour(run, self.run_colors)

    def traits(self) -> dict[str, Any]:
        """As the widget's trait values (lists for tuples)."""
        out = asdict(self)
        for name in _TUPLES:
            out[name] = list(getattr(self, name))
        return out

    @classmethod
    def of(cls, obj: Any) -> ViewSettings:
        """The settings held by an object with these attributes (a Board's traits)."""
        values = {f.name: getattr(obj, f.name) for f in fields(cls)}
        for name in _TUPLES:
            values[name] = tuple(values[name])
        for name in ("run_colors", "step_markers", "data_table", "run_groups"):
            values[name] = dict(values[name])
        return cls(**values)


GROUP_BY = ("", "regex", "hparam")
GROUP_CENTERS = ("mean", "median")
GROUP_BANDS = ("minmax", "std", "ci95", "none")


def tag_charts_of(charts: str | Sequence[str]) -> list[str]:
    """The multi-tag charts of ``Board(charts=...)``: a regex or a list of them, each
    drawing the tags it matches (from the tag's start) on one chart of the scalars tab."""
    items = [charts] if isinstance(charts, str) else list(charts)
    for p in items:
        if not isinstance(p, str) or not p:
            raise ValueError(f"charts: each chart is a non-empty regex string, not {p!r}")
        try:
            re.compile(p)
        except re.error as err:
            raise ValueError(f"charts: invalid regex {p!r}: {err}") from None
    return items


def run_groups_of(groups: str | Mapping[str, Any] | None) -> dict[str, Any]:
    """The run groups of ``Board(groups=...)``: a regex over run names (its capture
    groups make the group key), or a dict with ``by`` ("regex" or "hparam"), ``regex``,
    ``hparam``, ``center`` (mean, median), ``band`` (minmax, std, ci95, none), ``members``."""
    if not groups:
        return {}
    spec: dict[str, Any] = (
        {"by": "regex", "regex": groups} if isinstance(groups, str) else dict(groups)
    )
    spec.setdefault("by", "hparam" if spec.get("hparam") else "regex")
    for key, allowed in (("by", GROUP_BY), ("center", GROUP_CENTERS), ("band", GROUP_BANDS)):
        if key in spec and spec[key] not in allowed:
            raise ValueError(f"groups: {key} must be one of {allowed}, not {spec[key]!r}")
    unknown = set(spec) - {"by", "regex", "hparam", "center", "band", "members"}
    if unknown:
        raise ValueError(f"groups: unknown key(s) {sorted(unknown)}")
    if spec["by"] == "regex":
        try:
            re.compile(str(spec.get("regex", "")))
        except re.error as err:
            raise ValueError(f"groups: invalid regex {spec.get('regex')!r}: {err}") from None
    return spec


# the fields held as tuples (lists as traits)
_TUPLES = ("hidden_runs", "pinned_cards", "full_size_cards", "linked_x_range")
_TUPLES = ("hidden_runs", "pinned_cards", "full_size_cards", "tag_charts")
