"""`Board.figure(tag)`: the chart of one scalar tag as a plotly Figure, as the board
draws it (smoothing, horizontal axis, log scale, run filters, run colours)."""

from __future__ import annotations

from typing import Any

from tbnb.board.engine import BoardEngine
from tbnb.board.names import plotly_text
from tbnb.board.settings import ViewSettings, colour
from tbnb.compute.smoothing import smooth
from tbnb.compute.timeaxis import chart_unit, relative


def figure(engine: BoardEngine, tag: str, view: ViewSettings) -> Any:
    import plotly.graph_objects as go

    series = engine.scalar_series(tag)
    if not series:
        raise KeyError(f"no scalar tag {tag!r} on this board")
    order = {run: i for i, run in enumerate(engine.runs)}
    shown = [(run, s) for (run, _), s in series.items() if view.run_shown(run)]
    scale, unit = chart_unit(s.wall_time for _, s in shown)
    fig = go.Figure()
    for run, s in shown:
        if view.x_axis == "step":
            x: Any = s.step
        elif view.x_axis == "relative":
            x = relative(s.wall_time, scale)
        else:
            x = s.wall_time.astype("datetime64[s]")
        col = colour(order.get(run, 0))
        name = plotly_text(run)
        if view.smoothing > 0:
            fig.add_scatter(
                x=x, y=s.value, name=name, mode="lines", line={"color": col},
                opacity=0.25, showlegend=False, hoverinfo="skip",
            )  # fmt: skip
            fig.add_scatter(
                x=x, y=smooth(s.value, view.smoothing), name=name, mode="lines",
                line={"color": col},
            )  # fmt: skip
        else:
            fig.add_scatter(x=x, y=s.value, name=name, mode="lines", line={"color": col})
    xtitle = {"step": "step", "relative": f"relative ({unit})", "wall": "wall time"}
    fig.update_layout(
        title={"text": plotly_text(tag)},
        xaxis_title=xtitle[view.x_axis],
        yaxis_type="log" if view.log_y else "linear",
        template="plotly_white",
    )
    return fig
