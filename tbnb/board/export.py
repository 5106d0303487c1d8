"""`tbnb export`: a logdir as one standalone HTML dashboard, or its scalars as CSV.

The HTML page holds the board's own front end (the widget bundle) and the board's
data, and runs the bundle against a small in-page model instead of a kernel, so the
dashboard opens offline with every control working. Data goes in as JSON in
``<script type="application/json">`` elements (``<`` escaped), never as markup.
"""

from __future__ import annotations

import base64
import csv
import json
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TextIO

from tbnb.board.media import sniff_mime
from tbnb.board.state import BoardState
from tbnb.board.widget import BUNDLE, _check_bundle
from tbnb.events import Logdir

# Image bytes embedded beyond the newest of each series, at most (the page answers
# a step it does not hold with a note).
MAX_EMBEDDED_IMAGE_BYTES = 32 << 20

# Runs the bundle with an in-page model (no kernel). Static text: no data in it.
_LOADER = """
const read = (id) => JSON.parse(document.getElementById(id).textContent);
const b64 = (s) => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));
const view = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const traits = read("tbnb-traits");
const snap = read("tbnb-snapshot");
const images = read("tbnb-images");
traits.data_snapshot = { message: snap.message, buffers: snap.buffers.map((s) => view(b64(s))) };
const listeners = new Map();
const emit = (name, ...args) => (listeners.get(name) || []).slice().forEach((fn) => fn(...args));
const model = {
  get: (key) => traits[key],
  set: (key, value) => { traits[key] = value; emit("change:" + key); },
  save_changes: () => {},
  on: (name, fn) => {
    if (!listeners.has(name)) listeners.set(name, []);
    listeners.get(name).push(fn);
  },
  off: (name, fn) => {
    const l = listeners.get(name) || [];
    if (l.indexOf(fn) >= 0) l.splice(l.indexOf(fn), 1);
  },
  send: (msg) => {
    if (!msg || msg.type !== "image") return;
    const items = [], buffers = [];
    for (const it of msg.items || []) {
      const got = images[JSON.stringify([it.run, it.tag, it.index])];
      const item = { run: it.run, tag: it.tag, index: it.index, step: got ? got.step : 0,
                     mime: got ? got.mime : "", data: null,
                     error: got ? "" : "this image is not included in the export" };
      if (got) {
        const bytes = b64(got.data);
        item.data = { buffer: buffers.length, dtype: "uint8", shape: [bytes.length] };
        buffers.push(view(bytes));
      }
      items.push(item);
    }
    setTimeout(() => emit("msg:custom", { type: "image_data", items }, buffers), 0);
  },
};
const packed = document.getElementById("tbnb-bundle").textContent.trim();
const code = new TextDecoder().decode(b64(packed));
const url = URL.createObjectURL(new Blob([code], { type: "text/javascript" }));
const widget = (await import(url)).default;
if (widget.initialize) await widget.initialize({ model });
await widget.render({ model, el: document.getElementById("tbnb-board") });
document.body.dataset.ready = "1";
"""


def _json_script(element_id: str, value: Any) -> str:
    # "<" as \u003c: no "</script>" or "<!--" can end or confuse the element
    text = json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _b64(b: bytes | memoryview) -> str:
    return base64.b64encode(bytes(b)).decode("ascii")


def read_logdir(path: str, progress: Callable[[str], None]) -> tuple[Logdir, BoardState]:
    """Read everything under ``path`` into a board state, reporting progress."""
    from tbnb.board.sources import Source

    source = Source.open(None, path)
    if source.error:
        raise SystemExit(f"tbnb export: {source.error}")
    assert source.logdir is not None
    done = threading.Event()
    start = time.monotonic()

    def tick() -> None:
        while not done.wait(2.0):
            progress(f"reading {path} ... {time.monotonic() - start:.0f} s")

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        changes, runs = source.reload()
    finally:
        done.set()
    state = BoardState()
    state.update(changes, runs)
    n = state.scalars.points
    progress(
        f"read {len(state.runs)} runs, {n:,} scalar points, {state.histograms.count:,} "
        f"histograms, {state.images.count:,} images, {state.texts.count:,} texts "
        f"in {time.monotonic() - start:.1f} s"
    )
    for p in source.problems[:20]:
        progress(f"problem: {p.path}: {p.message}")
    return source.logdir, state


def export_html(path: str, out: Path, progress: Callable[[str], None]) -> int:
    """Write the standalone dashboard of ``path`` to ``out``; returns its size."""
    _check_bundle()
    _, state = read_logdir(path, progress)
    message, buffers = state.snapshot()
    images: dict[str, dict[str, Any]] = {}
    budget = MAX_EMBEDDED_IMAGE_BYTES
    for (run, tag), points in state.images._points.items():
        for index in range(len(points) - 1, -1, -1):  # newest first
            try:
                raw = points[index].data
            except Exception:
                continue
            if budget - len(raw) < 0:
                break
            budget -= len(raw)
            images[json.dumps([run, tag, index], separators=(",", ":"))] = {
                "step": points[index].step,
                "mime": sniff_mime(raw),
                "data": _b64(raw),
            }
    traits = {
        "board_id": "export",
        "view": "board",
        "logdir": path,
        "status": {
            "state": "stopped",
            "message": "exported",
            "last_read": time.time(),
            "runs": len(state.runs),
            "points": state.scalars.points,
            "histograms": state.histograms.count,
            "images": state.images.count,
            "texts": state.texts.count,
            "problems": [],
            "problem_count": 0,
        },
        "smoothing": 0.6,
        "x_axis": "step",
        "log_y": False,
        "ignore_outliers": False,
        "tag_filter": "",
        "run_filter": "",
        "hidden_runs": [],
        "height": 0,
        "embeddings": [],
    }
    bundle = _b64(BUNDLE.read_bytes())
    parts = [
        "<!DOCTYPE html>",
        '<html><head><meta charset="utf-8"><title>tbnb export</title></head><body>',
        '<div id="tbnb-board"></div>',
        _json_script("tbnb-traits", traits),
        _json_script("tbnb-snapshot", {"message": message, "buffers": [_b64(b) for b in buffers]}),
        _json_script("tbnb-images", images),
        f'<script type="text/plain" id="tbnb-bundle">{bundle}</script>',
        f'<script type="module">{_LOADER}</script>',
        "</body></html>",
    ]
    html = "\n".join(parts)
    out.write_text(html, encoding="utf-8")
    size = out.stat().st_size
    progress(f"wrote {out} ({size / 1e6:.1f} MB)")
    return size


def export_csv(path: str, out: Path | TextIO, progress: Callable[[str], None]) -> int:
    """Every scalar point of ``path`` as CSV (run, tag, step, wall_time, value)."""
    ld, _ = read_logdir(path, progress)
    rows = 0
    f = out.open("w", newline="", encoding="utf-8") if isinstance(out, Path) else out
    try:
        w = csv.writer(f)
        w.writerow(["run", "tag", "step", "wall_time", "value"])
        for run in ld.runs():
            for tag in ld.tags(run)["scalars"]:
                s = ld.scalars(run, tag)
                for st, wt, v in zip(
                    s.step.tolist(), s.wall_time.tolist(), s.value.tolist(), strict=True
                ):
                    w.writerow([run, tag, st, repr(wt), repr(v)])
                rows += len(s)
    finally:
        if isinstance(out, Path):
            f.close()
    progress(f"wrote {rows:,} rows")
    return rows


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
