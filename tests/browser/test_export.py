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


def test_export_carries_the_graphs(tmp_path: Path, page: Page) -> None:
    """A small graph travels in the snapshot, a large one among the page's answers: both
    draw offline."""
    import torch
    from tensorboardX.proto.event_pb2 import Event

    from tests.graph_models import MLP, transformer_graph_def

    logs = tmp_path / "logs"
    w = SummaryWriter(str(logs / "mlp"))
    w.add_graph(MLP(), torch.zeros(2, 6))
    w.close()
    big = transformer_graph_def(layers=14)
    assert len(big.node) > 5_000  # more than the board pushes
    w = SummaryWriter(str(logs / "big"))
    w._get_file_writer().add_event(Event(wall_time=1.0e9, graph_def=big.SerializeToString()))
    w.close()
    out = tmp_path / "report.html"
    assert main(["export", str(logs), "-o", str(out)]) == 0
    page.goto(out.as_uri())
    page.wait_for_function("document.body.dataset.ready === '1'", timeout=30_000)
    page.locator(".tbnb-tab[data-tab='graphs']").click()
    tops = """n => { const g = document.querySelector('.tbnb-graph');
      if (!g || Number(g.dataset.draws || 0) < n) return null;
      return [...g.querySelectorAll('g.tbnb-gnode')].map(e => e.dataset.name).sort().join(','); }"""
    select = page.locator("select[aria-label=graph]")
    for run, want, n in (("mlp", "MLP,input,output", 1), ("big", "Transformer,input,output", 2)):
        value = select.locator("option", has_text=f"{run} ").first.get_attribute("value")
        select.select_option(value)
        got = page.wait_for_function(
            f"() => {{ const t = ({tops})({n}); return t === {want!r} && t; }}", timeout=30_000
        )
        assert got.json_value() == want
