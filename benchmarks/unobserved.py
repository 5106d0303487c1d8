"""A Chromium whose page can be measured with Playwright detached.

Playwright enables DevTools' Network domain on every page it drives, and Chromium then
copies each websocket frame, base64-encoded, to Playwright's driver and on to the Python
client. A figure that moves megabytes over the kernel's websocket pays for that copy:
a card's 16 MB of points took 580-1,900 ms to arrive with Playwright attached and
280-350 ms without, on this 2-core machine. A person's browser has no such observer.

`UnobservedChromium` starts Chromium itself with a DevTools port. Playwright connects
over CDP to drive the setup (open the notebook, run the cells, wait for the board);
`detach()` then disconnects it, and `evaluate()` runs a script in the page through a
bare CDP connection that enables no domain: only Runtime.evaluate is sent.
"""

from __future__ import annotations

import json
import subprocess
import time
import urllib.request
from itertools import count
from pathlib import Path
from typing import Any

import websocket  # websocket-client: a dependency of jupyter_server
from playwright.sync_api import Browser, Page, Playwright

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS, free_port


class UnobservedChromium:
    def __init__(self, profile: Path, width: int = 1400, height: int = 1000) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                CHROMIUM,
                *CHROMIUM_ARGS,
                "--headless=new",
                f"--remote-debugging-port={self.port}",
                f"--user-data-dir={profile}",
                f"--window-size={width},{height}",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        self.size = (width, height)
        deadline = time.monotonic() + 60
        while True:
            try:
                self._get("/json/version")
                break
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise RuntimeError("Chromium did not open its DevTools port") from None
                time.sleep(0.1)
        self.browser: Browser | None = None
        self._ids = count(1)
        self._browser_ws: websocket.WebSocket | None = None

    def _get(self, path: str) -> Any:
        with urllib.request.urlopen(f"http://127.0.0.1:{self.port}{path}", timeout=5) as r:
            return json.load(r)

    def attach(self, pw: Playwright) -> Page:
        """Playwright on the first page, to drive the setup."""
        self.browser = pw.chromium.connect_over_cdp(f"http://127.0.0.1:{self.port}")
        page = self.browser.contexts[0].pages[0]
        page.set_viewport_size({"width": self.size[0], "height": self.size[1]})
        return page

    def detach(self) -> None:
        """Playwright disconnects (the page stays as it is)."""
        if self.browser is not None:
            self.browser.close()
            self.browser = None

    def _call(self, url: str, method: str, params: dict[str, Any], timeout: float) -> Any:
        ws = websocket.create_connection(url, timeout=timeout, suppress_origin=True)
        try:
            mid = next(self._ids)
            ws.send(json.dumps({"id": mid, "method": method, "params": params}))
            while True:
                msg = json.loads(ws.recv())
                if msg.get("id") == mid:
                    if "error" in msg:
                        raise RuntimeError(f"{method}: {msg['error']}")
                    return msg["result"]
        finally:
            ws.close()

    def downloads_to(self, path: Path) -> None:
        """Downloads are saved in `path`, under their own names (until the next call:
        Chromium forgets the setting when the connection that made it closes, so that
        one stays open)."""
        if self._browser_ws is None:
            url = self._get("/json/version")["webSocketDebuggerUrl"]
            self._browser_ws = websocket.create_connection(url, timeout=30, suppress_origin=True)
        mid = next(self._ids)
        params = {"behavior": "allow", "downloadPath": str(path)}
        call = {"id": mid, "method": "Browser.setDownloadBehavior", "params": params}
        self._browser_ws.send(json.dumps(call))
        while json.loads(self._browser_ws.recv()).get("id") != mid:
            pass

    def evaluate(self, expression: str, timeout: float = 300) -> Any:
        """The value of `expression` (a promise is awaited) in the page, Playwright detached."""
        page = next(t for t in self._get("/json") if t["type"] == "page")
        params = {"expression": expression, "awaitPromise": True, "returnByValue": True}
        result = self._call(page["webSocketDebuggerUrl"], "Runtime.evaluate", params, timeout)
        if "exceptionDetails" in result:
            raise RuntimeError(f"in the page: {result['exceptionDetails']}")
        return result["result"].get("value")

    def stop(self) -> None:
        self.detach()
        if self._browser_ws is not None:
            self._browser_ws.close()
        self.process.kill()
        self.process.wait()
