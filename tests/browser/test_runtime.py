"""One copy of the front end per notebook (issue 18): five boards saved with their
widget state hold the bundle once, and a re-opened notebook whose kernel knows nothing
of them (a new kernel, no cell run) draws every board from the saved state alone."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbformat.sign import NotebookNotary
from playwright.sync_api import Page
from tensorboardX import SummaryWriter

from tests.browser.jupyter import JupyterServer, Notebook

BOARDS = 5
STATE = "application/vnd.jupyter.widget-state+json"


def test_five_saved_boards_hold_the_bundle_once_and_reopen_without_kernel(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    logdir = tmp_path / "runs"
    for run in ("a", "b"):
        w = SummaryWriter(str(logdir / run))
        for step in range(50):
            w.add_scalar("loss", 1.0 / (step + 1) + (run == "b"), step)
        w.close()
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [nbformat.v4.new_code_cell("%load_ext tbnb")] + [
        nbformat.v4.new_code_cell(f"%tbnb --logdir {logdir} --reload_interval 0")
        for _ in range(BOARDS)
    ]
    # executed as a notebook server would, its widget state stored in the metadata
    NotebookClient(
        nb, timeout=180, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    name = "five-boards.ipynb"
    # signed as the server signs a notebook a person saved: JupyterLab renders widget
    # outputs only in trusted notebooks
    NotebookNotary().sign(nb)
    nbformat.write(nb, jupyter.root / name)

    size = (jupyter.root / name).stat().st_size
    assert size <= 3.5e6, f"five boards saved in {size / 1e6:.2f} MB"
    models = nb.metadata["widgets"][STATE]["state"]
    codes = [m for m in models.values() if "code_gzip" in m["state"]]
    boards = [m for m in models.values() if m["state"].get("board_id")]
    assert len(codes) == 1 and len(codes[0]["state"]["code_gzip"]) > 500_000
    assert len(boards) == BOARDS
    runtime_ref = f"IPY_MODEL_{next(k for k, m in models.items() if 'code_gzip' in m['state'])}"
    for board in boards:
        assert board["state"]["runtime"] == runtime_ref
        assert len(json.dumps(board["state"]["_esm"])) < 5_000

    # opened again: JupyterLab starts a new kernel, which has no widget, and restores
    # the models from the notebook's metadata; no cell is run
    Notebook(page, jupyter, name).open()
    page.wait_for_function(
        """n => { const roots = document.querySelectorAll('.tbnb-root');
                  return roots.length === n && [...roots].every(r =>
                    [...r.querySelectorAll('.tbnb-chart .js-plotly-plot')].some(p =>
                      p.data && p.data.filter(t => t.meta.kind === 'raw'
                        && t.x.length === 50).length === 2)); }""",
        arg=BOARDS,
        timeout=90_000,
    )
    assert page.locator(".tbnb-loader-error").count() == 0
    # the bundle was imported once for the five boards
    assert page.evaluate("() => globalThis.__tbnbRuntimeModules.size") == 1

    # saved without the runtime model (a host that kept only the boards' state): each
    # board says what is missing instead of staying blank
    state = nb.metadata["widgets"][STATE]["state"]
    del state[runtime_ref.removeprefix("IPY_MODEL_")]
    NotebookNotary().sign(nb)
    nbformat.write(nb, jupyter.root / "no-runtime.ipynb")
    Notebook(page, jupyter, "no-runtime.ipynb").open()
    errors = page.locator(".tbnb-loader-error")
    errors.nth(BOARDS - 1).wait_for(timeout=60_000)
    assert "could not load its front end" in (errors.first.text_content() or "")
    assert errors.first.get_attribute("role") == "alert"


WARMED_JS = "() => performance.getEntriesByName('tbnb:warm').length"
DRAWN_JS = """() => [...document.querySelectorAll('.tbnb-root .tbnb-chart .js-plotly-plot')]
  .some(p => p.data && p.data.some(t => t.meta.kind === 'raw' && t.x.length === 50))"""


def test_the_warm_up_waits_for_no_board(page: Page, jupyter: JupyterServer, tmp_path: Path) -> None:
    """The runtime warms plotly up (an off-screen chart) once its code is imported, but
    not when a board already waits for that code: with `%load_ext tbnb` and `%tbnb` in
    one cell the board draws first. `%load_ext` alone, the page warms up."""
    logdir = tmp_path / "runs"
    w = SummaryWriter(str(logdir / "a"))
    for step in range(50):
        w.add_scalar("loss", 1.0 / (step + 1), step)
    w.close()
    one = jupyter.write_notebook(
        "warm-one-cell.ipynb", [f"%load_ext tbnb\n%tbnb --logdir {logdir} --reload_interval 0"]
    )
    nb = Notebook(page, jupyter, one).open()
    nb.run_cell(0)
    page.wait_for_function(DRAWN_JS, timeout=60_000)
    assert page.evaluate("() => performance.getEntriesByName('tbnb:imported').length") == 1
    assert page.evaluate(WARMED_JS) == 0

    # a page of its own (a module imported once per page): %load_ext alone
    other = page.context.new_page()
    two = jupyter.write_notebook("warm-load-ext.ipynb", ["%load_ext tbnb"])
    Notebook(other, jupyter, two).open().run_cell(0)
    other.wait_for_function(WARMED_JS, timeout=60_000)
    other.close()
