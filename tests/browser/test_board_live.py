"""The live board in JupyterLab: real writers, a running training cell, the magics."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from tensorboardX import SummaryWriter

from tests.browser.jupyter import Hold, JupyterServer, Notebook

# what plotly drew: per chart, the traces' run, kind and number of points
TRACES_JS = """
root => [...root.querySelectorAll('.tbnb-chart')].map(chart => {
  const plot = chart.querySelector('.js-plotly-plot');
  return {
    tag: chart.dataset.tag,
    traces: plot && plot.data ? plot.data.map(t => ({
      run: t.meta && t.meta.run, kind: t.meta && t.meta.kind,
      n: t.x ? t.x.length : 0, y: Array.from(t.y || []),
    })) : null,
  };
})
"""


def charts(nb: Notebook, cell: int) -> list[dict[str, Any]]:
    root = nb.output(cell).locator(".tbnb-root").first
    return root.evaluate(TRACES_JS)  # type: ignore[no-any-return]


def raw_points(nb: Notebook, cell: int, tag: str, run: str) -> int:
    for chart in charts(nb, cell):
        if chart["tag"] == tag and chart["traces"]:
            for t in chart["traces"]:
                if t["run"] == run and t["kind"] == "raw":
                    return int(t["n"])
    return 0


def wait_points(nb: Notebook, cell: int, tag: str, run: str, n: int, timeout: float = 30) -> int:
    deadline = time.monotonic() + timeout
    got = 0
    while time.monotonic() < deadline:
        got = raw_points(nb, cell, tag, run)
        if got >= n:
            return got
        time.sleep(0.1)
    raise AssertionError(f"{run}/{tag}: {got} points drawn, expected {n} within {timeout}s")


def test_magic_draws_a_real_logdir(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    for run, scale in (("exp1", 1.0), ("exp2", 2.0)):
        w = SummaryWriter(str(tmp_path / run))
        for step in range(30):
            w.add_scalar("Loss/train", scale / (step + 1), step)
            w.add_scalar("Loss/test", scale / (step + 2), step)
            w.add_scalar("lr", 0.1, step)
        w.close()
    name = jupyter.write_notebook("draws.ipynb", ["%load_ext tbnb", f"%tbnb --logdir {tmp_path}"])
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    wait_points(nb, 1, "Loss/train", "exp2", 30)
    drawn = {c["tag"]: c for c in charts(nb, 1)}
    assert set(drawn) == {"Loss/train", "Loss/test", "lr"}
    runs = {t["run"] for t in drawn["Loss/train"]["traces"] if t["kind"] == "raw"}
    assert runs == {"exp1", "exp2"}
    exp2 = next(
        t for t in drawn["Loss/train"]["traces"] if t["run"] == "exp2" and t["kind"] == "raw"
    )
    assert exp2["y"][0] == 2.0


def test_chart_grows_while_training_cell_runs(
    page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold
) -> None:
    logdir = tmp_path / "runs"
    # the training cell writes a step every 0.2 s until the test has seen enough
    train = hold.code + (
        "from torch.utils.tensorboard import SummaryWriter\n"
        f"w = SummaryWriter({str(logdir / 'live')!r})\n"
        "step = 0\n"
        "while held():\n"
        "    w.add_scalar('Loss/train', 1 / (step + 1), step)\n"
        "    w.flush()\n"
        "    step += 1\n"
        "    _time.sleep(0.2)\n"
        "w.close()\n"
        "print('steps', step)\n"
    )
    name = jupyter.write_notebook(
        "live.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {logdir} --reload_interval 0.5", train],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    nb.output(1).locator(".tbnb-root").wait_for()
    nb.run_cell(2, wait=False)
    hold.started()
    seen: list[int] = []
    deadline = time.monotonic() + 60  # a safety net: the cell runs until released
    while len(seen) < 3:
        assert nb.running(2), f"the training cell ended while held; seen {seen}"
        assert time.monotonic() < deadline, f"the chart grew only {seen} in 60 s"
        n = raw_points(nb, 1, "Loss/train", "live")
        if n and (not seen or n > seen[-1]):
            seen.append(n)
        time.sleep(0.1)
    # the chart grew three times while the cell was still running; then all of it shows
    hold.release()
    nb.wait_done(2)
    written = int(nb.output(2).inner_text().split()[-1])
    assert seen[-1] <= written
    wait_points(nb, 1, "Loss/train", "live", written)
    assert raw_points(nb, 1, "Loss/train", "live") == written


def test_missing_logdir_then_written(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    logdir = tmp_path / "not-yet"
    name = jupyter.write_notebook(
        "later.ipynb", ["%load_ext tbnb", f"%tensorboard --logdir {logdir} --reload_interval 0.3"]
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    root = nb.output(1).locator(".tbnb-root")
    root.get_by_text(f"waiting for event files in {logdir}").first.wait_for()
    w = SummaryWriter(str(logdir / "exp"))
    for step in range(5):
        w.add_scalar("acc", step / 5, step)
    w.close()
    wait_points(nb, 1, "acc", "exp", 5)


def test_bad_flag_shows_error_naming_valid_flags(page: Page, jupyter: JupyterServer) -> None:
    name = jupyter.write_notebook("badflag.ipynb", ["%load_ext tbnb", "%tbnb --lgdir runs"])
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    text = nb.output(1).inner_text()
    assert "unrecognized arguments: --lgdir" in text
    assert "--logdir" in text
    assert "--reload_interval" in text


# --- the harness ------------------------------------------------------------------------

PAGE_ERROR_TESTS = """
def test_script_throws(page):
    page.set_content("<script>throw new TypeError('thrown by a script')</script>")


