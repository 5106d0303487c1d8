"""`Board`: one anywidget model per board (DESIGN.md, principle 4).

The kernel pushes: a `Poller` thread reloads the logdirs every ``reload_interval``
seconds and sends what changed as binary deltas (tbnb/board/scalars.py). Every view
setting (smoothing, axes, filters) is a synced trait the browser applies by itself.
"""

from __future__ import annotations

import json
import os
import re
import sys
import threading
import time
import uuid
import weakref
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from tbnb.board.poller import Poller
from tbnb.board.projector import EmbeddingData, ProjectorService
from tbnb.board.sources import Change, Source, parse_logdir_spec
from tbnb.board.state import BoardState

STATIC = Path(__file__).resolve().parent.parent / "static"
BUNDLE = STATIC / "widget.js"
MAX_PROBLEMS_SHOWN = 100

# boards whose poller runs, so an unloaded extension or a Colab hook can reach them
LIVE: weakref.WeakSet[Board] = weakref.WeakSet()


class FrontEndMissingError(RuntimeError):
    """The built front end is not where the package expects it."""


def _check_bundle() -> None:
    if not BUNDLE.is_file():
        raise FrontEndMissingError(
            f"tbnb's front end is not built ({BUNDLE} is missing). Install tbnb with "
            "`pip install .` or `pip install -e .` from the repository, which builds js/ "
            "with npm, or run `npm --prefix js ci && npm --prefix js run build`."
        )


def in_colab() -> bool:
    """Colab does not show widget updates sent from threads (colabtools#3373)."""
    return "google.colab" in sys.modules


