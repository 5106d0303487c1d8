"""Board.figure draws the scalars tools a card has: the symlog y axis (values
transformed, ticks labelled with the values) and the step markers (a range: a band)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from tensorboardX import SummaryWriter

import tbnb
from tbnb.compute.symlog import symlog, symlog_constant

GRAD = np.array([-300.0, -2.0, -0.02, 0.0, 0.05, 3.0, 150.0])


def test_figure_has_symlog_and_markers(tmp_path: Path) -> None:
    w = SummaryWriter(str(tmp_path / "a"))
    for step, v in enumerate(GRAD):
        w.add_scalar("grad", float(v), step * 10, walltime=1765000000.0 + step * 2)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0, smoothing=0.0)
    try:
        board.symlog_y = True
        board.step_markers = {"grad": [20.0]}
        fig = board.figure("grad")
        written = GRAD.astype(np.float32).astype(np.float64)
        c = symlog_constant(written)
        np.testing.assert_allclose(fig.data[0].y, symlog(written, c))
        assert fig.layout.yaxis.tickmode == "array"
        assert {"-100", "0", "100"} <= set(fig.layout.yaxis.ticktext)
        (marker,) = fig.layout.shapes
        assert (marker.type, marker.x0, marker.x1) == ("line", 20, 20)
        # a range: two lines and the band between; on wall time, where the run was then
        board.range_selection = True
        board.step_markers = {"grad": [20.0, 40.0]}
        board.x_axis = "wall"
        shapes = board.figure("grad").layout.shapes
        assert [s.type for s in shapes] == ["line", "line", "rect"]
        got = [np.datetime64(s.x0, "ms") for s in shapes[:2]]
        assert got == [np.datetime64(1765000004000, "ms"), np.datetime64(1765000008000, "ms")]
        # linked by step: the board's one marker
        board.link_by_step = True
        board.range_selection = False
        board.step_markers = {"": [50.0]}
        board.x_axis = "step"
        assert [s.x0 for s in board.figure("grad").layout.shapes] == [50]
        board.symlog_y = False
        assert board.figure("grad").layout.yaxis.tickmode is None
    finally:
        board.close()


def test_snapshot_has_pins_markers_and_symlog(tmp_path: Path) -> None:
    w = SummaryWriter(str(tmp_path / "a"))
    for step, v in enumerate(GRAD):
        w.add_scalar("grad", float(v), step * 10)
        w.add_scalar("loss", float(step), step * 10)
    w.close()
    board = tbnb.Board(tmp_path, reload_interval=0, smoothing=0.0)
    try:
        plain = board.static_html()
        assert "Pinned" not in plain and "stroke-dasharray" not in plain
        board.pinned_cards = ["loss"]
        board.step_markers = {"grad": [30.0]}
        board.symlog_y = True
        html = board.static_html()
        # the pinned copy first, then the sections (loss twice in all)
        assert html.index("Pinned") < html.index(">grad<")
        assert html.count("<figcaption>loss</figcaption>") == 2
        # one marker line, on the grad card only, at step 30 of 0..60
        assert html.count("stroke-dasharray") == 1
        x = float(html.split("stroke-dasharray")[0].rsplit('x1="', 1)[1].split('"')[0])
        left, width = 56, 360 - 56 - 10  # the chart's plot area (static.py PAD_L, W, PAD_R)
        assert abs(x - (left + width * 30 / 60)) < 0.2
        # symlog: the y extremes are labelled with the values, not their transform
        assert ">-300<" in html and ">150<" in html and ">-4.477<" not in html
        board.symlog_y = False
        assert ">-300<" in board.static_html()  # so linear too (the labels are the extremes)
    finally:
        board.close()
