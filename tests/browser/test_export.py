"""`tbnb export` output opens offline in Chromium with its charts drawn and its tabs
working (no kernel, no server: a file:// page)."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page
from tensorboardX import SummaryWriter

from tbnb.cli import main


def test_export_opens_offline_with_charts(tmp_path: Path, page: Page) -> None:
    logs = tmp_path / "logs"
    for run in ("a", "b"):
        w = SummaryWriter(str(logs / run))
        for s in range(40):
            w.add_scalar("Loss/train", 1.0 / (s + 1) + (run == "b"), s)
            w.add_scalar("Loss/test", 2.0 / (s + 1), s)
        w.add_text("note", '<img src=x onerror="window.__pwned=1">', 0)
        w.close()
    out = tmp_path / "report.html"
    assert main(["export", str(logs), "-o", str(out)]) == 0
    page.goto(out.as_uri())
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=30_000)
    page.wait_for_function(
        "document.querySelectorAll('.tbnb-chart .js-plotly-plot').length === 2", timeout=30_000
    )
    lengths = page.evaluate(
        """[...document.querySelectorAll('.tbnb-chart .js-plotly-plot')].map(c =>
             c.data.filter(t => t.meta && t.meta.kind === 'raw').map(t => t.x.length))"""
    )
    assert lengths == [[40, 40], [40, 40]]
    # controls work without a kernel
    page.locator(".tbnb-logy").check()
    page.wait_for_function(
        """[...document.querySelectorAll('.tbnb-chart .js-plotly-plot')]
             .every(c => c.layout.yaxis.type === 'log')""",
        timeout=10_000,
    )
    page.locator(".tbnb-tab[data-tab='text']").click()
    page.wait_for_function(
        "document.querySelector('.tbnb-root').textContent.includes('onerror')", timeout=10_000
    )
    assert page.evaluate("window.__pwned") is None
