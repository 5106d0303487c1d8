"""The scalars tab's tools in JupyterLab, checked through what is drawn and what the
data table holds: stable run colours and the colour picker, the step marker (click,
drag, keys) and its data table (values as written, smoothed as TensorBoard's EMA),
range selection, sorting and columns, link by step across tabs, pins and colours kept
over a save and a re-opened page, downloads of every point, card width and full size,
the tooltip's order and rows, linked hover and zoom, and the symlog y axis."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Locator, Page
from tensorboardX import SummaryWriter

from tbnb.board.settings import run_colour
from tests.browser.jupyter import Hold, JupyterServer, Notebook

STEPS = np.arange(40) * 10
LOSS = {
    "exp1": np.linspace(1.0, 0.1, 40) + 0.05 * np.sin(np.arange(40)),
    "exp2": np.linspace(2.0, 0.5, 40) - 0.03 * np.cos(np.arange(40)),
}

# what a chart drew: traces (run, kind, colour, x, y) and where plotly put the plot area
PLOT_JS = """
([root, tag, pinned]) => {
  const chart = [...root.querySelectorAll('.tbnb-chart')].find(c => c.dataset.tag === tag
    && (pinned ? c.dataset.pinned === 'true' : !c.dataset.pinned));
  const plot = chart && chart.querySelector('.js-plotly-plot');
  if (!plot || !plot.data || !plot._fullLayout || !plot._fullLayout._size) return null;
  const fl = plot._fullLayout;
  return {
    size: fl._size, xrange: fl.xaxis.range, yaxis: {type: fl.yaxis.type,
      tickvals: fl.yaxis.tickvals ? Array.from(fl.yaxis.tickvals) : null,
      ticktext: fl.yaxis.ticktext ? Array.from(fl.yaxis.ticktext) : null},
    height: fl.height, width: chart.getBoundingClientRect().width,
    traces: plot.data.map(t => ({run: t.meta.run, kind: t.meta.kind, color: t.line && t.line.color,
      x: Array.from(t.x, v => v instanceof Date ? v.getTime() : v), y: Array.from(t.y)})),
  };
}
"""

TABLE_JS = """
(chart) => {
  const t = chart.querySelector('.tbnb-data-table');
  if (!t || t.hidden) return null;
  return {
    mode: t.dataset.mode,
    columns: [...t.querySelectorAll('th')].map(th => th.dataset.col),
    rows: [...t.querySelectorAll('tbody tr')].map(tr => {
      const row = {run: tr.dataset.run};
      for (const td of tr.querySelectorAll('td')) {
        if (td.dataset.col === 'run') row.color = td.querySelector('.tbnb-swatch').style.background;
        else row[td.dataset.col] = Number(td.dataset.value);
      }
      return row;
    }),
  };
}
"""


def ema(values: np.ndarray, w: float) -> np.ndarray:
    """TensorBoard's debiased EMA, written from its definition."""
    out, last = [], 0.0
    for i, y in enumerate(values, start=1):
        last = last * w + (1 - w) * y
        out.append(last / (1 - w**i))
    return np.array(out)


def until(check: Callable[[], Any], what: str, timeout: float = 15) -> Any:
    deadline = time.monotonic() + timeout
    got = None
    while time.monotonic() < deadline:
        got = check()
        if got:
            return got
        time.sleep(0.05)
    raise AssertionError(f"{what}: not met in {timeout}s; last: {json.dumps(got)[:1500]}")


def rgb(hex_colour: str) -> str:
    n = int(hex_colour[1:], 16)
    return f"rgb({n >> 16}, {(n >> 8) & 255}, {n & 255})"


