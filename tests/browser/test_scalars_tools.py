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
from tests.browser.jupyter import Hold, JupyterServer, Notebook  # noqa: F401 (Hold: live test)

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
