"""Figures of the Graphs tab (issue 13), in headless Chromium.

    python benchmarks/bench_graphs.py

The tab's costs are all in the browser (the scope tree, the per-box dagre layouts, the
SVG), so it is measured on a `tbnb export` page: the same bundle and store as in a
notebook, without JupyterLab around it. Logdirs are written once into
benchmarks/.cache/ (git-ignored):

- resnet: torch's `add_graph` of a 16-block bottleneck ResNet (three convolutions and
  batch norms per block). From the click on the Graphs tab to the first view drawn, and
  "expand all" (every box and series open) to drawn.
- transformer: a synthetic GraphDef of about 20,000 nodes named as torch names them
  (Model/Encoder[enc]/ModuleList[layers]/Layer[0..47]/Attention[attn]/Linear[q]/...,
  attention with 200 small ops, an MLP with 140), written through torch's FileWriter.
  The first view after the data arrives (tree built, laid out, drawn), then opening
  one box at a time down to the largest (Attention, 225 children).

Each figure is the time from the click to the next frame after the draw (the page's
own performance.now()), with the tab's `data-ms` (its layout and draw) beside it.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

from playwright.sync_api import sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.browser.jupyter import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

CACHE = REPO / "benchmarks" / ".cache" / "graphs"

RESNET = """
import sys, torch, torch.nn as nn
from torch.utils.tensorboard import SummaryWriter
def conv_bn():
    return [nn.Conv2d(8, 8, 3, padding=1), nn.BatchNorm2d(8)]
class Block(nn.Module):
    def __init__(s):
        super().__init__()
        s.conv1, s.bn1 = conv_bn(); s.conv2, s.bn2 = conv_bn(); s.conv3, s.bn3 = conv_bn()
    def forward(s, x):
        y = torch.relu(s.bn1(s.conv1(x))); y = torch.relu(s.bn2(s.conv2(y)))
        return torch.relu(s.bn3(s.conv3(y)) + x)
class Net(nn.Module):
    def __init__(s):
        super().__init__()
        s.stem = nn.Sequential(nn.Conv2d(3, 8, 3, padding=1), nn.BatchNorm2d(8), nn.ReLU())
        s.blocks = nn.Sequential(*[Block() for _ in range(16)])
        s.fc = nn.Linear(8, 10)
    def forward(s, x):
        return s.fc(s.blocks(s.stem(x)).mean((2, 3)))
w = SummaryWriter(sys.argv[1])
w.add_graph(Net(), torch.zeros(2, 3, 16, 16))
w.add_scalar("loss", 1.0, 0)  # the board opens on Scalars: the Graphs tab is clicked
w.close()
"""

TRANSFORMER = """
import sys
from tensorboard.compat.proto.config_pb2 import RunMetadata
from tensorboard.compat.proto.graph_pb2 import GraphDef
from tensorboard.compat.proto.step_stats_pb2 import StepStats
from tensorboard.compat.proto.versions_pb2 import VersionDef
from torch.utils.tensorboard import SummaryWriter
from torch.utils.tensorboard._proto_graph import node_proto
nodes, order = {}, []
def node(name, op, inputs=(), shape=None):
    if name not in nodes:
        nodes[name] = [op, list(inputs), shape]
        order.append(name)
S = [8, 128, 512]
k = 0
def linear(scope, inp):
    global k
    out = f"{scope}/out.{k}"
    node(f"{scope}/weight/weight.{k}", "prim::GetAttr")
    node(f"{scope}/bias/bias.{k}", "prim::GetAttr")
    cs = [f"{scope}/{1000 + k * 10 + c}" for c in range(6)]
    for c in cs:
        node(c, "prim::Constant")
    node(out, "aten::linear", [inp, f"{scope}/weight/weight.{k}", f"{scope}/bias/bias.{k}", *cs], S)
    k += 1
    return out
node("input/x", "IO Node", shape=S)
prev = "input/x"
for l in range(48):
    p = f"Model/Encoder[enc]/ModuleList[layers]/Layer[{l}]"
    a = f"{p}/Attention[attn]"
    q, kk, v = (linear(f"{a}/Linear[{n}]", prev) for n in "qkv")
    x = f"{a}/scores.{l}"
    node(x, "aten::matmul", [q, kk], S)
    for s in range(200):
        y, ins = f"{a}/op{s}.{l}", [x]
        if s % 10 == 0:
            node(f"{a}/c{s}.{l}", "prim::Constant")
            ins.append(f"{a}/c{s}.{l}")
        node(y, ["aten::view", "aten::mul", "aten::add"][s % 3], ins, S)
        x = y
    node(f"{a}/ctx.{l}", "aten::matmul", [x, v], S)
    o = linear(f"{a}/Linear[o]", f"{a}/ctx.{l}")
    n1 = f"{p}/LayerNorm[norm1]/n.{l}"
    node(n1, "aten::layer_norm", [o, prev], S)
    y = linear(f"{p}/MLP[mlp]/Linear[fc1]", n1)
    for s in range(140):
        z = f"{p}/MLP[mlp]/GELU[act]/g{s}.{l}"
        node(z, "aten::gelu", [y], S)
        y = z
    h2 = linear(f"{p}/MLP[mlp]/Linear[fc2]", y)
    prev = f"{p}/LayerNorm[norm2]/n.{l}"
    node(prev, "aten::layer_norm", [h2, n1], S)
