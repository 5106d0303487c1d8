"""``Logdir``: the public reading engine over a directory (or fsspec URL) of runs.

Longer than the ~400 lines CONTRIBUTING.md asks for: it is the one class a user reads
through (runs, tags, each kind's series, graphs, embeddings, to_pandas), each query a
few lines; the work is in framing.py, run.py, tailing.py, resync.py, graphs.py, hparams.py and
projector.py.
"""

from __future__ import annotations

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from tbnb.events import decode, graphs, hparams_sessions, layouts, projector
from tbnb.events.kinds import Kind
from tbnb.events.memory import release_free_memory
from tbnb.events.meshes import MeshPoint
from tbnb.events.points import (
    AudioPoint,
    Embedding,
    Graph,
    HistogramPoint,
    HParams,
    ImagePoint,
    TensorPoint,
    TextPoint,
)
from tbnb.events.problems import LATEST, Problem, ProblemLog
from tbnb.events.run import FileState, Run
from tbnb.events.source import LocalSource, Source, open_source
from tbnb.events.store import ScalarSeries, scalars_frame
from tbnb.events.tailing import Work, batches, first_ranges, read_file

# Bytes read at a time from a file. Each chunk is framed and decoded, and its temporaries
# freed, before the next is read: the memory a large read needs beyond what it keeps is
# a few chunks (one per reading thread), not the files. Small local chunks cost no speed
# (4 MiB: as fast as 64 MiB, a little faster in cache); a remote chunk is a range request,
# so fewer and larger.
CHUNK = 4 << 20
REMOTE_CHUNK = 16 << 20
# A projector config is a few lines; a larger one is refused.
MAX_CONFIG_BYTES = 16 << 20
# Read runs in parallel threads when at least this many new bytes are waiting.
PARALLEL_BYTES = 16 << 20
# ... and at least this many per run: many small runs are Python-bound, and threads then
# only contend for the GIL (2,000 runs of 23 KB: 3.3 s serial, 4.9 s in 4 threads).
PARALLEL_RUN_BYTES = 1 << 20
# A read with a budget reads on past it when the new bytes left are at most this share
# of those it has read: a logdir read in parts does not end with a small one (100 runs
# in parts of 12, 24, 56 and 8 runs: the browser drew 100 cards again for the last 8).
FINISH_SHARE = 0.5
# A remote logdir's first ranges are fetched together in batches of at most this much.
PREFETCH_BYTES = 64 << 20


@dataclass(frozen=True)
class SeriesChange:
    """Rows ``[first_row:first_row+rows]`` of a series are new; those before are unchanged.

    ``series`` is the whole series after the change (a `ScalarSeries`, or the list of
    points of the other kinds), so the caller needs no second lookup by its key.
    """

    first_row: int
    rows: int
    series: Any = field(default=None, compare=False, repr=False)


@dataclass
class Changes:
    """What one ``reload()`` changed."""

    new_runs: list[str] = field(default_factory=list)
    new_tags: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # run->kind->tags
    # (run, kind, tag) -> the change
    series: dict[tuple[str, str, str], SeriesChange] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)  # the latest (at most LATEST)
    problem_count: int = 0  # all problems of this reload, including those not listed

    def __bool__(self) -> bool:
        return bool(self.new_runs or self.new_tags or self.series or self.problems)


@dataclass
class _Projector:
    size: int = -1
    infos: list[projector.EmbeddingInfo] = field(default_factory=list)
    cache: dict[str, tuple[Embedding | None, int]] = field(default_factory=dict)
    # why the last read of the config failed ("": it did not). A failed config is read
    # again when its size changes and on later reloads (after 1, 2, 4 ... 32 of them: a
    # writer may be half way through it, or a permission be fixed, at the same size).
    failed: str = ""
    retry_in: int = 0
    backoff: int = 1


