"""The hparams feed (issue 14): the sessions written by torch's and tensorboardX's
``add_hparams`` and TF2's hparams API reach the browser as rows, each value as written;
a sweep that goes on sends only its new rows; a session's metric written later resends
its row; --logdir_spec prefixes every run a session names; the snapshot shows the table."""

from __future__ import annotations

import math
import shutil
from pathlib import Path
from typing import Any

import pytest
from tensorboardX import SummaryWriter as XWriter

from tbnb.board.engine import BoardEngine
from tbnb.board.protocol import decode
from tbnb.board.settings import ViewSettings
from tbnb.board.static import render

torch = pytest.importorskip("torch")
from torch.utils.tensorboard import SummaryWriter  # noqa: E402

CORPUS = Path("/work/shared/corpus")
if not CORPUS.is_dir():
    CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"


def rows(content: dict[str, Any], buffers: list[Any]) -> dict[str, dict[str, Any]]:
    """Session run -> its entry, with the metrics decoded."""
    out: dict[str, dict[str, Any]] = {}
    for d in content["hparams"]:
        if not d["sessions"]:
            out[d["run"]] = {}
            continue
        (e,) = d["sessions"]
        values = decode(e["metric_values"], buffers)
        out[d["run"]] = {
            **e,
            "hparams": dict(e["hparams"]),
            "metrics": dict(zip(e["metric_keys"], values.tolist(), strict=True)),
        }
    return out


SWEEP = [
    ({"lr": 0.1, "optimizer": "adam", "batchnorm": True, "layers": 2}, {"hparam/acc": 0.9}),
    ({"lr": 0.01, "optimizer": "sgd", "batchnorm": False, "layers": 4}, {"hparam/acc": 0.8}),
]


def test_sessions_reach_the_browser_as_written(tmp_path: Path) -> None:
    w = SummaryWriter(str(tmp_path / "torch_exp"))
    for s in range(5):
        w.add_scalar("Loss/train", 1.0 / (s + 1), s)
    for hp, metrics in SWEEP:
        w.add_hparams(hp, metrics)
    w.add_hparams({"lr": 0.5, "optimizer": "adam"}, {"hparam/acc": math.nan}, run_name="named")
    w.close()
    xw = XWriter(str(tmp_path / "tbx_exp"))
    xw.add_hparams({"lr": 0.2, "batchnorm": True, "name": "x<b>"}, {"hparam/acc": 0.7})
    xw.close()
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    content, buffers = engine.snapshot()
    got = rows(content, buffers)  # type: ignore[arg-type]
    torch_rows = sorted(
        (r for r in got.values() if r["parent"] == "torch_exp" and r["hparams"].get("layers")),
        key=lambda r: -r["hparams"]["lr"],
    )
    assert len(torch_rows) == 2
    for row, (hp, metrics) in zip(torch_rows, SWEEP, strict=True):
        # torch writes a bool as a number
        assert row["hparams"] == {**hp, "batchnorm": float(hp["batchnorm"])}
        assert row["metrics"] == pytest.approx(metrics)  # float32 scalars
        assert row["status"] == "success" and row["name"].startswith("torch_exp")
    (named,) = [r for run, r in got.items() if run == "torch_exp/named"]
    assert named["parent"] == "torch_exp" and math.isnan(named["metrics"]["hparam/acc"])
    assert any("NaN" in n for n in named["notes"])
    (tbx,) = [r for r in got.values() if r["parent"] == "tbx_exp"]
    assert tbx["hparams"] == {"lr": 0.2, "batchnorm": True, "name": "x<b>"}
    (info,) = content["hparams_info"]  # type: ignore[typeddict-item]
    assert {h["name"] for e in info["experiments"] for h in e["hparams"]} >= {"lr", "layers"}
    assert engine.status()["sessions"] == 4
    # the snapshot of a saved notebook: the table, escaped
    html = render(engine, ViewSettings())
    assert "HParams (4 sessions)" in html and "x&lt;b&gt;" in html and "x<b>" not in html


