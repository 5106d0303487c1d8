"""Graphs (issue 13): graphs written by torch's and tensorboardX's ``add_graph``, TF2's
``trace_export`` (corpus) and the Keras callback (corpus), read by ``Logdir.graph``.

Node names, ops and the inputs naming nodes never written are compared with the
GraphDef parsed by TensorBoard's own protos straight from the event file.
"""

from __future__ import annotations

import json
import struct
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from evhelpers import CORPUS, event_pb2, frame, scalar_event, version_event, write_records
from tensorboard.compat.proto import attr_value_pb2, config_pb2, graph_pb2

from tbnb.events import Logdir
from tbnb.events.graph_attrs import render_attr
from tbnb.events.graphs import GraphRef
from tbnb.events.proto import graph_pb2 as tbnb_graph_pb2

torch = pytest.importorskip("torch")

from tests.graph_models import CNN, MLP, MODELS  # noqa: E402


@pytest.fixture(scope="module")
def graphs_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Runs written by torch (scalars around the graph) and tensorboardX."""
    from tensorboardX import SummaryWriter as XWriter
    from torch.utils.tensorboard import SummaryWriter

    root = tmp_path_factory.mktemp("graphs")
    torch.manual_seed(0)
    for name, (cls, shape) in MODELS.items():
        w = SummaryWriter(str(root / f"torch_{name}"))
        w.add_scalar("loss", 1.0, 0)
        w.add_graph(cls(), torch.zeros(shape))
        w.add_scalar("loss", 0.5, 1)
        w.close()
        xw = XWriter(str(root / f"tbx_{name}"))
        xw.add_graph(cls(), torch.zeros(shape))
        xw.close()
    w = SummaryWriter(str(root / "two"))  # two graphs in one run
    w.add_graph(MLP(), torch.zeros(2, 6))
    w.add_graph(CNN(), torch.zeros(2, 1, 8, 8))
    w.close()
    return root


@pytest.fixture(scope="module")
def ld(graphs_dir: Path) -> Logdir:
    d = Logdir(graphs_dir)
    d.reload()
    return d


# ---- what is on disk, read with TensorBoard's protos ---------------------------------
def records(path: Path) -> list[bytes]:
    b = path.read_bytes()
    out, i = [], 0
    while i < len(b):
        (n,) = struct.unpack("<Q", b[i : i + 8])
        out.append(b[i + 12 : i + 12 + n])
        i += n + 16
    return out


def events_of(run_dir: Path) -> list[Any]:
    (path,) = run_dir.glob("*tfevents*")
    return [event_pb2.Event.FromString(r) for r in records(path)]


def graph_defs(run_dir: Path) -> list[Any]:
    return [
        graph_pb2.GraphDef.FromString(e.graph_def)
        for e in events_of(run_dir)
        if e.WhichOneof("what") == "graph_def"
    ]


def never_written(gd: Any) -> int:
    names = {n.name for n in gd.node}
    count = 0
    for n in gd.node:
        for i in n.input:
            src = i.lstrip("^")
            if src not in names and src.rpartition(":")[0] not in names:
                count += 1
    return count


# ---- torch and tensorboardX ----------------------------------------------------------
@pytest.mark.parametrize("writer", ["torch", "tbx"])
@pytest.mark.parametrize("model", sorted(MODELS))
def test_nodes_match_the_graph_def_on_disk(
    ld: Logdir, graphs_dir: Path, writer: str, model: str
) -> None:
    run = f"{writer}_{model}"
    (gd,) = graph_defs(graphs_dir / run)
    assert ld.tags(run)["graphs"] == ["graph"]
    g = ld.graph(run)
    assert g.kind == "op"
    assert g.tag == "graph"
    assert [(n.name, n.op, list(n.inputs)) for n in g.nodes] == [
        (n.name, n.op, list(n.input)) for n in gd.node
    ]
    assert len(g.nodes) == len(gd.node) > 5
    dropped = never_written(gd)
    assert dropped > 0  # torch's GetAttr chains name their module, never written
    assert any(
        note.startswith(f"{dropped} inputs name nodes that were never written") for note in g.notes
    )
    inputs = sum(len(n.input) for n in gd.node)
    assert len(g.edges) == inputs - dropped
    names = {n.name for n in g.nodes}
    assert all(e.source in names and e.target in names for e in g.edges)
    ops = {n.op for n in g.nodes}
    assert {"IO Node", "prim::GetAttr"} <= ops
    if writer == "torch":
        assert any("run metadata 'step1'" in n and "no node stats" in n for n in g.notes)


def test_node_output_shapes_and_attributes(ld: Logdir, graphs_dir: Path) -> None:
    (gd,) = graph_defs(graphs_dir / "torch_mlp")
    g = ld.graph("torch_mlp")
    by_name = {n.name: n for n in g.nodes}
    for n in gd.node:
        want = [tuple(d.size for d in s.dim) for s in n.attr["_output_shapes"].list.shape]
        assert list(by_name[n.name].output_shapes) == want
    getattr_node = next(n for n in g.nodes if n.op == "prim::GetAttr")
    assert getattr_node.attributes["attr"] in ("{ name :  weight }", "{ name :  bias }")
    assert "_output_shapes" not in getattr_node.attributes


def _edge_shapes(g: Any) -> dict[tuple[str, str], Any]:
    return {(e.source, e.target): e.shape for e in g.edges}


def test_known_edge_shapes(ld: Logdir) -> None:
    mlp = ld.graph("torch_mlp")
    ops = {n.name: n.op for n in mlp.nodes}
    shapes = _edge_shapes(mlp)
    into_first = [s for (a, b), s in shapes.items() if a == "input/x"]
    assert into_first == [(2, 6)]
    linears = [n for n in mlp.nodes if n.op == "aten::linear"]
    assert [n.name.split("/")[1] for n in linears] == ["Linear[fc1]", "Linear[fc2]"]
    relu = next(n.name for n in mlp.nodes if n.op == "aten::relu")
    assert shapes[(linears[0].name, relu)] == (2, 16)
    out = next(n for n in mlp.nodes if n.name.startswith("output/"))
    assert shapes[(linears[1].name, out.name)] == (2, 3)
    assert ops[out.name] == "IO Node"

    cnn = ld.graph("torch_cnn")
    convs = [n for n in cnn.nodes if n.op in {"aten::_convolution", "aten::conv2d"}]
    assert len(convs) == 2
    # the nested Sequential is a scope path of module classes and attribute names
    assert convs[1].name.startswith("CNN/Sequential[features]/Sequential[2]/Conv2d[0]/")
    cshapes = _edge_shapes(cnn)
    assert cshapes[("input/x", convs[0].name)] == (2, 1, 8, 8)
    pool = next(n.name for n in cnn.nodes if n.op.startswith("aten::max_pool2d"))
    assert any(a == pool and s == (2, 8, 4, 4) for (a, _), s in cshapes.items())


def test_a_block_used_four_times(ld: Logdir) -> None:
    g = ld.graph("torch_repeated")
    linears = [n.name for n in g.nodes if n.op == "aten::linear"]
    assert len(linears) == 8
    shared = [n for n in linears if n.startswith("Repeated/Block[block]/")]
    assert len(shared) == 4 and len(set(shared)) == 4  # four calls, four distinct nodes
    assert [n.split("/")[2] for n in linears if "Sequential[blocks]" in n] == [
        f"Block[{i}]" for i in range(4)
    ]
    # each call after the first takes the previous call's sum, a (3, 8) tensor
    ops = {n.name: n.op for n in g.nodes}
    for lin in linears[1:]:
        into = [e for e in g.edges if e.target == lin and ops[e.source] == "aten::add"]
        assert len(into) == 1 and into[0].shape == (3, 8)


def test_two_graphs_in_one_run(ld: Logdir, graphs_dir: Path) -> None:
    assert ld.tags("two")["graphs"] == ["graph", "graph_1"]
    first, second = graph_defs(graphs_dir / "two")
    assert [n.name for n in ld.graph("two", "graph").nodes] == [n.name for n in first.node]
    assert [n.name for n in ld.graph("two", "graph_1").nodes] == [n.name for n in second.node]
    assert ld.graph("two").tag == "graph"
    with pytest.raises(KeyError):
        ld.graph("two", "graph_2")
    with pytest.raises(KeyError):
        ld.graph("torch_mlp", "keras")


def test_scalars_beside_the_graph_are_read(ld: Logdir) -> None:
    for model in MODELS:
        s = ld.scalars(f"torch_{model}", "loss")
        assert s.step.tolist() == [0, 1]
        assert s.value.tolist() == [1.0, 0.5]
    assert ld.problems == []


# ---- TF2 trace_export and the Keras callback (corpus) --------------------------------
needs_corpus = pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")


@needs_corpus
def test_tf2_trace_export_graph() -> None:
    (want,) = json.loads((CORPUS / "tf2_dashboards" / "expected.json").read_text())["graphs"]
    d = Logdir(CORPUS / "tf2_dashboards")
    d.reload()
    run = "graph"
    assert d.tags(run)["graphs"] == [want["tag"]]
    g = d.graph(run)
    assert (g.kind, g.tag, g.step) == ("op", "my_func_trace", want["step"])
    assert g.wall_time == pytest.approx(want["wall_time"])
    assert len(g.nodes) == want["node_count"] == 18
    assert sorted([n.name, n.op] for n in g.nodes) == want["nodes"]
    shapes = _edge_shapes(g)
    assert shapes[("x", "dense1/MatMul")] == (2, 4)
    by_name = {n.name: n for n in g.nodes}
    assert by_name["dense1/MatMul"].attributes["T"] == "float32"
    assert by_name["dense1/MatMul"].inputs == ("x", "dense1/MatMul/ReadVariableOp")
    assert not any("never written" in n for n in g.notes)
    assert d.problems == []


@needs_corpus
def test_keras_callback_conceptual_graph() -> None:
    d = Logdir(CORPUS / "keras")
    d.reload()
    assert d.tags("train")["graphs"] == ["keras"]
    assert "graph_keras_model" not in d.tags("train")  # listed once, as a graph
    assert "graphs" not in d.tags("validation")
    g = d.graph("train", "keras")
    assert g.kind == "keras"
    assert [(n.name, n.op) for n in g.nodes] == [
        ("sequential/input_layer", "InputLayer"),
        ("sequential/hidden", "Dense"),
        ("sequential/out", "Dense"),
    ]
    assert [(e.source, e.target, e.shape) for e in g.edges] == [
        ("sequential/input_layer", "sequential/hidden", (None, 4)),
        ("sequential/hidden", "sequential/out", (None, 3)),
    ]
    hidden = g.nodes[1]
    assert hidden.attributes["class_name"] == "Dense"
    assert json.loads(hidden.attributes["config"])["units"] == 3
    assert hidden.inputs == ("sequential/input_layer",)
    assert d.scalars("train", "epoch_loss").step.size > 0


# ---- Keras functional models (configs as Keras 3 and Keras 2 write them) -------------
def _keras_tensor(layer: str, shape: list[int | None]) -> dict[str, Any]:
    return {
        "class_name": "__keras_tensor__",
        "config": {"shape": shape, "dtype": "float32", "keras_history": [layer, 0, 0]},
    }


def _layer(cls: str, name: str, inbound: list[Any]) -> dict[str, Any]:
    return {
        "module": "keras.layers",
        "class_name": cls,
        "name": name,
        "config": {"name": name},
        "inbound_nodes": inbound,
    }


KERAS3 = {
    "class_name": "Functional",
    "config": {
        "name": "two_towers",
        "layers": [
            _layer("InputLayer", "inp", []),
            _layer("Dense", "left", [{"args": [_keras_tensor("inp", [None, 4])], "kwargs": {}}]),
            _layer("Dense", "right", [{"args": [_keras_tensor("inp", [None, 4])], "kwargs": {}}]),
            _layer(
                "Concatenate",
                "cat",
                [
                    {
                        "args": [
                            [_keras_tensor("left", [None, 2]), _keras_tensor("right", [None, 3])]
                        ],
                        "kwargs": {},
                    }
                ],
            ),
            _layer("Dense", "head", [{"args": [_keras_tensor("ghost", [None, 5])], "kwargs": {}}]),
        ],
        "input_layers": [["inp", 0, 0]],
        "output_layers": [["head", 0, 0]],
    },
}
KERAS2 = {
    "class_name": "Model",
    "config": {
        "name": "model",
        "layers": [
            _layer("InputLayer", "input_1", []),
            _layer("Dense", "dense", [[["input_1", 0, 0, {}]]]),
            _layer("Add", "add", [[["dense", 0, 0, {}], ["input_1", 0, 0, {}]]]),
        ],
        "input_layers": [["input_1", 0, 0]],
        "output_layers": [["add", 0, 0]],
    },
}


def keras_event(config: Any, step: int = 0, tag: str = "keras") -> bytes:
    text = config if isinstance(config, bytes) else json.dumps(config).encode()
    ev = event_pb2.Event(wall_time=1.0e9, step=step)
    v = ev.summary.value.add(tag=tag)
    v.metadata.plugin_data.plugin_name = "graph_keras_model"
    v.metadata.plugin_data.content = b"1"
    v.tensor.dtype = 7  # DT_STRING
    v.tensor.string_val.append(text)
    return ev.SerializeToString()


def test_keras_functional_edges_from_inbound_nodes(logdir: Path) -> None:
    write_records(logdir / "k3" / "events.out.tfevents.1", [version_event(), keras_event(KERAS3)])
    write_records(logdir / "k2" / "events.out.tfevents.1", [version_event(), keras_event(KERAS2)])
    d = Logdir(logdir)
    d.reload()
    g = d.graph("k3")
    assert [n.name for n in g.nodes] == [
        f"two_towers/{n}" for n in ("inp", "left", "right", "cat", "head")
    ]
    p = "two_towers/"
    assert [(e.source, e.target, e.shape) for e in g.edges] == [
        (p + "inp", p + "left", (None, 4)),
        (p + "inp", p + "right", (None, 4)),
        (p + "left", p + "cat", (None, 2)),
        (p + "right", p + "cat", (None, 3)),
    ]
    assert g.nodes[3].inputs == (p + "left", p + "right")
    assert g.notes == (
        "1 input names a node that was never written (1 name: "
        "'two_towers/ghost'); their edges are left out",
    )
    g2 = d.graph("k2")
    assert [(e.source, e.target) for e in g2.edges] == [
        ("model/input_1", "model/dense"),
        ("model/dense", "model/add"),
        ("model/input_1", "model/add"),
    ]


def test_keras_nested_model_edges_go_to_its_layers(logdir: Path) -> None:
    inner = {
        "class_name": "Sequential",
        "name": "inner",
        "config": {
            "name": "inner",
            "layers": [
                {"class_name": "Dense", "config": {"name": "a"}},
                {"class_name": "Dense", "config": {"name": "b"}},
            ],
        },
        "inbound_nodes": [[["x", 0, 0, {}]]],
    }
    outer = {
        "class_name": "Functional",
        "config": {
            "name": "outer",
            "layers": [
                _layer("InputLayer", "x", []),
                inner,
                _layer("Dense", "y", [[["inner", 0, 0, {}]]]),
            ],
        },
    }
    write_records(logdir / "n" / "events.out.tfevents.1", [keras_event(outer)])
    d = Logdir(logdir)
    d.reload()
    g = d.graph("n")
    assert [n.name for n in g.nodes] == ["outer/x", "outer/inner/a", "outer/inner/b", "outer/y"]
    assert sorted((e.source, e.target) for e in g.edges) == [
        ("outer/inner/a", "outer/inner/b"),
        ("outer/inner/b", "outer/y"),
        ("outer/x", "outer/inner/a"),
    ]


# ---- lazy reading --------------------------------------------------------------------
def big_graph_def(seed: int, nodes: int = 100) -> bytes:
    gd = graph_pb2.GraphDef()
    for i in range(nodes):
        n = gd.node.add(name=f"g{seed}/n{i}", op="aten::linear")
        if i:
            n.input.append(f"g{seed}/n{i - 1}")
        n.attr["attr"].s = (f"{seed}-{i}-" * 200).encode()  # ~2 KB a node
    return gd.SerializeToString()


def graph_event(data: bytes, step: int = 0) -> bytes:
    return event_pb2.Event(wall_time=1.0e9, step=step, graph_def=data).SerializeToString()


def test_fifty_graphs_are_indexed_not_held(logdir: Path) -> None:
    total = 0
    for r in range(25):
        blobs = [big_graph_def(2 * r), big_graph_def(2 * r + 1)]
        total += sum(len(b) for b in blobs)
        events = [version_event(), graph_event(blobs[0]), scalar_event("loss", 0, 1.0)]
        write_records(
            logdir / f"run{r:02d}" / "events.out.tfevents.1", [*events, graph_event(blobs[1])]
        )
    assert total > 5_000_000
    tracemalloc.start()
    try:
        d = Logdir(logdir)
        d.reload()
        held, _ = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert held < total / 10  # what the reader keeps is far less than the graphs' bytes
    refs = [ref for r in d._runs.values() for ref in r.graphs.refs.values()]
    assert len(refs) == 50
    for ref in refs:
        assert isinstance(ref, GraphRef)
        kept = {name: getattr(ref, name) for name in GraphRef.__slots__}
        assert not any(isinstance(v, bytes | bytearray | memoryview) for v in kept.values())
        assert isinstance(ref.offset, int) and ref.length > 100_000
    assert d.tags("run07")["graphs"] == ["graph", "graph_1"]
    g = d.graph("run07", "graph_1")
    assert len(g.nodes) == 100 and g.nodes[0].name == "g15/n0"
    assert len(g.nodes[0].attributes["attr"]) < 300  # a long string attribute is cut
    # read from the file when asked: a record changed on disk is said to be so
    path = logdir / "run07" / "events.out.tfevents.1"
    raw = bytearray(path.read_bytes())
    at = raw.index(b"g14/n5")
    raw[at : at + 6] = b"g14/m5"
    path.write_bytes(bytes(raw))
    with pytest.raises(ValueError, match="changed on disk"):
        d.graph("run07", "graph")


# ---- bad graphs ------------------------------------------------------------------------
def truncated(data: bytes) -> bytes:
    """``data`` cut where TensorBoard's own parser refuses it."""
    for cut in range(len(data) // 2, len(data)):
        try:
            graph_pb2.GraphDef.FromString(data[:cut])
        except Exception:
            return data[:cut]
    raise AssertionError("no cut of the GraphDef fails to parse")


def run_metadata_event(data: bytes, tag: str = "trace") -> bytes:
    ev = event_pb2.Event(wall_time=1.0e9, step=0)
    v = ev.summary.value.add(tag=tag)
    v.metadata.plugin_data.plugin_name = "graph_run_metadata_graph"
    v.tensor.dtype = 7
    v.tensor.string_val.append(data)
    return ev.SerializeToString()


def test_malformed_graphs_are_problems_and_the_run_is_read(logdir: Path, graphs_dir: Path) -> None:
    good = next(e.graph_def for e in events_of(graphs_dir / "torch_cnn") if e.graph_def)
    garbled = bytearray(frame(graph_event(good)))
    garbled[40] ^= 0xFF  # data changed under its CRC
    rm = config_pb2.RunMetadata()
    rm.function_graphs.add().pre_optimization_graph.ParseFromString(big_graph_def(1, 3))
    blob = b"".join(
        [
            frame(version_event()),
            frame(scalar_event("loss", 0, 0.0)),
            frame(graph_event(b"\x0a\xff\xff\xff\xff\x0f")),  # a node longer than the data
            frame(scalar_event("loss", 1, 1.0)),
            frame(graph_event(truncated(good))),
            frame(scalar_event("loss", 2, 2.0)),
            bytes(garbled),
            frame(graph_event(good)),
            frame(run_metadata_event(b"\xff\xff")),
            frame(run_metadata_event(rm.SerializeToString(), "fine_trace")),
            frame(keras_event(b"{not json")),
            frame(scalar_event("loss", 3, 3.0)),
        ]
    )
    (logdir / "run").mkdir()
    (logdir / "run" / "events.out.tfevents.1").write_bytes(blob)
    d = Logdir(logdir)
    d.reload()
    assert d.scalars("run", "loss").step.tolist() == [0, 1, 2, 3]
    assert d.tags("run")["graphs"] == [
        "graph",
        "graph_1",
        "graph_2",
        "trace",
        "fine_trace",
        "keras",
    ]
    messages = [p.message for p in d.problems]
    assert sum("bad data CRC" in m for m in messages) == 1
    for tag, why in [
        ("graph", "malformed GraphDef"),
        ("graph_1", "malformed GraphDef"),
        ("trace", "malformed RunMetadata"),
        ("keras", "not JSON"),
    ]:
        said = f"graph {tag!r} cannot be read: "
        assert any(m.startswith(said) and why in m for m in messages), tag
        with pytest.raises(ValueError, match=f"graph {tag!r} of run 'run' cannot be read: .*{why}"):
            d.graph("run", tag)
    assert len(messages) == 5
    assert len(d.graph("run", "graph_2").nodes) == len(graph_pb2.GraphDef.FromString(good).node)
    assert [n.name for n in d.graph("run", "fine_trace").nodes] == ["g1/n0", "g1/n1", "g1/n2"]


# ---- attributes ----------------------------------------------------------------------
def _render(av: Any) -> str:
    return render_attr(tbnb_graph_pb2.AttrValue.FromString(av.SerializeToString()))


def test_attributes_are_readable_text() -> None:
    av = attr_value_pb2.AttrValue
    big = av()
    big.tensor.dtype = 1
    big.tensor.tensor_shape.dim.add(size=100)
    big.tensor.tensor_shape.dim.add(size=100)
    big.tensor.tensor_content = b"\0" * 40_000
    assert _render(big) == "float32 [100, 100]"  # summarised, not dumped
    small = av()
    small.tensor.dtype = 3
    small.tensor.tensor_shape.dim.add(size=3)
    small.tensor.int_val.extend([1, 2, 3])
    assert _render(small) == "int32 [3] = [1, 2, 3]"
    shapes = av()
    s = shapes.list.shape.add()
    s.dim.add(size=-1)
    s.dim.add(size=4)
    shapes.list.shape.add(unknown_rank=True)
    assert _render(shapes) == "[[?, 4], <unknown rank>]"
    assert _render(av(type=1)) == "float32"
    assert _render(av(type=101)) == "float32_ref"
    assert _render(av(b=True)) == "true"
    assert _render(av(f=0.1)) == "0.1"
    assert _render(av(i=-7)) == "-7"
    many = av()
    many.list.i.extend(range(40))
    assert _render(many) == "[" + ", ".join(map(str, range(16))) + ", ... (24 more)]"
    assert _render(av(s=b"x" * 1000)).endswith("... (800 more characters)")
    assert _render(av(placeholder="T")) == "$T"
    fn = av()
    fn.func.name = "body"
    fn.func.attr["T"].type = 1
    assert _render(fn) == "body(T=float32)"
    assert _render(av()) == ""


def test_a_tag_written_again_keeps_the_last_and_purge_drops_later_graphs(logdir: Path) -> None:
    from evhelpers import start_event

    one_layer = {
        "class_name": "Sequential",
        "config": {"name": "s", "layers": [{"class_name": "Dense", "config": {"name": "only"}}]},
    }
    events = [
        version_event(),
        graph_event(big_graph_def(0, 2), step=0),
        keras_event(KERAS2, step=0),
        keras_event(one_layer, step=5),
        graph_event(big_graph_def(1, 2), step=7),
        start_event(6),  # a restart from step 6 drops what was written at 6 and after
        scalar_event("loss", 6, 1.0),
    ]
    write_records(logdir / "r" / "events.out.tfevents.1", events)
    d = Logdir(logdir)
    d.reload()
    assert d.tags("r")["graphs"] == ["graph", "keras"]
    g = d.graph("r", "keras")
    assert (g.step, [n.name for n in g.nodes]) == (5, ["s/only"])
    assert g.notes == ("written 2 times: the last (step 5) is shown",)
    assert [n.name for n in d.graph("r").nodes] == ["g0/n0", "g0/n1"]
    assert d.problems == []
