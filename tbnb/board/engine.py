"""`BoardEngine`: everything a board is, without a widget.

It owns the logdirs a board reads, the feeds (what its browsers hold of each kind of
data), the run order, the status, the embedding catalogue and the full snapshot. The
widget (tbnb/board/widget.py) is a thin layer over it; the static snapshot, `tbnb export`
and `Board.figure` read through its public API. No anywidget or IPython import here.
"""

from __future__ import annotations

import json
import os
import threading
import time
from typing import Any, cast

from tbnb.board.feeds import (
    FEEDS,
    AudioFeed,
    CustomScalarsFeed,
    Feed,
    FeedChange,
    GraphFeed,
    HistogramFeed,
    HParamsFeed,
    ImageFeed,
    TextFeed,
)
from tbnb.board.feeds.scalars import ScalarFeed, Series
from tbnb.board.logdirs import NamedLogdir, parse_logdir_spec
from tbnb.board.projector import EmbeddingData
from tbnb.board.protocol import (
    UPDATE,
    Buffers,
    EmbeddingEntry,
    Message,
    Problem,
    Status,
    UpdateMessage,
)
from tbnb.events.kinds import Kind

MAX_PROBLEMS_SHOWN = 100


class BoardEngine:
    """The data of one board: read with `read()`, sent as the messages it returns."""

    def __init__(
        self,
        logdir: str | os.PathLike[str] | None = "runs",
        *,
        logdir_spec: str | None = None,
        live: bool = True,
    ) -> None:
        if logdir_spec:
            self.logdirs = [NamedLogdir.open(n, p) for n, p in parse_logdir_spec(logdir_spec)]
            self.title = logdir_spec
        else:
            path = os.fspath(logdir if logdir is not None else "runs")
            self.logdirs = [NamedLogdir.open(None, path)]
            self.title = path
        self.live = live  # False: read once (reload_interval=0) or closed
        self.closed = False
        # `lock` guards the feeds and the status (held briefly: the browser's requests
        # are answered while a long read goes on); `read_lock` makes reads one at a time,
        # so deltas are made, and sent, in order
        self.lock = threading.RLock()
        self.read_lock = threading.RLock()
        self.feeds: dict[Kind, Feed] = {kind: make() for kind, make in FEEDS.items()}
        self.runs: list[str] = []  # display order (a run's colour is from its name)
        self.seq = 0  # of the last delta made (UpdateMessage.seq)
        self._embeddings: list[EmbeddingEntry] = []

    def local_dirs(self) -> list[str]:
        """The local directories of the board's logdirs (remote ones are polled only)."""
        return [d for ld in self.logdirs if ld.logdir and (d := ld.logdir.local_dir)]

    # ---- the feeds, by what they are ------------------------------------------------
    @property
    def scalars(self) -> ScalarFeed:
        return cast(ScalarFeed, self.feeds[Kind.SCALARS])

    @property
    def histograms(self) -> HistogramFeed:
        return cast(HistogramFeed, self.feeds[Kind.HISTOGRAMS])

    @property
    def images(self) -> ImageFeed:
        return cast(ImageFeed, self.feeds[Kind.IMAGES])

    @property
    def texts(self) -> TextFeed:
        return cast(TextFeed, self.feeds[Kind.TEXT])

    @property
    def graphs(self) -> GraphFeed:
        return cast(GraphFeed, self.feeds[Kind.GRAPHS])

    @property
    def hparams(self) -> HParamsFeed:
        return cast(HParamsFeed, self.feeds[Kind.HPARAMS])

    @property
    def audio(self) -> AudioFeed:
        return cast(AudioFeed, self.feeds[Kind.AUDIO])

    @property
    def custom_scalars(self) -> CustomScalarsFeed:
        return cast(CustomScalarsFeed, self.feeds[Kind.CUSTOM_SCALARS])

    # ---- reading ----------------------------------------------------------------------
    def read(self, *, message: bool = True, budget: float | None = None) -> Message | None:
        """Read what is new in every logdir; the delta message for what changed (None if
        nothing did, or ``message`` is False: before any browser holds the state).

        With a ``budget`` (seconds) a large logdir is read in parts: runs are started
        until it is spent, and ``unread_runs()`` says how many wait for the next read."""
        with self.read_lock:
            changed: dict[Kind, list[FeedChange]] = {}
            new_runs: list[str] = []
            for ld in self.logdirs:
                ld_changed, ld_runs = ld.reload(budget)
                for kind, items in ld_changed.items():
                    changed.setdefault(kind, []).extend(items)
                new_runs.extend(ld_runs)
            embeddings = self._list_embeddings()
            with self.lock:
                return self._take(changed, new_runs, embeddings, message)

    def _take(
        self,
        changed: dict[Kind, list[FeedChange]],
        new_runs: list[str],
        embeddings: list[EmbeddingEntry],
        message: bool,
    ) -> Message | None:
        self._embeddings = embeddings
        added = [r for r in new_runs if r not in self.runs]
        self.runs.extend(added)
        taken = {k: v for k, v in changed.items() if k in self.feeds}
        if not taken and not added:
            return None
        if Kind.SCALARS in self.feeds:
            # the runs listed (unread ones too) over those read
            read = len(self.runs) - self.unread_runs()
            self.scalars.growth = len(self.runs) / read if read > 0 else 1.0
        if not message:
            for kind, changes in taken.items():
                self.feeds[kind].deltas(changes, None)
            return None
        buffers = Buffers()
        fields: dict[str, list[Any]] = {}
        for kind, feed in self.feeds.items():
            fields.update(feed.deltas(taken.get(kind, []), buffers))
        self.seq += 1
        content = {"type": UPDATE, "seq": self.seq, "full": False, "runs": list(self.runs)}
        return cast(UpdateMessage, {**content, **fields}), buffers.items

    def snapshot(self) -> Message:
        """The whole state as a full update, for a browser that holds nothing."""
        with self.lock:
            buffers = Buffers()
            fields: dict[str, list[Any]] = {}
            for feed in self.feeds.values():
                fields.update(feed.snapshot(buffers))
            content = {"type": UPDATE, "seq": self.seq, "full": True, "runs": list(self.runs)}
            return cast(UpdateMessage, {**content, **fields}), buffers.items

    def answer(self, content: dict[str, Any]) -> Message | None:
        """The reply of the feed that serves this browser request (None: no feed does)."""
        with self.lock:
            for feed in self.feeds.values():
                reply = feed.answer(content)
                if reply is not None:
                    return reply
        return None

    # ---- the public read API ----------------------------------------------------------
    def scalar_series(self, tag: str | None = None) -> dict[tuple[str, str], Series]:
        """(run, tag) -> every point of the series, for one tag or all, in run order."""
        with self.lock:
            order = {run: i for i, run in enumerate(self.runs)}
            items = [(k, s) for k, s in self.scalars.series().items() if tag is None or k[1] == tag]
        items.sort(key=lambda kv: (order.get(kv[0][0], len(order)), kv[0][1]))
        return dict(items)

    def unread_runs(self) -> int:
        """Runs with bytes that a read with a budget left for the next one."""
        return sum(ld.logdir.unread_runs for ld in self.logdirs if ld.logdir is not None)

    def counts(self) -> dict[Kind, int]:
        with self.lock:
            return {kind: feed.count for kind, feed in self.feeds.items()}

    def problems(self) -> list[Problem]:
        out: list[Problem] = []
        for ld in self.logdirs:
            for p in ld.problems:
                out.append({"path": p.path, "offset": p.offset, "message": p.message})
        return out

    def status(self) -> Status:
        with self.lock:
            problems = self.problems()
            errors = [ld.error for ld in self.logdirs if ld.error]
            nruns = len(self.runs)
            state: Any
            if errors:
                state, message = "error", "; ".join(errors)
            elif nruns == 0:
                where = ", ".join(ld.path for ld in self.logdirs)
                state, message = "waiting", f"waiting for event files in {where}"
            elif self.closed or not self.live:
                state, message = "stopped", "closed" if self.closed else "not reloading"
            else:
                state, message = "live", ""
            counts = self.counts()
            return {
                "state": state,
                "message": message,
                "last_read": time.time(),
                "runs": nruns,
                # a large logdir's first read is drawn in parts: "read 37 of 100 runs"
                "unread_runs": self.unread_runs(),
                "points": counts[Kind.SCALARS],
                "histograms": counts[Kind.HISTOGRAMS],
                "images": counts[Kind.IMAGES],
                "texts": counts[Kind.TEXT],
                "graphs": counts[Kind.GRAPHS],
                "sessions": counts[Kind.HPARAMS],
                "problems": problems[-MAX_PROBLEMS_SHOWN:],
                # every problem seen (the reader keeps only the latest few of each kind)
                "problem_count": max(
                    len(problems),
                    sum(ld.logdir.problem_count for ld in self.logdirs if ld.logdir is not None),
                ),
            }

    # ---- the embedding catalogue ------------------------------------------------------
    def embeddings(self) -> list[EmbeddingEntry]:
        """What the Projector tab offers (the synced ``embeddings`` trait)."""
        with self.lock:
            return list(self._embeddings)

    def _list_embeddings(self) -> list[EmbeddingEntry]:
        out: list[EmbeddingEntry] = []
        for i, named in enumerate(self.logdirs):
            ld = named.logdir
            if ld is None:
                continue
            for run in ld.runs():
                for j, info in enumerate(ld.embedding_infos(run)):
                    out.append(
                        {
                            "id": json.dumps([i, run, j]),
                            "run": named.run_name(run),
                            "tag": info.tag,
                            "step": info.step,
                            "shape": list(info.tensor_shape),
                        }
                    )
        return out

    def embedding(self, eid: str) -> EmbeddingData | None:
        """The points, metadata and sprite of one catalogue entry (None: no such entry)."""
        try:
            i, run, j = json.loads(eid)
            ld = self.logdirs[int(i)].logdir
            info = ld.embedding_infos(run)[int(j)] if ld is not None else None
        except (ValueError, TypeError, IndexError, KeyError):
            return None
        if ld is None or info is None:
            return None
        for emb in ld.embeddings(run):
            if emb.tag == info.tag and emb.step == info.step:
                return EmbeddingData(
                    emb.vectors, emb.metadata_header, emb.metadata, emb.sprite, emb.sprite_size
                )
        return None