class Logdir:
    """Event files under ``path`` (a local path or an fsspec URL), read incrementally.

    Call :meth:`reload` to read what was written since the last call; it never raises
    for bad files and returns a :class:`Changes`. Problems are in :attr:`problems`.
    ``storage_options`` go to fsspec for URLs (e.g. ``{"endpoint_url": ...}`` for s3).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        storage_options: dict[str, Any] | None = None,
        chunk_bytes: int | None = None,
        workers: int | None = None,
    ) -> None:
        self.path = os.fspath(path)
        self._source: Source = open_source(path, storage_options)
        self._runs: dict[str, Run] = {}
        self._projectors: dict[str, _Projector] = {}
        self._problems = ProblemLog()
        self._reported: set[tuple[str, str]] = set()
        self._conditions: set[tuple[str, str]] = set()
        # why the last listing of the logdir failed as a whole (None: it did not)
        self.unreachable: str | None = None
        if chunk_bytes is None:
            chunk_bytes = CHUNK if isinstance(self._source, LocalSource) else REMOTE_CHUNK
        self._chunk = max(int(chunk_bytes), 1 << 12)
        if workers is None:
            # Local runs are read in one thread: reading is numpy calls of a few thousand
            # records each, with Python between them, and two threads fought over the GIL
            # (the scale logdir's 100 runs: 6.8-7.3 s and 9 s of CPU in two threads,
            # 3.7-5.0 s in one; bench_reader's 4 runs: 0.62-0.98 s against 0.53-0.80 s).
            # A remote store's reads wait on the network: threads overlap them.
            local = isinstance(self._source, LocalSource)
            workers = 1 if local else min(4, os.cpu_count() or 1)
        self._workers = workers
        self._lock = threading.RLock()
        self._changes_lock = threading.Lock()
        self._changes = Changes()
        self._read_now: list[Run] = []  # runs read by the current reload
        self.unread_runs = 0  # runs the last reload left unread (its budget was spent)

    # ---- problems ------------------------------------------------------------
    def _problem(self, path: str, offset: int | None, message: str, count: int = 1) -> None:
        p = Problem(path, offset, message, count)
        self._problems.add(p)
        with self._changes_lock:  # runs are read in parallel threads
            ch = self._changes
            ch.problem_count += count
            ch.problems.append(p)
            if len(ch.problems) > 2 * LATEST:
                del ch.problems[:LATEST]

    def _problem_once(self, path: str, message: str) -> None:
        if (path, message) not in self._reported:
            self._reported.add((path, message))
            self._problem(path, None, message)

    def _listing_conditions(self, now: set[tuple[str, str]]) -> None:
        """Problems of the listing (a missing logdir, a folder that cannot be listed) are
        conditions: reported when they appear, no longer listed once they clear."""
        for key in sorted(now - self._conditions):
            self._problem_once(*key)
        cleared = self._conditions - now
        if cleared:
            self._problems.drop(cleared)
            self._reported -= cleared
        self._conditions = now

    @property
    def problems(self) -> list[Problem]:
        """The latest problems (at most ``LATEST``, 100), oldest first; all of them are
        counted in :attr:`problem_count` and :attr:`problem_summary`."""
        with self._lock:
            return self._problems.latest()

    @property
    def problem_count(self) -> int:
        """How many problems were found so far (records with a problem, regions of
        garbage, unreadable files...), including those no longer listed."""
        with self._lock:
            return self._problems.total

    @property
    def problem_summary(self) -> dict[tuple[str, str], int]:
        """Problem counts by (file, kind); a kind is a message with its numbers as N."""
        with self._lock:
            return dict(self._problems.counts)

    # ---- reading -------------------------------------------------------------
    def reload(self, budget: float | None = None) -> Changes:
        """Read bytes written since the last call; returns what changed.

        ``budget`` (seconds): stop starting runs once it is spent (at least one is read),
        unless the new bytes left are at most half of those read (FINISH_SHARE); the runs
        left are read by the next calls (``unread_runs`` says how many)."""
        with self._lock:
            self._changes = Changes()
            self._read_now = []
            try:
                self._reload(None if budget is None else time.monotonic() + budget)
            except Exception as e:  # never let a file take the caller down
                self._problem(self.path, None, f"internal error while reading: {e!r}")
            changes = self._changes
            self._collect(changes)
            del changes.problems[:-LATEST]
            self._changes = Changes()
            return changes

    def _run(self, name: str) -> Run:
        run = self._runs.get(name)
        if run is None:
            run = self._runs[name] = Run(name, self._problem)
            self._changes.new_runs.append(name)
        return run

    def _reload(self, deadline: float | None) -> None:
        listing = self._source.scan()
        self.unreachable = listing.unreachable
        self._listing_conditions({(path, msg) for path, msg in listing.errors})
        work: list[Work] = []
        new_bytes = 0
        run_bytes: dict[str, int] = {}  # new bytes of each run to read
        runs = self._runs
        for name in sorted((listing.event_files.keys() | listing.projector.keys()) - runs.keys()):
            self._run(name)
        for name, files in sorted(listing.event_files.items()):  # read in the run order
            run = runs[name]
            if files == run.listed:
                continue  # every file as large as when it was read to its end
            todo = []
            for fname, size in files.items():
                fs = run.files.get(fname)
                if fs is None:
                    fs = run.files[fname] = FileState(fname)
                # the size last read up to: an unchanged size holds nothing to judge
                if size != fs.size and not fs.dead:
                    todo.append((fs, size))
            if not todo:
                run.listed = files
                continue
            todo.sort(key=lambda item: item[0].name)  # a run's files in name order
            run_bytes[name] = sum(max(0, size - fs.offset) for fs, size in todo)
            new_bytes += run_bytes[name]
            work.append((run, todo, files))
        for name in sorted(listing.projector):
            try:
                self._read_projector(name, listing.projector[name])
            except Exception as e:  # one config must not stop the rest of the read
                rel = projector.PROJECTOR_PATH
                rel = rel if name == "." else f"{name}/{rel}"
                self._problem(rel, None, f"cannot read projector config: {e!r}")

        def read_run(item: Work) -> None:
            run, todo, files = item
            for fs, size in todo:
                if not self._read_file(run, fs, size):
                    rel = fs.name if run.name == "." else f"{run.name}/{fs.name}"
                    self._problem(rel, None, "event file was rewritten: its run is read again")
                    self._read_again(run, files)
                    break
            # read to the end of every file (else look again at the next reload)
            done = all(run.files[f].size == size or run.files[f].dead for f, size in files.items())
            run.listed = files if done else None

        parallel = (
            self._workers > 1
            and len(work) > 1
            and new_bytes >= PARALLEL_BYTES
            and new_bytes >= PARALLEL_RUN_BYTES * len(work)
        )
        remote = not isinstance(self._source, LocalSource)
        if remote:
            groups = batches(work, self._chunk, PREFETCH_BYTES)
        elif deadline is None:
            groups = [work]
        else:  # small groups, so that the budget is looked at between them
            groups = [
                work[i : i + 2 * self._workers] for i in range(0, len(work), 2 * self._workers)
            ]
        read = 0
        done_bytes = 0
        for batch in groups:
            if deadline is not None and read and time.monotonic() >= deadline:
                # what is left is read now when it is at most FINISH_SHARE of what this
                # read took (one message and one redraw fewer for the browser)
                left = new_bytes - done_bytes
                if left > FINISH_SHARE * done_bytes:
                    break
            # a remote store: every file's first range of the batch requested at once
            if remote:
                self._source.prefetch(first_ranges(batch, self._chunk))
            if parallel and len(batch) > 1:
                # Runs are independent (threads: a remote store's reads, or workers=)
                with ThreadPoolExecutor(max_workers=self._workers) as pool:
                    list(pool.map(read_run, batch))
            else:
                for item in batch:
                    read_run(item)
            read += len(batch)
            done_bytes += sum(run_bytes[item[0].name] for item in batch)
        if remote:
            self._source.prefetch([])  # drops what no read took
        # runs with new bytes left for the next reload (the budget was spent)
        self.unread_runs = len(work) - read
        work = work[:read]
        self._read_now = [item[0] for item in work]
        if new_bytes >= PARALLEL_BYTES:
            # After a large read, columns give back their doubling slack (up to half of
            # their memory); the next append regrows a column once.
            for run, _, _ in work:
                for col in run.scalars.values():
                    col.trim()
            release_free_memory()
        if listing.root_ok:
            for name, run in self._runs.items():
                listed = listing.event_files.get(name, {})
                if len(listed) == len(run.files):
                    continue  # every file known is listed (none is ever forgotten)
                for fname in run.files:
                    if fname not in listed:
                        rel = fname if name == "." else f"{name}/{fname}"
                        self._problem_once(rel, "event file vanished (data read so far kept)")

    def _read_file(self, run: Run, fs: FileState, size: int) -> bool:
        return read_file(
            self._source, run, fs, size, self._chunk, self._problem, self._problem_once
        )

    def _read_again(self, run: Run, files: dict[str, int]) -> None:
        """A file of the run was rewritten (cut, or another file under the same name):
        the run's points are dropped and all its files are read again from the start."""
        run.reset()
        for fname in sorted(files):
            fs = run.files[fname] = FileState(fname)
            self._read_file(run, fs, files[fname])

    def _read_projector(self, run: str, size: int) -> None:
        pj = self._projectors.setdefault(run, _Projector())
        if pj.size == size:
            if not pj.failed:
                return
            pj.retry_in -= 1
            if pj.retry_in > 0:
                return
        elif pj.failed:
            pj.backoff = 1  # changed: read it now, and soon again if it still fails
        pj.size = size
        rel = projector.PROJECTOR_PATH if run == "." else f"{run}/{projector.PROJECTOR_PATH}"
        try:
            text = self._source.read_rel(rel, MAX_CONFIG_BYTES).decode("utf-8")
        except (OSError, ValueError) as e:
            failed = [f"cannot read projector config: {e}"]
        else:
            infos, msgs = projector.parse_config(run, text)
            failed = [m for m in msgs if m.startswith("malformed projector config")]
        if failed:
            if failed[0] != pj.failed:  # said once, not on every retry
                self._problem(rel, None, failed[0])
            pj.failed = failed[0]
            pj.retry_in = pj.backoff
            pj.backoff = min(pj.backoff * 2, 32)
            return
        pj.failed, pj.backoff = "", 1
        for m in msgs:
            self._problem(rel, None, m)
        old = {i.tag for i in pj.infos}
        pj.infos = infos
        pj.cache.clear()
        new = [i.tag for i in infos if i.tag not in old]
        if new:
            self._changes.new_tags.setdefault(run, {}).setdefault(Kind.EMBEDDINGS, []).extend(new)

    def _collect(self, changes: Changes) -> None:
        for run in self._read_now:
            name = run.name
            for kind, tag in run.new_tags:
                changes.new_tags.setdefault(name, {}).setdefault(kind, []).append(tag)
            run.new_tags.clear()
            for kind, tag in run.touched:
                # a graph (a series of its GraphInfo), the run's hparams records (of
                # its RunHParams) or its layout (of its Layout), added, written again or
                # purged
                if kind in (Kind.GRAPHS, Kind.HPARAMS, Kind.CUSTOM_SCALARS):
                    one: Any = (
                        run.graphs.info(name, tag)
                        if kind == Kind.GRAPHS
                        else run.hparams.snapshot(name)
                        if kind == Kind.HPARAMS
                        else run.layouts.current
                    )
                    listed = [one] if one is not None else []
                    changes.series[(name, kind, tag)] = SeriesChange(0, len(listed), listed)
                    continue
                series: Any = (
                    run.scalars.get(tag) if kind == decode.SCALARS else run.lists[kind].get(tag)
                )
                if series is None:
                    continue
                start = series.dirty_from
                data = series.series() if kind == decode.SCALARS else list(series.items)
                changes.series[(name, kind, tag)] = SeriesChange(start, series.n - start, data)
                series.dirty_from = series.n
            run.touched.clear()

    # ---- queries ---------------------------------------------------------------
    def runs(self) -> list[str]:
        """Run names relative to the logdir ('.' for the logdir itself), sorted."""
        with self._lock:
            return sorted(self._runs)

    def _get(self, run: str) -> Run:
        r = self._runs.get(run)
        if r is None:
            raise KeyError(f"no run {run!r}")
        return r

    def tags(self, run: str) -> dict[str, list[str]]:
        """Tags of a run by kind: scalars, images, histograms, text, embeddings (+ others)."""
        with self._lock:
            out = {str(kind): tags for kind, tags in self._get(run).tags().items()}
            pj = self._projectors.get(run)
            out[str(Kind.EMBEDDINGS)] = sorted({i.tag for i in pj.infos}) if pj else []
            return out

    def scalars(self, run: str, tag: str) -> ScalarSeries:
        with self._lock:
            col = self._get(run).scalars.get(tag)
            if col is None:
                raise KeyError(f"no scalar tag {tag!r} in run {run!r}")
            return col.series()

    def _list(self, run: str, kind: str, tag: str) -> list[Any]:
        with self._lock:
            lst = self._get(run).lists[kind].get(tag)
            if lst is None:
                raise KeyError(f"no {kind} tag {tag!r} in run {run!r}")
            return list(lst.items)

    def images(self, run: str, tag: str) -> list[ImagePoint]:
        """One entry per image; ``.data`` reads the encoded bytes from disk."""
        return self._list(run, decode.IMAGES, tag)

    def histograms(self, run: str, tag: str) -> list[HistogramPoint]:
        return self._list(run, decode.HISTOGRAMS, tag)

    def text(self, run: str, tag: str) -> list[TextPoint]:
        return self._list(run, decode.TEXT, tag)

    def audio(self, run: str, tag: str) -> list[AudioPoint]:
        return self._list(run, decode.AUDIO, tag)

    def pr_curves(self, run: str, tag: str) -> list[TensorPoint]:
        return self._list(run, decode.PR_CURVES, tag)

    def meshes(self, run: str) -> dict[str, list[MeshPoint]]:
        """The run's meshes and point clouds by name (``tags(run)["mesh"]``), each a
        `MeshPoint` per step; its tensors are read from the event file when asked for."""
        with self._lock:
            return {n: list(p.items) for n, p in sorted(self._get(run).lists[Kind.MESH].items())}

    def mesh(self, run: str, name: str) -> list[MeshPoint]:
        """Mesh ``name`` of the run, a `MeshPoint` per step (meshes.py)."""
        return self._list(run, Kind.MESH, name)

    def graph(self, run: str, tag: str | None = None) -> Graph:
        """A graph of the run (``tags(run)["graphs"]``; None: the first), read from its
        event file now. KeyError if there is none; ValueError if it cannot be read."""
        with self._lock:
            r = self._get(run)
            ref = (
                r.graphs.refs.get(tag)
                if tag is not None
                else next(iter(r.graphs.refs.values()), None)
            )
            if ref is None:
                raise KeyError(
                    f"no graph {tag!r} in run {run!r}" if tag else f"no graph in run {run!r}"
                )
            stats = list(r.graphs.stats)
        return graphs.load(run, ref, stats)

    def embedding_infos(self, run: str) -> list[projector.EmbeddingInfo]:
        """The run's projector config entries, without reading their files."""
        with self._lock:
            pj = self._projectors.get(run)
            return list(pj.infos) if pj else []

    def embeddings(self, run: str) -> list[Embedding]:
        """The run's projector embeddings (files read on first request, then cached)."""
        with self._lock:
            pj = self._projectors.get(run)
            if pj is None:
                self._get(run)
                return []
            out: list[Embedding] = []
            for info in pj.infos:
                key = f"{info.tag}:{info.step}:{info.tensor_path}"
                cached = pj.cache.get(key)
                if cached is None:
                    emb, msgs = projector.load(self._source, info, run)
                    for m in msgs:
                        self._problem(run, None, m)
                    cached = pj.cache[key] = (emb, 0)
                if cached[0] is not None:
                    out.append(cached[0])
            return out

    def hparams(self) -> HParams:
        """Every experiment config and session (tbnb/events/hparams.py: the rules)."""
        with self._lock:
            runs = self._runs
            records = {n: s for n, r in runs.items() if (s := r.hparams.snapshot(n)) is not None}

            def last(run: str, tag: str) -> float | None:
                col = runs[run].scalars.get(tag)
                return float(col.series().value[-1]) if col is not None and col.n else None

            return hparams_sessions.assemble(records, runs.keys(), lambda r: runs[r].scalars, last)

    def custom_scalars(self, run: str | None = None) -> layouts.Layout | None:
        """The Custom Scalars layout: of every run merged (tbnb/events/layouts.py: the
        rules; no category when none wrote one), or of one run (None: it wrote none)."""
        with self._lock:
            if run is not None:
                return self._get(run).layouts.current
            held = [r.layouts.current for _, r in sorted(self._runs.items())]
            return layouts.merge(lay for lay in held if lay is not None)

    def to_pandas(self, kind: str = "scalars") -> Any:
        """All points of a kind as a DataFrame (scalars: run, tag, step, wall_time, value;
        hparams: a row per session, see hparams_sessions.frame)."""
        if kind == Kind.HPARAMS:
            return hparams_sessions.frame(self.hparams())
        if kind != decode.SCALARS:
            raise ValueError(f"to_pandas supports 'scalars' and 'hparams', not {kind!r}")
        with self._lock:
            names: list[str] = []
            tags: list[str] = []
            parts: list[ScalarSeries] = []
            for name in sorted(self._runs):
                run = self._runs[name]
                for tag in sorted(run.scalars):
                    names.append(name)
                    tags.append(tag)
                    parts.append(run.scalars[tag].series())
        return scalars_frame(names, tags, parts)

    @property
    def local_dir(self) -> str | None:
        """The local directory read (None for a remote logdir): where the operating
        system can say that files changed."""
        return self._source.root if isinstance(self._source, LocalSource) else None

    def __repr__(self) -> str:
        return f"Logdir({self.path!r}, runs={len(self._runs)})"
