"""The two halves of the protocol stay equal: every message typed in
tbnb/board/protocol.py has an interface of the same name in js/src/protocol.ts with the
same fields, and the message type names are the same on both sides."""

from __future__ import annotations

import re
import typing
from pathlib import Path

import pytest

from tbnb.board import protocol

TS = Path(__file__).resolve().parents[2] / "js" / "src" / "protocol.ts"

# messages and their parts that both sides define (Python-only helpers are left out)
SHARED = [
    "ArrayRef",
    "ScalarDelta",
    "HistogramDelta",
    "ImageDelta",
    "ImageData",
    "TextEntry",
    "TextDelta",
    "GraphEntry",
    "GraphDelta",
    "GraphData",
    "GraphDataMessage",
    "GraphRequest",
    "HParamInfoEntry",
    "MetricInfoEntry",
    "ExperimentEntry",
    "HParamsInfo",
    "SessionEntry",
    "HParamsDelta",
    "PRCurveDelta",
    "MarginEntry",
    "LayoutChartEntry",
    "LayoutCategoryEntry",
    "CustomScalarsDelta",
    "UpdateMessage",
    "ImageDataMessage",
    "ImageRequest",
    "ScalarData",
    "ScalarDataMessage",
    "ScalarRequest",
    "Snapshot",
    "ResyncMessage",
    "PaintedMessage",
    "Status",
    "Problem",
    "EmbeddingEntry",
    "EmbeddingMessage",
    "ProjectionMessage",
    "NeighborsMessage",
    "ProjectorErrorMessage",
    "AudioDelta",
    "AudioData",
    "AudioDataMessage",
    "AudioRequest",
    "MeshEntry",
    "MeshDelta",
    "MeshData",
    "MeshDataMessage",
    "MeshRequest",
]

_INTERFACE = re.compile(r"export interface (\w+)(?:\s+extends\s+([\w\s,]+?))?\s*\{(.*?)\n\}", re.S)
_FIELD = re.compile(r"^\s*(\w+)(\??):", re.M)


def _strip_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def ts_interfaces(text: str) -> dict[str, set[str]]:
    """Interface name -> its field names (inherited ones included)."""
    raw: dict[str, tuple[list[str], set[str]]] = {}
    for name, bases, body in _INTERFACE.findall(_strip_comments(text)):
        # only the top level of the body: drop nested object types
        depth, top = 0, []
        for ch in body:
            depth += ch == "{"
            if depth == 0:
                top.append(ch)
            depth -= ch == "}"
        fields = {m.group(1) for m in _FIELD.finditer("".join(top))}
        raw[name] = ([b.strip() for b in bases.split(",") if b.strip()], fields)

    def resolve(name: str) -> set[str]:
        bases, fields = raw[name]
        out = set(fields)
        for b in bases:
            out |= resolve(b)
        return out

    return {name: resolve(name) for name in raw}


def py_fields(name: str) -> set[str]:
    td = getattr(protocol, name)
    return set(typing.get_type_hints(td))


def test_the_parser_reads_what_it_compares() -> None:
    text = "export interface A {\n  a: number; // x\n  b?: { c: string };\n}\n"
    text += "export interface B extends A {\n  d: string;\n}\n"
    assert ts_interfaces(text) == {"A": {"a", "b"}, "B": {"a", "b", "d"}}


@pytest.mark.parametrize("name", SHARED)
def test_message_fields_are_equal_on_both_sides(name: str) -> None:
    interfaces = ts_interfaces(TS.read_text(encoding="utf-8"))
    assert name in interfaces, f"js/src/protocol.ts has no interface {name}"
    assert py_fields(name) == interfaces[name], name


def test_message_type_names_are_equal_on_both_sides() -> None:
    text = _strip_comments(TS.read_text(encoding="utf-8"))
    # a message type is one literal ("type: \"update\";"), not a union of values
    ts_types = set(re.findall(r"\btype:\s*\"(\w+)\"\s*[;,}]", text))
    py_types = {
        v for k, v in vars(protocol).items() if k.isupper() and isinstance(v, str) and k != "DTYPES"
    }
    assert ts_types == py_types


def test_dtype_codecs_are_equal_on_both_sides() -> None:
    text = TS.read_text(encoding="utf-8")
    (union,) = re.findall(r"export type DType = ([^;]+);", text)
    ts = set(re.findall(r'"(\w+)"', union))
    assert ts == set(protocol.DTYPES.values())
