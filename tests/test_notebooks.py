"""Every notebook in notebooks/ executes top to bottom, so none rots."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

NOTEBOOKS = sorted((Path(__file__).resolve().parent.parent / "notebooks").glob("*.ipynb"))


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_executes(path: Path, tmp_path: Path) -> None:
    if path.name == "keras.ipynb" and importlib.util.find_spec("tensorflow") is None:
        pytest.skip("keras.ipynb needs TensorFlow, which is not installed here")
    work = tmp_path / path.name
    shutil.copy(path, work)
    nb = nbformat.read(work, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": tmp_path}}
    ).execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    # the board was displayed as a widget view, with a static fallback for other hosts
    boards = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert boards and all("tbnb-static" in o["data"]["text/html"] for o in boards)
    # saved with its widget state (nbclient stores it), a notebook with one board stays
    # small (each widget carries the 2.2 MB front end, as anywidget stores it)
    size = len(nbformat.writes(nb).encode())
    assert "widgets" in nb.metadata and size < 3_000_000 * len(boards), (len(boards), size)


def test_there_are_notebooks() -> None:
    names = {p.name for p in NOTEBOOKS}
    assert {
        "quickstart.ipynb",
        "pytorch_training.ipynb",
        "keras.ipynb",
        "compare_runs.ipynb",
    } <= names
