"""A JupyterLab server and a notebook driven in headless Chromium, for browser tests."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from playwright.sync_api import Page

# the notebook panel in front (JupyterLab keeps other tabs' panels hidden)
PANEL = ".jp-NotebookPanel:not(.lm-mod-hidden)"
CHROMIUM = os.environ.get("TBNB_CHROMIUM", "/usr/bin/chromium")
# Debian's chromium as root in a closed network: no sandbox, no background calls home.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--use-gl=angle",
    "--use-angle=swiftshader",
    "--enable-unsafe-swiftshader",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class JupyterServer:
    """A JupyterLab started by the tests, in its own temp root and config dirs."""

    root: Path
    url: str
    token: str
    process: subprocess.Popen[bytes]
    log: Path

    @classmethod
    def start(cls, base: Path, timeout: float = 90.0) -> JupyterServer:
        root = base / "root"
        root.mkdir(parents=True)
        home = base / "home"
        home.mkdir()
        port = free_port()
        token = secrets.token_hex(16)
        env = dict(os.environ)
        env.update(
            JUPYTER_CONFIG_DIR=str(home / "config"),
            JUPYTER_RUNTIME_DIR=str(home / "runtime"),
            IPYTHONDIR=str(home / "ipython"),
            JUPYTERLAB_WORKSPACES_DIR=str(home / "workspaces"),
            JUPYTERLAB_SETTINGS_DIR=str(home / "settings"),
            PYTHONUNBUFFERED="1",
        )
        # No news, no update checks, no "would you like to receive news" toast.
        settings = home / "settings" / "@jupyterlab" / "apputils-extension"
        settings.mkdir(parents=True)
        (settings / "notification.jupyterlab-settings").write_text(
            json.dumps({"fetchNews": "false", "checkForUpdates": False})
        )
        log = base / "jupyter.log"
        log_file = log.open("wb")
        cmd = [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--ServerApp.ip=127.0.0.1",
            f"--ServerApp.port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={root}",
            "--LabApp.news_url=",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            cmd.append("--allow-root")
        process = subprocess.Popen(
            cmd,
            cwd=root,
            env=env,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log_file.close()  # the child keeps its own descriptor
        server = cls(root, f"http://127.0.0.1:{port}", token, process, log)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"jupyter lab exited early:\n{log.read_text()[-3000:]}")
            try:
                server.api("GET", "/api/status")
                return server
            except (urllib.error.URLError, ConnectionError):
                time.sleep(0.3)
        server.stop()
        raise RuntimeError(f"jupyter lab did not start in {timeout}s:\n{log.read_text()[-3000:]}")

    def api(self, method: str, path: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            f"{self.url}{path}",
            data=data,
            method=method,
            headers={"Authorization": f"token {self.token}", "Content-Type": "application/json"},
        )
        with urllib.request.urlopen(req, timeout=10) as resp:
            raw = resp.read()
        return json.loads(raw) if raw else None

    def stop(self) -> None:
        """Stop the server and the kernels it started, and nothing else."""
        if self.process.poll() is None:
            try:
                for kernel in self.api("GET", "/api/kernels"):
                    self.api("DELETE", f"/api/kernels/{kernel['id']}")
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            try:
                os.killpg(self.process.pid, signal.SIGTERM)
                self.process.wait(timeout=15)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(self.process.pid, signal.SIGKILL)

    def close_sessions(self) -> None:
        """Shut down every notebook's kernel (a test's kernels would go on polling)."""
        for session in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{session['id']}")

    def wait_kernel(self, path: str, timeout: float = 60_000) -> None:
        """Wait until the kernel of the notebook at `path` is idle, with a page connected."""
        deadline = time.monotonic() + timeout / 1000
        while time.monotonic() < deadline:
            sessions = [s for s in self.api("GET", "/api/sessions") if s["path"] == path]
            kernel = sessions[0]["kernel"] if sessions else None
            if kernel and kernel["execution_state"] == "idle" and kernel["connections"] > 0:
                return
            time.sleep(0.2)
        raise TimeoutError(f"kernel of {path} not idle in {timeout / 1000:.0f}s")

    def write_notebook(self, name: str, cells: list[str]) -> str:
        nb = nbformat.v4.new_notebook()
        nb.cells = [nbformat.v4.new_code_cell(src) for src in cells]
        nb.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        nbformat.write(nb, self.root / name)
        return name


class Notebook:
    """A notebook opened in JupyterLab in a Playwright page."""

    def __init__(self, page: Page, server: JupyterServer, name: str) -> None:
        self.page = page
        self.server = server
        self.name = name

    def open(self, timeout: float = 60_000) -> Notebook:
        # a workspace of its own: no tab of an earlier test is restored
        workspace = re.sub(r"[^A-Za-z0-9]+", "-", self.name)
        self.page.goto(
            f"{self.server.url}/lab/workspaces/{workspace}/tree/{self.name}"
            f"?token={self.server.token}"
        )
        self.page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=timeout)
        self.wait_idle(timeout)
        return self

    def wait_idle(self, timeout: float = 60_000) -> None:
        """Wait until the notebook's kernel is started, connected and idle.

        JupyterLab shows "Idle" before the kernel's websocket is up; a cell run
        then is dropped, so ask the server too.
        """
        self.server.wait_kernel(self.name, timeout)
        self.page.locator(".jp-StatusBar-TextItem").filter(has_text="| Idle").first.wait_for(
            timeout=timeout
        )

    def cell(self, index: int) -> Any:
        return self.page.locator(f"{PANEL} .jp-Notebook .jp-Cell").nth(index)

    def run_cell(self, index: int, wait: bool = True, timeout: float = 60_000) -> Any:
        cell = self.cell(index)
        cell.locator(".jp-InputPrompt").click()
        self.page.locator(
            f"{PANEL} .jp-NotebookPanel-toolbar [data-command='notebook:run-cell-and-select-next']"
        ).click()
        if wait:
            self.wait_done(index, timeout)
        return cell

    def running(self, index: int) -> bool:
        """The cell is queued or running (its prompt shows "[*]:")."""
        return "*" in self.cell(index).locator(".jp-InputPrompt").inner_text()

    def wait_done(self, index: int, timeout: float = 60_000) -> None:
        # the prompt shows "[n]:" (not "[*]:" or "[ ]:") once the cell has run
        prompt = self.cell(index).locator(".jp-InputPrompt")
        prompt.filter(has_text=re.compile(r"\[\d+\]")).wait_for(timeout=timeout)

    def output(self, index: int) -> Any:
        return self.cell(index).locator(".jp-OutputArea")


class Hold:
    """Keeps a notebook cell running until the test releases it.

    A test that needs a cell (a training loop, a busy kernel) to be still running while it
    looks at the page must not bet on a fixed time or number of steps: on a loaded machine
    the cell may end first. The hold is a file the test creates; the cell's code starts
    with `hold.code` and loops `while held(): ...` (or just waits in one), so it runs until
    the test calls `release()`. `started()` waits until the cell has begun. If no release
    comes within `limit` seconds, `held()` raises in the cell (a safety net that fails the
    test loudly, never a way to end a cell on time). The `hold` fixture releases at teardown.
    """

    def __init__(self, directory: Path, limit: float = 240.0) -> None:
        self.path = directory / f"hold-{secrets.token_hex(4)}"
        self.begun = self.path.with_name(self.path.name + ".started")
        self.limit = limit
        self.path.touch()

    @property
    def code(self) -> str:
        """Python that defines `held()` in the cell, to put first in its source."""
        return (
            "import os as _os, time as _time\n"
            f"open({str(self.begun)!r}, 'w').close()\n"
            f"def held(_deadline=_time.monotonic() + {self.limit}):\n"
            "    if _time.monotonic() > _deadline:\n"
            "        raise TimeoutError('the test never released the hold')\n"
            f"    return _os.path.exists({str(self.path)!r})\n"
        )

    def started(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not self.begun.exists():
            if time.monotonic() > deadline:
                raise AssertionError(f"the held cell did not start within {timeout:.0f}s")
            time.sleep(0.05)

    def release(self) -> None:
        self.path.unlink(missing_ok=True)
