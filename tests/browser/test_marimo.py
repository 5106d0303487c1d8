"""marimo: `mo.ui.anywidget(tbnb.Board(...))` in an app served by `marimo run --headless`
draws the board (marimo renders widgets inside shadow roots)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from tensorboardX import SummaryWriter

from tests.browser.jupyter import free_port

# plotly charts of the board, found through marimo's shadow roots
DRAWN_JS = """
() => {
  const found = [];
  const walk = (root) => {
    for (const el of root.querySelectorAll('*')) {
      if (el.classList && el.classList.contains('js-plotly-plot') && el.data) found.push(el);
      if (el.shadowRoot) walk(el.shadowRoot);
    }
  };
  walk(document);
  return found.map(p => p.data.filter(t => t.meta && t.meta.kind === 'raw').map(t => t.x.length));
}
"""


@pytest.fixture
def marimo_app(tmp_path: Path) -> Iterator[str]:
    logdir = tmp_path / "runs"
    for run in ("a", "b"):
        w = SummaryWriter(str(logdir / run))
        for s in range(25):
            w.add_scalar("Loss/train", 1.0 / (s + 1), s)
        w.close()
    app = tmp_path / "app.py"
    app.write_text(
        textwrap.dedent(
            f"""
            import marimo

            app = marimo.App()


            @app.cell
            def _():
                import marimo as mo
                import tbnb

                board = mo.ui.anywidget(tbnb.Board({str(logdir)!r}, reload_interval=0))
                board
                return
            """
        )
    )
    port = free_port()
    command = [sys.executable, "-m", "marimo", "run", str(app), "--headless", "--no-token"]
    proc = subprocess.Popen(
        [*command, "--port", str(port), "--host", "127.0.0.1"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(url, timeout=2).close()
                break
            except OSError:
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise RuntimeError("marimo run did not start") from None
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def test_marimo_draws_the_board(marimo_app: str, page: Page) -> None:
    page.goto(marimo_app)
    page.wait_for_function(f"({DRAWN_JS})().some(c => c.length === 2)", timeout=60_000)
    assert [25, 25] in page.evaluate(DRAWN_JS)