node("output/output.1", "IO Node", [prev], S)
defs = [node_proto(n, op=nodes[n][0], input=nodes[n][1], outputsize=nodes[n][2]) for n in order]
g = GraphDef(node=defs, versions=VersionDef(producer=22))
w = SummaryWriter(sys.argv[1])
w._get_file_writer().add_graph((g, RunMetadata(step_stats=StepStats(dev_stats=[]))))
w.add_scalar("loss", 1.0, 0)
w.close()
print(len(order))
"""


def page_of(name: str, writer: str) -> Path:
    """The export page of a logdir written by `writer` (once)."""
    logdir = CACHE / name
    html = CACHE / f"{name}.html"
    if not (logdir / ".complete").exists():
        subprocess.run([sys.executable, "-c", writer, str(logdir / "run")], check=True)
        (logdir / ".complete").write_text("ok")
    subprocess.run(
        [sys.executable, "-m", "tbnb.cli", "export", str(logdir), "-o", str(html)],
        check=True,
        cwd=REPO,
        capture_output=True,
    )
    return html


# the time from a click to the frame after the tab's next draw (a graph too large to be
# pushed arrives after the click: the tab draws when it is there)
CLICK = """
(sel) => new Promise((done) => {
  const el = document.querySelector(sel);
  if (!el) return done(null);
  const draws = () => Number(document.querySelector('.tbnb-graph')?.dataset.draws ?? 0);
  const before = draws();
  const t0 = performance.now();
  el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  const wait = () => draws() > before
    ? requestAnimationFrame(() => setTimeout(() => done(performance.now() - t0), 0))
    : setTimeout(wait, 1);
  wait();
})
"""


def click(page: Any, selector: str) -> tuple[float, str, int]:
    ms = page.evaluate(CLICK, selector)
    if ms is None:
        raise RuntimeError(f"nothing to click: {selector}")
    graph = page.locator(".tbnb-graph")
    items = page.evaluate("document.querySelectorAll('g.tbnb-gnode').length")
    return ms, graph.get_attribute("data-ms") or "", items


def report(what: str, figure: tuple[float, str, int]) -> None:
    ms, draw, items = figure
    print(f"  {what:<58} {ms:7.0f} ms  (layout+draw {draw} ms, {items} items)")


def main() -> None:
    CACHE.mkdir(parents=True, exist_ok=True)
    resnet = page_of("resnet", RESNET)
    transformer = page_of("transformer", TRANSFORMER)
    errors: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)

        page.goto(resnet.as_uri())
        page.wait_for_selector(".tbnb-tab[data-tab=graphs]:not([hidden])")
        first = click(page, ".tbnb-tab[data-tab=graphs]")
        print("resnet:", page.locator(".tbnb-graph-chooser option").first.text_content())
        report("Graphs tab click -> first view", first)
        report("expand all", click(page, "button[aria-label='expand all']"))
        report("collapse all", click(page, "button[aria-label='collapse all']"))

        page.goto(transformer.as_uri())
        page.wait_for_selector(".tbnb-tab[data-tab=graphs]:not([hidden])")
        report(
            "Graphs tab click -> first view (tree built)", click(page, ".tbnb-tab[data-tab=graphs]")
        )
        page.wait_for_selector("g.tbnb-gnode[data-name='Model']")
        graph = page.locator(".tbnb-graph")
        print(f"  {'the tree (Hierarchy) alone':<58} {graph.get_attribute('data-build-ms'):>7} ms")
        layers = "Model/Encoder[enc]/ModuleList[layers]"
        for name in [
            "Model",
            "Model/Encoder[enc]",
            layers,
            f"{layers}/Layer[0..47]",
            f"{layers}/Layer[3]",
            f"{layers}/Layer[3]/Attention[attn]",
            f"{layers}/Layer[3]/MLP[mlp]",
            f"{layers}/Layer[3]/MLP[mlp]/GELU[act]",
        ]:
            report(f"open {name[-40:]}", click(page, f"g.tbnb-gnode[data-name='{name}']"))
        report(
            "expand all (levels while under 1,500 items)",
            click(page, "button[aria-label='expand all']"),
        )
        browser.close()
    if errors:
        raise SystemExit(f"page errors: {errors}")


if __name__ == "__main__":
    main()
