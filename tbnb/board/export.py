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

from tbnb.board.engine import BoardEngine
from tbnb.board.runtime import BUNDLE, check_built
from tbnb.board.settings import ViewSettings

# Bytes the feeds' answers may hold (image bytes, then audio clips, newest first; the
# page answers a request it holds no answer for with a note).
MAX_EMBEDDED_IMAGE_BYTES = 32 << 20

# Runs the bundle with an in-page model (no kernel). Static text: no data in it.
_LOADER = """
const read = (id) => JSON.parse(document.getElementById(id).textContent);
const b64 = (s) => {
  // a loop: Uint8Array.from(text, mapper) is many times slower on megabytes
  const text = atob(s);
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) out[i] = text.charCodeAt(i);
  return out;
};
const view = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
const traits = read("tbnb-traits");
const snap = read("tbnb-snapshot");
const offline = read("tbnb-offline");
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
    // a request a feed serves, answered from what the export holds (tbnb/board/feeds)
    const table = msg && offline[msg.type];
    if (!table) return;
    const items = [], buffers = [];
    for (const it of msg.items || []) {
      const got = table.replies[JSON.stringify(it)];
      if (got) {
        const item = Object.assign({}, got);
        for (const [key, ref] of Object.entries(got)) {
          // an array of the answer (ArrayRef): its blob becomes a buffer of the reply
          if (!ref || typeof ref !== "object" || typeof ref.buffer !== "number") continue;
          item[key] = Object.assign({}, ref, { buffer: buffers.length });
          buffers.push(view(b64(table.blobs[ref.buffer])));
        }
        items.push(item);
      } else {
        items.push(Object.assign({ step: -1, mime: "", data: null }, it,
          { error: "this is not included in the export" }));
      }
    }
    setTimeout(() => emit("msg:custom", { type: table.reply, items }, buffers), 0);
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


class ExportError(Exception):
    """Why there is nothing to export, or it cannot be written: what ``tbnb export``
    says in one line before it exits non-zero."""


def _json_script(element_id: str, value: Any) -> str:
    # "<" as \u003c: no "</script>" or "<!--" can end or confuse the element
    text = json.dumps(value, separators=(",", ":")).replace("<", "\\u003c")
    return f'<script type="application/json" id="{element_id}">{text}</script>'


def _b64(b: bytes | memoryview) -> str:
    return base64.b64encode(bytes(b)).decode("ascii")


def read_logdir(path: str, progress: Callable[[str], None]) -> BoardEngine:
    """Read everything under ``path`` into a board engine, reporting progress.

    ExportError when there is nothing to export: the logdir cannot be read (missing, a
    file, a store that refuses the listing) or holds no event files."""
    engine = BoardEngine(path, live=False)
    errors = [ld.error for ld in engine.logdirs if ld.error]
    if errors:
        raise ExportError(errors[0])
    done = threading.Event()
    start = time.monotonic()

    def tick() -> None:
        while not done.wait(2.0):
            progress(f"reading {path} ... {time.monotonic() - start:.0f} s")

    ticker = threading.Thread(target=tick, daemon=True)
    ticker.start()
    try:
        engine.read(message=False)
    finally:
        done.set()
    status = engine.status()
    progress(
        f"read {status['runs']} runs, {status['points']:,} scalar points, "
        f"{status['histograms']:,} histograms, {status['images']:,} images, "
        f"{status['texts']:,} texts in {time.monotonic() - start:.1f} s"
    )
    for p in status["problems"][:20]:
        progress(f"problem: {p['path']}: {p['message']}")
    if status["runs"] == 0:
        why = status["problems"][0]["message"] if status["problems"] else "no event files"
        raise ExportError(f"nothing to export from {path}: {why}")
    return engine


def export_html(engine: BoardEngine, out: Path, progress: Callable[[str], None]) -> int:
    """Write the standalone dashboard of what ``engine`` read to ``out``; returns its size."""
    check_built()
    path = engine.title
    message, buffers = engine.snapshot()
    offline: dict[str, Any] = {}
    budget = MAX_EMBEDDED_IMAGE_BYTES
    for feed in engine.feeds.values():
        answers = feed.offline(budget)
        if answers is None:
            continue
        budget -= sum(len(b) for b in answers.blobs)
        offline[answers.request] = {
            "reply": answers.reply,
            "replies": answers.replies,
            "blobs": [_b64(b) for b in answers.blobs],
        }
    status = dict(engine.status())
    left_out = len(engine.embeddings())
    note = (
        f"exported; the {left_out:,} embedding(s) of the Projector are not included (a "
        "projection needs a kernel: open the logdir with tbnb in a notebook)"
        if left_out
        else "exported"
    )
    status.update(state="stopped", message=note)
    if left_out:
        progress(f"note: {left_out:,} embedding(s) left out (the Projector needs a kernel)")
    traits = {
        "board_id": "export",
        "view": "board",
        "logdir": path,
        "status": status,
        **ViewSettings().traits(),
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
        _json_script("tbnb-offline", offline),
        f'<script type="text/plain" id="tbnb-bundle">{bundle}</script>',
        f'<script type="module">{_LOADER}</script>',
        "</body></html>",
    ]
    html = "\n".join(parts)
    out.write_text(html, encoding="utf-8")
    size = out.stat().st_size
    progress(f"wrote {out} ({size / 1e6:.1f} MB)")
    return size


def export_csv(engine: BoardEngine, out: Path | TextIO, progress: Callable[[str], None]) -> int:
    """Every scalar point ``engine`` read as CSV (run, tag, step, wall_time, value)."""
    rows = 0
    f = out.open("w", newline="", encoding="utf-8") if isinstance(out, Path) else out
    try:
        w = csv.writer(f)
        w.writerow(["run", "tag", "step", "wall_time", "value"])
        for (run, tag), s in sorted(engine.scalar_series().items()):
            for st, wt, v in zip(
                s.step.tolist(), s.wall_time.tolist(), s.value.tolist(), strict=True
            ):
                w.writerow([run, tag, st, repr(wt), repr(v)])
            rows += len(s.value)
    finally:
        if isinstance(out, Path):
            f.close()
    progress(f"wrote {rows:,} rows")
    return rows


def stderr_progress(line: str) -> None:
    print(line, file=sys.stderr, flush=True)
