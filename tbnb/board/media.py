"""What the browser holds of histograms, images and text, and the deltas that keep it
current (HistogramDelta, ImageDelta, ImageData and TextDelta in js/src/protocol.ts).

Histograms: at most ``MAX_HISTOGRAMS`` of a series are held in the browser, evenly
spread over the run with the newest always included, re-binned onto the chart's grid
(tbnb.compute.histograms). Images: the browser holds the index (step, wall time, size);
the encoded bytes are read from the event file when they are to be shown: images new in
a live read are pushed with it (within a byte budget), others are sent when asked for.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tbnb.board.protocol import Buffers
from tbnb.compute.histograms import BINS, grid, percentiles, rebin
from tbnb.events import HistogramPoint, ImagePoint, TextPoint

F64 = npt.NDArray[np.float64]
I64 = npt.NDArray[np.int64]

MAX_HISTOGRAMS = 500
# A grid is kept while the data it must hold still fills this share of it.
GRID_KEEP = 0.8
# A text longer than this is cut (a log dumped as text must not freeze the page).
MAX_TEXT = 200_000
# Bytes of newest images sent with a snapshot; beyond it the browser asks for them.
SNAPSHOT_IMAGE_BYTES = 4 << 20
# Images new in a live read are pushed with it, newest first, up to this many bytes (the
# newest step of each series always): while a training cell runs the kernel cannot answer
# the browser's requests, so what was pushed is what the slider can show until it ends.
LIVE_IMAGE_BYTES = 8 << 20
# Images answered per request (the browser asks for what its cards show).
MAX_IMAGES_PER_REQUEST = 64


def sample_indices(n: int, cap: int = MAX_HISTOGRAMS) -> I64:
    """Indices of at most ``cap`` of ``n`` items: every ``2**k``-th and the last one.

    The stride only changes when ``n`` doubles, so a growing series keeps its sample
    and a live update adds to its end.
    """
    if n <= cap:
        return np.arange(n, dtype=np.int64)
    stride = 1
    while -(-n // stride) > cap:
        stride *= 2
    idx = np.arange(0, n, stride, dtype=np.int64)
    if idx[-1] != n - 1:
        if len(idx) == cap:
            idx[-1] = n - 1  # the newest replaces the last sample: still at most cap
        else:
            idx = np.append(idx, n - 1)
    return idx


def sniff_mime(data: bytes) -> str:
    """The image type of encoded bytes, from their first bytes ("" if unknown)."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith((b"GIF87a", b"GIF89a")):
        return "image/gif"
    if data.startswith(b"RIFF") and data[8:12] == b"WEBP":
        return "image/webp"
    if data.startswith(b"BM"):
        return "image/bmp"
    return ""


@dataclass
class _HeldHistograms:
    idx: I64 = field(default_factory=lambda: np.zeros(0, np.int64))  # sent, into the list
    edges: F64 | None = None
    spans: dict[int, tuple[float, float] | None] = field(default_factory=dict)
    bands: dict[int, F64] = field(default_factory=dict)
    counts: dict[int, F64] = field(default_factory=dict)  # on ``edges``

    def forget_from(self, i: int) -> None:
        for cache in (self.spans, self.bands, self.counts):
            for k in [k for k in cache if k >= i]:
                del cache[k]


def _span(b: F64) -> tuple[float, float] | None:
    arr = np.asarray(b, dtype=np.float64).reshape(-1, 3)
    arr = arr[np.isfinite(arr).all(axis=1) & (arr[:, 2] > 0)]
    if len(arr) == 0:
        return None
    return float(arr[:, 0].min()), float(arr[:, 1].max())