def test_handler_throws(page):
    page.set_content("<button onclick=\\"null.x = 'thrown by a handler'\\">b</button>")
    page.click("button")


def test_quiet(page):
    page.set_content("<p>nothing thrown</p>")
"""


def test_an_uncaught_page_error_fails_the_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the browser tests' conftest, in a pytest of its own: a test whose page threw fails,
    # with the error's text, though the test itself checks nothing
    monkeypatch.setenv("PYTHONPATH", str(Path(__file__).resolve().parents[2]))
    pytester.makeconftest((Path(__file__).parent / "conftest.py").read_text())
    pytester.makepyfile(PAGE_ERROR_TESTS)
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    out = result.stdout.str()
    assert "FAILED test_an_uncaught_page_error_fails_the_test.py::test_script_throws" in out
    assert "TypeError: thrown by a script" in out
    assert "FAILED test_an_uncaught_page_error_fails_the_test.py::test_handler_throws" in out
    assert "TypeError: Cannot set properties of null" in out


def test_a_long_first_read_shows_its_progress_and_draws_what_it_has(
    page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold
) -> None:
    logdir = tmp_path / "runs"
    for r in range(9):
        w = SummaryWriter(str(logdir / f"run{r}"))
        for step in range(30):
            w.add_scalar("loss", float(r + step), step)
        w.close()
    # budgets already spent, two reading threads: each read takes four runs; the reads
    # after the board opened wait until the test releases them, and for the page to say
    # it drew (the board is shown inside a VBox, so its own display does not let them
    # go on, and the grace is an hour: without a PaintedMessage the rest never comes)
    code = (
        hold.code + "import tbnb, tbnb.board.widget as _w\n"
        "_w.FIRST_READ_BUDGET = _w.READ_BUDGET = 0.0\n"
        "_w.FIRST_PAINT_GRACE = 3600.0\n"
        "_real_init, _real_reload, _calls = tbnb.Logdir.__init__, tbnb.Logdir.reload, []\n"
        "def _init(self, *a, **k):\n"
        "    k['workers'] = 2\n"
        "    _real_init(self, *a, **k)\n"
        "def _reload(self, budget=None):\n"
        "    _calls.append(budget)\n"
        "    while len(_calls) > 1 and held():\n"
        "        _time.sleep(0.05)\n"
        "    return _real_reload(self, budget)\n"
        "tbnb.Logdir.__init__, tbnb.Logdir.reload = _init, _reload\n"
        "import ipywidgets\n"
        f"ipywidgets.VBox([tbnb.Board({str(logdir)!r}, reload_interval=0)])"
    )
    name = jupyter.write_notebook("first-read.ipynb", ["%load_ext tbnb", code])
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    status = nb.output(1).locator(".tbnb-status-text")
    progress = nb.output(1).get_by_label("Runs read")
    # open with the four runs read, and say so
    status.filter(has_text="read 4 of 9 runs").wait_for(timeout=30_000)
    assert progress.is_visible()
    assert progress.evaluate("p => [p.value, p.max]") == [4, 9]
    wait_points(nb, 1, "loss", "run3", 30)
    assert raw_points(nb, 1, "loss", "run4") == 0
    hold.release()
    # the rest comes in parts, without another cell or a reload interval
    wait_points(nb, 1, "loss", "run8", 30)
    status.filter(has_text="9 runs").wait_for(timeout=30_000)
    assert " of 9 runs" not in (status.text_content() or "")
    assert progress.is_hidden()
