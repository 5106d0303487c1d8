"""Every notebook in notebooks/ executes top to bottom, so none rots, with no more installed
than the README asks for: tbnb's wheel with its `quickstart` extra, in a fresh venv
(plus torch for pytorch_training.ipynb)."""

from __future__ import annotations

import importlib.util
import json
import shutil
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from nbclient import NotebookClient
from traitlets import default

from tests.conftest import Venv

NOTEBOOK_DIR = Path(__file__).resolve().parent.parent / "notebooks"
# What each notebook needs beyond `pip install ".[quickstart]"`, in the order they run:
# those that need only the extra come first, as the session's venv gains torch after them.
# torch is the CPU build these machines carry (a bare `torch` would pull CUDA).
EXTRA_INSTALLS = {
    "quickstart.ipynb": [],
    "compare_runs.ipynb": [],
    "pytorch_training.ipynb": ["torch==2.13.0"],
}
# (an import that tells each install is there)
MODULE = {"torch==2.13.0": "torch"}
# keras.ipynb needs TensorFlow (hundreds of MB), which the test setup does not install: it
# runs where TensorFlow is, and is skipped with that reason elsewhere
KERAS = "keras.ipynb"


def kernel_manager_class(venv: Venv, where: Path) -> type[AsyncKernelManager]:
    """A kernel manager whose kernel "fresh-venv" is the venv's Python (not this one's)."""
    spec = where / "kernels" / "fresh-venv"
    spec.mkdir(parents=True)
    argv = [str(venv.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    (spec / "kernel.json").write_text(
        json.dumps({"argv": argv, "display_name": "fresh venv", "language": "python"})
    )

    class FreshVenvKernel(AsyncKernelManager):
        @default("kernel_spec_manager")
        def _specs(self) -> KernelSpecManager:
            return KernelSpecManager(kernel_dirs=[str(spec.parent)], ensure_native_kernel=False)

    return FreshVenvKernel


def check_outputs(nb: nbformat.NotebookNode) -> None:
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    errors = [f"{o.ename}: {o.evalue}" for o in outputs if o.output_type == "error"]
    assert not errors, errors
    # the board was displayed as a widget view, with a static fallback for other hosts
    boards = [o for o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert boards and all("tbnb-static" in o["data"]["text/html"] for o in boards)
    # saved with its widget state (nbclient stores it), a notebook with one board stays
    # small (each widget carries the 2.2 MB front end, as anywidget stores it)
    size = len(nbformat.writes(nb).encode())
    assert "widgets" in nb.metadata and size < 3_000_000 * len(boards), (len(boards), size)


@pytest.mark.parametrize("name", list(EXTRA_INSTALLS))
def test_notebook_runs_in_fresh_venv(name: str, quickstart_venv: Venv, tmp_path: Path) -> None:
    venv = quickstart_venv
    others = {r for rs in EXTRA_INSTALLS.values() for r in rs} - set(EXTRA_INSTALLS[name])
    for req in others:
        # the venv holds only the extra and what this notebook needs beyond it
        assert not venv.has(MODULE[req]), f"{req} was installed before {name} ran"
    if EXTRA_INSTALLS[name]:
        venv.pip_install(*EXTRA_INSTALLS[name])
    work = tmp_path / name
    shutil.copy(NOTEBOOK_DIR / name, work)
    nb = nbformat.read(work, as_version=4)
    # a last cell tells where tbnb came from: the wheel in the venv, not this checkout
    nb.cells.append(nbformat.v4.new_code_cell("import sys, tbnb\nprint(sys.prefix, tbnb.__file__)"))
    NotebookClient(
        nb,
        timeout=300,
        kernel_name="fresh-venv",
        kernel_manager_class=kernel_manager_class(venv, tmp_path),
        resources={"metadata": {"path": str(tmp_path)}},
    ).execute(env=venv.env)
    prefix, module = nb.cells[-1].outputs[0]["text"].split()
    assert Path(prefix) == venv.path and Path(module).is_relative_to(venv.path), (prefix, module)
    nb.cells.pop()
    check_outputs(nb)


def test_keras_notebook(tmp_path: Path) -> None:
    if importlib.util.find_spec("tensorflow") is None:
        pytest.skip(f"{KERAS} needs TensorFlow, which tests/run-all does not install")
    work = tmp_path / KERAS
    shutil.copy(NOTEBOOK_DIR / KERAS, work)
    nb = nbformat.read(work, as_version=4)
    NotebookClient(
        nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    check_outputs(nb)


def test_every_notebook_is_run() -> None:
    names = {p.name for p in NOTEBOOK_DIR.glob("*.ipynb")}
    assert names == {*EXTRA_INSTALLS, KERAS}, "a notebook in notebooks/ that no test runs"
