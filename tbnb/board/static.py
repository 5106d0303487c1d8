"""A self-contained HTML snapshot of a board: what a saved notebook shows where widgets
do not run (GitHub, nbviewer, a host without ipywidgets).

Charts are inline SVG (no script), built as an element tree so that tags, run names
and texts from the event files are escaped by the serializer, never pasted into markup.
"""

from __future__ import annotations

import base64
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, cast

import numpy as np
import numpy.typing as npt

from tbnb.board.feeds.graphs import PUSH_NODES
from tbnb.board.feeds.images import sniff_mime
from tbnb.board.feeds.meshes import MeshFeed
from tbnb.board.feeds.pr_curves import PRCurveFeed, curve_of, drawn
from tbnb.board.names import visible
from tbnb.board.settings import ViewSettings
from tbnb.compute.downsample import bucket_picks, bucket_width
from tbnb.compute.smoothing import smooth
from tbnb.compute.symlog import symexp, symlog, symlog_constant
from tbnb.compute.timeaxis import chart_unit, relative
from tbnb.events.kinds import Kind

if TYPE_CHECKING:
    from tbnb.board.engine import BoardEngine

W, H = 360, 220
PAD_L, PAD_R, PAD_T, PAD_B = 56, 10, 10, 28
BUCKETS = 150
MAX_CHARTS = 60
# points of all scalar lines together: a board of many runs and tags stays a few
# hundred KB (each line gets fewer buckets, and no faint raw line behind the smoothed)
POINT_BUDGET = 40_000
MIN_BUCKETS = 8
RAW_LINES_UP_TO = 200
MAX_IMAGE_BYTES = 1 << 20
MAX_TEXT_CHARS = 2_000
MAX_SESSIONS = 200  # rows of the hparams table
MAX_GRAPHS = 20  # graphs whose top level the snapshot names (each is read to do so)
STYLE = (
    ".tbnb-static{font-family:system-ui,sans-serif;font-size:13px;color:#222}"
    ".tbnb-static .charts{display:flex;flex-wrap:wrap;gap:8px}"
    ".tbnb-static figure{margin:0;border:1px solid #ddd;border-radius:4px;padding:4px}"
    ".tbnb-static figcaption{font-weight:600;margin:2px 4px}"
    ".tbnb-static .legend span{display:inline-block;margin-right:12px}"
    ".tbnb-static pre{white-space:pre-wrap;max-width:760px;background:#f6f6f6;padding:6px}"
    ".tbnb-static .note{color:#666}"
    ".tbnb-static table.hparams{border-collapse:collapse}"
    ".tbnb-static .hparams td,.tbnb-static .hparams th{border:1px solid #ddd;padding:2px 6px}"
)


def _fmt(v: float) -> str:
    return f"{v:.4g}"


def _points(xs: npt.NDArray[Any], ys: npt.NDArray[Any], box: tuple[float, ...]) -> str:
    x0, x1, y0, y1 = box
    sx = (W - PAD_L - PAD_R) / (x1 - x0 if x1 > x0 else 1)
    sy = (H - PAD_T - PAD_B) / (y1 - y0 if y1 > y0 else 1)
    px = PAD_L + (xs - x0) * sx
    py = H - PAD_B - (ys - y0) * sy
    return " ".join(f"{a:.1f},{b:.1f}" for a, b in zip(px.tolist(), py.tolist(), strict=True))


def _segments(xs: npt.NDArray[Any], ys: npt.NDArray[Any]) -> Iterable[tuple[Any, Any]]:
    """Runs of finite points (a NaN breaks the line, as on the board)."""
    ok = np.isfinite(ys)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], ok.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2], strict=True):
        yield xs[a:b], ys[a:b]