@dataclass
class HistogramView:
    """Re-binned histograms and distribution bands per (run, tag)."""

    max_held: int = MAX_HISTOGRAMS
    bins: int = BINS
    _held: dict[tuple[str, str], _HeldHistograms] = field(default_factory=dict)
    _points: dict[tuple[str, str], Sequence[HistogramPoint]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self._points.values())

    def deltas(
        self,
        changed: list[tuple[str, str, Sequence[HistogramPoint], int]],
        buffers: Buffers | None,
    ) -> list[dict[str, Any]]:
        out = []
        if buffers is None:  # the re-binned counts are cached for the snapshot
            buffers = Buffers()
        for run, tag, points, dirty_from in changed:
            key = (run, tag)
            held = self._held.setdefault(key, _HeldHistograms())
            self._points[key] = points
            held.forget_from(dirty_from)
            out.append(self._delta(run, tag, held, points, dirty_from, buffers))
        return out

    def snapshot_deltas(self, buffers: Buffers) -> list[dict[str, Any]]:
        out = []
        for (run, tag), held in self._held.items():
            out.append(self._delta(run, tag, held, self._points[(run, tag)], 0, buffers))
        return out

    def _delta(
        self,
        run: str,
        tag: str,
        held: _HeldHistograms,
        points: Sequence[HistogramPoint],
        dirty_from: int,
        buffers: Buffers,
    ) -> dict[str, Any]:
        idx = sample_indices(len(points), self.max_held)
        lo, hi = np.inf, -np.inf
        for i in idx.tolist():
            if i not in held.spans:
                held.spans[i] = _span(points[i].buckets)
            s = held.spans[i]
            if s is not None:
                lo, hi = min(lo, s[0]), max(hi, s[1])
        if lo > hi:
            lo, hi = 0.0, 0.0
        edges = held.edges
        keep = (
            edges is not None
            and edges[0] <= lo
            and hi <= edges[-1]
            and (hi - lo) >= GRID_KEEP * (edges[-1] - edges[0])
        )
        start = 0
        if keep:
            # the sent sample's prefix that is still valid
            common = min(len(held.idx), len(idx))
            same = (held.idx[:common] == idx[:common]) & (idx[:common] < dirty_from)
            start = common if bool(same.all()) else int(np.argmin(same))
        else:
            edges = grid(lo, hi, self.bins)
            held.edges = edges
            held.counts.clear()
        assert edges is not None
        send = idx[start:].tolist()
        counts = np.zeros((len(send), self.bins), dtype=np.float64)
        bands = np.zeros((len(send), 9), dtype=np.float64)
        for row, i in enumerate(send):
            b = points[i].buckets
            if i not in held.counts:
                held.counts[i] = rebin(b, edges)
            if i not in held.bands:
                held.bands[i] = percentiles(b)
            counts[row] = held.counts[i]
            bands[row] = held.bands[i]
        held.idx = idx
        return {
            "run": run,
            "tag": tag,
            "start": start,
            "total": len(points),
            "edges": buffers.add(edges),
            "step": buffers.add(np.array([points[i].step for i in send], dtype=np.float64)),
            "wall_time": buffers.add(
                np.array([points[i].wall_time for i in send], dtype=np.float64)
            ),
            "counts": buffers.add(counts),
            "bands": buffers.add(bands),
        }


