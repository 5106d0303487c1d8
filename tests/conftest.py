"""Fixtures shared by every test directory."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parent.parent
# tests/browser checks that its page-error fixture fails a test in a pytest of its own
pytest_plugins = ["pytester"]


@pytest.fixture(scope="session")
def s3() -> Iterator[dict[str, Any]]:
    """An S3-compatible server (moto) on 127.0.0.1 and the storage options to reach it."""
    from moto.server import ThreadedMotoServer  # dev dependencies: a failure, not a skip

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    host, port = server.get_host_and_port()
    opts = {
        "endpoint_url": f"http://{host}:{port}",
        "key": "testing",
        "secret": "testing",
        "client_kwargs": {"region_name": "us-east-1"},
    }
    try:
        yield opts
    finally:
        server.stop()


def run(cmd: list[Any], **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """Runs a command; a failure shows its output (not only its exit code)."""
    result = subprocess.run(
        [str(c) for c in cmd], capture_output=True, text=True, check=False, **kwargs
    )
    if result.returncode != 0:
        raise AssertionError(
            f"{' '.join(map(str, cmd))} exited {result.returncode}\n"
            f"--- stdout\n{result.stdout[-4000:]}\n--- stderr\n{result.stderr[-4000:]}"
        )
    return result


@pytest.fixture(scope="session")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """tbnb's wheel, built once per session from this checkout (as `pip install .` does)."""
    out = tmp_path_factory.mktemp("wheel")
    # without isolation: the build backend is in the dev extra, and no index is needed
    run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", out, REPO]
    )
    (found,) = out.glob("tbnb-*.whl")
    return found


@dataclass
class Venv:
    """A virtual environment made by `python -m venv`, without the system's site packages."""

    path: Path

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    @property
    def env(self) -> dict[str, str]:
        """This process's environment, less what would let the venv see this checkout."""
        env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "PYTHONHOME"}}
        env["VIRTUAL_ENV"] = str(self.path)
        env["PATH"] = f"{self.path / 'bin'}{os.pathsep}{env.get('PATH', '')}"
        return env

    def pip_install(self, *requirements: str | Path) -> None:
        # --no-compile: byte-compiling every file installed (JupyterLab, torch) took most
        # of the CPU time; what a kernel imports is compiled when imported
        pip = [self.python, "-m", "pip", "install", "-q", "--no-compile"]
        run([*pip, *requirements], env=self.env)

    def has(self, module: str) -> bool:
        code = f"import importlib.util, sys; sys.exit(importlib.util.find_spec({module!r}) is None)"
        return subprocess.run([self.python, "-c", code], env=self.env, check=False).returncode == 0

    def python_run(self, code: str, *args: Any, cwd: Path) -> str:
        return run([self.python, "-c", code, *args], env=self.env, cwd=cwd).stdout


@pytest.fixture(scope="session")
def quickstart_venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Venv:
    """A fresh venv holding the wheel with only its `quickstart` extra: what the README's
    `pip install ".[quickstart]"` gives a person on a new machine. Made once per session;
    tests/test_notebooks.py adds torch to it for pytorch_training.ipynb, after the
    notebooks that need only the extra."""
    venv = Venv(tmp_path_factory.mktemp("quickstart") / "venv")
    run([sys.executable, "-m", "venv", venv.path])
    venv.pip_install(f"{wheel}[quickstart]")
    return venv