class Board:
    def __init__(self, page: Page, nb: Notebook, cell: int) -> None:
        self.page = page
        self.root = nb.output(cell).locator(".tbnb-root").first

    def tools(self) -> None:
        """Opens the sidebar's folded tool settings."""
        tools = self.root.locator("details.tbnb-tools")
        if tools.get_attribute("open") is None:
            tools.locator("summary").click()

    def chart(self, tag: str, pinned: bool = False) -> Locator:
        sel = f".tbnb-chart[data-tag='{tag}']"
        sel += "[data-pinned='true']" if pinned else ":not([data-pinned])"
        return self.root.locator(sel)

    def plot(self, tag: str, pinned: bool = False) -> dict[str, Any] | None:
        return self.page.evaluate(PLOT_JS, [self.root.element_handle(), tag, pinned])  # type: ignore[no-any-return]

    def drawn(
        self, tag: str, check: Callable[[dict[str, Any]], Any] = bool, pinned: bool = False
    ) -> dict[str, Any]:
        return until(lambda: (p := self.plot(tag, pinned)) and check(p) and p, f"{tag} drawn")  # type: ignore[no-any-return]

    def table(self, tag: str, pinned: bool = False) -> dict[str, Any] | None:
        return self.chart(tag, pinned).evaluate(TABLE_JS)  # type: ignore[no-any-return]

    def table_until(
        self, tag: str, check: Callable[[dict[str, Any]], Any], pinned: bool = False
    ) -> dict[str, Any]:
        return until(lambda: (t := self.table(tag, pinned)) and check(t) and t, f"{tag} table")  # type: ignore[no-any-return]

    def handle(self, tag: str, i: int = 0, pinned: bool = False) -> Locator:
        name = "Step marker" if i == 0 else "Step marker, range end"
        return self.chart(tag, pinned).get_by_role("slider", name=name, exact=True)

    def click_at_step(self, tag: str, step: float) -> None:
        """A click on the plot area at the x of `step`."""
        p = self.drawn(tag)
        box = self.chart(tag).locator(".js-plotly-plot").bounding_box()
        assert box is not None
        s, (x0, x1) = p["size"], p["xrange"]
        px = box["x"] + s["l"] + (step - x0) / (x1 - x0) * s["w"]
        self.page.mouse.click(px, box["y"] + s["t"] + s["h"] / 2)


def write_logdir(logdir: Path) -> None:
    for run, values in LOSS.items():
        w = SummaryWriter(str(logdir / run))
        for step, v in zip(STEPS, values, strict=True):
            w.add_scalar("Loss/train", float(v), int(step))
            w.add_scalar("Loss/test", float(v) + 1, int(step))
        w.close()


