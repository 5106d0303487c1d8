"""Other hosts: Notebook 7 (served by the same Jupyter server), and a saved notebook
exported to HTML by nbconvert, where no widget runs and the static snapshot shows."""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from playwright.sync_api import Page
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from tensorboardX import SummaryWriter

from tests.browser.jupyter import JupyterServer


def write_logs(logdir: Path) -> None:
    for run in ("a", "b"):
        w = SummaryWriter(str(logdir / run))
        for s in range(30):
            w.add_scalar("Loss/train", 1.0 / (s + 1) + (run == "b"), s)
        w.close()


def test_saved_notebook_html_export_shows_static_charts(tmp_path: Path, page: Page) -> None:
    write_logs(tmp_path / "runs")
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_code_cell("%load_ext tbnb\n%tbnb --logdir runs --reload_interval 0")
    ]
    NotebookClient(
        nb, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    nb.metadata.pop("widgets", None)  # JupyterLab saves no widget state by default
    html, _ = HTMLExporter().from_notebook_node(nb)
    out = tmp_path / "saved.html"
    out.write_text(html, encoding="utf-8")
    page.goto(out.as_uri())
    static = page.locator(".tbnb-static")
    static.first.wait_for(timeout=30_000)
    assert static.locator("figcaption").first.text_content() == "Loss/train"
    # two runs, each drawn raw (faint) and smoothed
    assert static.locator("svg polyline").count() == 4
    legend = static.locator(".legend").text_content() or ""
    assert "a" in legend and "b" in legend


def test_notebook7_shows_the_board(jupyter: JupyterServer, page: Page, tmp_path: Path) -> None:
    write_logs(tmp_path / "runs")
    name = jupyter.write_notebook(
        "nb7.ipynb", [f"%load_ext tbnb\n%tbnb --logdir {tmp_path / 'runs'} --reload_interval 0"]
    )
    page.goto(f"{jupyter.url}/notebooks/{name}?token={jupyter.token}")
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=60_000)
    jupyter.wait_kernel(name)
    # Notebook 7 is built from JupyterLab's components: select the cell, Shift+Enter
    prompt = page.locator(".jp-Notebook .jp-Cell .jp-InputPrompt").first
    ran = prompt.filter(has_text=re.compile(r"\[\d+\]"))
    for _ in range(3):
        prompt.click()
        page.keyboard.press("Shift+Enter")
        try:
            ran.wait_for(timeout=30_000)
            break
        except PlaywrightTimeoutError:
            # a run sent before the page's kernel connection was up is dropped: again
            continue
    else:
        raise AssertionError(f"the cell never ran in Notebook 7: prompt {prompt.inner_text()}")
    page.wait_for_function(
        """() => [...document.querySelectorAll('.tbnb-chart .js-plotly-plot')].some(
               p => p.data && p.data.filter(t => t.meta.kind === 'raw').length === 2)""",
        timeout=60_000,
    )
