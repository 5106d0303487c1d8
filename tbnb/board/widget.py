"""`Board`: one anywidget model per board (CONTRIBUTING.md, principle 4), thin over its engine.

The board's data, status and snapshot are its `BoardEngine` (tbnb/board/engine.py). This
class is the widget: synced traits, message routing, the `Poller` thread that reads and
pushes deltas every ``reload_interval`` seconds, display and life cycle. Every view
setting (smoothing, axes, filters) is a synced trait the browser applies by itself.
"""

from __future__ import annotations

import inspect
import os
import threading
import time
import uuid
import weakref
from collections.abc import Mapping, Sequence
from typing import Any

import anywidget
import traitlets

from tbnb.board.engine import BoardEngine
from tbnb.board.filters import check_filter
from tbnb.board.poller import Poller
from tbnb.board.projector import ProjectorService
from tbnb.board.protocol import PAINTED, RESYNC
from tbnb.board.runtime import BUNDLE, front_end, in_colab
from tbnb.board.settings import (
    DEFAULT_SMOOTHING,
    DEFAULT_TOOLTIP_ROWS,
    PICKED_COLOUR,
    TOOLTIP_SORTS,
    X_AXES,
    ViewSettings,
    run_groups_of,
    tag_charts_of,
)

# Seconds the first read may take before the board opens with what it has read; the
# reads after it (on the poller's thread) take READ_BUDGET, then twice as long each time
# up to MAX_READ_BUDGET, sending what each read: a large logdir is drawn in parts, with
# its progress in the status line, and few parts (each costs the browser a redraw).
FIRST_READ_BUDGET = 0.3
READ_BUDGET = 0.5
MAX_READ_BUDGET = 4.0
# ...and the first of those reads waits until the board is on its way to the page: its
# display message sent (the board displayed itself, as %tbnb does), or the page saying it
# drew it (a PaintedMessage: a board shown inside another widget), at most this long.
# Reading on at once, the display message (and the static HTML made for it, which needs
# the GIL the reading holds) left 0.6 s later: the first lines of 100 runs x 20 tags at
# 1.2 s instead of 0.7 s. Once the page has the board, it draws on its own core while the
# kernel reads on: every run drawn at 2.2-2.4 s, against 2.6-3.0 s when reading waited
# for the page to draw.
FIRST_PAINT_GRACE = 0.6

# boards whose poller runs, so an unloaded extension or a Colab hook can reach them
LIVE: weakref.WeakSet[Board] = weakref.WeakSet()

# What a person curates on a board (pins, picked colours, card sizes), remembered per
# logdir for the kernel's life: re-running the %tbnb cell makes a new Board, and it
# starts with these as the last board of that logdir left them (unless given).
REMEMBERED = ("pinned_cards", "run_colors", "full_size_cards", "card_width")
_remembered: dict[str, dict[str, Any]] = {}


