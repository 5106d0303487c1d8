"""Every control of the scalars dashboard changes what plotly draws (JupyterLab, real kernel)."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import numpy as np
from playwright.sync_api import Page
from tensorboardX import SummaryWriter
from tensorboardX.proto.summary_pb2 import Summary

from tests.browser.jupyter import JupyterServer, Notebook

PLOT_JS = """
([root, tag]) => {
  const chart = [...root.querySelectorAll('.tbnb-chart')].find(c => c.dataset.tag === tag);
  const plot = chart && chart.querySelector('.js-plotly-plot');
  if (!plot || !plot.data) return null;
  const fl = plot._fullLayout || {};
  return {
    hidden: chart.hidden || !chart.offsetParent,
    layout: {xtype: fl.xaxis && fl.xaxis.type, xtitle: fl.xaxis && fl.xaxis.title.text,
             ytype: fl.yaxis && fl.yaxis.type,
             yrange: plot.layout.yaxis.autorange === false ? plot.layout.yaxis.range : null},
    traces: plot.data.map(t => ({run: t.meta.run, kind: t.meta.kind, opacity: t.opacity,
      x: Array.from(t.x, v => v instanceof Date ? v.getTime() : v), y: Array.from(t.y),
      text: t.text ? Array.from(t.text) : null})),
  };
}
"""

LOSS = {
    "exp1": np.linspace(1.0, 0.1, 40) + 0.05 * np.sin(np.arange(40)),
    "exp2": np.linspace(2.0, 0.5, 40),
}


def ema(values: np.ndarray, w: float) -> np.ndarray:
    """TensorBoard's debiased EMA, written from its definition."""
    out, last = [], 0.0
    for i, y in enumerate(values, start=1):
        last = last * w + (1 - w) * y
        out.append(last / (1 - w**i))
    return np.array(out)


class Board:
    def __init__(self, page: Page, nb: Notebook, cell: int) -> None:
        self.page = page
        self.root = nb.output(cell).locator(".tbnb-root").first

    def plot(self, tag: str) -> dict[str, Any]:
        return self.page.evaluate(PLOT_JS, [self.root.element_handle(), tag])  # type: ignore[no-any-return]

    def until(self, tag: str, check: Any, timeout: float = 10) -> dict[str, Any]:
        deadline = time.monotonic() + timeout
        got: dict[str, Any] = {}
        while time.monotonic() < deadline:
            got = self.plot(tag)
            if got and check(got):
                return got
            time.sleep(0.1)
        raise AssertionError(f"{tag}: condition not met; drawn: {json.dumps(got)[:1500]}")

    def set_range(self, selector: str, value: float) -> None:
        self.root.locator(selector).evaluate(
            "(el, v) => { el.value = String(v); el.dispatchEvent(new Event('input')); }", value
        )


def traces(plot: dict[str, Any], kind: str) -> dict[str, dict[str, Any]]:
    return {t["run"]: t for t in plot["traces"] if t["kind"] == kind}


def write_logdir(logdir: Path) -> None:
    for run, values in LOSS.items():
        w = SummaryWriter(str(logdir / run))
        for step, v in enumerate(values):
            w.add_scalar("Loss/train", float(v), step * 10)
            w.add_scalar("Loss/test", float(v) + 1, step * 10)
        w.add_scalar("acc", 0.5, 0)
        w.add_scalar("acc", float("nan"), 1)
        w.add_scalar("acc", float("inf"), 2)
        w.add_scalar("acc", 0.7, 3)
        w.close()


