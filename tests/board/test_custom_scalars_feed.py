"""The Custom Scalars feed: the board's layout, merged over its runs, reaches the browser
as one series; it is sent again only when the merged layout changes (a run writing the
same layout adds nothing), a run's layout written later replaces its earlier one, and
--logdir_spec boards merge the layouts of every logdir."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from tensorboardX import SummaryWriter

from tbnb.board.engine import BoardEngine

LAYOUT = {
    "losses": {"loss": ["Multiline", ["loss/.*"]]},
    "accuracy": {"acc": ["Margin", ["acc/mean", "acc/lower", "acc/upper"]]},
}
_N = iter(range(1000))


def write(run: Path, layout: dict[str, Any]) -> None:
    w = SummaryWriter(str(run), filename_suffix=f".{next(_N)}")
    w.add_custom_scalars(layout)
    w.add_scalar("loss/train", 1.0, 0)
    w.close()


def deltas(engine: BoardEngine) -> list[dict[str, Any]]:
    msg = engine.read()
    return [] if msg is None else list(msg[0]["custom_scalars"])  # type: ignore[index, literal-required]


def test_layout_deltas(tmp_path: Path) -> None:
    write(tmp_path / "a", LAYOUT)
    engine = BoardEngine(tmp_path)
    (d,) = deltas(engine)
    assert (d["run"], d["tag"], d["start"], d["total"]) == ("", "", 0, 1)
    assert [c["title"] for c in d["categories"]] == ["losses", "accuracy"]
    assert d["categories"][0]["charts"] == [
        {"title": "loss", "kind": "multiline", "tags": ["loss/.*"], "margins": []}
    ]
    assert d["categories"][1]["charts"][0]["margins"] == [
        {"value": "acc/mean", "lower": "acc/lower", "upper": "acc/upper"}
    ]
    # another run with the same layout: nothing new to send
    write(tmp_path / "b", LAYOUT)
    assert deltas(engine) == []
    # a run adding a category (and sharing one): the merged layout, each category once
    write(
        tmp_path / "c",
        {"losses": {"lr": ["Multiline", ["lr"]]}, "more": {"m": ["Multiline", ["m"]]}},
    )
    (d,) = deltas(engine)
    assert [c["title"] for c in d["categories"]] == ["losses", "accuracy", "more"]
    assert [ch["title"] for ch in d["categories"][0]["charts"]] == ["loss", "lr"]
    # the snapshot holds the same
    snap = engine.snapshot()[0]["custom_scalars"]  # type: ignore[index, literal-required]
    assert snap == [d]
    assert engine.custom_scalars.count == 3


def test_rewritten_layout_replaces_the_runs_own(tmp_path: Path) -> None:
    write(tmp_path / "a", {"old": {"x": ["Multiline", ["x"]]}})
    engine = BoardEngine(tmp_path)
    (d,) = deltas(engine)
    assert [c["title"] for c in d["categories"]] == ["old"]
    write(tmp_path / "a", LAYOUT)  # a later file of the same run
    (d,) = deltas(engine)
    assert [c["title"] for c in d["categories"]] == ["losses", "accuracy"]


def test_logdir_spec_merges_every_logdir(tmp_path: Path) -> None:
    write(tmp_path / "one" / "a", LAYOUT)
    write(tmp_path / "two" / "a", {"other": {"o": ["Multiline", ["o"]]}})
    engine = BoardEngine(None, logdir_spec=f"first:{tmp_path / 'one'},second:{tmp_path / 'two'}")
    (d,) = deltas(engine)
    assert [c["title"] for c in d["categories"]] == ["losses", "accuracy", "other"]


def test_no_layout_sends_nothing(tmp_path: Path) -> None:
    w = SummaryWriter(str(tmp_path / "a"))
    w.add_scalar("x", 1.0, 0)
    w.close()
    engine = BoardEngine(tmp_path)
    assert deltas(engine) == []
    assert engine.snapshot()[0]["custom_scalars"] == []  # type: ignore[index, literal-required]


def test_charts_and_groups_from_python_and_the_magic() -> None:
    from tbnb.board.settings import run_groups_of, tag_charts_of
    from tbnb.magic import MagicUsageError, parse

    assert tag_charts_of("loss/.*") == ["loss/.*"]
    assert tag_charts_of(["a", "b/.*"]) == ["a", "b/.*"]
    for bad in (["loss/("], [""]):
        with pytest.raises(ValueError, match="charts"):
            tag_charts_of(bad)
    assert run_groups_of(r"lr_(.*)_seed\d+") == {"by": "regex", "regex": r"lr_(.*)_seed\d+"}
    assert run_groups_of({"hparam": "lr", "band": "std"}) == {
        "by": "hparam",
        "hparam": "lr",
        "band": "std",
    }
    assert run_groups_of(None) == {}
    for bad_spec in ({"band": "wide"}, {"regex": "("}, {"colour": "red"}):
        with pytest.raises(ValueError, match="groups"):
            run_groups_of(bad_spec)
    options, _ = parse("--logdir x --charts loss/.* --charts acc --groups lr_(.*)")
    assert options["charts"] == ["loss/.*", "acc"]
    assert options["groups"] == "lr_(.*)"
    assert "charts" not in parse("--logdir x")[0]
    with pytest.raises(MagicUsageError):
        parse("--chart x")


def test_board_takes_charts_and_groups(tmp_path: Path) -> None:
    import tbnb

    board = tbnb.Board(tmp_path, reload_interval=0, charts="loss/.*", groups=r"lr_(.*)")
    try:
        assert board.tag_charts == ["loss/.*"]
        assert board.run_groups == {"by": "regex", "regex": "lr_(.*)"}
        with pytest.raises(ValueError, match="charts"):
            tbnb.Board(tmp_path, reload_interval=0, charts=["("])
    finally:
        board.close()


def test_static_snapshot_lists_the_layout(tmp_path: Path) -> None:
    from tbnb.board.settings import ViewSettings
    from tbnb.board.static import render

    write(tmp_path / "a", {**LAYOUT, "<b>odd</b>": {"x<i>": ["Multiline", ["x"]]}})
    engine = BoardEngine(tmp_path)
    engine.read(message=False)
    html = render(engine, ViewSettings())
    assert "Custom Scalars" in html
    assert "loss: tags matching loss/.*" in html
    assert "acc: acc/mean between acc/lower and acc/upper" in html
    assert "<b>odd</b>" not in html and "&lt;b&gt;odd&lt;/b&gt;" in html
