"""Scalar cards, checked through what is drawn.

- Many runs (more than 20): the lines are stroked on a canvas over plotly's axes, one
  path per colour for the raw lines and one for the smoothed (plotly's SVG costs per
  trace and per path): every run's points, in its colour; the step marker's table and a
  pinned copy work on it as on any card. The canvas paints each line where plotly's
  axes put its values, follows a zoom, and is in the PNG the modebar's camera saves.
- The step marker on relative and wall time: drawn where the runs reached the step,
  moved by keys and placed by a click as on the step axis.
- A card's first drawing is one plotly drawing: the margins given leave room for the
  last x label (centred on the right end) and a date axis' second line, so plotly's
  automargin pushes none and does not draw the chart again; a filter that widens the
  labels pushes the margin once, and it is kept.
- A card off screen is drawn again while the page is idle when a new run comes (a
  filter or a scroll then shows every run at once); new points alone wait. While the
  kernel still reads a large logdir's first parts, they are drawn once, after the last."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from playwright.sync_api import Page
from tensorboardX import SummaryWriter

from tbnb.board.settings import run_colour
from tests.browser.jupyter import JupyterServer, Notebook
from tests.browser.test_board_tabs import TAB_CODE_JS
from tests.browser.test_scalars_tools import ema, open_board, until

RUNS = [f"r{i:02d}" for i in range(23)]
STEPS = np.arange(30) * 5

TRACES_JS = """
([root, tag, pinned]) => {
  const chart = [...root.querySelectorAll('.tbnb-chart')].find(c => c.dataset.tag === tag
    && (pinned ? c.dataset.pinned === 'true' : !c.dataset.pinned));
  const plot = chart && chart.querySelector('.js-plotly-plot');
  if (!plot || !plot.data || !plot._fullLayout) return null;
  const points = (x, y) => ({x: Array.from(x), y: Array.from(y, v => Number.isNaN(v) ? null : v)});
  // plotly's traces of a run each, and the canvas' groups of runs (line-canvas.ts)
  return plot.data.filter(t => t.meta.kind !== 'span').map(t => ({runs: [t.meta.run],
      kind: t.meta.kind, color: t.line && t.line.color, canvas: false, lines: [points(t.x, t.y)]}))
    .concat((plot.tbnbLines || []).map(g => ({runs: g.runs, kind: g.kind, color: g.color,
      canvas: true, lines: g.lines.map(l => points(l.x, l.y))})));
}
"""


def values(i: int) -> np.ndarray:
    return np.cos(STEPS / 40.0 + i) * (1 + i / 10)


def test_many_runs_one_path_per_colour(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    for i, run in enumerate(RUNS):
        w = SummaryWriter(str(tmp_path / run))
        for step, v in zip(STEPS, values(i), strict=True):
            w.add_scalar("loss", float(v), int(step))
        w.close()
    _, b = open_board(page, jupyter, tmp_path, "many-runs.ipynb")

    def drawn(pinned: bool = False) -> list[dict[str, Any]]:
        def check() -> Any:
            got = page.evaluate(TRACES_JS, [b.root.element_handle(), "loss", pinned])
            raw = [r for t in got or [] if t["kind"] == "raw" for r in t["runs"]]
            return got if sorted(raw) == RUNS else None

        return until(check, "every run drawn")  # type: ignore[no-any-return]

    drawn()
    # a board of scalars alone runs none of the lazy tabs' code (plotly's WebGL traces,
    # dagre, the projector: board.ts), and loads it for no tab it has no data for, also
    # once the page is idle (when a board's tabs with data have their chunks imported)
    page.evaluate("() => new Promise(r => requestIdleCallback(() => requestIdleCallback(r)))")
    assert page.evaluate(TAB_CODE_JS) == []

    colours = {run: run_colour(run) for run in RUNS}
    for pinned in (False, True):
        traces = drawn(pinned)
        for kind in ("raw", "smoothed"):
            mine = [t for t in traces if t["kind"] == kind]
            # on the canvas, one path per colour, each run in exactly one, in its colour
            assert len(mine) == len(set(colours.values())) < len(RUNS)
            assert all(t["canvas"] for t in mine)
            assert sorted(r for t in mine for r in t["runs"]) == RUNS
            for t in mine:
                assert {colours[r] for r in t["runs"]} == {t["color"]}
                assert len(t["lines"]) == len(t["runs"])
                for run, line in zip(t["runs"], t["lines"], strict=True):
                    x, y = line["x"], line["y"]
                    v = values(RUNS.index(run)).astype(np.float32).astype(np.float64)
                    assert x == STEPS.tolist()
                    want = v if kind == "raw" else ema(v, 0.6)
                    np.testing.assert_allclose(y, want, rtol=1e-9, atol=1e-12)
        if not pinned:
            # the step marker's table lists every run with the value written
            b.chart("loss").scroll_into_view_if_needed()
            b.click_at_step("loss", 50)
            table = b.table_until("loss", lambda t: len(t["rows"]) == len(RUNS))
            for row in table["rows"]:
                assert row["step"] == 50
                assert row["value"] == np.float32(values(RUNS.index(row["run"]))[10])
            b.chart("loss").get_by_role("button", name="Pin card").click()


# the canvas of a card's lines: its box in the plot, the plot area and y range plotly
# shows, and for each value asked, the most opaque pixel of the canvas' middle column
# within 2 px of where that value is, as [r, g, b, a]
CANVAS_JS = """
([chart, values]) => {
  const p = chart.querySelector('.js-plotly-plot');
  const c = p && p.querySelector('canvas.tbnb-lines');
  if (!c || c.hidden || !p.tbnbLines || !p.tbnbLines.length || !p._fullLayout) return null;
  const s = p._fullLayout._size, r = p._fullLayout.yaxis.range;
  const log = p._fullLayout.yaxis.type === 'log';  // its range in powers of ten
  const k = c.width / s.w, ctx = c.getContext('2d'), col = Math.round(c.width / 2);
  const pixel = (v) => {
    const at = log ? Math.log10(v) : v;
    const row = Math.round((s.h - (at - r[0]) / (r[1] - r[0]) * s.h) * k);
    let best = null;
    for (let d = -2; d <= 2; d++) {
      if (row + d < 0 || row + d >= c.height) continue;
      const px = [...ctx.getImageData(col, row + d, 1, 1).data];
      if (!best || px[3] > best[3]) best = px;
    }
    return best;
  };
  const box = c.getBoundingClientRect(), pbox = p.getBoundingClientRect();
  return {box: [box.left - pbox.left, box.top - pbox.top, box.width, box.height],
    size: s, range: r, log, kinds: p.data.map(t => t.meta.kind), pixels: values.map(pixel)};
}
"""


def painted(px: list[int] | None, colour: str) -> bool:
    """An opaque enough pixel of `colour` (antialiased edges blend alpha, not the colour)."""
    n = int(colour[1:], 16)
    want = (n >> 16, (n >> 8) & 255, n & 255)
    near = px is not None and all(abs(a - b) <= 8 for a, b in zip(px[:3], want, strict=True))
    return near and px is not None and px[3] >= 150


def test_many_runs_lines_on_a_canvas_follow_the_axes(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    # 24 runs, run i the constant i: flat lines one unit apart
    runs = [f"c{i:02d}" for i in range(24)]
    for i, run in enumerate(runs):
        w = SummaryWriter(str(tmp_path / run))
        for step in range(11):
            w.add_scalar("flat", float(i), step)
        w.close()
    _, b = open_board(page, jupyter, tmp_path, "canvas-lines.ipynb")
    card = b.chart("flat")
    card.scroll_into_view_if_needed()
    probe = [0.0, 5.0, 5.5, 23.0, 12.5]
    got = until(lambda: page.evaluate(CANVAS_JS, [card.element_handle(), probe]), "canvas")
    # plotly holds one invisible trace spanning the lines; the canvas covers its plot area
    assert got["kinds"] == ["span"], got["kinds"]
    s = got["size"]
    assert got["box"] == [s["l"], s["t"], s["w"], s["h"]], got
    lo, hi = got["range"]
    assert lo < 0 and hi > 23, got["range"]  # plotly's autorange spans every line
    px = dict(zip(probe, got["pixels"], strict=True))
    for v in (0.0, 5.0, 23.0):
        assert painted(px[v], run_colour(runs[int(v)])), (v, px[v])
    for v in (5.5, 12.5):  # between two lines: nothing
        assert px[v] is not None and px[v][3] == 0, (v, px[v])

    # a zoom on y (a drag up the plot): the canvas is painted again on the new axes
    box = card.locator(".js-plotly-plot").bounding_box()
    assert box is not None

    def at(v: float) -> float:
        return box["y"] + s["t"] + (hi - v) / (hi - lo) * s["h"]

    x = box["x"] + s["l"] + s["w"] / 2
    page.mouse.move(x, at(4.4))
    page.mouse.down()
    page.mouse.move(x + 1, at(6.6), steps=8)
    page.mouse.up()
    probe = [5.0, 6.0, 5.5]
    zoomed = until(
        lambda: (
            (g := page.evaluate(CANVAS_JS, [card.element_handle(), probe]))
            and g["range"][1] - g["range"][0] < 5
            and g
        ),
        "zoomed on y",
    )
    zlo, zhi = zoomed["range"]
    assert 4 < zlo < 5 and 6 < zhi < 7, zoomed["range"]
    px = dict(zip(probe, zoomed["pixels"], strict=True))
    assert painted(px[5.0], run_colour("c05")) and painted(px[6.0], run_colour("c06")), px
    assert px[5.5] is not None and px[5.5][3] == 0, px

    # the modebar's camera: plotly's axes with the canvas' lines, as on screen
    card.locator(".js-plotly-plot").hover()
    with page.expect_download() as dl:
        card.locator("[data-title='Download plot as a PNG']").click()
    assert dl.value.suggested_filename == "flat.png"
    img = Image.open(io.BytesIO(Path(dl.value.path()).read_bytes())).convert("RGBA")
    zs = zoomed["size"]
    col = round(zs["l"] + zs["w"] / 2)

    def png_pixel(v: float) -> list[int]:
        row = round(zs["t"] + (zhi - v) / (zhi - zlo) * zs["h"])
        return max((list(img.getpixel((col, row + d))) for d in range(-2, 3)), key=lambda p: p[3])

    assert painted(png_pixel(5.0), run_colour("c05")), png_pixel(5.0)
    assert painted(png_pixel(6.0), run_colour("c06")), png_pixel(6.0)
    # between them, at most plotly's grid line
    assert not any(painted(png_pixel(5.5), run_colour(r)) for r in runs), png_pixel(5.5)

    # a log y axis: each line where its value's power of ten is (run 0's, at 0, is not)
    b.root.get_by_label("Log-scale y axis").check()
    probe = [1.0, 10.0, 20.0, 1.5, 3.5]
    log = until(
        lambda: (g := page.evaluate(CANVAS_JS, [card.element_handle(), probe])) and g["log"] and g,
        "log y axis",
    )
    px = dict(zip(probe, log["pixels"], strict=True))
    for v in (1.0, 10.0, 20.0):
        assert painted(px[v], run_colour(runs[int(v)])), (v, px[v])
    for v in (1.5, 3.5):  # between two lines, 17-24 px from each
        assert px[v] is not None and px[v][3] == 0, (v, px[v])


T0 = 1765000000.0


def test_step_marker_on_relative_and_wall_time(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    # exp1 takes 2 s a step from T0; exp2, the fuller line, 3 s a step from T0 + 50
    for run, n, start, per in (("exp1", 20, T0, 2.0), ("exp2", 30, T0 + 50, 3.0)):
        w = SummaryWriter(str(tmp_path / run))
        for i in range(n):
            w.add_scalar("loss", float(np.sin(i)), i * 10, walltime=start + i * per)
        w.close()
    _, b = open_board(page, jupyter, tmp_path, "time-axes.ipynb")
    b.drawn("loss")
    card = b.chart("loss")
    handle = b.handle("loss")

    def marked(step: int) -> None:
        until(lambda: handle.get_attribute("aria-valuenow") == str(step), f"marker at {step}")

    handle.focus()
    handle.press("End")
    marked(290)
    for axis in ("relative", "wall"):
        b.root.locator(".tbnb-xaxis").select_option(axis)
        # the axis and the lines drawn in its units
        area = until(
            lambda a=axis: (g := card.evaluate(AREA_JS)) and g["type"] == a and g,
            f"{axis} axis",
        )
        fuller = next(t for t in area["traces"] if t["run"] == "exp2" and t["kind"] == "raw")
        xs = fuller["x"]  # where exp2 (the fuller line) is at steps 0, 10, ...
        handle.focus()
        handle.press("ArrowLeft")
        marked(280)
        area = card.evaluate(AREA_JS)
        s, x0, x1 = area["size"], area["x0"], area["x1"]
        # the marker line is drawn on the fuller line's x at that step, to a pixel
        assert not area["line_hidden"]
        want = s["l"] + (xs[28] - x0) / (x1 - x0) * s["w"]
        assert abs(area["line_left"] - want) < 1.5, (axis, area["line_left"], want)
        # a click puts it at the step exp2 reached nearest there
        card.scroll_into_view_if_needed()
        box = card.locator(".js-plotly-plot").bounding_box()
        assert box is not None
        px = box["x"] + s["l"] + (xs[12] - x0) / (x1 - x0) * s["w"]
        page.mouse.click(px, box["y"] + s["t"] + s["h"] / 2)
        marked(120)
        handle.focus()
        handle.press("End")
        marked(290)


# the plot area, its x range in numbers (dates as ms), the marker line, the traces' x
AREA_JS = """
(chart) => {
  const p = chart.querySelector('.js-plotly-plot');
  const line = chart.querySelector('.tbnb-marker-line');
  if (!p || !p._fullLayout || !p.data || !line) return null;
  const ax = p._fullLayout.xaxis;
  const type = ax.type === 'date' ? 'wall' : ax.title.text === 'step' ? 'step' : 'relative';
  return {type, size: p._fullLayout._size, x0: ax.r2l(ax.range[0]), x1: ax.r2l(ax.range[1]),
    line_left: parseFloat(line.style.left),
    line_hidden: line.hidden || line.closest('.tbnb-overlay').hidden,
    traces: p.data.map(t => ({run: t.meta.run, kind: t.meta.kind,
      x: Array.from(t.x, v => v instanceof Date ? v.getTime() : v)}))};
}
"""


# the margins the card asked for, those plotly drew with (larger if its automargin pushed
# them: it then draws the whole chart again), and the tick labels' boxes against the plot's
MARGINS_JS = """
(chart) => {
  const p = chart.querySelector('.js-plotly-plot');
  if (!p || !p._fullLayout || !p.data) return null;
  const m = p.layout.margin, s = p._fullLayout._size, box = p.getBoundingClientRect();
  const labels = [...p.querySelectorAll('.xtick text, .ytick text')]
    .map(t => t.getBoundingClientRect());
  return {asked: [m.l, m.r, m.t, m.b], drew: [s.l, s.r, s.t, s.b], type: p._fullLayout.xaxis.type,
    last: [...p.querySelectorAll('.xtick text')].map(t => t.textContent).pop(),
    outside: labels.filter(r => r.left < box.left - 0.5 || r.right > box.right + 0.5
      || r.bottom > box.bottom + 0.5).length};
}
"""


def test_a_card_is_drawn_once_with_room_for_its_labels(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    # steps ending on a round tick (the last label centred on the right end), values whose
    # labels are long (millions, micro-units, negatives)
    w = SummaryWriter(str(tmp_path / "run"))
    for i in range(101):
        step = i * 500
        w.add_scalar("big", 1.2e6 + 3e5 * np.sin(i / 9), step, walltime=T0 + i * 36)
        w.add_scalar("small", -2e-5 + 4e-5 * np.cos(i / 7), step, walltime=T0 + i * 36)
        if i % 10 == 0:
            w.add_histogram("weights", np.linspace(-3e4, 5e4, 50) + i, step, walltime=T0 + i * 36)
    w.close()
    _, b = open_board(page, jupyter, tmp_path, "margins.ipynb")

    def drawn_once(card: Any, what: str, want_type: str) -> None:
        got = until(lambda: (m := card.evaluate(MARGINS_JS)) and m["type"] == want_type and m, what)
        assert got["last"], (what, got)
        assert got["drew"] == got["asked"], (what, got)
        assert got["outside"] == 0, (what, got)

    for axis in ("step", "relative", "wall"):
        if axis != "step":
            b.root.locator(".tbnb-xaxis").select_option(axis)
        for tag in ("big", "small"):
            kind = "date" if axis == "wall" else "linear"
            drawn_once(b.chart(tag), f"{tag} on the {axis} axis", kind)
    # the distributions (on wall time now, then steps) and the histograms share the rule
    b.root.locator(".tbnb-tab[data-tab=distributions]").click()
    card = b.root.locator(".tbnb-pane[data-tab=distributions] .tbnb-card").first
    drawn_once(card, "the distribution on wall time", "date")
    b.root.locator(".tbnb-xaxis:visible").select_option("step")
    drawn_once(card, "the distribution on steps", "linear")
    b.root.locator(".tbnb-tab[data-tab=histograms]").click()
    card = b.root.locator(".tbnb-pane[data-tab=histograms] .tbnb-card").first
    drawn_once(card, "the histogram", "linear")


# plotly's drawings of the card since `armed` (it emits plotly_afterplot after each), and
# the runs its raw lines hold
DRAWINGS_JS = """
(chart, arm) => {
  const p = chart.querySelector('.js-plotly-plot');
  if (!p || !p.data) return null;
  if (arm) {
    if (!p.__counted) { p.__counted = true; p.on('plotly_afterplot', () => p.__drawings++); }
    p.__drawings = 0;
  }
  const runs = p.data.filter(t => t.meta && t.meta.kind === 'raw').map(t => t.meta.run).sort();
  return {drawings: p.__drawings, runs, l: p._fullLayout._size.l};
}
"""


def test_a_filter_does_not_push_the_margins_again(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    # "wide" has tick labels wider than the card's 50 px margin (1.0000012...), "narrow" not
    for run, values in (
        ("narrow", np.linspace(0, 1, 20)),
        ("wide", 1.000001 + 1e-7 * np.arange(20)),
    ):
        w = SummaryWriter(str(tmp_path / run))
        for i, v in enumerate(values):
            w.add_scalar("v", float(v), i)
        w.close()
    _, b = open_board(page, jupyter, tmp_path, "sticky.ipynb")
    card = b.chart("v")
    box = b.root.locator(".tbnb-run-filter")

    def filtered(pattern: str, runs: list[str]) -> dict[str, Any]:
        card.evaluate(DRAWINGS_JS, True)
        box.fill(pattern)
        until(
            lambda: (d := card.evaluate(DRAWINGS_JS, False)) and d["runs"] == runs,
            f"drawn with {runs}",
        )
        page.wait_for_function("() => new Promise(r => requestAnimationFrame(() => r(true)))")
        return card.evaluate(DRAWINGS_JS, False)  # type: ignore[no-any-return]

    both = ["narrow", "wide"]
    until(lambda: (d := card.evaluate(DRAWINGS_JS, False)) and d["runs"] == both, "v drawn")
    pushed = filtered("^wide$", ["wide"])["l"]
    assert pushed > 50  # the wide run's labels alone pushed the margin
    for pattern, runs in (("", both), ("^wide$", ["wide"]), ("", both)):
        got = filtered(pattern, runs)
        # one plotly drawing: the margin the labels pushed is kept, not pushed again
        assert got["drawings"] == 1, (pattern, got)
        assert got["l"] == pushed, (pattern, got)


# runs in a card's plot, and how far below the page's bottom the card is (px)
RUNS_BELOW_JS = """
(chart) => {
  const p = chart.querySelector('.js-plotly-plot');
  const runs = p && p.data ? p.data.filter(t => t.meta && t.meta.kind === 'raw')
    .map(t => t.meta.run).sort() : [];
  return {runs, below: chart.getBoundingClientRect().top - window.innerHeight};
}
"""


def test_a_card_off_screen_is_drawn_again_when_a_run_comes(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    tags = [f"t{i:02d}" for i in range(30)]

    def write(run: str) -> None:
        w = SummaryWriter(str(tmp_path / run))
        for step in range(5):
            for k, tag in enumerate(tags):
                w.add_scalar(tag, float(k + step), step)
        w.close()

    write("a")
    name = jupyter.write_notebook(
        "late-run.ipynb", ["%load_ext tbnb", f"%tbnb --logdir {tmp_path} --reload_interval 0.3"]
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    last = nb.output(1).locator(".tbnb-chart[data-tag='t29']:not([data-pinned])")
    # far below the view, drawn while the page was idle
    got = until(lambda: (r := last.evaluate(RUNS_BELOW_JS)) and r["runs"] == ["a"] and r, "t29")
    assert got["below"] > 300, got
    write("b")
    # drawn again with the new run, still off screen (new points alone would wait)
    got = until(
        lambda: (r := last.evaluate(RUNS_BELOW_JS)) and r["runs"] == ["a", "b"] and r,
        "t29 with run b",
    )
    assert got["below"] > 300, got


# the runs drawn by every scalar card more than 300 px below the view (as RUNS_BELOW_JS)
CARDS_BELOW_JS = """
(root) => [...root.querySelectorAll(".tbnb-chart[data-tag]:not([data-pinned])")].map(c => {
  const p = c.querySelector('.js-plotly-plot');
  const runs = p && p.data ? p.data.filter(t => t.meta && t.meta.kind === 'raw')
    .map(t => t.meta.run).sort() : [];
  return {tag: c.dataset.tag, runs, below: c.getBoundingClientRect().top - window.innerHeight};
}).filter(r => r.below > 300)
"""

IDLE_TWICE_JS = """
() => new Promise(r => requestIdleCallback(() => requestIdleCallback(() => r(true))))
"""


def test_cards_off_screen_wait_for_the_first_reads_last_part(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    """While the kernel still reads a large logdir's first parts (status.unread_runs),
    no card off screen is drawn: not again for a new run at each part, not for the first
    time for a new tag. They are drawn once the status says the last part came. The
    kernel's side is played by the test: it sets the status and sends the part itself,
    from cells above the board (a cell run below it would scroll the board's last cards
    into view)."""
    tags = [f"t{i:02d}" for i in range(30)]

    def write(run: str, more: tuple[str, ...] = ()) -> None:
        w = SummaryWriter(str(tmp_path / "logs" / run))
        for step in range(5):
            for k, tag in enumerate(tags + list(more)):
                w.add_scalar(tag, float(k + step), step)
        w.close()

    write("a")
    name = jupyter.write_notebook(
        "parts.ipynb",
        [
            "%load_ext tbnb",
            "b.status = {**b.status, 'unread_runs': 1}",
            "b.send(*b.engine.read())",
            "b.status = {**b.status, 'unread_runs': 0}",
            f"b = %tbnb --logdir {tmp_path / 'logs'} --reload_interval 0",
        ],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(4)
    out = nb.output(4)
    first = out.locator(".tbnb-chart[data-tag='t00']:not([data-pinned])")
    last = out.locator(".tbnb-chart[data-tag='t29']:not([data-pinned])")
    got = until(lambda: (r := last.evaluate(RUNS_BELOW_JS)) and r["runs"] == ["a"] and r, "t29")
    assert got["below"] > 300, got
    nb.run_cell(1)
    write("b", more=("u99",))  # a tag of its own: a card at the end, never drawn
    nb.run_cell(2)
    first.scroll_into_view_if_needed()
    until(lambda: first.evaluate(RUNS_BELOW_JS)["runs"] == ["a", "b"], "t00 with run b")
    # the page idle twice after the card in view was drawn: an idle drawing scheduled
    # then (one card a callback) has run; every card off screen still shows run a
    # alone, and the new tag's card nothing
    page.evaluate(IDLE_TWICE_JS)
    below = out.evaluate(CARDS_BELOW_JS)
    assert len(below) > 10, below
    assert all(r["runs"] == ([] if r["tag"] == "u99" else ["a"]) for r in below), below
    assert below[-1]["tag"] == "u99", below
    nb.run_cell(3)
    got = until(
        lambda: (r := last.evaluate(RUNS_BELOW_JS)) and r["runs"] == ["a", "b"] and r,
        "t29 with run b once the read is whole",
    )
    assert got["below"] > 300, got
    new = out.locator(".tbnb-chart[data-tag='u99']:not([data-pinned])")
    until(lambda: new.evaluate(RUNS_BELOW_JS)["runs"] == ["b"], "u99 drawn once whole")
