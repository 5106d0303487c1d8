"""The static snapshot saved with a notebook, and board.figure()."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from tensorboardX import SummaryWriter

import tbnb
from tbnb.board.names import plotly_text
from tbnb.compute.smoothing import smooth

EVIL = '<img src=x onerror="window.__pwned=1">'


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def parse(html: str) -> Elements:
    p = Elements()
    p.feed(html)
    return p


@pytest.fixture
def board(tmp_path: Path, boards: list[tbnb.Board]) -> tbnb.Board:
    for run in ("a", EVIL):  # writers clean tags, not run directories
        w = SummaryWriter(str(tmp_path / run))
        for s in range(50):
            w.add_scalar("loss/train", 1.0 / (s + 1) + (run != "a"), s)
            w.add_scalar("acc", float(s), s)
        w.add_image("img", np.full((3, 5, 7), 0.5), 0)
        w.add_histogram("w", np.random.default_rng(0).normal(size=100), 0)
        w.add_text("note", "<script>window.__pwned=1</script>", 0)
        w.close()
    b = tbnb.Board(tmp_path, reload_interval=0, smoothing=0.6)
    boards.append(b)
    return b


def test_static_html_draws_every_chart_as_svg_and_escapes(board: tbnb.Board) -> None:
    html = board.static_html()
    el = parse(html)
    names = [t for t, _ in el.tags]
    assert "script" not in names and "img" in names  # the one img is our data: URI
    imgs = [a for t, a in el.tags if t == "img"]
    assert len(imgs) == 2 and all(
        (a["src"] or "").startswith("data:image/png;base64,") for a in imgs
    )
    # 2 tags x 2 runs x (raw + smoothed)
    assert names.count("polyline") >= 8
    assert EVIL in "".join(el.text)  # the run name, shown as text
    assert "<script>window.__pwned=1</script>" in "".join(el.text)
    assert "onerror" not in "".join(str(a) for _, a in el.tags)


def test_mimebundle_carries_the_fallback(board: tbnb.Board) -> None:
    data, _ = board._repr_mimebundle_()
    assert "application/vnd.jupyter.widget-view+json" in data
    assert "<svg" in data["text/html"]


def test_figure_is_what_the_chart_shows(board: tbnb.Board) -> None:
    fig = board.figure("loss/train")
    smoothed = [t for t in fig.data if t.showlegend is not False]
    # runs in board order; the name's tags shown as text, not read by plotly (issue 12)
    assert [t.name for t in smoothed] == [plotly_text(r) for r in sorted(["a", EVIL])]
    want = smooth(1.0 / (np.arange(50) + 1), 0.6)
    np.testing.assert_allclose(smoothed[[t.name for t in smoothed].index("a")].y, want, rtol=1e-6)
    board.hidden_runs = [EVIL]
    board.log_y = True
    board.smoothing = 0.0
    fig = board.figure("loss/train")
    assert [t.name for t in fig.data] == ["a"] and fig.layout.yaxis.type == "log"
    with pytest.raises(KeyError):
        board.figure("nope")


def test_static_snapshot_of_many_series_stays_small(
    tmp_path: Path, boards: list[tbnb.Board]
) -> None:
    from tbnb.board.static import POINT_BUDGET, RAW_LINES_UP_TO

    runs, tags = 30, 8
    for r in range(runs):
        w = SummaryWriter(str(tmp_path / f"run{r:02d}"))
        for s in range(100):
            for t in range(tags):
                w.add_scalar(f"g/t{t}", float((s * (t + 1) + r) % 17), s)
        w.close()
    board = tbnb.Board(tmp_path, reload_interval=0)
    boards.append(board)
    el = parse(board.static_html())
    lines = [a for t, a in el.tags if t == "polyline"]
    assert runs * tags > RAW_LINES_UP_TO and len(lines) == runs * tags  # smoothed only
    points = sum(len((a["points"] or "").split()) for a in lines)
    assert points <= POINT_BUDGET * 1.1


def test_figure_is_a_complete_plotly_figure(board: tbnb.Board, tmp_path: Path) -> None:
    """Built without plotly's per-trace validation, it still renders and round-trips."""
    import plotly.graph_objects as go
    import plotly.io as pio

    board.log_y = True
    fig = board.figure("loss/train")
    again = go.Figure(fig.to_dict())  # validated: every key is one plotly knows
    assert len(again.data) == len(fig.data) and again.layout.yaxis.type == "log"
    white = pio.templates["plotly_white"].layout.plot_bgcolor
    assert fig.layout.template.layout.plot_bgcolor == white
    fig.write_html(tmp_path / "f.html")
    assert '"text":"loss\\u002ftrain"' in (tmp_path / "f.html").read_text()  # as JSON
