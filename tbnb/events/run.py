"""One run: its event files (each with a read offset) and its series.

Records are applied in file order. Groups of same-length records (slots of a periodic
stretch, or records sharing a length) are decoded with the vectorized scalar templates;
everything else (and any record that does not fit a template) goes through protobuf,
one record at a time. A few lines over ~400: ``_event`` routes every kind of value, and
the work of each kind is elsewhere (decode.py, graphs.py, hparams.py).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np
import numpy.typing as npt

from tbnb.events import crc, decode, graphs, hparams, layouts, meshes
from tbnb.events.blobs import Blob, RecordReader
from tbnb.events.fastscalar import (
    SMALL_GROUP,
    Columns,
    Template,
    decode_turns,
    make_template,
    same_constant_bytes,
)
from tbnb.events.fastscalar import decode as decode_block
from tbnb.events.framing import FOOTER, HEADER, Framing, Loose, frame_bytes
from tbnb.events.groups import (
    MAX_FAST_LENGTH,
    MIN_GROUP,
    Group,
    SlowRecord,
    loose_groups,
    split_interleaved,
    strided_groups,
    turn_period,
)
from tbnb.events.kinds import Kind
from tbnb.events.points import AudioPoint, HistogramPoint, ImagePoint, TensorPoint, TextPoint
from tbnb.events.problems import ProblemSink
from tbnb.events.store import PointList, ScalarColumn

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]


LIST_KINDS = (
    decode.IMAGES,
    decode.HISTOGRAMS,
    decode.TEXT,
    decode.AUDIO,
    decode.PR_CURVES,
    Kind.MESH,  # a series per mesh name, not per tag (meshes.py)
)
# A same-length group holds one template per tag of that length (a loop logging 20 tags
# whose records have one length needs 20). Templates are tried while each still decodes
# a worthwhile share of the group; what is left goes through protobuf.
MAX_TEMPLATES = 512
MIN_TEMPLATE_MATCHES = 8
# Bad records of one group reported with their offsets; the rest share one entry.
SHOWN_BAD = 10


@dataclass
class FileState:
    """Read position of one event file, and what is known of the bytes after it."""

    name: str
    offset: int = 0
    size: int = 0
    dead: bool = False  # an internal error happened: not read any more
    tail: bytes = b""  # the bytes just before ``offset``: changed ones mean a rewrite
    # The bytes before ``offset`` ended in a corrupt region already reported.
    corrupt: bool = False
    # Data length of the record at ``offset`` when it claims more bytes than the file
    # holds (-1: none): it may be being written, or be a wrong length.
    waiting: int = -1
    scan_from: int = 0  # while waiting: bytes before this were searched for a record
    # while waiting: headers found whose records end beyond the file (offset, length)
    pending: list[tuple[int, int]] = field(default_factory=list)


# Rows of a group whose constant bytes are compared to find tags written in turn with one
# record length (a period of up to this many records: tags logged a step).
SPLIT_PROBE = 2048


class Run:
    """Series of one run, filled from its event files."""

    def __init__(self, name: str, problem: ProblemSink) -> None:
        self.name = name
        self._problem = problem
        self.files: dict[str, FileState] = {}
        self.listed: dict[str, int] | None = None  # file sizes when all were read to the end
        self.scalars: dict[str, ScalarColumn] = {}
        self.lists: dict[str, dict[str, PointList[Any]]] = {k: {} for k in LIST_KINDS}
        self.other: dict[str, list[str]] = {}  # plugin -> tags (hparams, ...)
        self.graphs = graphs.GraphIndex()  # where each graph is (read when asked for)
        self.hparams = hparams.RunRecords()  # its experiment config, session start and end
        self.meshes = meshes.MeshTags()  # what each mesh tag's metadata said
        self.layouts = layouts.RunLayouts()  # its Custom Scalars layouts (the last shown)
        self.tag_plugin: dict[str, str] = {}
        self._pending: dict[str, tuple[list[int], list[float], list[float]]] = {}
        self.touched: set[tuple[str, str]] = set()
        self.new_tags: list[tuple[str, str]] = []
        self._undecodable: set[str] = set()
        self._ingested: dict[str, int] = {}  # scalar points per tag of the last ingest

    # ---- reading -------------------------------------------------------------
    def ingest(
        self,
        path: str,
        raw: bytes,
        base: int,
        reader: RecordReader,
        corrupt: bool = False,
        start: int = 0,
    ) -> Framing:
        """Apply the complete records in ``raw[start:]`` (file bytes from ``base``);
        returns the framing (``end``: where the records used end in ``raw``, and why the
        rest waits). ``corrupt``: ``raw[start:]`` begins in a corrupt region."""
        self._ingested.clear()
        buf = np.frombuffer(raw, dtype=np.uint8)
        fr = frame_bytes(raw, buf, start, corrupt=corrupt)
        for off, msg in fr.problems:
            self._problem(path, base + off, msg)
        for seg in fr.segments:
            groups, slow = (
                loose_groups(buf, seg) if isinstance(seg, Loose) else strided_groups(buf, seg)
            )
            self._batch(raw, groups, slow, path=path, base=base, reader=reader)
        self.flush()
        fr.segments = []
        return fr

    def expect(self, ratio: float) -> None:
        """``ratio`` times the bytes of the last ingest are still to be read now: give
        each scalar column it filled room for as many more points, in proportion. Read
        in chunks, a long series then grows by a copy or two, not by doubling (whose old
        and new arrays, and slack, would be most of the memory a large read peaks at)."""
        for tag, k in self._ingested.items():
            col = self.scalars.get(tag)
            if col is not None:
                # a chunk ends inside a period: a tag may have one point more or less
                # in it than in the others, so a point more per chunk still to come; at
                # most 8 times what it holds (the rest of a file may be images)
                col.reserve(min(int(k * ratio + ratio) + 16, 8 * col.n + 64))
        self._ingested.clear()

    def _checked_event(self, raw: bytes, start: int, length: int, path: str, base: int) -> Any:
        data = raw[start + HEADER : start + HEADER + length]
        at = start + HEADER + length
        stored = int.from_bytes(raw[at : at + FOOTER], "little")
        if crc.masked_crc32c(data) != stored:
            self._problem(path, base + start, "bad data CRC: record skipped")
            return None
        ev = decode.parse_event(data)
        if ev is None:
            self._problem(path, base + start, "record is not an Event: skipped")
        return ev

    def _fast_ok(self, t: Template) -> bool:
        """Whether records of template ``t`` are scalars (records the tag's plugin)."""
        known = self.tag_plugin.get(t.tag)
        if t.from_tensor and not t.plugin:
            return known == decode.SCALARS  # TF1 style: metadata on the first event only
        if known is None:
            self.tag_plugin[t.tag] = decode.SCALARS
        return True

    def _turns(
        self,
        raw: bytes,
        g: Group,
        first: Template,
        p: int,
        fast: dict[str, list[tuple[I64, I64, F64, F64]]],
        queue: list[Group],
    ) -> bool:
        """Decode a group of ``p`` tags written in turn in one pass (decode_turns; its
        row 0's template ``first``): each tag's rows go to ``fast``, the rows that did
        not verify back to ``queue``, on their own. False if the group is small or its
        tags' records differ in layout: decode each tag's rows alone then."""
        if g.cols.count <= SMALL_GROUP:
            return False
        ts = [first]
        for r in range(1, p):
            s0 = int(g.starts[r])
            t = make_template(raw[s0 + HEADER : s0 + HEADER + g.length])
            if t is None or not self._fast_ok(t):
                return False
            ts.append(t)
        dec = decode_turns(g.cols, ts)
        if dec is None:
            return False
        good = dec.match & dec.crc_ok
        whole = bool(good.all())
        for r, t in enumerate(ts):
            rows = slice(r, None, p)
            if whole:
                part = (g.ordinals[rows], dec.step[rows], dec.wall_time[rows], dec.value[rows])
            else:
                keep = np.flatnonzero(good[rows]) * p + r
                part = (g.ordinals[keep], dec.step[keep], dec.wall_time[keep], dec.value[keep])
            fast.setdefault(t.tag, []).append(part)
        if not whole:  # a bad CRC, another shape: decoded (or reported) on their own
            rest = np.flatnonzero(~good)
            starts = g.starts[rest]
            cols = Columns.gathered(g.cols.buf, starts)
            queue.append(Group(cols, starts, g.ordinals[rest], g.length, residue=True))
        return True

    def _batch(
        self,
        raw: bytes,
        groups: list[Group],
        slow: list[SlowRecord],
        *,
        path: str,
        base: int,
        reader: RecordReader,
    ) -> None:
        """Decode same-length groups with templates, the rest per record, in file order."""
        fast: dict[str, list[tuple[I64, I64, F64, F64]]] = {}
        queue = list(reversed(groups))
        while queue:
            g = queue.pop()
            rows: I64 = np.arange(len(g.starts), dtype=np.int64)
            # long records are not scalars worth a template; small groups are cheaper per record
            if g.length > MAX_FAST_LENGTH or len(g.starts) < MIN_GROUP:
                slow.extend(
                    (int(o), int(st), g.length) for o, st in zip(g.ordinals, g.starts, strict=True)
                )
                continue
            cols = g.cols
            for _ in range(MAX_TEMPLATES):
                s0 = int(g.starts[rows[0]])
                t = make_template(raw[s0 + HEADER : s0 + HEADER + g.length])
                if t is None or not self._fast_ok(t):
                    break
                whole = len(rows) == len(g.starts)  # no row taken by a template before
                same = None
                if whole and not g.residue:
                    # tags written in turn with one record length: their period is found
                    # from the constant bytes of the first rows, before decoding (which
                    # compares every row's)
                    probe = cols if cols.count <= SPLIT_PROBE else cols.head(SPLIT_PROBE)
                    seen = same_constant_bytes(probe, t)
                    period = None if seen.all() else turn_period(g, seen)
                    if period is not None:
                        if not self._turns(raw, g, t, period, fast, queue):
                            queue.extend(reversed(split_interleaved(g, period)))
                        rows = rows[:0]
                        break
                    if probe is cols:
                        same = seen
                dec = decode_block(cols, t, same)
                good = dec.match & dec.crc_ok
                bad = np.flatnonzero(dec.match & ~dec.crc_ok)
                for i in bad[:SHOWN_BAD]:
                    at = int(g.starts[rows[i]])
                    self._problem(path, base + at, "bad data CRC: record skipped")
                if len(bad) > SHOWN_BAD:  # the others in one entry that counts them
                    self._problem(path, None, "bad data CRC: record skipped", len(bad) - SHOWN_BAD)
                if len(bad) == 0 and dec.match.all():  # the usual case: nothing to pick
                    ordinals = g.ordinals if whole else g.ordinals[rows]
                    fast.setdefault(t.tag, []).append(
                        (ordinals, dec.step, dec.wall_time, dec.value)
                    )
                elif good.any():
                    fast.setdefault(t.tag, []).append(
                        (
                            g.ordinals[rows[good]],
                            dec.step[good],
                            dec.wall_time[good],
                            dec.value[good],
                        )
                    )
                rows = rows[~dec.match]
                if len(rows) == 0 or int(dec.match.sum()) < MIN_TEMPLATE_MATCHES:
                    break
                cols = Columns.gathered(cols.buf, g.starts[rows])
            slow.extend(
                (int(o), int(st), g.length)
                for o, st in zip(g.ordinals[rows], g.starts[rows], strict=True)
            )
        merged: dict[str, tuple[I64, I64, F64, F64]] = {}
        for tag, parts in fast.items():
            if len(parts) == 1:
                merged[tag] = parts[0]
            else:
                o = np.concatenate([p[0] for p in parts])
                order = np.argsort(o, kind="stable")
                merged[tag] = (
                    o[order],
                    np.concatenate([p[1] for p in parts])[order],
                    np.concatenate([p[2] for p in parts])[order],
                    np.concatenate([p[3] for p in parts])[order],
                )
        if not slow:
            for tag, (_, st, wt, vv) in merged.items():
                self.append_scalars(tag, st, wt, vv)
            return
        slow.sort()
        cursor = dict.fromkeys(merged, 0)

        def flush_before(tag: str, ordinal: int) -> None:
            o, st, wt, vv = merged[tag]
            c = cursor[tag]
            e = int(np.searchsorted(o, ordinal)) if ordinal >= 0 else len(o)
            if e > c:
                self.append_scalars(tag, st[c:e], wt[c:e], vv[c:e])
                cursor[tag] = e

        for ordinal, start, length in slow:
            ev = self._checked_event(raw, start, length, path, base)
            if ev is None:
                continue
            if merged:
                which = ev.WhichOneof("what")
                if which == "session_log":
                    for tag in merged:
                        flush_before(tag, ordinal)
                elif which == "summary":
                    for v in ev.summary.value:
                        if v.tag in merged:
                            flush_before(v.tag, ordinal)
            self._event(ev, base + start, length, reader, path)
        for tag in merged:
            flush_before(tag, -1)

    # ---- applying ----------------------------------------------------------------
    def _new_tag(self, kind: str, tag: str) -> None:
        self.new_tags.append((kind, tag))

    def append_scalars(self, tag: str, steps: I64, walls: F64, values: F64) -> None:
        if tag in self._pending:
            self._flush_tag(tag)
        col = self.scalars.get(tag)
        if col is None:
            col = self.scalars[tag] = ScalarColumn()
            self._new_tag(decode.SCALARS, tag)
        col.append(steps, walls, values)
        self._ingested[tag] = self._ingested.get(tag, 0) + len(steps)
        self.touched.add((decode.SCALARS, tag))

    def _flush_tag(self, tag: str) -> None:
        st, wt, vv = self._pending.pop(tag)
        self.append_scalars(
            tag,
            np.asarray(st, dtype=np.int64),
            np.asarray(wt, dtype=np.float64),
            np.asarray(vv, dtype=np.float64),
        )

    def flush(self) -> None:
        """Move buffered per-record scalar points into their columns."""
        for tag in list(self._pending):
            self._flush_tag(tag)

    def reset(self) -> None:
        """Forget every point (the run is read again from the start of its files)."""
        self._pending.clear()
        self.purge(-(1 << 63))
        self.tag_plugin.clear()
        self._undecodable.clear()
        self.meshes.clear()

    def purge(self, step: int) -> None:
        """SessionLog.START at ``step``: drop every series' points with step >= step."""
        self.flush()
        for tag in self.graphs.purge(step):
            self.touched.add((Kind.GRAPHS, tag))
        if self.hparams.purge(step):
            self.touched.add((Kind.HPARAMS, ""))
        if self.layouts.purge(step):
            self.touched.add((Kind.CUSTOM_SCALARS, ""))
        for tag, col in self.scalars.items():
            if col.truncate_from_step(step):
                self.touched.add((decode.SCALARS, tag))
        for kind, series in self.lists.items():
            for tag, lst in series.items():
                if lst.truncate_from_step(step):
                    self.touched.add((kind, tag))

    def _list(self, kind: str, tag: str) -> PointList[Any]:
        series = self.lists[kind]
        lst = series.get(tag)
        if lst is None:
            lst = series[tag] = PointList()
            self._new_tag(kind, tag)
        self.touched.add((kind, tag))
        return lst

    def _undecodable_value(self, kind: str, tag: str, path: str, offset: int) -> None:
        if tag not in self._undecodable:
            self._undecodable.add(tag)
            self._problem(path, offset, f"{kind} value of tag {tag!r} not understood")

    def _event(self, ev: Any, offset: int, length: int, reader: RecordReader, path: str) -> None:
        which = ev.WhichOneof("what")
        if which == "session_log":
            if ev.session_log.status == 1:  # START
                self.purge(int(ev.step))
            return
        if which == "graph_def":
            self._graph(ev, offset, length, reader, path, -1, "")
        elif which == "tagged_run_metadata":
            self.graphs.add_run_metadata(ev)
        if which != "summary":
            return
        step = int(ev.step)
        wall = float(ev.wall_time)
        for vi, v in enumerate(ev.summary.value):
            tag = v.tag or v.node_name
            known = self.tag_plugin.get(tag)
            kind = decode.kind_of(v, known)
            if kind is None:
                continue
            if known is None:
                self.tag_plugin[tag] = kind
            if kind in graphs.PLUGINS:
                self._graph(ev, offset, length, reader, path, vi, kind)
            elif kind == decode.SCALARS:
                x = decode.scalar_of(v)
                if x is None:
                    self._undecodable_value(kind, tag, path, offset)
                    continue
                pend = self._pending.get(tag)
                if pend is None:
                    pend = self._pending[tag] = ([], [], [])
                pend[0].append(step)
                pend[1].append(wall)
                pend[2].append(x)
            elif kind == decode.HISTOGRAMS:
                b = decode.histogram_of(v)
                if b is None:
                    self._undecodable_value(kind, tag, path, offset)
                    continue
                self._list(kind, tag).add(step, [HistogramPoint(step, wall, b)])
            elif kind == decode.IMAGES:
                imgs = decode.images_of(v)
                pts = [
                    ImagePoint(step, wall, w, h, Blob(reader, offset, length, vi, i).image)
                    for i, (w, h, _) in enumerate(imgs)
                ]
                self._list(kind, tag).add(step, pts)
            elif kind == decode.TEXT:
                got = decode.text_of(v)
                if got is None:
                    self._undecodable_value(kind, tag, path, offset)
                    continue
                cells, shape = got
                point = TextPoint(step, wall, "\n".join(cells), shape, tuple(cells))
                self._list(kind, tag).add(step, [point])
            elif kind == decode.AUDIO:
                clips = decode.audio_of(v)
                pts2 = [
                    AudioPoint(step, wall, rate, label, Blob(reader, offset, length, vi, i).audio)
                    for i, (rate, _, label) in enumerate(clips)
                ]
                self._list(kind, tag).add(step, pts2)
            elif kind == decode.PR_CURVES:
                arr = decode.tensor_of(v)
                if arr is None:
                    self._undecodable_value(kind, tag, path, offset)
                    continue
                self._list(kind, tag).add(step, [TensorPoint(step, wall, arr)])
            elif kind == Kind.MESH:
                meta, part, wrong = self.meshes.part(v, tag, vi, offset, length, reader)
                if wrong:
                    self._problem(path, offset, wrong)
                meshes.add(self._list(kind, meta.name), step, wall, meta, part)
            else:
                tags = self.other.setdefault(kind, [])
                if tag not in tags:
                    tags.append(tag)
                    self._new_tag(kind, tag)
                if kind == decode.HPARAMS:
                    content = decode.plugin_content(v)
                    wrong = self.hparams.add(self.name, tag, content, step, wall)
                    if wrong:
                        self._problem(path, offset, wrong)
                    else:
                        self.touched.add((Kind.HPARAMS, ""))
                elif kind == Kind.CUSTOM_SCALARS:
                    wrong = self.layouts.add(v, step)
                    if wrong:
                        self._problem(path, offset, wrong)
                    else:
                        self.touched.add((Kind.CUSTOM_SCALARS, ""))

    def _graph(
        self, ev: Any, offset: int, length: int, reader: RecordReader, path: str, vi: int, kind: str
    ) -> None:
        ref, new = self.graphs.add(ev, offset, length, reader, vi, kind)
        if ref.error:
            self._problem(path, offset, f"graph {ref.tag!r} cannot be read: {ref.error}")
        if new:
            self._new_tag(Kind.GRAPHS, ref.tag)
        self.touched.add((Kind.GRAPHS, ref.tag))

    # ---- queries ---------------------------------------------------------------
    def tags(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {
            decode.SCALARS: sorted(self.scalars),
            decode.IMAGES: sorted(self.lists[decode.IMAGES]),
            decode.HISTOGRAMS: sorted(self.lists[decode.HISTOGRAMS]),
            decode.TEXT: sorted(self.lists[decode.TEXT]),
        }
        for kind in (decode.AUDIO, decode.PR_CURVES):
            if self.lists[kind]:
                out[kind] = sorted(self.lists[kind])
        if self.lists[Kind.MESH]:
            out[Kind.MESH] = sorted(self.lists[Kind.MESH])
        for other, tags in self.other.items():
            out[other] = sorted(tags)
        if self.graphs.refs:  # in the order first written: graph, graph_1, graph_2...
            out[Kind.GRAPHS] = self.graphs.tags()
        return out