def _chart(
    parent: ET.Element,
    title: str,
    lines: list[tuple[str, Any, Any, float]],
    marks: list[float] | None = None,
    ylabel: Callable[[float], str] = _fmt,
) -> None:
    """An SVG chart: lines of (colour, x, y, opacity), dotted lines at the x of `marks`
    (the step markers), the y extremes labelled by `ylabel` (symlog: the values)."""
    fig = ET.SubElement(parent, "figure")
    ET.SubElement(fig, "figcaption").text = visible(title)
    finite = [(x[np.isfinite(y)], y[np.isfinite(y)]) for _, x, y, _ in lines]
    xs = np.concatenate([f[0] for f in finite]) if finite else np.zeros(0)
    ys = np.concatenate([f[1] for f in finite]) if finite else np.zeros(0)
    svg = ET.SubElement(
        fig,
        "svg",
        {"xmlns": "http://www.w3.org/2000/svg", "width": str(W), "height": str(H)},
    )
    ET.SubElement(
        svg,
        "rect",
        {
            "x": str(PAD_L),
            "y": str(PAD_T),
            "width": str(W - PAD_L - PAD_R),
            "height": str(H - PAD_T - PAD_B),
            "fill": "none",
            "stroke": "#ccc",
        },
    )
    if len(xs) == 0:
        return
    box = (float(xs.min()), float(xs.max()), float(ys.min()), float(ys.max()))
    for col, x, y, opacity in lines:
        for sx, sy in _segments(np.asarray(x, float), np.asarray(y, float)):
            attrs = {"fill": "none", "stroke": col, "stroke-width": "1.5"}
            if opacity < 1:
                attrs["stroke-opacity"] = str(opacity)
            if len(sx) == 1:
                ET.SubElement(svg, "circle", {"cx": "0", "cy": "0", "r": "2", "fill": col}).set(
                    "transform", "translate(" + _points(sx, sy, box).replace(",", " ") + ")"
                )
            else:
                ET.SubElement(svg, "polyline", {"points": _points(sx, sy, box), **attrs})
    for m in marks or []:
        if box[0] <= m <= box[1]:
            px = _points(np.array([m]), np.array([box[2]]), box).split(",")[0]
            mark = {"x1": px, "x2": px, "y1": str(PAD_T), "y2": str(H - PAD_B)}
            ET.SubElement(svg, "line", {**mark, "stroke": "#444", "stroke-dasharray": "3 3"})
    labels = [
        (PAD_L - 4, H - PAD_B, ylabel(box[2]), "end"),
        (PAD_L - 4, PAD_T + 10, ylabel(box[3]), "end"),
        (PAD_L, H - 8, _fmt(box[0]), "start"),
        (W - PAD_R, H - 8, _fmt(box[1]), "end"),
    ]
    for x, y, text, anchor in labels:
        t = ET.SubElement(
            svg,
            "text",
            {"x": str(x), "y": str(y), "font-size": "10", "fill": "#555", "text-anchor": anchor},
        )
        t.text = text


def _legend(parent: ET.Element, runs: list[str], view: ViewSettings) -> None:
    div = ET.SubElement(parent, "div", {"class": "legend"})
    for run in runs:
        span = ET.SubElement(div, "span")
        mark = ET.SubElement(span, "b", {"style": f"color:{view.colour(run)}"})
        mark.text = "\u25a0 "
        mark.tail = visible(run)


def render(engine: BoardEngine, view: ViewSettings) -> str:
    """HTML of the board's current data, as ``view`` shows it."""
    with engine.lock:
        return _render(engine, view)


