"""`Board.figure(tag)`: the chart of one scalar tag as a plotly Figure, as the board
draws it (smoothing, horizontal axis, log scale, run filters, run colours)."""

from __future__ import annotations

from typing import Any

from tbnb.board.engine import BoardEngine
from tbnb.board.names import plotly_text
from tbnb.board.settings import ViewSettings
from tbnb.compute.smoothing import smooth
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
    for run, s in shown:
        if view.x_axis == "step":
            x: Any = s.step
        elif view.x_axis == "relative":
            x = relative(s.wall_time, scale)
        else:
            x = s.wall_time.astype("datetime64[s]")
        line = {"color": view.colour(run)}
        base = {"type": "scatter", "x": x, "name": plotly_text(run), "mode": "lines", "line": line}
        if view.smoothing > 0:
            faint = {"opacity": 0.25, "showlegend": False, "hoverinfo": "skip"}
            data.append({**base, "y": s.value, **faint})
            data.append({**base, "y": smooth(s.value, view.smoothing)})
        else:
            data.append({**base, "y": s.value})
    xtitle = {"step": "step", "relative": f"relative ({unit})", "wall": "wall time"}
    layout = {
        "title": {"text": plotly_text(tag)},
        "xaxis": {"title": {"text": xtitle[view.x_axis]}},
        "yaxis": {"type": "log" if view.log_y else "linear"},
        # the template itself, not its name: only validation would resolve a name
        "template": pio.templates["plotly_white"].to_plotly_json(),
    }
    return go.Figure(data=data, layout=layout, _validate=False)