def test_a_sweep_sends_only_its_new_rows_and_metrics_resend_theirs(tmp_path: Path) -> None:
    engine = BoardEngine(tmp_path)
    engine.read(message=False)
    for i in range(3):
        w = XWriter(str(tmp_path / f"exp{i}"))
        w.add_hparams({"lr": 10.0**-i}, {"hparam/acc": 0.5 + i / 10})
        w.close()
        msg = engine.read()
        assert msg is not None
        content, buffers = msg
        got = rows(content, buffers)  # type: ignore[arg-type]
        (run,) = got  # the new session only
        assert got[run]["parent"] == f"exp{i}" and got[run]["hparams"] == {"lr": 10.0**-i}
        # each writes the same config (but its run): sent with the first session only
        assert bool(content["hparams_info"]) == (i == 0)  # type: ignore[typeddict-item]
    assert engine.read() is None
    # a scalar the session's run gets later: its metric, its row again
    (run,) = [s.run for s in engine.hparams.sessions() if s.parent == "exp0"]
    w = XWriter(str(tmp_path / run), filename_suffix=".later")
    w.add_scalar("hparam/acc", 0.99, 10)
    w.close()
    content, buffers = engine.read()  # type: ignore[misc]
    got = rows(content, buffers)  # type: ignore[arg-type]
    assert list(got) == [run] and got[run]["metrics"] == {"hparam/acc": pytest.approx(0.99)}
    assert content["hparams_info"] == []  # type: ignore[typeddict-item]  # configs unchanged


def test_logdir_spec_prefixes_the_runs_a_session_names(tmp_path: Path) -> None:
    w = SummaryWriter(str(tmp_path / "a" / "exp"))
    w.add_hparams({"lr": 0.1}, {"hparam/acc": 0.9}, run_name="s1")
    w.close()
    engine = BoardEngine(logdir_spec=f"first:{tmp_path / 'a'}", live=False)
    engine.read(message=False)
    content, buffers = engine.snapshot()
    got = rows(content, buffers)  # type: ignore[arg-type]
    assert list(got) == ["first/exp/s1"]
    row = got["first/exp/s1"]
    assert row["parent"] == "first/exp" and row["name"].startswith("first/exp")
    assert row["experiment"] == "first/exp/s1"
    (info,) = content["hparams_info"]  # type: ignore[typeddict-item]
    assert [e["run"] for e in info["experiments"]] == ["first/exp/s1"]
    assert "first/exp" in engine.runs and "first/exp/s1" in engine.runs


def test_tf2_corpus_sessions(tmp_path: Path) -> None:
    import json

    src = CORPUS / "tf2_dashboards"
    for part in ("hparams_a", "hparams_b", "hparams_c"):
        shutil.copytree(src / part, tmp_path / part)
    for f in src.glob("events.out.tfevents*"):
        shutil.copy(f, tmp_path / f.name)
    expected = json.loads((src / "expected.json").read_text())["hparams"]
    engine = BoardEngine(tmp_path, live=False)
    engine.read(message=False)
    content, buffers = engine.snapshot()
    got = rows(content, buffers)  # type: ignore[arg-type]
    for want in expected["sessions"]:
        run = want["run"].split("/", 1)[1]
        assert got[run]["hparams"] == want["hparams"]
        assert got[run]["metrics"] == pytest.approx(want["last_metric_values"])
    (info,) = content["hparams_info"]  # type: ignore[typeddict-item]
    (exp,) = [e for e in info["experiments"] if e["run"] == "."]
    lr = next(h for h in exp["hparams"] if h["name"] == "lr")
    assert (lr["domain_kind"], lr["min"], lr["max"]) == ("interval", 0.0001, 0.1)
    assert [m["display_name"] for m in exp["metrics"]] == ["Accuracy", ""]
