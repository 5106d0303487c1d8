"""A second view of a board, and a re-opened page, start with the whole current state."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from tensorboardX import SummaryWriter

from tests.browser.jupyter import JupyterServer, Notebook
from tests.browser.test_board_live import raw_points, wait_points


def test_second_view_and_reopened_page_are_complete(
    page: Page, jupyter: JupyterServer, tmp_path: Path
) -> None:
    w = SummaryWriter(str(tmp_path / "exp"))
    for step in range(40):
        w.add_scalar("loss", 1 / (step + 1), step)
    w.close()
    append = (
        "from tensorboardX import SummaryWriter\n"
        f"w = SummaryWriter({str(tmp_path / 'exp')!r}, filename_suffix='.more')\n"
        "for step in range(40, 70):\n"
        "    w.add_scalar('loss', 1 / (step + 1), step)\n"
        "w.close()\n"
        "board.refresh()"
    )
    name = jupyter.write_notebook(
        "views.ipynb",
        [
            "%load_ext tbnb",
            f"board = %tbnb --logdir {tmp_path} --reload_interval 0",
            append,
            "board",
        ],
    )
    nb = Notebook(page, jupyter, name).open()
    nb.run_cell(0)
    nb.run_cell(1)
    wait_points(nb, 1, "loss", "exp", 40)
    nb.run_cell(2)  # new points reach the first view as a delta
    wait_points(nb, 1, "loss", "exp", 70)
    nb.run_cell(3)  # a second view of the same model, made after the delta
    wait_points(nb, 3, "loss", "exp", 70)
    # a re-opened page rebuilds the model from the kernel: the snapshot holds all
    page.locator("[data-command='docmanager:save']").first.click()
    # saved once the notebook's tab is no longer marked as changed
    page.wait_for_function("() => !document.querySelector('.lm-TabBar-tab.jp-mod-dirty')")
    page.reload()
    nb.open()
    wait_points(nb, 1, "loss", "exp", 70, timeout=30)
    assert raw_points(nb, 3, "loss", "exp") == 70