def _render(engine: BoardEngine, view: ViewSettings) -> str:
    status = engine.status()
    title = engine.title
    summary = f"{status['runs']} runs, {status['points']:,} scalar points"
    if status["problem_count"]:
        summary += f", {status['problem_count']:,} problems reading the logdir"
    order = {run: i for i, run in enumerate(engine.runs)}
    root = ET.Element("div", {"class": "tbnb-static"})
    ET.SubElement(root, "style").text = STYLE
    head = ET.SubElement(root, "div")
    ET.SubElement(head, "b").text = "tbnb"
    ET.SubElement(head, "span").text = f"  {visible(title)}  "
    note = ET.SubElement(head, "span", {"class": "note"})
    note.text = (
        f"static snapshot, {time.strftime('%Y-%m-%d %H:%M:%S')}"
        + f" ({summary})"
        + ": run the notebook with tbnb for the live board"
    )
    by_tag: dict[str, list[tuple[str, Any]]] = {}
    for (run, tag), series in sorted(engine.scalar_series().items(), key=lambda kv: kv[0][1]):
        if view.run_shown(run) and view.tag_shown(tag):
            by_tag.setdefault(tag, []).append((run, series))
    shown = {r for pairs in by_tag.values() for r, _ in pairs}
    shown_runs = sorted(shown, key=lambda r: order.get(r, 0))
    if shown_runs:
        _legend(root, shown_runs, view)
    sections: dict[str, list[str]] = {}
    for tag in by_tag:
        sections.setdefault(tag.split("/", 1)[0] if "/" in tag else tag, []).append(tag)
    charts = 0
    nlines = sum(len(by_tag[t]) for t in list(by_tag)[:MAX_CHARTS])
    raw_too = view.smoothing > 0 and nlines <= RAW_LINES_UP_TO
    per_line = POINT_BUDGET // max(1, nlines * (2 if raw_too else 1))
    buckets = max(MIN_BUCKETS, min(BUCKETS, per_line // 2))  # min-max: 2 points a bucket

    def card(box: ET.Element, tag: str) -> None:
        """A scalar card as the board draws it: smoothing, symlog, step markers."""
        pairs = by_tag[tag]
        finite = [s.value[np.isfinite(s.value)] for _, s in pairs]
        c = symlog_constant(np.concatenate(finite)) if view.symlog_y and finite else 0.0

        def ys(v: Any) -> Any:
            return symlog(v, c) if c else v

        lines = []
        for run, series in pairs:
            n = len(series.value)
            idx, _ = bucket_picks(series.value, bucket_width(n, buckets))
            x = series.step[idx].astype(np.float64)
            col = view.colour(run)
            if view.smoothing > 0:
                sm = smooth(series.value, view.smoothing)[idx]
                if raw_too:
                    lines.append((col, x, ys(series.value[idx]), 0.25))
                lines.append((col, x, ys(sm), 1.0))
            else:
                lines.append((col, x, ys(series.value[idx]), 1.0))
        label = (lambda t: _fmt(symexp(t, c))) if c else _fmt
        _chart(box, tag, lines, view.markers_of(tag), label)

    pins = [t for t in view.pinned_cards if t in by_tag]
    if pins:
        det = ET.SubElement(root, "details", {"open": "open", "class": "pinned"})
        ET.SubElement(det, "summary").text = "Pinned"
        box = ET.SubElement(det, "div", {"class": "charts"})
        for tag in pins:
            card(box, tag)
    for section, tags in sections.items():
        det = ET.SubElement(root, "details", {"open": "open"})
        ET.SubElement(det, "summary").text = visible(section)
        box = ET.SubElement(det, "div", {"class": "charts"})
        for tag in tags:
            if charts >= MAX_CHARTS:
                break
            charts += 1
            card(box, tag)
    if charts >= MAX_CHARTS:
        ET.SubElement(
            root, "p", {"class": "note"}
        ).text = f"the first {MAX_CHARTS} scalar charts are shown here"
    _images(root, engine, view)
    _audio(root, engine, view)
    _distributions(root, engine, view)
    _texts(root, engine, view)
    _graphs(root, engine, view)
    _hparams(root, engine, view)
    _pr_curves(root, engine, view)
    _meshes(root, engine, view)
    _custom_scalars(root, engine)
    return ET.tostring(root, encoding="unicode", method="html")


def _images(root: ET.Element, engine: BoardEngine, view: ViewSettings) -> None:
    budget = MAX_IMAGE_BYTES
    items = [
        (r, t, p)
        for (r, t), p in engine.images.points().items()
        if p and view.run_shown(r) and view.tag_shown(t)
    ]
    if not items:
        return
    det = ET.SubElement(root, "details", {"open": "open"})
    ET.SubElement(det, "summary").text = "Images (newest step)"
    box = ET.SubElement(det, "div", {"class": "charts"})
    for run, tag, points in items:
        point = points[-1]
        fig = ET.SubElement(box, "figure")
        ET.SubElement(fig, "figcaption").text = visible(f"{tag} · {run} · step {point.step}")
        try:
            raw = point.data
        except Exception as err:
            ET.SubElement(fig, "p").text = f"could not read the image: {err}"
            continue
        mime = sniff_mime(raw)
        if not mime or len(raw) > budget:
            ET.SubElement(fig, "p", {"class": "note"}).text = "not included in the snapshot"
            continue
        budget -= len(raw)
        src = f"data:{mime};base64," + base64.b64encode(raw).decode("ascii")
        ET.SubElement(
            fig, "img", {"src": src, "style": "max-width:360px;image-rendering:pixelated"}
        )


def _audio(root: ET.Element, engine: BoardEngine, view: ViewSettings) -> None:
    """The audio tags: per run and tag its clips and newest step (no clip is embedded:
    a saved notebook stays small; the board plays them)."""
    items = [
        (r, t, p)
        for (r, t), p in engine.audio.points().items()
        if p and view.run_shown(r) and view.tag_shown(t)
    ]
    if not items:
        return
    det = ET.SubElement(root, "details", {"open": "open"})
    ET.SubElement(det, "summary").text = "Audio"
    for run, tag, points in items:
        steps = len({p.step for p in points})
        line = f"{tag} · {run} · {len(points):,} clips at {steps:,} steps, newest step "
        line += str(points[-1].step)
        if points[-1].sample_rate:
            line += f", {points[-1].sample_rate:,.0f} Hz"
        ET.SubElement(det, "div").text = visible(line)
    ET.SubElement(
        det, "p", {"class": "note"}
    ).text = "open the notebook with tbnb running to play the clips"


def _distributions(root: ET.Element, engine: BoardEngine, view: ViewSettings) -> None:
    held = engine.histograms.bands().items()
    bands = {k: v for k, v in held if view.run_shown(k[0]) and view.tag_shown(k[1])}
    if not bands:
        return
    det = ET.SubElement(root, "details", {"open": "open"})
    axis = {"step": "step", "relative": "relative time", "wall": "wall time"}[view.x_axis]
    ET.SubElement(det, "summary").text = f"Distributions (min, median, max over {axis})"
    box = ET.SubElement(det, "div", {"class": "charts"})
    for (run, tag), (steps, walls, b) in list(bands.items())[:MAX_CHARTS]:
        x = _x(view, steps, walls)
        col = view.colour(run)
        lines = [(col, x, b[:, j], op) for j, op in ((0, 0.3), (4, 1.0), (8, 0.3))]
        _chart(box, f"{tag} · {run}", lines)


def _x(view: ViewSettings, steps: npt.NDArray[Any], walls: npt.NDArray[Any]) -> npt.NDArray[Any]:
    """The horizontal axis of a chart's series, by the board's setting."""
    if view.x_axis == "step":
        return steps
    if view.x_axis == "relative":
        scale, _ = chart_unit([walls])
        return relative(walls, scale)
    return walls


def _texts(root: ET.Element, engine: BoardEngine, view: ViewSettings) -> None:
    items = [
        (r, t, p)
        for (r, t), p in engine.texts.points().items()
        if p and view.run_shown(r) and view.tag_shown(t)
    ]
    if not items:
        return
    det = ET.SubElement(root, "details", {"open": "open"})
    ET.SubElement(det, "summary").text = "Text (newest step)"
    for run, tag, points in items:
        p = points[-1]
        ET.SubElement(det, "div").text = visible(f"{tag} · {run} · step {p.step}")
        text = p.text if len(p.text) <= MAX_TEXT_CHARS else p.text[:MAX_TEXT_CHARS] + " [...]"
        ET.SubElement(det, "pre").text = text


def _graphs(root: ET.Element, engine: BoardEngine, view: ViewSettings) -> None:
    """Each graph's size and its top-level scopes as text (the tab lays graphs out in
    the browser; a saved page without it gets what a reader needs to know it is there)."""
    items = [(r, t, i) for (r, t), i in engine.graphs.infos().items() if view.run_shown(r)]
    if not items:
        return
    det = ET.SubElement(root, "details", {"open": "open"})
    ET.SubElement(det, "summary").text = "Graphs"
    for n, (run, tag, info) in enumerate(items):
        line = f"{run} · {tag} · "
        if info.error:
            line += f"cannot be read: {info.error}"
        else:
            line += f"{info.nodes:,} nodes, {info.edges:,} edges"
            if n < MAX_GRAPHS and info.nodes <= PUSH_NODES:
                try:
                    top = dict.fromkeys(node.name.split("/", 1)[0] for node in info.load().nodes)
                    line += " · top level: " + ", ".join(list(top)[:12])
                    line += ", ..." if len(top) > 12 else ""
                except (ValueError, KeyError, OSError) as err:
                    line += f" · cannot be read: {err}"
        ET.SubElement(det, "div").text = visible(line)
    ET.SubElement(
        det, "p", {"class": "note"}
    ).text = "open the notebook with tbnb running to explore the graphs"


def _cell(v: object) -> str:
    if isinstance(v, float):
        return _fmt(v)
    return "" if v is None else str(v)


def _hparams(root: ET.Element, engine: BoardEngine, view: ViewSettings) -> None:
    """The sessions as a plain table: name, status, each hparam, each metric."""
    sessions = [s for s in engine.hparams.sessions() if view.run_shown(s.run)]
    if not sessions:
        return
    hnames = list(dict.fromkeys(k for s in sessions for k in s.hparams))
    mnames = list(dict.fromkeys(k for s in sessions for k in s.metrics))
    det = ET.SubElement(root, "details", {"open": "open"})
    ET.SubElement(det, "summary").text = f"HParams ({len(sessions):,} sessions)"
    table = ET.SubElement(det, "table", {"class": "hparams"})
    head = ET.SubElement(ET.SubElement(table, "thead"), "tr")
    for name in ["session", "status", *hnames, *mnames]:
        ET.SubElement(head, "th").text = visible(name)
    body = ET.SubElement(table, "tbody")
    for s in sessions[:MAX_SESSIONS]:
        row = ET.SubElement(body, "tr")
        cells = [s.name, s.status, *(s.hparams.get(k) for k in hnames)]
        cells += [s.metrics.get(k) for k in mnames]
        for v in cells:
            ET.SubElement(row, "td").text = visible(_cell(v))
    if len(sessions) > MAX_SESSIONS:
        ET.SubElement(
            det, "p", {"class": "note"}
        ).text = f"the first {MAX_SESSIONS} of {len(sessions):,} sessions are shown here"


def _pr_curves(root: ET.Element, engine: BoardEngine, view: ViewSettings) -> None:
    """A chart per tag: each run's precision (y) against recall (x) at its newest step."""
    feed = engine.feeds.get(Kind.PR_CURVES)
    if not isinstance(feed, PRCurveFeed):
        return
    by_tag: dict[str, list[tuple[str, Any]]] = {}
    order = {run: i for i, run in enumerate(engine.runs)}
    for (run, tag), points in sorted(feed.points().items(), key=lambda kv: order.get(kv[0][0], 0)):
        if points and view.run_shown(run) and view.tag_shown(tag):
            by_tag.setdefault(tag, []).append((run, points[-1]))
    if not by_tag:
        return
    det = ET.SubElement(root, "details", {"open": "open"})
    ET.SubElement(det, "summary").text = "PR curves (newest step; x recall, y precision)"
    box = ET.SubElement(det, "div", {"class": "charts"})
    for tag in sorted(by_tag)[:MAX_CHARTS]:
        lines = []
        for run, point in by_tag[tag]:
            curve, _ = curve_of(point)
            if curve is not None:
                recall, precision = drawn(curve)
                lines.append((view.colour(run), recall, precision, 1.0))
        _chart(box, tag, lines)


def _meshes(root: ET.Element, engine: BoardEngine, view: ViewSettings) -> None:
    """Each mesh's newest step and its size, as text (drawn in 3D by the Mesh tab)."""
    feed = cast(MeshFeed, engine.feeds[Kind.MESH])
    items = [
        (r, t, p[-1])
        for (r, t), p in feed.points().items()
        if p and view.run_shown(r) and view.tag_shown(t)
    ]
    if not items:
        return
    det = ET.SubElement(root, "details", {"open": "open"})
    ET.SubElement(det, "summary").text = "Meshes (newest step)"
    for run, name, p in items:
        line = f"{name} · {run} · step {p.step} · "
        if p.problem:
            line += f"cannot be drawn: {p.problem}"
        else:
            line += f"{p.vertex_count:,} vertices, "
            line += f"{p.face_count:,} faces" if p.face_count else "a point cloud"
            line += ", vertex colours" if p.has_colors else ""
        ET.SubElement(det, "div").text = visible(line)
    ET.SubElement(
        det, "p", {"class": "note"}
    ).text = "open the notebook with tbnb running to see the meshes in 3D"


def _custom_scalars(root: ET.Element, engine: BoardEngine) -> None:
    """The Custom Scalars layout as text: each category and its charts' tags."""
    layout = engine.custom_scalars.layout()
    if not layout.categories:
        return
    det = ET.SubElement(root, "details", {"open": "open"})
    ET.SubElement(det, "summary").text = "Custom Scalars"
    for cat in layout.categories:
        ET.SubElement(det, "div").text = visible(cat.title or "(untitled)")
        items = ET.SubElement(det, "ul")
        for ch in cat.charts:
            if ch.kind == "multiline":
                what = "tags matching " + ", ".join(ch.tags)
            else:
                what = "; ".join(f"{m.value} between {m.lower} and {m.upper}" for m in ch.margins)
            ET.SubElement(items, "li").text = visible(f"{ch.title}: {what}")
    ET.SubElement(
        det, "p", {"class": "note"}
    ).text = "open the notebook with tbnb running to see these charts"