class Board(anywidget.AnyWidget):
    """A live TensorBoard-like dashboard of the event files under ``logdir``.

    ``logdir`` is a directory or fsspec URL; ``logdir_spec`` ("name:path,name2:path2")
    shows several logdirs on one board with run names prefixed. ``reload_interval``
    is in seconds (0: read once). ``tags`` and ``runs`` are regular expressions that
    filter what is shown (editable in the board); ``smoothing`` is TensorBoard's
    debiased EMA weight; ``height`` the board's height in pixels (0: natural).
    ``charts``: a regex or a list of them, each drawing the scalar tags it matches on
    one chart (lines named run and tag); ``groups``: a regex over run names whose
    capture groups make a group key (``r"lr_(.*)_seed\\d+"``), or a dict (settings.py
    run_groups_of): each group drawn as its mean with a band.
    """

    # anywidget turns a class-level Path into the file's contents (and reloads it on
    # change with ANYWIDGET_HMR=1). Each board sets its own (runtime.front_end): the
    # small loader, or the bundle where boards cannot share one; setting it per board
    # also keeps it off the class's file watcher, which would hold every board made.
    _esm: Any = BUNDLE

    # the browser keeps one data store per board under this id (js/src/index.ts)
    board_id = traitlets.Unicode("").tag(sync=True)
    # "IPY_MODEL_<id>" of the runtime model holding the code (tbnb/board/runtime.py)
    runtime = traitlets.Unicode("").tag(sync=True)
    logdir = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    # computed in get_state() for a browser that creates the model; never sent as a change
    data_snapshot = traitlets.Dict().tag(sync=True)
    smoothing = traitlets.Float(DEFAULT_SMOOTHING).tag(sync=True)
    x_axis = traitlets.Enum(list(X_AXES), "step").tag(sync=True)
    log_y = traitlets.Bool(False).tag(sync=True)
    ignore_outliers = traitlets.Bool(False).tag(sync=True)
    tag_filter = traitlets.Unicode("").tag(sync=True)
    run_filter = traitlets.Unicode("").tag(sync=True)
    hidden_runs = traitlets.List(traitlets.Unicode()).tag(sync=True)
    # run -> "#rrggbb" picked in the run list (the others: a hash of the name)
    run_colors = traitlets.Dict(value_trait=traitlets.Unicode()).tag(sync=True)
    # the scalars tab's tools (ViewSettings says what each holds)
    symlog_y = traitlets.Bool(False).tag(sync=True)
    step_markers = traitlets.Dict(value_trait=traitlets.List(traitlets.Float())).tag(sync=True)
    link_by_step = traitlets.Bool(False).tag(sync=True)
    range_selection = traitlets.Bool(False).tag(sync=True)
    data_table = traitlets.Dict().tag(sync=True)
    pinned_cards = traitlets.List(traitlets.Unicode()).tag(sync=True)
    full_size_cards = traitlets.List(traitlets.Unicode()).tag(sync=True)
    card_width = traitlets.Int(0).tag(sync=True)
    tooltip_sort = traitlets.Enum(list(TOOLTIP_SORTS), "default").tag(sync=True)
    tooltip_rows = traitlets.Int(DEFAULT_TOOLTIP_ROWS).tag(sync=True)
    link_hover_zoom = traitlets.Bool(False).tag(sync=True)
    linked_x_range = traitlets.List(traitlets.Float(), maxlen=2).tag(sync=True)
    # multi-tag charts (regexes) and run groups (ViewSettings says what each holds)
    tag_charts = traitlets.List(traitlets.Unicode()).tag(sync=True)
    run_groups = traitlets.Dict().tag(sync=True)
    height = traitlets.Int(0).tag(sync=True)
    # what the Projector tab offers: [{id, run, tag, step, shape}] (js/src/protocol.ts)
    embeddings = traitlets.List(traitlets.Dict()).tag(sync=True)
    view = traitlets.Unicode("board").tag(sync=True)

    def __init__(
        self,
        logdir: str | os.PathLike[str] | None = "runs",
        *,
        logdir_spec: str | None = None,
        reload_interval: float = 1.0,
        tags: str = "",
        runs: str = "",
        smoothing: float = DEFAULT_SMOOTHING,
        height: int = 0,
        charts: str | Sequence[str] = (),
        groups: str | Mapping[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        _check_kwargs(kwargs)
        self._esm, kwargs["runtime"] = front_end()
        if not 0 <= smoothing < 1:
            raise ValueError(f"smoothing must be in [0, 1), not {smoothing}")
        if reload_interval < 0:
            raise ValueError(f"reload_interval must be >= 0 seconds, not {reload_interval}")
        if height < 0:
            raise ValueError(f"height must be >= 0 pixels, not {height}")
        check_filter("tags", tags)
        check_filter("runs", runs)
        if charts:
            kwargs["tag_charts"] = tag_charts_of(charts)
        if groups:
            kwargs["run_groups"] = run_groups_of(groups)
        self.reload_interval = reload_interval
        self.engine = BoardEngine(logdir, logdir_spec=logdir_spec, live=reload_interval > 0)
        self._poller: Poller | None = None
        self._display_id = uuid.uuid4().hex
        self._displayed = False
        self._projector = ProjectorService(self.engine.embedding, self._send_locked)
        # The first read happens before the widget opens: the snapshot sent with the
        # model carries it, so the first paint needs no further message.
        started = time.perf_counter()
        # (Colab shows no message sent from a thread: there the first read is whole)
        self.engine.read(message=False, budget=None if in_colab() else FIRST_READ_BUDGET)
        # seconds spent on the way to the first paint (benchmarks/bench_board.py)
        self.timings: dict[str, float] = {"first_read": time.perf_counter() - started}
        for key, value in _remembered.get(self.engine.title, {}).items():
            kwargs.setdefault(key, value)
        # the Layout widget ipywidgets makes for the board is closed with it (one given
        # may be shared with other widgets: left open)
        self._own_layout = "layout" not in kwargs
        super().__init__(
            board_id=uuid.uuid4().hex,
            logdir=self.engine.title,
            status=dict(self.engine.status()),
            embeddings=[dict(e) for e in self.engine.embeddings()],
            tag_filter=tags,
            run_filter=runs,
            smoothing=smoothing,
            height=height,
            **kwargs,
        )
        self.on_msg(self._on_browser_message)
        self.observe(self._remember, names=list(REMEMBERED))
        self._finisher: threading.Thread | None = None
        self._part_budget = READ_BUDGET
        self._grace = FIRST_PAINT_GRACE if self.engine.unread_runs() else 0.0
        # the board's display message was sent, or a view drew every card in view
        self._shown = threading.Event()
        if reload_interval > 0 and not in_colab():
            self._poller = Poller(
                self._read_part,
                reload_interval,
                name=f"tbnb-poller-{self.model_id}",
                watch=self.engine.local_dirs,
            )
            self._poller.start()
        elif self.engine.unread_runs():
            # not reloading, but the first read stopped at its budget: the rest is read
            # and sent in parts on a thread of its own, which then ends
            self._finisher = threading.Thread(
                target=self._finish_reading, name=f"tbnb-first-read-{self.model_id}", daemon=True
            )
            self._finisher.start()
        if reload_interval > 0:
            LIVE.add(self)
        if self.comm is not None:
            self.comm.on_close(lambda _msg: self._stop())

    def _remember(self, change: Any) -> None:
        _remembered.setdefault(self.engine.title, {})[change["name"]] = change["new"]

    # -- messages --------------------------------------------------------------

    def _send_locked(self, content: Any, buffers: list[memoryview]) -> None:
        with self.engine.lock:
            if not self.engine.closed:
                self.send(content, buffers)

    def refresh(self) -> None:
        """Read what is new in the logdir(s) now and send it to the browser."""
        self._read(budget=None)

    def _read_part(self) -> bool:
        """The poller's read: a large logdir in parts; True while runs are left unread."""
        if self._grace:
            grace, self._grace = self._grace, 0.0
            self._shown.wait(grace)
        budget = self._part_budget
        more = self._read(budget=budget)
        self._part_budget = min(2 * budget, MAX_READ_BUDGET) if more else READ_BUDGET
        return more

    def _finish_reading(self) -> None:
        while self._read_part():
            pass

    def _read(self, budget: float | None) -> bool:
        engine = self.engine
        if engine.closed:  # checked before waiting on a read that may still be going on
            return False
        # one read at a time, and its delta sent before the next one is made; the
        # browser's requests are answered meanwhile (they only take engine.lock)
        with engine.read_lock:
            if engine.closed:
                return False
            update = engine.read(budget=budget)
            with engine.lock:
                if engine.closed:
                    return False
                if update is not None:
                    self.send(*update)
                self.status = dict(engine.status())
                embeddings = [dict(e) for e in engine.embeddings()]
                if self.embeddings != embeddings:
                    self.embeddings = embeddings
                return engine.unread_runs() > 0

    def _on_browser_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        if content.get("type") == PAINTED:
            self._shown.set()
            return
        if content.get("type") == RESYNC:
            with self.engine.lock:
                self.send(*self.engine.snapshot())
            return
        with self.engine.lock:
            reply = self.engine.answer(content)
            if reply is not None:
                self.send(*reply)
                return
        self._projector.handle(content)
        # an embedding opened for the first time may have found problems: show them now,
        # also on a board that does not reload
        with self.engine.lock:
            if not self.engine.closed:
                self.status = dict(self.engine.status())

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """Trait state for the browser; ``data_snapshot`` is the whole current data."""
        started = time.perf_counter()
        state: dict[str, Any] = super().get_state(key=key, drop_defaults=drop_defaults)
        if "data_snapshot" in state:
            message, buffers = self.engine.snapshot()
            state["data_snapshot"] = {"message": message, "buffers": buffers}
        if "data_snapshot" in state and hasattr(self, "timings"):
            self.timings.setdefault("state", time.perf_counter() - started)
        return state

    @traitlets.validate("run_colors")
    def _valid_colours(self, proposal: dict[str, Any]) -> dict[str, str]:
        colours: dict[str, str] = proposal["value"]
        bad = [c for c in colours.values() if not PICKED_COLOUR.fullmatch(c)]
        if bad:
            raise traitlets.TraitError(f"run colours are #rrggbb, not {bad[0]!r}")
        return colours

    @property
    def settings(self) -> ViewSettings:
        """The view settings as the browser last set them."""
        return ViewSettings.of(self)

    # -- display -------------------------------------------------------------

    # set by %tbnb, which displays the board itself and also returns it
    _shown_in_execution: int | None = None

    def _ipython_display_(self, **kwargs: Any) -> None:
        from IPython.core.getipython import get_ipython
        from IPython.display import display

        ip = get_ipython()
        if ip is not None and self._shown_in_execution == ip.execution_count:
            # `%tbnb ...` as a cell's last line: the magic showed the board already
            self._shown_in_execution = None
            return
        bundle = self._repr_mimebundle_(**kwargs)
        if bundle is None:
            return
        data, metadata = bundle
        display(data, metadata=metadata, raw=True, display_id=self._display_id)
        self._displayed = True
        self._shown.set()  # the rest of a large first read may go on (FIRST_PAINT_GRACE)

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The widget view plus a static HTML snapshot for hosts that cannot run it."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        started = time.perf_counter()
        html = self.static_html()
        self.timings.setdefault("static_html", time.perf_counter() - started)
        return {**data, "text/html": html}, metadata

    def static_html(self) -> str:
        """A self-contained HTML snapshot of the board's charts (inline SVG, no script)."""
        from tbnb.board.static import render

        return render(self.engine, self.settings)

    def snapshot(self) -> str:
        """Refresh the static snapshot saved with the notebook; returns its HTML.

        Where the board is shown, the output keeps the live widget and its fallback
        (what GitHub, nbviewer and hosts without widgets show) becomes the current
        charts. Called by itself when the board stops being live.
        """
        self.refresh()
        html = self.static_html()
        if self._displayed:
            from IPython.display import update_display

            data: dict[str, Any] = {"text/html": html, "text/plain": repr(self)}
            if self.comm is not None:
                data["application/vnd.jupyter.widget-view+json"] = {
                    "version_major": 2,
                    "version_minor": 1,
                    "model_id": self.model_id,
                }
            update_display(data, raw=True, display_id=self._display_id)
        return html

    def figure(self, tag: str) -> Any:
        """A plotly Figure of the chart of ``tag`` as the board shows it (smoothing,
        x axis, log scale, run filters), ready for ``write_image`` / ``write_html``."""
        from tbnb.board.figure import figure

        self.refresh()  # what a cell just wrote is in the figure
        return figure(self.engine, tag, self.settings)

    # -- life cycle ----------------------------------------------------------

    @property
    def live(self) -> bool:
        """True while a poller thread reloads this board."""
        return self._poller is not None and self._poller.alive

    def _stop(self) -> None:
        shown = getattr(self, "_shown", None)
        if shown is not None:  # a thread waiting for the board to be shown goes on, sees closed
            shown.set()
        poller, self._poller = getattr(self, "_poller", None), None
        if poller is not None:
            poller.stop()
        if hasattr(self, "_projector"):
            self._projector.close()
        LIVE.discard(self)

    def close(self) -> None:
        """Stop reloading and close the widget (its output keeps a static snapshot)."""
        was_open = getattr(self, "comm", None) is not None
        self._stop()
        engine = getattr(self, "engine", None)
        if engine is not None:  # else __init__ failed before anything was opened
            with engine.lock:
                engine.closed = True
                if self.comm is not None:
                    self.status = dict(engine.status())
        # (read only once __init__ set _own_layout: reading it earlier would make one)
        layout = self.layout if getattr(self, "_own_layout", False) else None
        super().close()
        if layout is not None:
            # else it stays open, registered in ipywidgets' instances and, in a kernel,
            # with its comm open: a few KB each time a %tbnb cell is re-run
            layout.close()
        if was_open and getattr(self, "_displayed", False):
            self.snapshot()  # the output keeps the last charts, drawn statically


# view settings Board(...) takes by keyword besides its own arguments (they are traits),
# and ipywidgets' layout
_WIDGET_KWARGS = (set(ViewSettings.__dataclass_fields__) - {"smoothing"}) | {"layout"}


def _check_kwargs(kwargs: dict[str, Any]) -> None:
    unknown = sorted(set(kwargs) - _WIDGET_KWARGS)
    if unknown:
        own = set(inspect.signature(Board.__init__).parameters) - {"self", "kwargs"}
        valid = ", ".join(sorted(own | _WIDGET_KWARGS - {"layout"}))
        raise TypeError(
            f"Board() got unexpected keyword argument(s) {', '.join(map(repr, unknown))}; "
            f"valid: {valid}"
        )
