"""The PR Curves tab in JupyterLab (issue 17), on curves written by torch's and
tensorboardX's ``add_pr_curve`` / ``add_pr_curve_raw`` and TF's pr_curve summary (the
shared corpus): a chart per tag draws each run's precision against recall as written,
the hover carries the thresholds and counts, a run's step slider moves its line (by
keyboard), the run selection applies, and a step written while a cell runs is followed."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from playwright.sync_api import Page
from tensorboardX import SummaryWriter as XWriter

from tbnb.events import Logdir
from tests.browser.jupyter import Hold, JupyterServer
from tests.browser.test_board_tabs import CORPUS, open_board

torch = pytest.importorskip("torch")
from torch.utils.tensorboard import SummaryWriter  # noqa: E402

STEPS = 3

CHARTS_JS = """
root => {
  const pane = root.querySelector('.tbnb-pane[data-tab=pr_curves]');
  if (!pane) return null;
  return [...pane.querySelectorAll('.tbnb-pr-card')].map(card => {
    const gd = card.querySelector('.tbnb-pr-chart');
    return {
      tag: card.dataset.tag,
      draws: Number(card.dataset.draws || 0),
      traces: (gd && gd.data || []).map(t => ({name: t.name, meta: t.meta, x: Array.from(t.x),
        y: Array.from(t.y), info: t.customdata.map(c => Array.from(c)), color: t.line.color})),
      runs: [...card.querySelectorAll('.tbnb-pr-run')].map(r => ({run: r.dataset.run,
        step: Number(r.dataset.step), max: Number(r.querySelector('input').max),
        label: r.querySelector('input').getAttribute('aria-label')})),
      errors: card.querySelector('.tbnb-pr-errors').textContent,
    };
  });
}
"""

LIVE = """
import numpy as _np
from tensorboardX import SummaryWriter as _W
_w = _W({path!r})
for _s in range(2):
    _w.add_pr_curve("live/pr", _np.array([0, 1, 1, 0, 1]), _np.array([0.1, 0.9, 0.4, 0.3, 0.8]), _s)
    _w.flush()
_w.close()
while held():
    _time.sleep(0.05)
