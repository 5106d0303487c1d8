"""Custom Scalars layouts: the ``custom_scalars__config__`` summary of a run.

Writers: torch's and tensorboardX's ``SummaryWriter.add_custom_scalars(layout)`` and TF's
``tensorboard.plugins.custom_scalar.summary.pb(layout)`` write a summary value tagged
``custom_scalars__config__``, plugin ``custom_scalars``, whose tensor holds one string:
a serialized ``Layout`` proto (tbnb/events/proto/layout.proto): categories with a title,
each holding charts; a chart is ``multiline`` (a list of tag regexes, matched from the
tag's start) or ``margin`` (series of value/lower/upper tags).

Rules:

- A run's layout may be written again later in the run: the last one read wins (a
  ``SessionLog.START`` purges layouts written at or after its step, as for every series).
- Runs may hold different layouts: `merge` shows each category once (by title, in the
  order first seen over the runs in name order); a category's charts are the union of
  its charts in every run, a chart equal to one already there (title and content) once.
- Nothing here raises on a file: a value that is not a string tensor, or bytes that are
  not a Layout, is a problem of the run (the layout held before is kept).

API::

    layout = logdir.custom_scalars()      # Layout(categories, notes): merged over runs
    layout.categories[0].charts[0]        # LayoutChart(title, kind, tags, margins)
    logdir.custom_scalars(run)            # one run's own layout (None: it has none)
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from google.protobuf.message import DecodeError

from tbnb.events import decode
from tbnb.events.proto import layout_pb2

# Untrusted sizes: a layout beyond these keeps the first ones, with a note.
MAX_CATEGORIES = 1000
MAX_CHARTS = 1000
MAX_TAGS = 1000
# layouts a run keeps (the last one shown; those before it for a purge to fall back on)
KEPT = 16


@dataclass(frozen=True)
class MarginSeries:
    """The tags of one margin chart's line: its value and the band around it."""

    value: str
    lower: str
    upper: str


@dataclass(frozen=True)
class LayoutChart:
    """One chart: ``multiline`` (``tags``: regexes) or ``margin`` (``margins``)."""

    title: str
    kind: Literal["multiline", "margin"]
    tags: tuple[str, ...] = ()
    margins: tuple[MarginSeries, ...] = ()


@dataclass(frozen=True)
class LayoutCategory:
    title: str
    closed: bool
    charts: tuple[LayoutChart, ...]


@dataclass(frozen=True)
class Layout:
    """Categories of charts; ``notes`` say what of the layout was left out or odd."""

    categories: tuple[LayoutCategory, ...] = ()
    notes: tuple[str, ...] = ()


def parse(data: bytes) -> tuple[Layout | None, str]:
    """Serialized Layout bytes -> (the layout, '') or (None, what is wrong)."""
    pb: Any = layout_pb2.Layout()
    try:
        pb.ParseFromString(data)
    except (DecodeError, RecursionError, ValueError) as e:
        return None, f"custom scalars layout cannot be read ({e or 'not a Layout proto'})"
    notes: list[str] = []
    cats = list(pb.category)
    if len(cats) > MAX_CATEGORIES:
        notes.append(f"the layout has {len(cats)} categories: the first {MAX_CATEGORIES} kept")
        cats = cats[:MAX_CATEGORIES]
    out: list[LayoutCategory] = []
    for c in cats:
        charts: list[LayoutChart] = []
        items = list(c.chart)
        if len(items) > MAX_CHARTS:
            notes.append(f"category {c.title!r} has {len(items)} charts: the first kept")
            items = items[:MAX_CHARTS]
        for ch in items:
            title = str(ch.title)
            which = ch.WhichOneof("content")
            if which == "multiline":
                tags = tuple(str(t) for t in ch.multiline.tag[:MAX_TAGS])
                charts.append(LayoutChart(title, "multiline", tags=tags))
            elif which == "margin":
                margins = tuple(
                    MarginSeries(str(s.value), str(s.lower), str(s.upper))
                    for s in ch.margin.series[:MAX_TAGS]
                )
                charts.append(LayoutChart(title, "margin", margins=margins))
            else:
                notes.append(f"chart {title!r} of category {c.title!r} has no content: left out")
        out.append(LayoutCategory(str(c.title), bool(c.closed), tuple(charts)))
    return Layout(tuple(out), tuple(notes)), ""


def layout_of_value(value: Any) -> tuple[Layout | None, str]:
    """The Layout a ``custom_scalars__config__`` summary value holds."""
    if value.WhichOneof("value") != "tensor":
        return None, "custom scalars layout is not a tensor: skipped"
    strings = decode.tensor_to_numpy(value.tensor)
    if not isinstance(strings, list) or len(strings) != 1:
        return None, "custom scalars layout is not one string: skipped"
    return parse(bytes(strings[0]))


def merge(layouts: Iterable[Layout]) -> Layout:
    """Several runs' layouts as one: each category once (module docstring)."""
    order: list[str] = []
    closed: dict[str, bool] = {}
    charts: dict[str, list[LayoutChart]] = {}
    notes: list[str] = []
    for layout in layouts:
        notes.extend(n for n in layout.notes if n not in notes)
        for cat in layout.categories:
            if cat.title not in charts:
                order.append(cat.title)
                closed[cat.title] = cat.closed
                charts[cat.title] = []
            held = charts[cat.title]
            held.extend(ch for ch in cat.charts if ch not in held)
    cats = tuple(LayoutCategory(t, closed[t], tuple(charts[t])) for t in order)
    return Layout(cats, tuple(notes))


@dataclass
class RunLayouts:
    """The layouts one run wrote, in order read (the last one is its layout)."""

    written: list[tuple[int, Layout]] = field(default_factory=list)

    @property
    def current(self) -> Layout | None:
        return self.written[-1][1] if self.written else None

    def add(self, value: Any, step: int) -> str:
        """Takes in a summary value; returns what is wrong with it ('' when nothing)."""
        layout, wrong = layout_of_value(value)
        if layout is None:
            return wrong
        self.written.append((step, layout))
        del self.written[:-KEPT]  # the last is shown; earlier ones back it after a purge
        return ""

    def purge(self, step: int) -> bool:
        """Drops the layouts written at or after ``step``; whether any was."""
        kept = [(s, lay) for s, lay in self.written if s < step]
        changed = len(kept) != len(self.written)
        self.written = kept
        return changed
