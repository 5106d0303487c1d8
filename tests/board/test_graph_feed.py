"""The graph feed (issue 13): what the browser gets of the graphs a logdir holds.

Graphs written by torch's and tensorboardX's ``add_graph`` are listed as they appear;
small ones are pushed with their nodes and edges (checked against the GraphDef parsed
with TensorBoard's protos from the event file), large ones are sent when asked for, a
malformed one is a listed error and a problem, and the kernel keeps no graph's nodes.
"""

from __future__ import annotations

import gc
import json
import math
import struct
import tracemalloc
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from tensorboard.compat.proto import event_pb2, graph_pb2, summary_pb2

from tbnb.board.engine import BoardEngine
from tbnb.board.export import export_html
from tbnb.board.feeds.graphs import PUSH_NODES, shape_size, shape_text
from tbnb.board.protocol import GRAPH_DATA, GRAPH_REQUEST, decode
from tbnb.events import Logdir

torch = pytest.importorskip("torch")

from tests.events.evhelpers import frame  # noqa: E402
from tests.graph_models import MODELS, transformer_graph_def  # noqa: E402


def write_events(path: Path, events: list[Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    version = event_pb2.Event(wall_time=1.0e9, file_version="brain.Event:2")
    with path.open("ab") as f:
        for ev in [version, *events]:
            f.write(frame(ev.SerializeToString()))


def graph_event(gd: Any, step: int = 0) -> Any:
    data = gd if isinstance(gd, bytes) else gd.SerializeToString()
    return event_pb2.Event(wall_time=1.0e9 + step, step=step, graph_def=data)


def graph_def_on_disk(run_dir: Path) -> Any:
    (path,) = run_dir.glob("*tfevents*")
    b, i = path.read_bytes(), 0
    while i < len(b):
        (n,) = struct.unpack("<Q", b[i : i + 8])
        ev = event_pb2.Event.FromString(b[i + 12 : i + 12 + n])
        if ev.WhichOneof("what") == "graph_def":
            return graph_pb2.GraphDef.FromString(ev.graph_def)
        i += n + 16
    raise AssertionError("no graph_def on disk")


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from tensorboardX import SummaryWriter as XWriter
    from torch.utils.tensorboard import SummaryWriter

    root = tmp_path_factory.mktemp("graph_feed")
    torch.manual_seed(0)
    for name, (cls, shape) in MODELS.items():
        w = SummaryWriter(str(root / f"torch_{name}"))
        w.add_scalar("loss", 1.0, 0)
        w.add_graph(cls(), torch.zeros(shape))
        w.close()
        xw = XWriter(str(root / f"tbx_{name}"))
        xw.add_graph(cls(), torch.zeros(shape))
        xw.close()
    return root


def fields(message: Any) -> tuple[dict[str, Any], list[memoryview]]:
    content, buffers = message
    return content, buffers


def test_graphs_are_listed_and_small_ones_pushed_as_on_disk(written: Path) -> None:
    engine = BoardEngine(written, live=False)
    engine.read(message=False)
    content, buffers = fields(engine.snapshot())
    listed = {(d["run"], d["tag"]): d for d in content["graphs"]}
    assert set(listed) == {(f"{w}_{m}", "graph") for w in ("torch", "tbx") for m in MODELS}
    pushed = {(d["run"], d["tag"]): d for d in content["graph_data"]}
    assert set(pushed) == set(listed)
    ld = Logdir(written)
    ld.reload()
    for (run, tag), data in pushed.items():
        gd = graph_def_on_disk(written / run)
        (entry,) = listed[(run, tag)]["graphs"]
        assert entry["error"] == "" and entry["kind"] == "op"
        assert entry["nodes"] == len(gd.node) == len(data["names"])
        assert data["names"] == [n.name for n in gd.node]
        assert data["ops"] == [n.op for n in gd.node]
        g = ld.graph(run, tag)
        src = decode(data["edge_source"], buffers)
        dst = decode(data["edge_target"], buffers)
        got = {(data["names"][a], data["names"][b]) for a, b in zip(src, dst, strict=True)}
        assert got == {(e.source, e.target) for e in g.edges}
        assert entry["edges"] == len(g.edges) == len(src)
        shapes = decode(data["edge_shape"], buffers)
        sizes = decode(data["edge_size"], buffers)
        for j, e in enumerate(g.edges):
            text = shape_text(e.shape)
            assert (data["shape_table"][shapes[j]] if shapes[j] >= 0 else "") == text
            want = shape_size(e.shape)
            assert (math.isnan(sizes[j]) and math.isnan(want)) or sizes[j] == want
        # the notes say what was dropped (GetAttr chains naming nodes never written)
        assert data["notes"] == list(g.notes)
    conv = pushed[("torch_cnn", "graph")]
    i = next(k for k, op in enumerate(conv["ops"]) if op == "aten::_convolution")
    assert conv["output_shapes"][i] == "2\u00d74\u00d78\u00d78"
    assert engine.status()["graphs"] == len(listed)


def test_shape_text_and_size() -> None:
    assert shape_text(None) == ""
    assert shape_text(()) == "scalar"
    assert shape_text((2, None, 3)) == "2\u00d7?\u00d73"
    assert shape_size((2, 3, 4)) == 24.0
    assert math.isnan(shape_size((2, None))) and math.isnan(shape_size(None))


def test_a_large_graph_is_listed_and_sent_when_asked(tmp_path: Path) -> None:
    gd = transformer_graph_def(layers=14)
    assert len(gd.node) > PUSH_NODES
    write_events(tmp_path / "big" / "events.out.tfevents.1", [graph_event(gd)])
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    content, _ = fields(engine.snapshot())
    ((delta,),) = [content["graphs"]]
    assert delta["graphs"][0]["nodes"] == len(gd.node)
    assert content["graph_data"] == []  # too large to push
    reply = engine.answer({"type": GRAPH_REQUEST, "items": [{"run": "big", "tag": "graph"}]})
    assert reply is not None
    msg, buffers = reply
    assert msg["type"] == GRAPH_DATA
    (item,) = msg["items"]  # type: ignore[typeddict-item]
    assert item["error"] == "" and item["names"] == [n.name for n in gd.node]
    assert len(decode(item["edge_source"], buffers)) == len(logdir_graph(tmp_path, "big").edges)
    # requests that name nothing, or are not requests, get no traceback
    bad = engine.answer({"type": GRAPH_REQUEST, "items": [{"run": "big", "tag": "nope"}, 3, {}]})
    assert bad is not None
    (missing,) = bad[0]["items"]  # type: ignore[typeddict-item]
    assert "no graph 'nope'" in missing["error"] and missing["names"] == []
    assert engine.answer({"type": GRAPH_REQUEST, "items": "x"})[0]["items"] == []  # type: ignore[index]


def test_a_graph_written_while_the_board_reads_arrives_as_a_delta(tmp_path: Path) -> None:
    path = tmp_path / "run" / "events.out.tfevents.1"
    write_events(path, [event_pb2.Event(wall_time=1.0e9, step=0)])
    engine = BoardEngine(tmp_path)
    engine.read(message=False)
    assert engine.snapshot()[0]["graphs"] == []  # type: ignore[typeddict-item]
    small = graph_pb2.GraphDef()
    small.node.add(name="a/x", op="IO Node")
    small.node.add(name="a/y", op="aten::relu", input=["a/x"])
    with path.open("ab") as f:
        f.write(frame(graph_event(small).SerializeToString()))
    msg = engine.read()
    assert msg is not None
    content, buffers = msg
    (delta,) = content["graphs"]  # type: ignore[typeddict-item]
    assert (delta["run"], delta["tag"], delta["total"]) == ("run", "graph", 1)
    (data,) = content["graph_data"]  # type: ignore[typeddict-item]
    assert data["names"] == ["a/x", "a/y"]
    assert decode(data["edge_source"], buffers).tolist() == [0]
    # written again under the same tag: a new delta and the new nodes
    small.node.add(name="a/z", op="aten::add", input=["a/y", "a/x"])
    with path.open("ab") as f:
        f.write(frame(graph_event(small, step=1).SerializeToString()))
    content, _ = engine.read()  # type: ignore[misc]
    (data,) = content["graph_data"]  # type: ignore[typeddict-item]
    assert data["names"] == ["a/x", "a/y", "a/z"] and data["step"] == 1
    assert engine.read() is None  # nothing new: nothing sent


def test_a_malformed_graph_is_a_listed_error_and_a_problem(tmp_path: Path) -> None:
    good = graph_pb2.GraphDef()
    good.node.add(name="n", op="Const")
    write_events(
        tmp_path / "bad" / "events.out.tfevents.1",
        [
            event_pb2.Event(wall_time=1.0e9, step=0, graph_def=b"\x0a\xff\xff\xff\x0f"),
            event_pb2.Event(
                wall_time=1.0e9,
                step=1,
                summary=summary_pb2.Summary(
                    value=[summary_pb2.Summary.Value(tag="loss", simple_value=1.0)]
                ),
            ),
        ],
    )
    write_events(tmp_path / "ok" / "events.out.tfevents.1", [graph_event(good)])
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    content, _ = engine.snapshot()
    listed = {d["run"]: d["graphs"][0] for d in content["graphs"]}  # type: ignore[typeddict-item]
    assert "malformed GraphDef" in listed["bad"]["error"]
    assert listed["ok"]["error"] == ""
    assert [d["run"] for d in content["graph_data"]] == ["ok"]  # type: ignore[typeddict-item]
    status = engine.status()
    assert any("malformed GraphDef" in p["message"] for p in status["problems"])
    assert status["points"] == 1  # the rest of the run is read
    reply = engine.answer({"type": GRAPH_REQUEST, "items": [{"run": "bad", "tag": "graph"}]})
    assert reply is not None and "malformed GraphDef" in reply[0]["items"][0]["error"]  # type: ignore[typeddict-item]


def test_the_kernel_holds_no_nodes_of_a_graph_not_opened(tmp_path: Path) -> None:
    gd = transformer_graph_def(layers=48)
    data = gd.SerializeToString()
    for r in range(4):
        write_events(tmp_path / f"run{r}" / "events.out.tfevents.1", [graph_event(data)])
    del gd
    gc.collect()
    tracemalloc.start()
    try:
        engine = BoardEngine(tmp_path, live=False)
        engine.read(message=False)
        engine.snapshot()  # what a browser opening the board gets: listings only
        gc.collect()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert engine.status()["graphs"] == 4
    assert held < len(data) // 2, f"{held:,} bytes held for 4 graphs of {len(data):,} bytes"


def test_the_export_carries_small_graphs_and_answers_for_large_ones(tmp_path: Path) -> None:
    small = graph_pb2.GraphDef()
    small.node.add(name="m/x", op="IO Node")
    write_events(tmp_path / "small" / "events.out.tfevents.1", [graph_event(small)])
    big = transformer_graph_def(layers=14)
    write_events(tmp_path / "big" / "events.out.tfevents.1", [graph_event(big)])
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    out = tmp_path / "board.html"
    export_html(engine, out, lambda _: None)
    page = out.read_text(encoding="utf-8")
    offline = json.loads(_script(page, "tbnb-offline").replace("\\u003c", "<"))
    table = offline[GRAPH_REQUEST]
    assert table["reply"] == GRAPH_DATA
    (key,) = table["replies"]
    assert json.loads(key) == {"run": "big", "tag": "graph"}
    reply = table["replies"][key]
    assert reply["names"] == [n.name for n in big.node]
    blob = table["blobs"][reply["edge_source"]["buffer"]]
    import base64

    src = np.frombuffer(base64.b64decode(blob), dtype="<i4")
    assert len(src) == len(logdir_graph(tmp_path, "big").edges)
    snap = json.loads(_script(page, "tbnb-snapshot").replace("\\u003c", "<"))
    assert [d["run"] for d in snap["message"]["graph_data"]] == ["small"]


def logdir_graph(path: Path, run: str) -> Any:
    ld = Logdir(path)
    ld.reload()
    return ld.graph(run)


def _script(page: str, sid: str) -> str:
    start = page.index(f'id="{sid}"')
    start = page.index(">", start) + 1
    return page[start : page.index("</script>", start)]


def test_the_static_snapshot_names_each_graph_and_its_top_level(
    written: Path, tmp_path: Path
) -> None:
    from tbnb.board.settings import ViewSettings
    from tbnb.board.static import render

    evil = graph_pb2.GraphDef()
    evil.node.add(name="<script>alert(1)</script>/x", op="IO Node")
    write_events(tmp_path / "evil" / "events.out.tfevents.1", [graph_event(evil)])
    engine = BoardEngine(written, live=False)
    engine.read(message=False)
    html = render(engine, ViewSettings())
    gd = graph_def_on_disk(written / "torch_mlp")
    assert f"torch_mlp · graph · {len(gd.node):,} nodes" in html
    assert "top level: input, output, MLP" in html
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    html = render(engine, ViewSettings())
    assert "<script>" not in html and "top level: &lt;script&gt;alert(1)&lt;" in html
