"""Models whose graphs the tests and benchmarks write with real writers' ``add_graph``
(torch's and tensorboardX's), and a synthetic GraphDef too large to trace quickly.

- ``MLP``, ``CNN`` (nested ``nn.Sequential``) and ``Repeated`` (a block used four times
  and a Sequential of four blocks): the issue's three kinds of model.
- ``ResNet``: a ResNet-style CNN of 16 residual blocks (about 550 nodes, 1,300 edges in
  torch's graph), the benchmark's model.
- ``transformer_graph_def``: a deep transformer-like scope tree of about 20,000 nodes,
  named as torch names them, built as a GraphDef directly.
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn


class MLP(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.fc1 = nn.Linear(6, 16)
        self.act = nn.ReLU()
        self.fc2 = nn.Linear(16, 3)

    def forward(self, x: Any) -> Any:
        return self.fc2(self.act(self.fc1(x)))


class CNN(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1),
            nn.ReLU(),
            nn.Sequential(nn.Conv2d(4, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2)),
        )
        self.head = nn.Linear(8 * 4 * 4, 5)

    def forward(self, x: Any) -> Any:
        return self.head(torch.flatten(self.features(x), 1))


class Block(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.lin = nn.Linear(8, 8)

    def forward(self, x: Any) -> Any:
        return torch.relu(self.lin(x)) + x


class Repeated(nn.Module):
    """One block used 4 times, and a Sequential of 4 blocks (``Block[3]``)."""

    def __init__(self) -> None:
        super().__init__()
        self.block = Block()
        self.blocks = nn.Sequential(*[Block() for _ in range(4)])

    def forward(self, x: Any) -> Any:
        for _ in range(4):
            x = self.block(x)
        return self.blocks(x)


MODELS: dict[str, tuple[type[nn.Module], tuple[int, ...]]] = {
    "mlp": (MLP, (2, 6)),
    "cnn": (CNN, (2, 1, 8, 8)),
    "repeated": (Repeated, (3, 8)),
}


class Bottleneck(nn.Module):
    def __init__(self, channels: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels // 2, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels // 2)
        self.conv2 = nn.Conv2d(channels // 2, channels // 2, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels // 2)
        self.conv3 = nn.Conv2d(channels // 2, channels, 1, bias=False)
        self.bn3 = nn.BatchNorm2d(channels)

    def forward(self, x: Any) -> Any:
        y = torch.relu(self.bn1(self.conv1(x)))
        y = torch.relu(self.bn2(self.conv2(y)))
        return torch.relu(self.bn3(self.conv3(y)) + x)


class ResNet(nn.Module):
    """A ResNet-style CNN: a stem, ``blocks`` residual blocks, a head."""

    def __init__(self, blocks: int = 16, channels: int = 8) -> None:
        super().__init__()
        self.stem = nn.Sequential(
            nn.Conv2d(3, channels, 3, padding=1), nn.BatchNorm2d(channels), nn.ReLU()
        )
        self.layers = nn.Sequential(*[Bottleneck(channels) for _ in range(blocks)])
        self.fc = nn.Linear(channels, 10)

    def forward(self, x: Any) -> Any:
        return self.fc(
            torch.flatten(nn.functional.adaptive_avg_pool2d(self.layers(self.stem(x)), 1), 1)
        )


def transformer_graph_def(layers: int = 48, heads: int = 8) -> Any:
    """A GraphDef of a deep transformer-like model named as torch names scopes (about
    ``layers * 410`` nodes), each layer's attention split into ``heads`` heads."""
    from tensorboard.compat.proto import graph_pb2

    gd = graph_pb2.GraphDef()
    count = 0

    def node(scope: str, op: str, inputs: list[str], shape: list[int] | None = None) -> str:
        nonlocal count
        count += 1
        name = f"{scope}/{op.rsplit('::', maxsplit=1)[-1]}.{count}"
        n = gd.node.add(name=name, op=op)
        n.input.extend(inputs)
        if shape is not None:
            s = n.attr["_output_shapes"].list.shape.add()
            for d in shape:
                s.dim.add(size=d)
        return name

    def linear(scope: str, x: str, shape: list[int]) -> str:
        w = node(f"{scope}/weight", "prim::GetAttr", [])
        b = node(f"{scope}/bias", "prim::GetAttr", [])
        return node(scope, "aten::linear", [x, w, b], shape)

    x = node("input", "IO Node", [], [4, 128])
    root = "Transformer"
    x = linear(f"{root}/Embedding[embed]", x, [4, 128, 512])
    for i in range(layers):
        layer = f"{root}/Encoder[encoder]/ModuleList[layers]/Layer[{i}]"
        attn = f"{layer}/Attention[attn]"
        outs = []
        for h in range(heads):
            head = f"{attn}/Head[{h}]"
            q = linear(f"{head}/Linear[q]", x, [4, 128, 64])
            k = linear(f"{head}/Linear[k]", x, [4, 128, 64])
            v = linear(f"{head}/Linear[v]", x, [4, 128, 64])
            t = node(head, "aten::transpose", [k], [4, 64, 128])
            s = node(head, "aten::matmul", [q, t], [4, 128, 128])
            c = node(head, "prim::Constant", [])
            s = node(head, "aten::div", [s, c], [4, 128, 128])
            s = node(head, "aten::softmax", [s], [4, 128, 128])
            s = node(head, "aten::dropout", [s], [4, 128, 128])
            for _ in range(34):  # the masking and reshaping a real trace is full of
                s = node(head, "aten::view", [s], [4, 128, 128])
            outs.append(node(head, "aten::matmul", [s, v], [4, 128, 64]))
        cat = node(attn, "aten::cat", outs, [4, 128, 512])
        a = linear(f"{attn}/Linear[out]", cat, [4, 128, 512])
        x = node(layer, "aten::add", [x, a], [4, 128, 512])
        x = node(f"{layer}/LayerNorm[norm1]", "aten::layer_norm", [x], [4, 128, 512])
        h1 = linear(f"{layer}/MLP[mlp]/Linear[fc1]", x, [4, 128, 2048])
        h1 = node(f"{layer}/MLP[mlp]/GELU[act]", "aten::gelu", [h1], [4, 128, 2048])
        h2 = linear(f"{layer}/MLP[mlp]/Linear[fc2]", h1, [4, 128, 512])
        x = node(layer, "aten::add", [x, h2], [4, 128, 512])
        x = node(f"{layer}/LayerNorm[norm2]", "aten::layer_norm", [x], [4, 128, 512])
    x = linear(f"{root}/Linear[head]", x, [4, 128, 1000])
    node("output", "IO Node", [x], [4, 128, 1000])
    return gd
