"""The first browser test: %load_ext tbnb + %tbnb renders the board in JupyterLab."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page

from tests.browser.jupyter import JupyterServer, Notebook


def test_magic_renders_board(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    logdir = tmp_path / "runs-not-there-yet"
    name = jupyter.write_notebook(
        "renders.ipynb",
        ["%load_ext tbnb", f"%tbnb --logdir {logdir}"],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    out = nb.output(1)
    root = out.locator(".tbnb-root")
    root.wait_for(timeout=30_000)
    # the board shows what it is looking at, and plotly drew its (empty) chart
    assert root.locator(".tbnb-logdir").inner_text() == str(logdir)
    assert f"waiting for event files in {logdir}" in root.locator(".tbnb-status").inner_text()
    root.locator(".js-plotly-plot .main-svg").first.wait_for(timeout=10_000)
    assert page.js_errors == []  # type: ignore[attr-defined]


def test_bad_flag_shows_error(page: Page, jupyter: JupyterServer) -> None:
    name = jupyter.write_notebook("badflag.ipynb", ["%load_ext tbnb", "%tbnb --lgdir runs"])
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    text = nb.output(1).inner_text()
    assert "unrecognized arguments: --lgdir" in text
    assert "--logdir" in text
