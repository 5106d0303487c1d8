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
        deadline = time.monotonic() + timeout / 1000
        while time.monotonic() < deadline:
            sessions = [
                s for s in self.server.api("GET", "/api/sessions") if s["path"] == self.name
            ]
            kernel = sessions[0]["kernel"] if sessions else None
            if kernel and kernel["execution_state"] == "idle" and kernel["connections"] > 0:
                break
            time.sleep(0.2)
        else:
            raise TimeoutError(f"kernel of {self.name} not idle in {timeout / 1000:.0f}s")
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
            # the prompt shows "[n]:" (not "[*]:" or "[ ]:") once the cell has run
            done = cell.locator(".jp-InputPrompt").filter(has_text=re.compile(r"\[\d+\]"))
            done.wait_for(timeout=timeout)
        return cell

    def output(self, index: int) -> Any:
        return self.cell(index).locator(".jp-OutputArea")