def _check_regex(name: str, pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as err:
        raise ValueError(f"{name}={pattern!r} is not a valid regular expression: {err}") from None
    return pattern


class Board(anywidget.AnyWidget):
    """A live TensorBoard-like dashboard of the event files under ``logdir``.

    ``logdir`` is a directory or fsspec URL; ``logdir_spec`` ("name:path,name2:path2")
    shows several logdirs on one board with run names prefixed. ``reload_interval``
    is in seconds (0: read once). ``tags`` and ``runs`` are regular expressions that
    filter what is shown (editable in the board); ``smoothing`` is TensorBoard's
    debiased EMA weight; ``height`` the board's height in pixels (0: natural).
    """

    # anywidget turns a class-level Path into the file's contents (and reloads it
    # on change with ANYWIDGET_HMR=1).
    _esm: Any = BUNDLE

    # the browser keeps one data store per board under this id (js/src/index.ts)
    board_id = traitlets.Unicode("").tag(sync=True)
    logdir = traitlets.Unicode("").tag(sync=True)
    status = traitlets.Dict().tag(sync=True)
    # computed in get_state() for a browser that creates the model; never sent as a change
    data_snapshot = traitlets.Dict().tag(sync=True)
    smoothing = traitlets.Float(0.6).tag(sync=True)
    x_axis = traitlets.Enum(["step", "relative", "wall"], "step").tag(sync=True)
    log_y = traitlets.Bool(False).tag(sync=True)
    ignore_outliers = traitlets.Bool(False).tag(sync=True)
    tag_filter = traitlets.Unicode("").tag(sync=True)
    run_filter = traitlets.Unicode("").tag(sync=True)
    hidden_runs = traitlets.List(traitlets.Unicode()).tag(sync=True)
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
        smoothing: float = 0.6,
        height: int = 0,
        **kwargs: Any,
    ) -> None:
        _check_bundle()
        if isinstance(type(self)._esm, Path):
            # The bundle was built after this module was imported: send its text.
            self._esm = BUNDLE.read_text(encoding="utf-8")
        if not 0 <= smoothing < 1:
            raise ValueError(f"smoothing must be in [0, 1), not {smoothing}")
        if reload_interval < 0:
            raise ValueError(f"reload_interval must be >= 0 seconds, not {reload_interval}")
        if height < 0:
            raise ValueError(f"height must be >= 0 pixels, not {height}")
        if logdir_spec:
            spec = parse_logdir_spec(logdir_spec)
            self._sources = [Source.open(name, path) for name, path in spec]
            shown = logdir_spec
        else:
            path = os.fspath(logdir if logdir is not None else "runs")
            self._sources = [Source.open(None, path)]
            shown = path
        self.reload_interval = reload_interval
        self._lock = threading.RLock()
        self._state = BoardState()
        self._closed = False
        self._poller: Poller | None = None
        self._display_id = uuid.uuid4().hex
        self._displayed = False
        self._projector = ProjectorService(self._embedding_data, self._send_locked)
        self._embedding_list: list[dict[str, Any]] = []
        # The first read happens before the widget opens: the snapshot sent with the
        # model carries it, so the first paint needs no further message.
        self._read(message=False)
        super().__init__(
            board_id=uuid.uuid4().hex,
            logdir=shown,
            status=self._status(),
            embeddings=self._embedding_list,
            tag_filter=_check_regex("tags", tags),
            run_filter=_check_regex("runs", runs),
            smoothing=smoothing,
            height=height,
            **kwargs,
        )
        self.on_msg(self._on_browser_message)
        if reload_interval > 0 and not in_colab():
            self._poller = Poller(
                self.refresh, reload_interval, name=f"tbnb-poller-{self.model_id}"
            )
            self._poller.start()
        if reload_interval > 0:
            LIVE.add(self)
        if self.comm is not None:
            self.comm.on_close(lambda _msg: self._stop())

    # -- reading -------------------------------------------------------------

    def _read(self, *, message: bool = True) -> tuple[dict[str, Any], list[memoryview]] | None:
        """Reload every source; the delta message for what changed, if anything did."""
        changed: list[Change] = []
        new_runs: list[str] = []
        for source in self._sources:
            source_changed, source_runs = source.reload()
            changed.extend(source_changed)
            new_runs.extend(source_runs)
        self._embedding_list = self._list_embeddings()
        return self._state.update(changed, new_runs, message=message)

    def _list_embeddings(self) -> list[dict[str, Any]]:
        out = []
        for i, source in enumerate(self._sources):
            ld = source.logdir
            if ld is None:
                continue
            for run in ld.runs():
                for j, info in enumerate(ld.embedding_infos(run)):
                    out.append(
                        {
                            "id": json.dumps([i, run, j]),
                            "run": source.run_name(run),
                            "tag": info.tag,
                            "step": info.step,
                            "shape": list(info.tensor_shape),
                        }
                    )
        return out

    def _embedding_data(self, eid: str) -> EmbeddingData | None:
        try:
            i, run, j = json.loads(eid)
            ld = self._sources[int(i)].logdir
            info = ld.embedding_infos(run)[int(j)] if ld is not None else None
        except (ValueError, TypeError, IndexError):
            return None
        if ld is None or info is None:
            return None
        for emb in ld.embeddings(run):
            if emb.tag == info.tag and emb.step == info.step:
                return EmbeddingData(
                    emb.vectors, emb.metadata_header, emb.metadata, emb.sprite, emb.sprite_size
                )
        return None

    def _send_locked(self, content: dict[str, Any], buffers: list[memoryview]) -> None:
        with self._lock:
            if not self._closed:
                self.send(content, buffers)

    def refresh(self) -> None:
        """Read what is new in the logdir(s) now and send it to the browser."""
        with self._lock:
            if self._closed:
                return
            update = self._read()
            if update is not None:
                self.send(*update)
            self.status = self._status()
            if self.embeddings != self._embedding_list:
                self.embeddings = self._embedding_list

    def _on_browser_message(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("type")
        if kind == "resync":
            with self._lock:
                self.send(*self._state.snapshot())
        elif kind == "image":
            with self._lock:
                self.send(*self._state.image_reply(content.get("items")))
        else:
            self._projector.handle(content)

    def _status(self) -> dict[str, Any]:
        problems = [p for s in self._sources for p in s.problems]
        errors = [s.error for s in self._sources if s.error]
        nruns = len(self._state.runs)
        if errors:
            state, message = "error", "; ".join(errors)
        elif nruns == 0:
            where = ", ".join(s.path for s in self._sources)
            state, message = "waiting", f"waiting for event files in {where}"
        elif self._closed or self.reload_interval == 0:
            state, message = "stopped", "not reloading" if not self._closed else "closed"
        else:
            state, message = "live", ""
        return {
            "state": state,
            "message": message,
            "last_read": time.time(),
            "runs": nruns,
            "points": self._state.scalars.points,
            "histograms": self._state.histograms.count,
            "images": self._state.images.count,
            "texts": self._state.texts.count,
            "problems": [
                {"path": p.path, "offset": p.offset, "message": p.message}
                for p in problems[-MAX_PROBLEMS_SHOWN:]
            ],
            "problem_count": len(problems),
        }

    def get_state(self, key: Any = None, drop_defaults: bool = False) -> dict[str, Any]:
        """Trait state for the browser; ``data_snapshot`` is the whole current data."""
        state: dict[str, Any] = super().get_state(key=key, drop_defaults=drop_defaults)
        if "data_snapshot" in state:
            with self._lock:
                message, buffers = self._state.snapshot()
            state["data_snapshot"] = {"message": message, "buffers": buffers}
        return state

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

    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        """The widget view plus a static HTML snapshot for hosts that cannot run it."""
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return {**data, "text/html": self.static_html()}, metadata

    def static_html(self) -> str:
        """A self-contained HTML snapshot of the board's charts (inline SVG, no script)."""
        from tbnb.board.static import View, render

        view = View(
            smoothing=self.smoothing,
            tag_filter=self.tag_filter,
            run_filter=self.run_filter,
            hidden_runs=tuple(self.hidden_runs),
        )
        with self._lock:
            status = self._status()
            text = f"{status['runs']} runs, {status['points']:,} scalar points"
            return render(self._state, title=self.logdir, view=view, status=text)

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
        import plotly.graph_objects as go

        from tbnb.board.static import View, colour
        from tbnb.compute.smoothing import smooth

        self.refresh()  # what a cell just wrote is in the figure
        view = View(self.smoothing, "", self.run_filter, tuple(self.hidden_runs))
        fig = go.Figure()
        with self._lock:
            order = {run: i for i, run in enumerate(self._state.runs)}
            series = {run: s for (run, t), s in self._state.scalars._series.items() if t == tag}
        if not series:
            raise KeyError(f"no scalar tag {tag!r} on this board")
        for run in sorted(series, key=lambda r: order.get(r, 0)):
            if not view.run_shown(run):
                continue
            s = series[run]
            if self.x_axis == "step":
                x: Any = s.step
            elif self.x_axis == "relative":
                x = (s.wall_time - s.wall_time[0]) / 3600.0 if len(s.wall_time) else s.wall_time
            else:
                x = s.wall_time.astype("datetime64[s]")
            col = colour(order[run])
            if self.smoothing > 0:
                fig.add_scatter(
                    x=x, y=s.value, name=run, mode="lines", line={"color": col},
                    opacity=0.25, showlegend=False, hoverinfo="skip",
                )  # fmt: skip
                fig.add_scatter(
                    x=x, y=smooth(s.value, self.smoothing), name=run, mode="lines",
                    line={"color": col},
                )  # fmt: skip
            else:
                fig.add_scatter(x=x, y=s.value, name=run, mode="lines", line={"color": col})
        xtitle = {"step": "step", "relative": "relative time (hours)", "wall": "wall time"}
        fig.update_layout(
            title={"text": tag},
            xaxis_title=xtitle[self.x_axis],
            yaxis_type="log" if self.log_y else "linear",
            template="plotly_white",
        )
        return fig

    # -- life cycle ----------------------------------------------------------

    @property
    def live(self) -> bool:
        """True while a poller thread reloads this board."""
        return self._poller is not None and self._poller.alive

    def _stop(self) -> None:
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
        if hasattr(self, "_lock"):  # else __init__ failed before anything was opened
            with self._lock:
                self._closed = True
                if self.comm is not None:
                    self.status = self._status()
        super().close()
        if was_open and getattr(self, "_displayed", False):
            self.snapshot()  # the output keeps the last charts, drawn statically