def open_board(
    page: Page, jupyter: JupyterServer, logdir: Path, name: str, extra: list[str] | None = None
) -> tuple[Notebook, Board]:
    name = jupyter.write_notebook(
        name,
        [
            "%load_ext tbnb",
            f"board = %tbnb --logdir {logdir} --reload_interval 0",
            "import tbnb; print(tbnb.__file__)",
            *(extra or []),
        ],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    # the kernel runs this worktree's tbnb (PYTHONPATH), not another checkout
    out = nb.run_cell(2).locator(".jp-OutputArea-output").inner_text()
    assert out.strip() == str(Path(__file__).resolve().parents[2] / "tbnb" / "__init__.py")
    return nb, Board(page, nb, 1)


def kernel_says(nb: Notebook, cell: int, want: Callable[[str], bool], timeout: float = 60) -> str:
    """Runs `cell` until its output satisfies `want` (trait changes reach the kernel
    in their own time)."""
    deadline = time.monotonic() + timeout
    out = ""
    while time.monotonic() < deadline:
        out = nb.run_cell(cell).locator(".jp-OutputArea-output").inner_text().strip()
        if want(out):
            return out
    raise AssertionError(f"the kernel says {out!r}")


def test_colours_step_marker_and_data_table(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    write_logdir(tmp_path)
    nb, b = open_board(
        page,
        jupyter,
        tmp_path,
        "tools-marker.ipynb",
        [
            "import json; print(json.dumps("
            "[board.step_markers, board.range_selection, board.data_table]))"
        ],
    )
    p = b.drawn(
        "Loss/train", lambda p: len([t for t in p["traces"] if t["kind"] == "smoothed"]) == 2
    )

    # colours come from the run's name: the same rule as the Python side's
    for t in p["traces"]:
        assert t["color"] == run_colour(t["run"]), t["run"]
    swatch = b.root.locator(".tbnb-run-row[data-run='exp1'] .tbnb-run-color")
    assert swatch.input_value() == run_colour("exp1")

    # no marker yet: no table; the handle waits, reachable from the keyboard
    assert b.table("Loss/train") is None
    handle = b.handle("Loss/train")
    handle.focus()
    handle.press("End")
    t = b.table_until("Loss/train", lambda t: len(t["rows"]) == 2)
    assert t["mode"] == "step"
    assert t["columns"] == ["run", "smoothed", "value", "step", "relative", "wall"]
    handle.press("ArrowLeft")
    handle.press("ArrowLeft")
    handle.press("ArrowLeft")
    t = b.table_until("Loss/train", lambda t: t["rows"][0]["step"] == 360)
    assert handle.get_attribute("aria-valuenow") == "360"
    for row in t["rows"]:
        run = row["run"]
        i = 36
        assert row["value"] == np.float32(LOSS[run][i])  # as written (float32 in the file)
        np.testing.assert_allclose(
            row["smoothed"], ema(LOSS[run].astype(np.float32), 0.6)[i], rtol=1e-6
        )
        assert row["color"] == rgb(run_colour(run))
    # the marker line is drawn at the step's x
    line = b.chart("Loss/train").locator(".tbnb-marker-line").first
    assert line.get_attribute("data-step") == "360"

    # a click on the plot puts the marker at the nearest step
    b.click_at_step("Loss/train", 121)
    b.table_until("Loss/train", lambda t: t["rows"][0]["step"] == 120)
    # dragging the handle moves it
    box = handle.bounding_box()
    assert box is not None
    size = b.drawn("Loss/train")["size"]
    step_px = size["w"] / (b.drawn("Loss/train")["xrange"][1] - b.drawn("Loss/train")["xrange"][0])
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 100 * step_px, box["y"] + 4, steps=5)
    page.mouse.up()
    t = b.table_until("Loss/train", lambda t: t["rows"][0]["step"] == 220)

    # sorting: by value either way; the order of the table's runs follows
    b.chart("Loss/train").get_by_role("button", name="Sort by Value").click()
    t = b.table_until("Loss/train", lambda t: [r["run"] for r in t["rows"]] == ["exp1", "exp2"])
    b.chart("Loss/train").get_by_role("button", name="Sort by Value").click()
    t = b.table_until("Loss/train", lambda t: [r["run"] for r in t["rows"]] == ["exp2", "exp1"])
    # columns can be hidden
    b.chart("Loss/train").locator(".tbnb-table-columns > summary").click()
    b.chart("Loss/train").get_by_label("Show column Wall time").uncheck()
    b.table_until("Loss/train", lambda t: "wall" not in t["columns"])

    # range selection: two markers, per-run statistics over the range
    b.tools()
    b.root.get_by_label("Range selection").check()
    end = b.handle("Loss/train", 1)
    end.wait_for()
    end.focus()
    end.press("End")
    t = b.table_until("Loss/train", lambda t: t["mode"] == "range" and "min" in t["columns"])
    assert t["columns"] == ["run", "min", "max", "mean", "start", "end", "change", "pct"]
    for row in t["rows"]:
        v = LOSS[row["run"]].astype(np.float32).astype(np.float64)[22:40]
        np.testing.assert_allclose(
            [row[k] for k in ("min", "max", "mean", "start", "end", "change")],
            [v.min(), v.max(), v.mean(), v[0], v[-1], v[-1] - v[0]],
            rtol=1e-9,
        )
        np.testing.assert_allclose(row["pct"], (v[-1] - v[0]) / abs(v[0]) * 100, rtol=1e-9)

    # it is the board's state: the kernel has it
    out = kernel_says(nb, 3, lambda o: '"Loss/train": [220.0, 390.0]' in o and "true" in o)
    state = json.loads(out)
    assert state[2]["hidden"] == ["wall"] and state[2]["sort"] == "value" and state[2]["descending"]


LONG = 10_000


def long_values(run: str) -> np.ndarray:
    k = 1.0 if run == "exp1" else 2.0
    return np.sin(np.arange(LONG) / 100.0) * k


def long_walls(run: str) -> np.ndarray:
    """Wall times with every digit a float64 holds (as time.time() gives)."""
    k = 0.731 if run == "exp1" else 1.37
    return 1765432100.123456 + np.arange(LONG) * k + np.sin(np.arange(LONG)) * 1e-3


def test_pins_colours_downloads_survive_save_and_reopen(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    write_logdir(tmp_path)
    for run in LOSS:
        w = SummaryWriter(str(tmp_path / run), filename_suffix=".long")
        for step, (v, t) in enumerate(zip(long_values(run), long_walls(run), strict=True)):
            w.add_scalar("long", float(v), step, walltime=float(t))
        w.close()
    nb, b = open_board(
        page, jupyter, tmp_path, "tools-pins.ipynb",
        ["print(board.pinned_cards, board.run_colors, '#123456' in board.static_html(), "
         "{t.name: t.line.color for t in board.figure('Loss/train').data})"],
    )  # fmt: skip
    b.drawn("Loss/train")

    # a colour picked for exp2 (the native picker sets the input's value)
    picker = b.root.get_by_label("Run colour: exp2")
    picker.evaluate("(el) => { el.value = '#123456'; el.dispatchEvent(new Event('input')); }")
    b.drawn(
        "Loss/train",
        lambda p: {t["color"] for t in p["traces"] if t["run"] == "exp2"} == {"#123456"},
    )
    assert {t["color"] for t in b.drawn("Loss/train")["traces"] if t["run"] == "exp1"} == {
        run_colour("exp1")
    }

    # pin a card: a copy at the top, drawn like the others
    b.chart("Loss/test").get_by_role("button", name="Pin card").click()
    pinned = b.drawn("Loss/test", lambda p: len(p["traces"]) == 4, pinned=True)
    assert (
        b.chart("Loss/test").get_by_role("button", name="Pin card").get_attribute("aria-pressed")
        == "true"
    )
    box = b.root.locator(".tbnb-pinned").bounding_box()
    first = b.root.locator(".tbnb-section").first.bounding_box()
    assert box and first and box["y"] < first["y"]
    assert {t["color"] for t in pinned["traces"] if t["run"] == "exp2"} == {"#123456"}

    # the kernel's board has them: the static snapshot and Board.figure take the colour
    out = kernel_says(nb, 3, lambda o: o.startswith("['Loss/test'] {'exp2': '#123456'} True"))
    assert "'exp2': '#123456'" in out.split("True", 1)[1]

    # a download of a card held whole: every point of every visible run, from the browser
    card = b.chart("Loss/train")
    card.get_by_label("Download data").click()
    with page.expect_download() as got:
        card.get_by_role("button", name="Download CSV").click()
    lines = Path(got.value.path()).read_text().splitlines()
    assert lines[0] == "run,step,wall_time,value"
    rows = [line.split(",") for line in lines[1:]]
    for run, values in LOSS.items():
        mine = [r for r in rows if r[0] == run]
        assert [int(r[1]) for r in mine] == STEPS.tolist()
        assert [float(r[3]) for r in mine] == values.astype(np.float32).tolist()
    assert json.loads(card.get_attribute("data-downloaded") or "{}")["asked"] == 0

    # a card held downsampled: the kernel sends every point (compact: int32 steps,
    # float32 values as written), the file holds each exactly, wall times to the last digit
    card = b.chart("long")
    assert "of 20,000 points drawn" in card.locator(".tbnb-chart-note").inner_text()
    card.get_by_label("Download data").click()
    with page.expect_download() as got:
        card.get_by_role("button", name="Download JSON").click()
    data = json.loads(Path(got.value.path()).read_text())
    assert data["tag"] == "long" and [r["run"] for r in data["runs"]] == ["exp1", "exp2"]
    for r in data["runs"]:
        assert r["step"] == list(range(LONG))
        assert r["value"] == long_values(r["run"]).astype(np.float32).tolist()
        assert r["wall_time"] == long_walls(r["run"]).tolist()
    detail = json.loads(card.get_attribute("data-downloaded") or "{}")
    # the points were asked of the kernel as the menu opened, and the rows written by
    # workers (download-pool.ts), not on the page's thread, from the numbers they wrote
    # as text while the menu was open (both series)
    assert detail["asked"] == 2 and detail["prefetched"] and detail["workers"] >= 1, detail
    assert detail["prepared"] == 2, detail
    card.get_by_label("Download data").click()
    with page.expect_download() as got:
        card.get_by_role("button", name="Download CSV").click()
    lines = Path(got.value.path()).read_text().splitlines()
    assert lines[0] == "run,step,wall_time,value" and len(lines) == 1 + 2 * LONG
    rows = [line.split(",") for line in lines[1:]]
    for run in LOSS:
        mine = [r for r in rows if r[0] == run]
        assert [int(r[1]) for r in mine] == list(range(LONG))
        assert [float(r[2]) for r in mine] == long_walls(run).tolist()
        assert [float(r[3]) for r in mine] == long_values(run).astype(np.float32).tolist()
    assert json.loads(card.get_attribute("data-downloaded") or "{}")["prepared"] == 2

    # saved, then the page opened again: the pins and the colour are the board's state
    page.locator("[data-command='docmanager:save']").first.click()
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')")
    page.reload()
    nb.open()
    b = Board(page, nb, 1)
    pinned = b.drawn("Loss/test", lambda p: len(p["traces"]) == 4, pinned=True)
    assert {t["color"] for t in pinned["traces"] if t["run"] == "exp2"} == {"#123456"}
    assert b.root.get_by_label("Run colour: exp2").input_value() == "#123456"
    # a new kernel (the notebook re-opened another day): the cells run again make a new
    # board, which the browser gives the pins and colours it remembers for this logdir
    (session,) = [s for s in jupyter.api("GET", "/api/sessions") if s["path"] == nb.name]
    jupyter.api("POST", f"/api/kernels/{session['kernel']['id']}/restart")
    nb.wait_idle()
    nb.run_cell(0)
    nb.run_cell(1)
    b = Board(page, nb, 1)
    pinned = b.drawn("Loss/test", lambda p: len(p["traces"]) == 4, pinned=True)
    assert {t["color"] for t in pinned["traces"] if t["run"] == "exp2"} == {"#123456"}
    out = kernel_says(nb, 3, lambda o: o.startswith("['Loss/test'] {'exp2': '#123456'}"))
    assert "'exp2': '#123456'" in out.split("}", 1)[1]  # Board.figure takes it too
    # unpinning from the copy removes it
    b.chart("Loss/test", pinned=True).get_by_role("button", name="Pin card").click()
    until(lambda: b.chart("Loss/test", pinned=True).count() == 0, "unpinned")


def write_media(logdir: Path) -> None:
    w = SummaryWriter(str(logdir / "exp1"), filename_suffix=".media")
    rng = np.random.default_rng(0)
    for step in (0, 100, 200, 300):
        w.add_image("sample", rng.random((3, 8, 8)), step)
        w.add_histogram("weights", rng.normal(size=200), step)
    w.close()


def test_link_by_step_drives_every_card_and_tab(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    write_logdir(tmp_path)
    write_media(tmp_path)
    _, b = open_board(page, jupyter, tmp_path, "tools-link.ipynb")
    b.root.locator(".tbnb-tab[data-tab='scalars']").click()
    b.drawn("Loss/train")
    b.drawn("Loss/test")
    b.tools()
    b.root.get_by_label("Link by step").check()
    handle = b.handle("Loss/train")
    handle.focus()
    handle.press("End")
    for _ in range(17):
        handle.press("ArrowLeft")
    b.table_until("Loss/train", lambda t: t["rows"][0]["step"] == 220)
    # the other card shows the same marker and its table at that step
    t = b.table_until("Loss/test", lambda t: t["rows"][0]["step"] == 220)
    assert t["rows"][0]["value"] == np.float32(LOSS[t["rows"][0]["run"]][22] + 1)
    assert b.handle("Loss/test").get_attribute("aria-valuenow") == "220"
    # the Images slider jumps to the nearest step; Histograms and Distributions mark it
    b.root.locator(".tbnb-tab[data-tab='images']").click()
    img = b.root.locator(".tbnb-image-card").first
    until(lambda: img.get_attribute("data-step") == "200", "image at step 200")
    assert img.locator(".tbnb-image-slider").input_value() == "2"
    for tab, cls in (("histograms", "histogram"), ("distributions", "distribution")):
        b.root.locator(f".tbnb-tab[data-tab='{tab}']").click()
        card = b.root.locator(f".tbnb-{cls}-card").first
        until(lambda card=card: card.get_attribute("data-step") == "200", f"{tab} at 200")
    # moved again from the scalars: the image follows
    b.root.locator(".tbnb-tab[data-tab='scalars']").click()
    handle.focus()
    handle.press("Home")
    b.root.locator(".tbnb-tab[data-tab='images']").click()
    until(lambda: img.get_attribute("data-step") == "0", "image at step 0")


GRAD = np.array([-100.0, -3.0, -0.5, -0.02, 0.0, 0.02, 0.5, 3.0, 100.0, 7.0])


def symlog(y: np.ndarray, c: float) -> np.ndarray:
    return np.sign(y) * np.log10(1 + np.abs(y) / c)  # type: ignore[no-any-return]


def test_tooltip_linked_hover_zoom_symlog_and_card_size(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    write_logdir(tmp_path)
    w = SummaryWriter(str(tmp_path / "exp1"), filename_suffix=".grad")
    for step, v in enumerate(GRAD):
        w.add_scalar("grad", float(v), step)
    w.close()
    nb, b = open_board(
        page, jupyter, tmp_path, "tools-hover.ipynb", ["print(board.linked_x_range)", "board"]
    )
    p = b.drawn("Loss/train")
    b.drawn("Loss/test")
    s, (x0, x1) = p["size"], p["xrange"]

    def hover_at(step: float) -> None:
        # where the plot is now (a control used may have scrolled the page)
        b.chart("Loss/train").scroll_into_view_if_needed()
        box = b.chart("Loss/train").locator(".js-plotly-plot").bounding_box()
        assert box is not None
        px = box["x"] + s["l"] + (step - x0) / (x1 - x0) * s["w"]
        page.mouse.move(px, box["y"] + s["t"] + s["h"] * 0.9)

    def tip(tag: str) -> list[str] | None:
        tooltip = b.chart(tag).locator(".tbnb-tooltip")
        if not tooltip.is_visible():
            return None
        return [r.get_attribute("data-run") or "" for r in tooltip.locator(".tbnb-tip-row").all()]

    # the tooltip: one row per run at the nearest step, in the order asked for
    hover_at(200)
    assert until(lambda: tip("Loss/train"), "tooltip") == ["exp1", "exp2"]
    row = b.chart("Loss/train").locator(".tbnb-tip-row[data-run='exp1']")
    assert row.get_attribute("data-step") == "200"
    smoothed = ema(LOSS["exp1"].astype(np.float32), 0.6)[20]
    np.testing.assert_allclose(float(row.get_attribute("data-value") or "nan"), smoothed, rtol=1e-6)
    assert tip("Loss/test") is None  # not linked yet
    b.tools()
    b.root.get_by_label("Tooltip order").select_option("descending")
    hover_at(210)
    until(lambda: tip("Loss/train") == ["exp2", "exp1"], "descending")
    b.root.get_by_label("Tooltip rows (0: all)").fill("1")
    b.root.get_by_label("Tooltip rows (0: all)").press("Enter")
    hover_at(200)
    until(lambda: tip("Loss/train") == ["exp2"], "one row")
    assert "1 more" in b.chart("Loss/train").locator(".tbnb-tip-more").inner_text()

    # linked hover: the other card in view shows its values at the same x
    b.root.get_by_label("Link hover and zoom").check()
    hover_at(300)
    until(lambda: tip("Loss/test") == ["exp2"], "linked tooltip")
    assert b.chart("Loss/test").locator(".tbnb-crosshair").is_visible()
    x_train = b.chart("Loss/train").locator(".tbnb-tooltip").get_attribute("data-x")
    assert x_train == b.chart("Loss/test").locator(".tbnb-tooltip").get_attribute("data-x")
    page.mouse.move(5, 5)
    until(lambda: tip("Loss/test") is None, "hover left")

    # linked zoom: a zoom drag on one card zooms the x axis of the others
    b.chart("Loss/train").scroll_into_view_if_needed()
    plot = b.chart("Loss/train").locator(".js-plotly-plot").bounding_box()
    assert plot is not None
    y = plot["y"] + s["t"] + s["h"] / 2
    left = plot["x"] + s["l"] + (100 - x0) / (x1 - x0) * s["w"]
    right = plot["x"] + s["l"] + (200 - x0) / (x1 - x0) * s["w"]
    page.mouse.move(left, y)
    page.mouse.down()
    page.mouse.move(right, y, steps=8)
    page.mouse.up()
    zoomed = b.drawn("Loss/train", lambda p: p["xrange"][1] - p["xrange"][0] < 150)
    other = b.drawn("Loss/test", lambda p: p["xrange"][1] - p["xrange"][0] < 150)
    np.testing.assert_allclose(other["xrange"], zoomed["xrange"], rtol=1e-6)
    assert 90 < zoomed["xrange"][0] < 110 and 190 < zoomed["xrange"][1] < 210
    # the board's state: the kernel has it, and a second view of the board shows it
    out = kernel_says(nb, 3, lambda o: o.startswith("[") and len(json.loads(o)) == 2)
    np.testing.assert_allclose(json.loads(out), zoomed["xrange"], rtol=1e-6)
    nb.run_cell(4)
    second = Board(page, nb, 4)
    second.chart("Loss/test").scroll_into_view_if_needed()
    view2 = second.drawn("Loss/test", lambda p: p["xrange"][1] - p["xrange"][0] < 150)
    np.testing.assert_allclose(view2["xrange"], zoomed["xrange"], rtol=1e-6)
    page.mouse.move(5, 5)

    # symlog: the values transformed, the ticks labelled with the values themselves
    b.root.get_by_label("Symlog y axis").check()
    g = b.drawn("grad", lambda p: p["yaxis"]["ticktext"] is not None)
    raw = next(t for t in g["traces"] if t["kind"] == "raw")
    c = 0.01  # the 5th percentile of the non-zero magnitudes (0.02), as a power of ten
    np.testing.assert_allclose(raw["y"], symlog(GRAD.astype(np.float32), c), rtol=1e-6)
    for text in ("-100", "-1", "0", "1", "100"):
        assert text in g["yaxis"]["ticktext"], g["yaxis"]["ticktext"]
    for val, text in zip(g["yaxis"]["tickvals"], g["yaxis"]["ticktext"], strict=True):
        np.testing.assert_allclose(val, symlog(np.array([float(text)]), c)[0], atol=1e-12)
    assert b.chart("grad").get_attribute("data-yaxis") == "symlog"
    assert not b.root.get_by_label("Log-scale y axis").is_checked()

    # card width and full size
    width = b.root.get_by_label("Card width")
    width.evaluate("(el) => { el.value = '700'; el.dispatchEvent(new Event('input')); }")
    until(lambda: b.chart("Loss/train").bounding_box()["width"] >= 690, "wider cards")  # type: ignore[index]
    b.chart("Loss/test").get_by_role("button", name="Full size").click()
    full = b.drawn("Loss/test", lambda p: p["height"] == 480)
    section = b.root.locator(".tbnb-section[data-section='Loss'] .tbnb-grid").bounding_box()
    assert section and full["width"] >= section["width"] - 2
    # keyboard: the full-size toggle works from the keyboard too
    b.chart("Loss/test").get_by_role("button", name="Full size").focus()
    page.keyboard.press("Enter")
    b.drawn("Loss/test", lambda p: p["height"] == 240)


def test_markers_stay_and_values_update_while_a_cell_writes(
    page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold
) -> None:
    logdir = tmp_path / "runs"
    w = SummaryWriter(str(logdir / "live"))
    for step in range(20):
        w.add_scalar("loss", 1.0 / (step + 1), step)
        w.add_scalar("acc", step / 100, step)
    w.close()
    train = hold.code + (
        "from tensorboardX import SummaryWriter\n"
        f"w = SummaryWriter({str(logdir / 'live')!r}, filename_suffix='.more')\n"
        "step = 20\n"
        "while held():\n"
        "    w.add_scalar('loss', 1.0 / (step + 1), step)\n"
        "    w.add_scalar('acc', step / 100, step)\n"
        "    w.flush()\n"
        "    step += 1\n"
        "    _time.sleep(0.1)\n"
        "w.close()\n"
        "print('steps', step)\n"
    )
    name = jupyter.write_notebook(
        "tools-live.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {logdir} --reload_interval 0.3", train],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    b = Board(page, nb, 1)
    b.drawn("loss")
    b.chart("acc").get_by_role("button", name="Pin card").click()
    b.drawn("acc", pinned=True)
    # a range over what is written so far; the end's values are those of step 19
    b.tools()
    b.root.get_by_label("Range selection").check()
    b.handle("loss").focus()
    b.handle("loss").press("Home")
    b.handle("loss", 1).wait_for()
    b.handle("loss", 1).focus()
    b.handle("loss", 1).press("End")
    t = b.table_until("loss", lambda t: t["mode"] == "range" and t["rows"])
    assert t["rows"][0]["end"] == np.float32(1 / 20)
    nb.run_cell(2, wait=False)
    hold.started()
    # (charts out of view wait to redraw: running the cell scrolled the board away)
    b.chart("acc", pinned=True).scroll_into_view_if_needed()
    # the pinned copy grows while the cell runs
    until(lambda: len(next(tr for tr in (b.plot("acc", True) or {"traces": [{}]})["traces"] if tr)
                      .get("x", [])) > 25, "the pinned card grew", timeout=60)  # fmt: skip
    assert nb.running(2)
    # the markers stayed where they were put, and the table reads the same range
    assert b.handle("loss").get_attribute("aria-valuenow") == "0"
    assert b.handle("loss", 1).get_attribute("aria-valuenow") == "19"
    t = b.table("loss")
    assert t and t["rows"][0]["end"] == np.float32(1 / 20)
    # a single marker at the newest step: its values update as the cell writes
    b.root.get_by_label("Range selection").uncheck()
    b.handle("loss").focus()
    b.handle("loss").press("End")
    first = b.table_until("loss", lambda t: t["mode"] == "step")["rows"][0]["step"]

    def newest() -> float:
        plot = b.plot("loss") or {"traces": []}
        return max((max(tr.get("x") or [-1]) for tr in plot["traces"] if tr), default=-1)

    # the browser holds a newer step (the cell writes every 0.1 s): End moves there
    until(lambda: newest() > first, "a newer step drawn", timeout=60)
    b.handle("loss").press("End")
    later = b.table_until("loss", lambda t: t["rows"][0]["step"] > first)["rows"][0]
    assert later["value"] == np.float32(1 / (later["step"] + 1))
    hold.release()
    nb.wait_done(2)