def test_every_control_changes_what_is_drawn(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    write_logdir(tmp_path)
    name = jupyter.write_notebook(
        "controls.ipynb",
        [
            "%load_ext tbnb",
            f"board = %tbnb --logdir {tmp_path} --reload_interval 0",
            "print(board.smoothing, board.x_axis, board.log_y, board.ignore_outliers, "
            "board.tag_filter, board.run_filter, sorted(board.hidden_runs))",
        ],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    b = Board(page, nb, 1)

    # default smoothing 0.6: the smoothed line is TensorBoard's EMA, the raw one faint
    p = b.until("Loss/train", lambda p: len(traces(p, "smoothed")) == 2)
    sm, raw = traces(p, "smoothed"), traces(p, "raw")
    np.testing.assert_allclose(sm["exp1"]["y"], ema(LOSS["exp1"], 0.6), rtol=1e-5)
    np.testing.assert_allclose(raw["exp2"]["y"], LOSS["exp2"], rtol=1e-6)
    assert raw["exp1"]["opacity"] < 1
    b.set_range(".tbnb-smoothing", 0.9)
    p = b.until(
        "Loss/train",
        lambda p: (
            traces(p, "smoothed")
            and np.allclose(traces(p, "smoothed")["exp1"]["y"], ema(LOSS["exp1"], 0.9), rtol=1e-5)
        ),
    )
    b.set_range(".tbnb-smoothing", 0)
    p = b.until("Loss/train", lambda p: not traces(p, "smoothed"))
    assert traces(p, "raw")["exp1"]["opacity"] == 1

    # x axis: step, relative time, wall time
    assert p["layout"]["xtype"] == "linear"
    assert traces(p, "raw")["exp1"]["x"][:3] == [0, 10, 20]
    b.root.locator(".tbnb-xaxis").select_option("relative")
    p = b.until("Loss/train", lambda p: "relative" in (p["layout"]["xtitle"] or ""))
    assert traces(p, "raw")["exp1"]["x"][0] == 0
    b.root.locator(".tbnb-xaxis").select_option("wall")
    p = b.until("Loss/train", lambda p: p["layout"]["xtype"] == "date")
    assert abs(traces(p, "raw")["exp1"]["x"][0] / 1000 - time.time()) < 3600
    b.root.locator(".tbnb-xaxis").select_option("step")

    # log scale, and the 5th-95th percentile range when ignoring outliers
    b.root.locator(".tbnb-logy").check()
    b.until("Loss/train", lambda p: p["layout"]["ytype"] == "log")
    b.root.locator(".tbnb-logy").uncheck()
    b.root.locator(".tbnb-outliers").check()
    p = b.until("Loss/train", lambda p: p["layout"]["yrange"] is not None)
    values = np.concatenate(list(LOSS.values()))
    lo, hi = np.quantile(values, [0.05, 0.95])
    assert lo - 0.1 * (hi - lo) <= p["layout"]["yrange"][0] <= lo
    assert hi <= p["layout"]["yrange"][1] <= hi + 0.1 * (hi - lo)
    b.root.locator(".tbnb-outliers").uncheck()
    b.until("Loss/train", lambda p: p["layout"]["yrange"] is None)

    # runs: a checkbox, none / all, a regex
    b.root.locator(".tbnb-run[data-run='exp2'] input").uncheck()
    b.until("Loss/train", lambda p: set(traces(p, "raw")) == {"exp1"})
    b.root.locator(".tbnb-runs-none").click()
    b.until("Loss/test", lambda p: not p["traces"])
    b.root.locator(".tbnb-runs-all").click()
    b.until("Loss/test", lambda p: set(traces(p, "raw")) == {"exp1", "exp2"})
    b.root.locator(".tbnb-run-filter").fill("2$")
    b.until("Loss/test", lambda p: set(traces(p, "raw")) == {"exp2"})
    assert b.root.locator(".tbnb-run[data-run='exp1']").is_hidden()
    b.root.locator(".tbnb-run-filter").fill("")
    b.until("Loss/test", lambda p: set(traces(p, "raw")) == {"exp1", "exp2"})

    # tags: a regex hides charts and empty sections; a bad regex is flagged, hides nothing
    b.root.locator(".tbnb-tag-filter").fill("^Loss/tr")
    assert b.root.locator(".tbnb-chart[data-tag='Loss/test']").is_hidden()
    assert b.root.locator(".tbnb-section[data-section='acc']").is_hidden()
    assert b.root.locator(".tbnb-chart[data-tag='Loss/train']").is_visible()
    b.root.locator(".tbnb-tag-filter").fill("(")
    assert "tbnb-invalid" in (b.root.locator(".tbnb-tag-filter").get_attribute("class") or "")
    assert b.root.locator(".tbnb-chart[data-tag='Loss/test']").is_visible()
    b.root.locator(".tbnb-tag-filter").fill("")

    # sections collapse
    b.root.locator(".tbnb-section[data-section='Loss'] > summary").click()
    assert b.root.locator(".tbnb-chart[data-tag='Loss/train']").is_hidden()
    b.root.locator(".tbnb-section[data-section='Loss'] > summary").click()
    assert b.root.locator(".tbnb-chart[data-tag='Loss/train']").is_visible()

    # NaN and Inf are markers, named in the hover text
    p = b.until("acc", lambda p: traces(p, "nonfinite"))
    assert traces(p, "nonfinite")["exp1"]["text"] == ["NaN", "+Inf"]
    assert traces(p, "nonfinite")["exp1"]["x"] == [1, 2]

    # the settings reached the kernel's Board (for board.figure() and friends)
    b.root.locator(".tbnb-xaxis").select_option("relative")
    b.root.locator(".tbnb-run[data-run='exp2'] input").uncheck()
    # the browser's trait changes reach the kernel in their own time: ask until they have
    want, deadline = "0.0 relative False False   ['exp2']", time.monotonic() + 60
    out = nb.run_cell(2).locator(".jp-OutputArea-output").inner_text()
    while out.strip() != want and time.monotonic() < deadline:
        out = nb.run_cell(2).locator(".jp-OutputArea-output").inner_text()
    assert out.strip() == want
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_tags_and_run_names_cannot_inject_markup(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    evil = "<img src=x onerror=alert(1)>"
    tag = f"<script>alert(2)</script>/{evil}"
    w = SummaryWriter(str(tmp_path / evil.replace("/", "_")))
    for step in range(3):
        # add_scalar would clean the tag; event files from elsewhere need not be clean
        summary = Summary(value=[Summary.Value(tag=tag, simple_value=float(step))])
        w._get_file_writer().add_summary(summary, step)
    w.close()
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    name = jupyter.write_notebook(
        "inject.ipynb", ["%load_ext tbnb", f"%tbnb --logdir '{tmp_path}' --reload_interval 0"]
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    root = nb.output(1).locator(".tbnb-root")
    root.locator(".tbnb-chart .js-plotly-plot .main-svg").first.wait_for()
    # over the plot area: the tooltip, which names the runs, is drawn
    root.locator(".tbnb-chart .nsewdrag").first.hover()
    root.locator(".tbnb-chart .tbnb-tooltip .tbnb-tip-row").first.wait_for()
    assert root.locator(".tbnb-tip-run").first.inner_text() == evil
    assert dialogs == []
    assert root.locator("img, script").count() == 0
    assert evil in root.locator(".tbnb-run-name").first.inner_text()
    assert (
        root.locator(".tbnb-chart-title").first.inner_text() == f"<script>alert(2)</script>/{evil}"
    )
