"""`Board.figure(tag)`: the chart of one scalar tag as a plotly Figure, as the board
draws it (smoothing, horizontal axis, log or symlog scale, run filters, run colours,
the card's step markers)."""

from __future__ import annotations

from typing import Any

import numpy as np

from tbnb.board.engine import BoardEngine
from tbnb.board.names import plotly_text
from tbnb.board.settings import ViewSettings
from tbnb.compute.smoothing import smooth
from tbnb.compute.symlog import symlog, symlog_constant, symlog_ticks
from tbnb.compute.timeaxis import chart_unit, relative


def figure(engine: BoardEngine, tag: str, view: ViewSettings) -> Any:
    import plotly.graph_objects as go
    import plotly.io as pio

    series = engine.scalar_series(tag)
    if not series:
        raise KeyError(f"no scalar tag {tag!r} on this board")
    shown = [(run, s) for (run, _), s in series.items() if view.run_shown(run)]
    scale, unit = chart_unit(s.wall_time for _, s in shown)
    # traces as plain dicts, built once without plotly's per-trace validation (which
    # took 3 ms a trace: 6.5 s for 2,000 runs); the keys are plotly's own
    data: list[dict[str, Any]] = []
    finite = [s.value[np.isfinite(s.value)] for _, s in shown]
    c = symlog_constant(np.concatenate(finite)) if view.symlog_y and finite else 0.0

    def ys(v: Any) -> Any:
        return symlog(v, c) if c else v

    xs: list[tuple[Any, Any]] = []  # (steps, x) of each run, for the markers
    for run, s in shown:
        if view.x_axis == "step":
            x: Any = s.step
        elif view.x_axis == "relative":
            x = relative(s.wall_time, scale)
        else:
            x = np.round(s.wall_time * 1000).astype("datetime64[ms]")
        xs.append((s.step, x))
        line = {"color": view.colour(run)}
        base = {"type": "scatter", "x": x, "name": plotly_text(run), "mode": "lines", "line": line}
        if view.smoothing > 0:
            faint = {"opacity": 0.25, "showlegend": False, "hoverinfo": "skip"}
            data.append({**base, "y": ys(s.value), **faint})
            data.append({**base, "y": ys(smooth(s.value, view.smoothing))})
        else:
            data.append({**base, "y": ys(s.value)})
    xtitle = {"step": "step", "relative": f"relative ({unit})", "wall": "wall time"}
    yaxis: dict[str, Any] = {"type": "log" if view.log_y and not c else "linear"}
    if c:
        # the ticks say the values, not their transform
        t = symlog(np.concatenate(finite), c)
        if len(t):
            vals, text = symlog_ticks(float(t.min()), float(t.max()), c)
            yaxis.update(tickmode="array", tickvals=vals, ticktext=text)
    layout = {
        "title": {"text": plotly_text(tag)},
        "xaxis": {"title": {"text": xtitle[view.x_axis]}},
        "yaxis": yaxis,
        "shapes": _marker_shapes(view, tag, xs),
        # the template itself, not its name: only validation would resolve a name
        "template": pio.templates["plotly_white"].to_plotly_json(),
    }
    return go.Figure(data=data, layout=layout, _validate=False)


def _marker_shapes(view: ViewSettings, tag: str, xs: list[tuple[Any, Any]]) -> list[Any]:
    """A dotted line at each marked step (a band between two), on the x where the
    fullest run reached it, as the board draws them (js/src/steps.ts stepAxis)."""
    steps = view.markers_of(tag)
    if not steps or not xs:
        return []
    step_of, x_of = max(xs, key=lambda sx: len(sx[0]))
    if not len(step_of):
        return []
    at = [x_of[int(np.abs(step_of - s).argmin())] for s in steps]
    at = [a.item() if hasattr(a, "item") else a for a in at]
    span = {"xref": "x", "yref": "paper", "y0": 0, "y1": 1}
    line = {"color": "rgba(60,60,60,0.8)", "width": 1, "dash": "dot"}
    out: list[Any] = [{**span, "type": "line", "x0": a, "x1": a, "line": line} for a in at]
    if len(at) == 2:
        band = {**span, "type": "rect", "line": {"width": 0}, "fillcolor": "rgba(60,60,60,0.08)"}
        out.append({**band, "x0": min(at), "x1": max(at)})
    return out
