"""`pip install .` builds a wheel that carries the front end, and a Board works from it."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            out,
            REPO,
        ],
        check=True,
        capture_output=True,
    )
    (found,) = out.glob("tbnb-*.whl")
    return found


def test_wheel_contains_bundle_and_package(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "tbnb/static/widget.js" in names
    assert "tbnb/__init__.py" in names
    assert not any(n.startswith(("js/", "tests/", "node_modules")) for n in names)
    size = zipfile.ZipFile(wheel).getinfo("tbnb/static/widget.js").file_size
    assert 100_000 < size <= 2.5 * 1024 * 1024


def test_board_from_installed_wheel(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # the venv sees this interpreter's dependencies, but tbnb only from the wheel
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", venv], check=True)
    py = venv / "bin" / "python"
    subprocess.run(
        [
            py,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--force-reinstall",
            "--target",
            tmp_path / "site",
            wheel,
        ],
        check=True,
        capture_output=True,
    )
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]);"
        "import tbnb, pathlib;"
        "assert pathlib.Path(tbnb.__file__).is_relative_to(sys.argv[1]), tbnb.__file__;"
        "b = tbnb.Board('runs');"
        "data = b._repr_mimebundle_()[0];"
        "assert 'application/vnd.jupyter.widget-view+json' in data;"
        "print(len(b._esm))"
    )
    result = subprocess.run(
        [py, "-c", code, tmp_path / "site"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert int(result.stdout.strip()) > 100_000