@dataclass
class ImageView:
    """The image index per (run, tag); bytes read from the files when to be shown."""

    _points: dict[tuple[str, str], Sequence[ImagePoint]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self._points.values())

    def deltas(
        self, changed: list[tuple[str, str, Sequence[ImagePoint], int]], buffers: Buffers | None
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        """ImageDeltas, and ImageData of the images new in this read: every image at the
        newest step of each series that changed, then older new ones, newest first, within
        LIVE_IMAGE_BYTES."""
        out: list[dict[str, Any]] = []
        data: list[dict[str, Any]] = []
        older: list[tuple[str, str, int]] = []
        for run, tag, points, dirty_from in changed:
            self._points[(run, tag)] = points
            if buffers is None:
                continue
            start = min(max(dirty_from, 0), len(points))
            out.append(_image_delta(run, tag, points, start, buffers))
            newest = _newest_step(points, start)
            for i in newest:
                data.append(self._data(run, tag, i, buffers))
            older.extend((run, tag, i) for i in range(start, newest.start))
        if buffers is not None and older:
            budget = LIVE_IMAGE_BYTES - sum(_size(d) for d in data)
            for run, tag, i in sorted(older, key=lambda o: -o[2]):
                item = self._data_within(run, tag, i, buffers, budget)
                if item is None:
                    break
                budget -= _size(item)
                data.append(item)
        return out, data

    def snapshot_deltas(
        self, buffers: Buffers
    ) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        out, data = [], []
        budget = SNAPSHOT_IMAGE_BYTES
        for (run, tag), points in self._points.items():
            out.append(_image_delta(run, tag, points, 0, buffers))
            for i in _newest_step(points, 0):
                if budget <= 0:
                    break
                before = buffers.nbytes
                data.append(self._data(run, tag, i, buffers))
                budget -= buffers.nbytes - before
        return out, data

    def requested(self, items: Any, buffers: Buffers) -> list[dict[str, Any]]:
        """ImageData for the browser's ImageRequest items (bad items are skipped)."""
        out: list[dict[str, Any]] = []
        if not isinstance(items, list):
            return out
        for item in items[:MAX_IMAGES_PER_REQUEST]:
            if not isinstance(item, dict):
                continue
            run, tag, index = item.get("run"), item.get("tag"), item.get("index")
            if not isinstance(run, str) or not isinstance(tag, str) or not isinstance(index, int):
                continue
            out.append(self._data(run, tag, index, buffers))
        return out

    def _data(self, run: str, tag: str, index: int, buffers: Buffers) -> dict[str, Any]:
        item = self._data_within(run, tag, index, buffers, None)
        assert item is not None
        return item

    def _data_within(
        self, run: str, tag: str, index: int, buffers: Buffers, max_bytes: int | None
    ) -> dict[str, Any] | None:
        """ImageData of one image; None if its bytes are more than ``max_bytes``."""
        points = self._points.get((run, tag), ())
        item: dict[str, Any] = {
            "run": run,
            "tag": tag,
            "index": index,
            "step": -1,  # no such entry
            "mime": "",
            "data": None,
            "error": "",
        }
        if not 0 <= index < len(points):
            item["error"] = "this image is no longer in the logdir"
            return item
        point = points[index]
        item["step"] = point.step
        try:
            raw = point.data
        except Exception as err:  # a file gone, a remote read failing: shown in the card
            item["error"] = f"could not read the image: {err}"
            return item
        if max_bytes is not None and len(raw) > max_bytes:
            return None
        item["mime"] = sniff_mime(raw)
        item["data"] = buffers.add(np.frombuffer(raw, dtype=np.uint8))
        return item


def _size(item: dict[str, Any]) -> int:
    """Bytes of an ImageData's image."""
    return int(item["data"]["shape"][0]) if item["data"] is not None else 0


def _newest_step(points: Sequence[ImagePoint], start: int) -> range:
    """Indexes of the images at the newest step (a TF2 summary of several images has
    one entry each), from ``start`` on."""
    n = len(points)
    if n <= start:
        return range(0)
    first = n - 1
    while first > start and points[first - 1].step == points[n - 1].step:
        first -= 1
    return range(first, n)


def _image_delta(
    run: str, tag: str, points: Sequence[ImagePoint], start: int, buffers: Buffers
) -> dict[str, Any]:
    tail = points[start:]
    return {
        "run": run,
        "tag": tag,
        "start": start,
        "total": len(points),
        "step": buffers.add(np.array([p.step for p in tail], dtype=np.float64)),
        "wall_time": buffers.add(np.array([p.wall_time for p in tail], dtype=np.float64)),
        "width": buffers.add(np.array([p.width for p in tail], dtype=np.int32)),
        "height": buffers.add(np.array([p.height for p in tail], dtype=np.int32)),
    }


def _cut(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + f"\n\n[... {len(text) - MAX_TEXT:,} more characters not shown]"


@dataclass
class TextView:
    """The texts per (run, tag)."""

    _points: dict[tuple[str, str], Sequence[TextPoint]] = field(default_factory=dict)

    @property
    def count(self) -> int:
        return sum(len(p) for p in self._points.values())

    def deltas(
        self, changed: list[tuple[str, str, Sequence[TextPoint], int]], buffers: Buffers | None
    ) -> list[dict[str, Any]]:
        out = []
        for run, tag, points, dirty_from in changed:
            self._points[(run, tag)] = points
            if buffers is None:
                continue
            out.append(_text_delta(run, tag, points, min(max(dirty_from, 0), len(points)), buffers))
        return out

    def snapshot_deltas(self, buffers: Buffers) -> list[dict[str, Any]]:
        return [_text_delta(r, t, p, 0, buffers) for (r, t), p in self._points.items()]


def _text_delta(
    run: str, tag: str, points: Sequence[TextPoint], start: int, buffers: Buffers
) -> dict[str, Any]:
    tail = points[start:]
    return {
        "run": run,
        "tag": tag,
        "start": start,
        "total": len(points),
        "step": buffers.add(np.array([p.step for p in tail], dtype=np.float64)),
        "wall_time": buffers.add(np.array([p.wall_time for p in tail], dtype=np.float64)),
        "texts": [_text_entry(p) for p in tail],
    }


def _text_entry(p: TextPoint) -> dict[str, Any]:
    """One string (markdown), or a table for a 1-D / 2-D string tensor of several cells.

    torch and tensorboardX write add_text as a tensor of shape [1]: one string, shown as
    markdown (TensorBoard draws it as a table of one cell).
    """
    table = len(p.shape) in (1, 2) and len(p.cells) > 1
    return {
        "text": _cut(p.text),
        "shape": list(p.shape) if table else [],
        "cells": [_cut(c) for c in p.cells] if table else [],
    }
