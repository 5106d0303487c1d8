"""Custom Scalars layouts (tbnb/events/layouts.py) as torch's, tensorboardX's and TF's
writers leave them: the last layout of a run wins, the runs' layouts are merged with
each category once, and a layout that cannot be read is a problem, never a crash."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from evhelpers import CORPUS, frame, start_event, version_event, write_records
from tensorboard.compat.proto import event_pb2

from tbnb.events import Layout, LayoutCategory, LayoutChart, Logdir, MarginSeries
from tbnb.events.kinds import Kind

LAYOUT = {
    "losses": {"loss": ["Multiline", ["loss/train", "loss/test"]]},
    "accuracy": {"acc with bounds": ["Margin", ["acc/mean", "acc/lower", "acc/upper"]]},
}
WANT = Layout(
    (
        LayoutCategory(
            "losses", False, (LayoutChart("loss", "multiline", tags=("loss/train", "loss/test")),)
        ),
        LayoutCategory(
            "accuracy",
            False,
            (
                LayoutChart(
                    "acc with bounds",
                    "margin",
                    margins=(MarginSeries("acc/mean", "acc/lower", "acc/upper"),),
                ),
            ),
        ),
    )
)


def _write(writer_cls: type, run: Path, layout: dict[str, object]) -> None:
    w = writer_cls(str(run))
    w.add_custom_scalars(layout)
    for step in range(3):
        w.add_scalar("loss/train", 1.0 / (step + 1), step)
    w.close()


@pytest.mark.parametrize("writer", ["torch", "tensorboardX"])
def test_writers_layout(logdir: Path, writer: str) -> None:
    if writer == "torch":
        from torch.utils.tensorboard import SummaryWriter
    else:
        from tensorboardX import SummaryWriter
    _write(SummaryWriter, logdir / "a", LAYOUT)
    ld = Logdir(logdir)
    changes = ld.reload()
    assert ld.custom_scalars("a") == WANT
    assert ld.custom_scalars() == WANT
    assert ld.tags("a")[Kind.CUSTOM_SCALARS] == ["custom_scalars__config__"]
    change = changes.series[("a", Kind.CUSTOM_SCALARS, "")]
    assert change.series == [WANT]
    assert ld.problems == []


def test_tf_corpus_layout() -> None:
    if not CORPUS.exists():
        pytest.skip("shared corpus not available")
    expected = json.loads((CORPUS / "tf2_dashboards" / "expected.json").read_text())
    want = expected["custom_scalars"][0]["layout"]
    ld = Logdir(CORPUS / "tf2_dashboards")
    ld.reload()
    got = ld.custom_scalars("custom_scalars")
    assert got is not None
    assert [c.title for c in got.categories] == [c["title"] for c in want["category"]]
    assert [c.closed for c in got.categories] == [c["closed"] for c in want["category"]]
    for cat, wcat in zip(got.categories, want["category"], strict=True):
        for chart, wchart in zip(cat.charts, wcat["chart"], strict=True):
            assert chart.title == wchart["title"]
            if "multiline" in wchart:
                assert chart.kind == "multiline"
                assert list(chart.tags) == wchart["multiline"]["tag"]
            else:
                assert chart.kind == "margin"
                assert [vars(m) for m in chart.margins] == wchart["margin"]["series"]


def test_last_layout_wins_and_runs_merge(logdir: Path) -> None:
    from torch.utils.tensorboard import SummaryWriter

    w = SummaryWriter(str(logdir / "a"))
    w.add_custom_scalars({"old": {"x": ["Multiline", ["x"]]}})
    w.flush()
    ld = Logdir(logdir)
    ld.reload()
    assert [c.title for c in ld.custom_scalars().categories] == ["old"]  # type: ignore[union-attr]
    w.add_custom_scalars(LAYOUT)  # written again later in the run: this one wins
    w.close()
    changes = ld.reload()
    assert changes.series[("a", Kind.CUSTOM_SCALARS, "")].series == [WANT]
    # a second run: its own category, one shared with run a (its charts added once)
    _write(
        SummaryWriter,
        logdir / "b",
        {
            "losses": {
                "loss": ["Multiline", ["loss/train", "loss/test"]],
                "lr": ["Multiline", ["lr"]],
            },
            "extra": {"e": ["Multiline", ["e/.*"]]},
        },
    )
    ld.reload()
    merged = ld.custom_scalars()
    assert merged is not None
    assert [c.title for c in merged.categories] == ["losses", "accuracy", "extra"]
    assert [ch.title for ch in merged.categories[0].charts] == ["loss", "lr"]


def _layout_event(content: bytes, step: int = 0, dtype: int = 7) -> bytes:
    ev = event_pb2.Event(wall_time=1.0e9, step=step)
    v = ev.summary.value.add(tag="custom_scalars__config__")
    v.metadata.plugin_data.plugin_name = "custom_scalars"
    v.tensor.dtype = dtype
    if dtype == 7:
        v.tensor.string_val.append(content)
    else:
        v.tensor.float_val.append(1.0)
    return ev.SerializeToString()


def test_garbled_layout_is_a_problem(logdir: Path) -> None:
    from tensorboard.plugins.custom_scalar import layout_pb2

    good = layout_pb2.Layout(
        category=[layout_pb2.Category(title="c", chart=[layout_pb2.Chart(title="t")])]
    ).SerializeToString()
    write_records(
        logdir / "a" / "events.out.tfevents.1.h",
        [
            version_event(),
            _layout_event(good, 0),
            _layout_event(b"\x12\xff\xff\xff\x0f", 1),  # a length past the end
            _layout_event(b"", 2, dtype=1),  # not a string
        ],
    )
    ld = Logdir(logdir)
    ld.reload()
    got = ld.custom_scalars("a")
    assert got is not None  # the layout read before the bad ones is kept
    assert [c.title for c in got.categories] == ["c"]
    assert got.categories[0].charts == ()
    assert any("has no content" in n for n in got.notes)
    messages = [p.message for p in ld.problems]
    assert any("custom scalars layout cannot be read" in m for m in messages), messages
    assert any("not one string" in m for m in messages), messages


def test_restart_purges_a_later_layout(logdir: Path) -> None:
    from tensorboard.plugins.custom_scalar import layout_pb2

    def lay(title: str) -> bytes:
        return layout_pb2.Layout(category=[layout_pb2.Category(title=title)]).SerializeToString()

    path = logdir / "a" / "events.out.tfevents.1.h"
    write_records(
        path, [version_event(), _layout_event(lay("first"), 0), _layout_event(lay("second"), 5)]
    )
    ld = Logdir(logdir)
    ld.reload()
    assert [c.title for c in ld.custom_scalars("a").categories] == ["second"]  # type: ignore[union-attr]
    with path.open("ab") as f:
        f.write(frame(start_event(3)))
    changes = ld.reload()
    assert [c.title for c in ld.custom_scalars("a").categories] == ["first"]  # type: ignore[union-attr]
    assert ("a", Kind.CUSTOM_SCALARS, "") in changes.series


def test_no_layout(logdir: Path) -> None:
    write_records(logdir / "a" / "events.out.tfevents.1.h", [version_event()])
    ld = Logdir(logdir)
    ld.reload()
    assert ld.custom_scalars() == Layout()
    assert ld.custom_scalars("a") is None