"""


def write_curves(logdir: Path) -> None:
    rng = np.random.default_rng(3)
    for name, cls in (("torch", SummaryWriter), ("tbx", XWriter)):
        w = cls(str(logdir / name))
        for step in range(STEPS):
            labels = rng.integers(0, 2, 300)
            preds = np.clip(labels * (0.2 + 0.2 * step) + rng.random(300) * 0.6, 0, 1)
            w.add_pr_curve("eval/pr", labels, preds, step * 10)
        w.add_pr_curve_raw(
            "eval/raw", [10, 8, 5], [5, 3, 1], [0, 2, 4], [0, 2, 5], [0.66, 0.72, 0.83],
            [1.0, 0.8, 0.5], 0, num_thresholds=3,
        )  # fmt: skip
        w.close()
    shutil.copytree(CORPUS / "tf2_dashboards" / "pr_curve", logdir / "tf2")


def written(logdir: Path, run: str, tag: str) -> list[tuple[int, Any]]:
    """(step, [6, k] tensor) of every point, as the reader reads the files."""
    ld = Logdir(str(logdir))
    ld.reload()
    return [(p.step, p.tensor) for p in ld.pr_curves(run, tag)]


def drawn_of(t: Any) -> tuple[list[float], list[float]]:
    """The recall and precision a tensor draws: its thresholds up to the last that
    predicts something positive (TP + FP > 0)."""
    end = t.shape[1]
    while end > 1 and t[0, end - 1] + t[1, end - 1] == 0:
        end -= 1
    return t[5, :end].astype(float).tolist(), t[4, :end].astype(float).tolist()


def trace(charts: list[dict[str, Any]], tag: str, run: str) -> dict[str, Any]:
    (chart,) = [c for c in charts if c["tag"] == tag]
    (t,) = [t for t in chart["traces"] if t["name"] == run]
    return t


def test_pr_curves_tab(page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold) -> None:
    logdir = tmp_path / "runs"
    write_curves(logdir)
    nb, b = open_board(
        page,
        jupyter,
        "pr_curves.ipynb",
        [
            "%load_ext tbnb",
            f"%tbnb --logdir {logdir} --reload_interval 0.5",
            hold.code + LIVE.format(path=str(logdir / "live")),
        ],
    )
    b.root.locator(".tbnb-tab[data-tab=pr_curves]").wait_for()
    b.root.scroll_into_view_if_needed()
    b.tab("pr_curves")
    charts = b.until(CHARTS_JS, lambda cs: len(cs) == 3 and all(c["traces"] for c in cs))
    assert [c["tag"] for c in charts] == ["classifier/pr_curves", "eval/pr", "eval/raw"]

    # each run's line is its newest step's recall (x) and precision (y) as written
    for run in ("torch", "tbx"):
        for tag in ("eval/pr", "eval/raw"):
            step, tensor = written(logdir, run, tag)[-1]
            t = trace(charts, tag, run)
            x, y = drawn_of(tensor)
            np.testing.assert_allclose(t["x"], x, rtol=1e-6)
            np.testing.assert_allclose(t["y"], y, rtol=1e-6)
            assert t["meta"] == f"step {step}"
            # the hover's numbers: threshold, TP, FP, TN, FN
            k = tensor.shape[1]
            assert t["info"][1] == pytest.approx([1 / (k - 1), *tensor[:4, 1].tolist()])
    raw = trace(charts, "eval/raw", "torch")
    assert raw["x"] == pytest.approx([1.0, 0.8, 0.5]) and raw["y"] == pytest.approx(
        [0.66, 0.72, 0.83]
    )
    ((tf_step, tf_tensor),) = written(logdir, "tf2", "classifier/pr_curves")[-1:]
    tf = trace(charts, "classifier/pr_curves", "tf2")
    np.testing.assert_allclose(tf["x"], drawn_of(tf_tensor)[0], rtol=1e-6)
    assert tf["meta"] == f"step {tf_step}"

    # a run's slider, from the keyboard: Home shows its first step, End the newest
    chart = b.pane("pr_curves").locator('.tbnb-pr-card[data-tag="eval/pr"]')
    slider = chart.get_by_label("step of run torch")
    draws = next(c["draws"] for c in charts if c["tag"] == "eval/pr")
    slider.focus()
    page.keyboard.press("Home")
    charts = b.until(CHARTS_JS, lambda cs: trace(cs, "eval/pr", "torch")["meta"] == "step 0")
    first = written(logdir, "torch", "eval/pr")[0][1]
    np.testing.assert_allclose(
        trace(charts, "eval/pr", "torch")["x"], drawn_of(first)[0], rtol=1e-6
    )
    assert next(c["draws"] for c in charts if c["tag"] == "eval/pr") > draws
    # the other run stays at its newest step
    assert trace(charts, "eval/pr", "tbx")["meta"] == f"step {(STEPS - 1) * 10}"
    page.keyboard.press("End")
    newest = f"step {(STEPS - 1) * 10}"
    b.until(CHARTS_JS, lambda cs: trace(cs, "eval/pr", "torch")["meta"] == newest)

    # the run selection: a run unchecked in the run list leaves every chart
    b.root.locator('.tbnb-runs label.tbnb-run[data-run="tbx"] input[type=checkbox]').uncheck()
    charts = b.until(CHARTS_JS, lambda cs: all(t["name"] != "tbx" for c in cs for t in c["traces"]))
    assert any(t["name"] == "torch" for c in charts for t in c["traces"])

    # a curve written while a cell runs: its card appears and its slider follows
    nb.run_cell(2, wait=False)
    hold.started()
    charts = b.until(
        CHARTS_JS,
        lambda cs: any(
            c["tag"] == "live/pr" and c["runs"] and c["runs"][0]["step"] == 1 for c in cs
        ),
    )
    (live,) = [c for c in charts if c["tag"] == "live/pr"]
    assert live["runs"][0]["max"] == 1 and live["traces"][0]["meta"] == "step 1"
    hold.release()
    nb.wait_done(2)
