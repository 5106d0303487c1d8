"""The kernel side of the embedding projector (ProjectorRequest/ProjectorReply in
js/src/protocol.ts), shared by the board's Projector tab and `tbnb.Projector`.

The browser asks for an embedding's points and metadata, for a projection (PCA, t-SNE,
UMAP) and for a point's nearest neighbours. Projections run in a background thread;
t-SNE sends its positions as it goes (pause, resume and stop from the browser).
Errors, including a missing optional library, are sent back as a message for the tab.

What a logdir holds is untrusted: the tab is sent a bounded part of the metadata, no
sprite that fails `sprite_problem`, and projections and neighbours leave out the points
holding NaN or Inf; the embedding message's `notes` say what was left out and why.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from tbnb.board.protocol import Buffers
from tbnb.compute import projections as proj
from tbnb.events.projector import finite_rows, nonfinite_problem, sprite_problem

Send = Callable[[dict[str, Any], list[memoryview]], None]
F32 = npt.NDArray[np.float32]

# t-SNE frames are sent at most this often (seconds)
FRAME_INTERVAL = 0.2
MAX_NEIGHBORS = 100
# What the tab is sent of an embedding's metadata at most: the first columns, each
# value cut to a length, and (for many points) fewer columns so the total stays bounded
# (10^6 columns once made a 33 MB message that took the browser 2.3 GB and 33 s).
MAX_COLUMNS = 50
MAX_CELL_CHARS = 500
MAX_METADATA_CHARS = 8_000_000


@dataclass(frozen=True)
class EmbeddingData:
    """What the projector shows of one embedding."""

    vectors: F32
    header: list[str] | None  # metadata column names
    rows: list[list[str]] | None  # metadata rows, one per point
    sprite: bytes | None  # PNG sprite sheet
    sprite_size: tuple[int, int] | None  # (width, height) of one cell


def _cut(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: max(limit - 1, 0)] + "…"


def metadata_shown(
    header: list[str] | None, rows: list[list[str]] | None, n: int
) -> tuple[list[str], list[list[str]], list[str]]:
    """What the tab is sent of the metadata of ``n`` points: (column names, columns,
    notes). Columns are cut to MAX_COLUMNS, values to MAX_CELL_CHARS characters, all of
    it to about MAX_METADATA_CHARS; each column has one value per point."""
    if not rows:
        return [], [], []
    names = list(header) if header else ["label"]
    notes = []
    if len(rows) != n:
        what = "the first used" if len(rows) > n else "the points without one are blank"
        notes.append(f"metadata: {len(rows):,} rows for {n:,} points ({what})")
        rows = rows[:n]
    pad = [""] * (n - len(rows))
    columns: list[list[str]] = []
    used = cut = 0
    budget_hit = False
    for c in range(min(len(names), MAX_COLUMNS)):
        col = [row[c] if c < len(row) else "" for row in rows]
        long = [i for i, v in enumerate(col) if len(v) > MAX_CELL_CHARS]
        for i in long:
            col[i] = _cut(col[i], MAX_CELL_CHARS)
        size = sum(map(len, col))
        if used + size > MAX_METADATA_CHARS:
            budget_hit = True
            if columns:
                break
            per = max(1, MAX_METADATA_CHARS // max(n, 1))  # one column, cut further
            long = [i for i, v in enumerate(col) if len(v) > per]
            for i in long:
                col[i] = _cut(col[i], per)
            size = sum(map(len, col))
        cut += len(long)
        columns.append(col + pad)
        used += size
    if len(columns) < len(names):
        why = (
            f"the first {MAX_METADATA_CHARS:,} characters"
            if budget_hit
            else f"at most {MAX_COLUMNS:,} are sent"
        )
        notes.append(f"metadata: showing {len(columns):,} of {len(names):,} columns ({why})")
    if cut:
        limit = MAX_CELL_CHARS if not budget_hit or len(columns) > 1 else "fewer"
        notes.append(f"metadata: {cut:,} values cut to {limit} characters")
    shown = [_cut(name, MAX_CELL_CHARS) for name in names[: len(columns)]]
    return shown, columns, notes


def _finite_points(vectors: F32) -> npt.NDArray[np.int64] | None:
    """The points without NaN or Inf (None: all of them)."""
    ok = finite_rows(vectors)
    return None if bool(ok.all()) else np.flatnonzero(ok).astype(np.int64)


class _Job:
    def __init__(self) -> None:
        self.stop = threading.Event()
        self.resume = threading.Event()
        self.resume.set()


class ProjectorService:
    """Answers the browser's projector requests for the embeddings ``resolve`` finds."""

    def __init__(self, resolve: Callable[[str], EmbeddingData | None], send: Send) -> None:
        self._resolve = resolve
        self._send = send
        self._jobs: dict[int, _Job] = {}
        self._lock = threading.Lock()

    def handle(self, content: dict[str, Any]) -> bool:
        """Handle a projector message; False if it was not one."""
        kind = content.get("type")
        try:
            if kind == "embedding":
                self._embedding(content)
            elif kind == "project":
                self._project(content)
            elif kind == "project_control":
                self._control(content)
            elif kind == "neighbors":
                self._neighbors(content)
            else:
                return False
        except Exception as err:  # never a traceback in the kernel: the tab shows it
            self._send(
                {
                    "type": "projector_error",
                    "request": content.get("request"),
                    "error": f"{type(err).__name__}: {err}",
                },
                [],
            )
        return True

    def close(self) -> None:
        with self._lock:
            for job in self._jobs.values():
                job.stop.set()
                job.resume.set()
            self._jobs.clear()

    # -- requests ------------------------------------------------------------

    def _data(self, content: dict[str, Any]) -> EmbeddingData:
        eid = str(content.get("id", ""))
        data = self._resolve(eid)
        if data is None:
            raise LookupError(
                f"no embedding {eid!r}: its files are missing or could not be read "
                "(the board's problems say why)"
            )
        return data

    def _embedding(self, content: dict[str, Any]) -> None:
        data = self._data(content)
        buffers = Buffers()
        n, dim = data.vectors.shape
        header, columns, notes = metadata_shown(data.header, data.rows, n)
        sprite = data.sprite
        if sprite:
            why = sprite_problem(sprite, data.sprite_size, n)
            if why:
                notes.append(f"thumbnails: {why}; the points show without them")
                sprite = None
        bad = nonfinite_problem(data.vectors)
        if bad:
            notes.append(f"points: {bad}")
        self._send(
            {
                "type": "embedding",
                "request": content.get("request"),
                "id": content.get("id"),
                "n": n,
                "dim": dim,
                "header": header,
                "columns": columns,
                "sprite": buffers.add(np.frombuffer(sprite, np.uint8)) if sprite else None,
                "sprite_size": list(data.sprite_size) if sprite and data.sprite_size else None,
                "limits": proj.LIMITS,
                "notes": notes,
            },
            buffers.items,
        )

    def _project(self, content: dict[str, Any]) -> None:
        data = self._data(content)
        request = int(content.get("request", 0))
        method = str(content.get("method", "pca"))
        if method not in proj.LIMITS:
            raise ValueError(f"unknown projection {method!r}: pca, tsne or umap")
        dims = int(content.get("dims", 3))
        if dims not in (2, 3):
            raise ValueError("dims must be 2 or 3")
        job = _Job()
        with self._lock:
            for old in self._jobs.values():  # one projection at a time per view
                old.stop.set()
                old.resume.set()
            self._jobs = {request: job}
        thread = threading.Thread(
            target=self._run,
            args=(data, request, method, dims, content, job),
            name=f"tbnb-projector-{request}",
            daemon=True,
        )
        thread.start()

    def _control(self, content: dict[str, Any]) -> None:
        with self._lock:
            job = self._jobs.get(int(content.get("request", -1)))
        if job is None:
            return
        action = content.get("action")
        if action == "pause":
            job.resume.clear()
        elif action == "resume":
            job.resume.set()
        elif action == "stop":
            job.stop.set()
            job.resume.set()

    def _neighbors(self, content: dict[str, Any]) -> None:
        data = self._data(content)
        index = int(content.get("index", -1))
        k = max(1, min(int(content.get("k", 10)), MAX_NEIGHBORS))
        metric = str(content.get("metric", "cosine"))
        finite = _finite_points(data.vectors)
        if finite is None:
            idx, dist = proj.neighbors(data.vectors, index, k, metric)
        else:  # among the points without NaN or Inf
            at = int(np.searchsorted(finite, index))
            if not 0 <= index < len(data.vectors) or at >= len(finite) or finite[at] != index:
                if 0 <= index < len(data.vectors):
                    raise ValueError(f"point {index} has NaN or Inf values: no neighbours")
                raise IndexError(f"point {index} is not among the {len(data.vectors)} points")
            idx, dist = proj.neighbors(data.vectors[finite], at, k, metric)
            idx = finite[idx]
        buffers = Buffers()
        self._send(
            {
                "type": "neighbors",
                "request": content.get("request"),
                "id": content.get("id"),
                "index": index,
                "metric": metric,
                "neighbors": buffers.add(idx.astype(np.int32)),
                "distances": buffers.add(dist),
            },
            buffers.items,
        )

    # -- the projection thread -------------------------------------------------

    def _run(
        self,
        data: EmbeddingData,
        request: int,
        method: str,
        dims: int,
        content: dict[str, Any],
        job: _Job,
    ) -> None:
        base = {"type": "projection", "request": request, "id": content.get("id"), "method": method}
        try:
            x = data.vectors
            finite = _finite_points(x)
            notes = []
            if finite is not None:
                left = len(x) - len(finite)
                if len(finite) == 0:
                    raise ValueError("every point holds NaN or Inf values: nothing to project")
                x = x[finite]
                notes.append(f"{left:,} points with NaN or Inf values left out")
            n = len(x)
            chosen = proj.sample(n, proj.LIMITS[method])
            if chosen is not None:
                x = x[chosen]
                notes.insert(
                    0,
                    f"{method.upper() if method != 'tsne' else 't-SNE'} of a random sample of "
                    f"{len(chosen):,} of {n:,} points (the limit for this method)",
                )
            if finite is not None:  # the original point of each row
                chosen = finite if chosen is None else finite[chosen]
            note = "; ".join(notes)
            if content.get("sphereize"):
                x = proj.sphereize(x)
            extra = {"indices": None, "note": note}

            def frame(positions: F32, iteration: int, done: bool, **more: Any) -> None:
                if not np.isfinite(positions).all():  # never drawn as nothing
                    raise ValueError(
                        "the projection gave NaN or Inf positions (values too large or "
                        "too close together to compute on)"
                    )
                buffers = Buffers()
                message = dict(base, iteration=iteration, done=done, error="", **more)
                message["positions"] = buffers.add(np.ascontiguousarray(positions, np.float32))
                message["indices"] = (
                    buffers.add(chosen.astype(np.int32)) if chosen is not None else None
                )
                message["note"] = extra["note"]
                self._send(message, buffers.items)

            if method == "pca":
                result = proj.pca(x, proj.PCA_COMPONENTS)
                frame(result.coords, 0, True, variance=result.variance_ratio.tolist())
            elif method == "tsne":
                last = [0.0]

                def progress(iteration: int, positions: F32) -> bool:
                    job.resume.wait()
                    if job.stop.is_set():
                        return False
                    now = time.monotonic()
                    if now - last[0] >= FRAME_INTERVAL:
                        last[0] = now
                        frame(positions, iteration, False)
                    return True

                y = proj.tsne(
                    x,
                    dims,
                    perplexity=float(content.get("perplexity", 30)),
                    learning_rate=content.get("learning_rate", "auto"),
                    n_iter=int(content.get("n_iter", 500)),
                    progress=progress,
                )
                frame(y, -1, True, stopped=job.stop.is_set())
            else:
                y = proj.umap(
                    x,
                    dims,
                    n_neighbors=int(content.get("n_neighbors", 15)),
                    min_dist=float(content.get("min_dist", 0.1)),
                )
                frame(y, 0, True)
        except proj.MissingExtraError as err:
            self._send(dict(base, done=True, error=str(err), missing=err.library), [])
        except Exception as err:
            self._send(dict(base, done=True, error=f"{type(err).__name__}: {err}"), [])
        finally:
            with self._lock:
                if self._jobs.get(request) is job:
                    del self._jobs[request]
