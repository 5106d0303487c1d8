"""`pip install .` builds a wheel that carries the front end, and a Board works from it."""

from __future__ import annotations

import email.parser
import zipfile
from pathlib import Path

import tbnb
from tests.conftest import Venv


def test_wheel_contains_bundle_and_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "tbnb/static/widget.js" in names
    assert "tbnb/__init__.py" in names
    assert not any(n.startswith(("js/", "tests/", "node_modules")) for n in names)
    size = zipfile.ZipFile(wheel).getinfo("tbnb/static/widget.js").file_size
    assert 100_000 < size <= 2.5 * 1024 * 1024


def test_wheel_version_is_tbnb_version(wheel: Path) -> None:
    # pyproject.toml takes the version from tbnb/__init__.py: it is written only there
    with zipfile.ZipFile(wheel) as z:
        (meta,) = [n for n in z.namelist() if n.endswith(".dist-info/METADATA")]
        metadata = email.parser.Parser().parsestr(z.read(meta).decode())
    assert metadata["Version"] == tbnb.__version__
    assert wheel.name.startswith(f"tbnb-{tbnb.__version__}-")


def test_board_from_installed_wheel(quickstart_venv: Venv, tmp_path: Path) -> None:
    code = (
        "import sys, tbnb, pathlib;"
        "assert pathlib.Path(tbnb.__file__).is_relative_to(sys.prefix), tbnb.__file__;"
        "b = tbnb.Board('runs');"
        "data = b._repr_mimebundle_()[0];"
        "assert 'application/vnd.jupyter.widget-view+json' in data;"
        "from tbnb.board.runtime import runtime;"
        "print(tbnb.__version__, len(runtime().code), len(b._esm))"
    )
    version, size, loader = quickstart_venv.python_run(code, cwd=tmp_path).split()
    assert version == tbnb.__version__
    assert int(size) > 100_000  # the bundle, in the runtime model
    assert 0 < int(loader) < 5_000  # each board: the loader only
