"""The Graphs tab in JupyterLab (issue 13), on graphs written by torch's and
tensorboardX's ``add_graph`` (an MLP, a CNN with nested ``nn.Sequential``, a model with
a repeated block), the Keras callback and TF2's ``trace_export`` (the shared corpus):
the tab shows while a training cell keeps the kernel busy, boxes expand and collapse in
place, search finds a node, a node's details show, and an SVG downloads."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page
from tensorboard.compat.proto import event_pb2

from tests.browser.jupyter import Hold, JupyterServer
from tests.browser.test_board_tabs import CORPUS, Board, open_board
from tests.events.evhelpers import frame

torch = pytest.importorskip("torch")

from tests.graph_models import MODELS  # noqa: E402

# what the Graphs tab draws: every item with its kind and state
ITEMS_JS = """
root => {
  const g = root.querySelector('.tbnb-pane[data-tab=graphs] .tbnb-graph');
  if (!g) return null;
  return {
    draws: Number(g.dataset.draws || 0),
    items: [...g.querySelectorAll('g.tbnb-gnode')].map(n => ({
      name: n.dataset.name, kind: n.dataset.kind, expanded: n.dataset.expanded || null,
      selected: n.dataset.selected === 'true', label: n.textContent})),
    edges: g.querySelectorAll('path.tbnb-gedge').length,
    labels: [...g.querySelectorAll('text.tbnb-gedge-label')].map(t => t.textContent),
    message: [...g.querySelectorAll('.tbnb-graph-message')].filter(m => !m.hidden)
      .map(m => m.textContent).join(' '),
    options: [...g.querySelectorAll('select[aria-label=graph] option')].map(o => o.textContent),
  };
}
"""


def write_malformed(path: Path) -> None:
    path.parent.mkdir(parents=True)
    events = [
        event_pb2.Event(wall_time=1.0e9, file_version="brain.Event:2"),
        event_pb2.Event(wall_time=1.0e9, step=0, graph_def=b"\x0a\xff\xff\xff\x0f"),
    ]
    path.write_bytes(b"".join(frame(ev.SerializeToString()) for ev in events))


def write_graphs(logdir: Path) -> None:
    from tensorboardX import SummaryWriter as XWriter
    from torch.utils.tensorboard import SummaryWriter

    torch.manual_seed(0)
    for name, (cls, shape) in MODELS.items():
        w = SummaryWriter(str(logdir / f"torch_{name}"))
        w.add_graph(cls(), torch.zeros(shape))
        w.close()
        xw = XWriter(str(logdir / f"tbx_{name}"))
        xw.add_graph(cls(), torch.zeros(shape))
        xw.close()
    shutil.copytree(CORPUS / "keras" / "train", logdir / "keras")
    shutil.copytree(CORPUS / "tf2_dashboards" / "graph", logdir / "tf2")
    write_malformed(logdir / "broken" / "events.out.tfevents.1")


class Graphs:
    """The Graphs tab of a board."""

    def __init__(self, board: Board) -> None:
        self.b = board
        self.pane = board.pane("graphs")

    def state(self) -> Any:
        return self.b.eval(ITEMS_JS)

    def drawn_after(self, draws: int, check: Any = lambda s: True) -> Any:
        return self.b.until(ITEMS_JS, lambda s: s["draws"] > draws and check(s))

    def choose(self, run: str) -> Any:
        before = self.state()["draws"]
        select = self.pane.locator("select[aria-label=graph]")
        value = select.locator("option", has_text=f"{run} ").first.get_attribute("value")
        if select.input_value() == value:
            return self.state()
        select.select_option(value)
        return self.drawn_after(before, lambda s: not s["message"] or "could not" in s["message"])

    def node(self, name: str) -> Any:
        return self.pane.locator(f'g.tbnb-gnode[data-name="{name}"]')

    def click(self, name: str) -> Any:
        """Clicks an item: a collapsed one anywhere, an expanded box on its header."""
        before = self.state()["draws"]
        if self.node(name).first.get_attribute("data-expanded") == "true":
            self.pane.locator(f'g.tbnb-gheader[data-name="{name}"]').click()
        else:
            self.node(name).first.click()
        return self.drawn_after(before)

    def button(self, label: str) -> Any:
        return self.pane.locator(f'button[aria-label="{label}"]')


def names(state: Any, kind: str | None = None) -> set[str]:
    return {i["name"] for i in state["items"] if kind is None or i["kind"] == kind}


def test_graphs_tab(page: Page, jupyter: JupyterServer, tmp_path: Path, hold: Hold) -> None:
    logdir = tmp_path / "runs"
    write_graphs(logdir)
    nb, b = open_board(
        page,
        jupyter,
        "graphs.ipynb",
        [
            "%load_ext tbnb",
            f"%tbnb --logdir {logdir} --reload_interval 0.5",
            hold.code + "while held():\n    _time.sleep(0.05)\n",
        ],
    )
    # the kernel is busy training: the tab works on what was pushed
    nb.run_cell(2, wait=False)
    hold.started()
    b.root.locator(".tbnb-tab[data-tab=graphs]").wait_for()
    b.root.scroll_into_view_if_needed()
    b.tab("graphs")
    g = Graphs(b)
    s = g.drawn_after(0)
    runs = [*(f"{w}_{m}" for w in ("tbx", "torch") for m in MODELS), "keras", "tf2", "broken"]
    for run in runs:
        assert any(o.startswith(f"{run} ") for o in s["options"]), (run, s["options"])

    # the CNN: the top level is input, the model, output; a box expands in place
    s = g.choose("torch_cnn")
    assert names(s) == {"input", "CNN", "output"}, s["items"]
    assert all(i["kind"] == "box" and i["expanded"] == "false" for i in s["items"])
    assert s["edges"] >= 2
    s = g.click("CNN")
    assert g.node("CNN").get_attribute("data-expanded") == "true"
    inner = names(s) - {"input", "CNN", "output"}
    assert {"CNN/Sequential[features]", "CNN/Linear[head]"} <= inner, inner
    label = next(i["label"] for i in s["items"] if i["name"] == "CNN/Sequential[features]")
    assert "Sequential features" in label
    s = g.click("CNN/Sequential[features]")
    assert "CNN/Sequential[features]/Sequential[2]" in names(s)
    assert any("\u00d7" in t for t in s["labels"]), s["labels"]  # shapes on edges
    s = g.click("CNN")  # collapsed again: its inside is gone
    assert names(s) == {"input", "CNN", "output"}
    # from the keyboard: Enter on a focused box expands it
    before = s["draws"]
    g.node("CNN").focus()
    page.keyboard.press("Enter")
    s = g.drawn_after(before)
    assert "CNN/Sequential[features]" in names(s)

    # the repeated block: Block[0..3] of the Sequential fold into one series
    s = g.choose("tbx_repeated")
    s = g.click("Repeated")
    s = g.click("Repeated/Sequential[blocks]")
    (series,) = [i for i in s["items"] if i["kind"] == "series"]
    assert series["expanded"] == "false" and "Block" in series["label"]
    s = g.click(series["name"])
    boxes = {n for n in names(s, "box") if n.startswith("Repeated/Sequential[blocks]/Block[")}
    assert boxes == {f"Repeated/Sequential[blocks]/Block[{i}]" for i in range(4)}, boxes

    # search by name jumps to the node: its boxes expand, it is selected, details show
    s = g.choose("torch_mlp")
    # search and details are in the sidebar
    search = b.root.locator("input[aria-label='search nodes']")
    search.fill("fc2")
    results = b.root.locator(".tbnb-graph-results button")
    results.first.wait_for()
    target = results.first.get_attribute("data-name")
    assert target is not None and "fc2" in target
    before = g.state()["draws"]
    search.press("Enter")
    s = g.drawn_after(before, lambda s: any(i["selected"] for i in s["items"]))
    (chosen,) = [i for i in s["items"] if i["selected"]]
    assert chosen["name"] == target and "MLP" in {i["name"] for i in s["items"]}
    details = b.root.locator(".tbnb-graph-details")
    details.wait_for()
    assert details.get_attribute("data-name") == target
    links = details.locator("button.tbnb-graph-link")
    assert links.count() >= 1
    # the linear op of fc2: its op, and an input to follow
    linear = next(
        i["name"]
        for i in s["items"]
        if i["kind"] == "op"
        and i["name"].startswith("MLP/Linear[fc2]/")
        and "aten::linear" in i["label"]
    )
    g.node(linear).click()
    b.until("r => r.querySelector('.tbnb-graph-details').dataset.name", lambda name: name == linear)
    assert "aten::linear" in details.inner_text()
    follow = details.locator("button.tbnb-graph-link").first
    follow_name = follow.get_attribute("data-name")
    follow.click()
    b.until(
        "r => r.querySelector('.tbnb-graph-details').dataset.name",
        lambda name: name == follow_name,
    )
    # a regex search; a bad one says why
    search.fill("(?i)RELU")
    results.first.wait_for()
    found = [r.get_attribute("data-name") or "" for r in results.all()]
    assert found and all("relu" in f.lower() for f in found), found
    search.fill("([")
    assert search.get_attribute("aria-invalid") == "true"

    # the download is an SVG of what is drawn
    with page.expect_download() as dl:
        g.button("download SVG").click()
    svg = Path(dl.value.path()).read_text(encoding="utf-8")
    assert "<svg" in svg and "MLP" in svg and dl.value.suggested_filename.endswith(".svg")
    with page.expect_download() as dl:
        g.button("download PNG").click()
    assert Path(dl.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

    # Keras's conceptual graph and TF2's traced function
    s = g.choose("keras")
    # a lone box at the top is opened: its layers show
    (seq,) = [i for i in s["items"] if i["name"] == "sequential"]
    assert seq["kind"] == "box" and seq["expanded"] == "true"
    ops = {i["label"] for i in s["items"] if i["kind"] == "op"}
    assert sum("Dense" in o for o in ops) == 2 and any("InputLayer" in o for o in ops), ops
    s = g.click("sequential")
    assert names(s) == {"sequential"}
    s = g.choose("tf2")
    assert len(s["items"]) >= 3

    # a malformed GraphDef: a sentence in the tab, the problem in the status line
    s = g.choose("broken")
    assert "could not be read" in s["message"] and "malformed GraphDef" in s["message"]
    status = b.root.locator(".tbnb-status").evaluate("e => e.textContent")
    assert "malformed GraphDef" in status and "9 graphs" in status, status

    # every control says what it does
    for label in ("zoom in", "zoom out", "fit to view", "expand all", "collapse all"):
        assert g.button(label).count() == 1, label
    hold.release()
    nb.wait_done(2)
