"""HParams: torch's and tensorboardX's ``add_hparams``, TF2's hparams api (the shared
corpus), live sessions and malformed records, each checked against the values written
and against TensorBoard's own parse of the same bytes (its plugin_data_pb2).

Longer than ~400 lines: the three writers, live reads and malformed records share the
raw-record builders at the middle of the file."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from evhelpers import CORPUS, event_pb2, start_event, version_event, write_records
from google.protobuf import json_format, struct_pb2
from google.protobuf.message import DecodeError
from tensorboard.backend.event_processing import event_accumulator
from tensorboard.plugins.hparams import api_pb2, backend_context, plugin_data_pb2
from tensorboardX import SummaryWriter as XWriter
from torch.utils.tensorboard import SummaryWriter as TWriter

from tbnb.events import Experiment, HParams, Logdir, RunHParams, Session
from tbnb.events.kinds import Kind

TYPES = {0: "", 1: "string", 2: "bool", 3: "number"}
STATUSES = {0: "unknown", 1: "success", 2: "failure", 3: "running"}
DATASETS = {0: "", 1: "training", 2: "validation"}


def load(path: Path) -> Logdir:
    ld = Logdir(path)
    ld.reload()
    return ld


def sessions(hp: HParams) -> dict[str, Session]:
    return {s.run: s for s in hp.sessions}


def experiments(hp: HParams) -> dict[str, Experiment]:
    return {e.run: e for e in hp.experiments}


# ---- TensorBoard as the reference parser -------------------------------------------
def tensorboard_view(run_dir: Path) -> tuple[dict[str, Any], dict[str, float]]:
    """TensorBoard's parse of a run's hparams contents, and its scalars' last values."""
    acc = event_accumulator.EventAccumulator(str(run_dir), size_guidance={"scalars": 0})
    acc.Reload()
    out = {}
    for content in acc.PluginTagToContent("hparams").values():
        data = plugin_data_pb2.HParamsPluginData.FromString(content)
        out[data.WhichOneof("data")] = getattr(data, data.WhichOneof("data"))
    last = {t: acc.Scalars(t)[-1].value for t in acc.Tags()["scalars"]}
    return out, last


def check_against_tensorboard(ld: Logdir, root: Path, s: Session) -> None:
    """Every field of the session and of its run's config, as TensorBoard reads them."""
    ref, last = tensorboard_view(root / s.run)
    start = ref["session_start_info"]
    assert s.hparams == {k: json_format.MessageToDict(v) for k, v in start.hparams.items()}
    assert s.group_name == start.group_name
    assert s.status == STATUSES[ref["session_end_info"].status]
    exp = experiments(ld.hparams())[s.run]
    want = ref["experiment"]
    assert [(h.name, h.type, h.display_name, h.description) for h in exp.hparams] == [
        (h.name, TYPES[h.type], h.display_name, h.description) for h in want.hparam_infos
    ]
    for h, w in zip(exp.hparams, want.hparam_infos, strict=True):
        if w.HasField("domain_discrete"):
            assert h.domain_kind == "discrete"
            assert list(h.values) == json_format.MessageToDict(w.domain_discrete)
        else:
            assert (h.domain_kind, h.values, h.min, h.max) == ("", (), None, None)
    assert [
        (m.tag, m.group, m.display_name, DATASETS_BACK[m.dataset_type]) for m in exp.metrics
    ] == [(m.name.tag, m.name.group, m.display_name, m.dataset_type) for m in want.metric_infos]
    assert s.metrics == {m.name.tag: last[m.name.tag] for m in want.metric_infos}


DATASETS_BACK = {v: k for k, v in DATASETS.items()}


# ---- torch and tensorboardX add_hparams ----------------------------------------------
HP1 = {"lr": 0.01, "layers": 3, "optimizer": "adam", "augment": True}
HP2 = {"lr": 0.1, "layers": 5, "optimizer": "sgd", "augment": False}
HP3 = {"lr": 0.001, "layers": 2, "optimizer": "adamw", "augment": True}


def as_read(hp: dict[str, Any], writer_cls: Any) -> dict[str, Any]:
    """The values a writer stores: numbers as floats; torch stores a bool as a number."""
    out: dict[str, Any] = {}
    for k, v in hp.items():
        if isinstance(v, bool):
            out[k] = float(v) if writer_cls is TWriter else v
        elif isinstance(v, (int, float)):
            out[k] = float(v)
        else:
            out[k] = v
    return out


def add_hparams(w: Any, hp: dict[str, Any], metrics: dict[str, float], name: str | None) -> None:
    if isinstance(w, TWriter):
        w.add_hparams(hp, metrics, run_name=name)
    else:
        w.add_hparams(hp, metrics, name=name)


@pytest.fixture(params=[TWriter, XWriter], ids=["torch", "tensorboardX"])
def writer_cls(request: pytest.FixtureRequest) -> Any:
    return request.param


def test_add_hparams_sessions_of_one_writer(logdir: Path, writer_cls: Any) -> None:
    w = writer_cls(str(logdir / "exp1"))
    for step in range(3):
        w.add_scalar("train/loss", 1.0 / (step + 1), step)
    add_hparams(w, HP1, {"hp/acc": 0.5, "hp/loss": 0.25}, None)  # a str(time.time()) name
    add_hparams(w, HP2, {"hp/acc": 0.75, "hp/loss": 0.125}, None)
    add_hparams(w, HP3, {"hp/acc": 0.625, "hp/loss": 0.5}, "named")
    w.close()
    single = writer_cls(str(logdir / "exp2"))
    add_hparams(single, HP1, {"hp/acc": 0.375}, None)
    single.close()

    ld = load(logdir)
    assert ld.problems == []
    hp = ld.hparams()
    assert hp.notes == ()
    by_parent: dict[str, list[Session]] = {}
    for s in hp.sessions:
        by_parent.setdefault(s.parent, []).append(s)
    assert sorted(by_parent) == ["exp1", "exp2"]
    exp1 = sorted(by_parent["exp1"], key=lambda s: s.start_time or 0)
    assert [s.hparams for s in exp1] == [as_read(h, writer_cls) for h in (HP1, HP2, HP3)]
    for s, m in zip(exp1, [(0.5, 0.25), (0.75, 0.125), (0.625, 0.5)], strict=True):
        assert s.metrics == {"hp/acc": m[0], "hp/loss": m[1]}  # exact in float32
        assert s.status == "success" and s.notes == ()
        assert s.run.startswith("exp1/") and s.experiment == s.run  # torch: a config each
        assert s.start_time is not None and s.end_time is not None
        assert s.start_time <= s.end_time
        check_against_tensorboard(ld, logdir, s)
    assert exp1[2].run == "exp1/named" and exp1[2].name == "exp1 · named"
    assert len({s.name for s in exp1}) == 3 and all(s.name.startswith("exp1 · ") for s in exp1)
    float(exp1[0].run.split("/")[1])  # the default sub-run name is a timestamp
    (only,) = by_parent["exp2"]
    assert only.name == "exp2" and only.metrics == {"hp/acc": 0.375}
    check_against_tensorboard(ld, logdir, only)
    # the writer's own run is not a session; its training scalars are read as before
    assert "exp1" not in sessions(hp)
    assert ld.scalars("exp1", "train/loss").value.tolist() == [1.0, 0.5, pytest.approx(1 / 3)]
    # the config of each sub-run, typed as the writer types its values
    cfg = experiments(hp)[exp1[0].run]
    types = {h.name: h.type for h in cfg.hparams}
    bool_type = "number" if writer_cls is TWriter else "bool"
    assert types == {
        "lr": "number",
        "layers": "number",
        "optimizer": "string",
        "augment": bool_type,
    }
    assert [m.key for m in cfg.metrics] == ["hp/acc", "hp/loss"]
    assert cfg.time_created > 0


def test_add_hparams_to_pandas(logdir: Path, writer_cls: Any) -> None:
    w = writer_cls(str(logdir / "exp"))
    add_hparams(w, HP1, {"acc": 0.5}, "a")
    add_hparams(w, {"lr": 0.5, "extra": "x"}, {"acc": 0.25, "loss": 2.0}, "b")
    w.close()
    df = load(logdir).to_pandas("hparams")
    fixed = ["run", "parent", "name", "status", "start_time", "end_time"]
    assert list(df.columns[:6]) == fixed
    assert set(df.columns[6:]) == {f"hparam/{k}" for k in [*HP1, "extra"]} | {
        "metric/acc",
        "metric/loss",
    }
    assert df["run"].tolist() == ["exp/a", "exp/b"]
    assert df["parent"].tolist() == ["exp", "exp"]
    assert df["name"].tolist() == ["exp · a", "exp · b"]
    assert df["status"].tolist() == ["success", "success"]
    assert df["hparam/lr"].tolist() == [0.01, 0.5]
    assert df["hparam/optimizer"][0] == "adam" and pd.isna(df["hparam/optimizer"][1])
    assert pd.isna(df["hparam/extra"][0]) and df["hparam/extra"][1] == "x"
    assert df["metric/acc"].tolist() == [0.5, 0.25]
    assert math.isnan(df["metric/loss"][0]) and df["metric/loss"][1] == 2.0
    assert (df["end_time"] >= df["start_time"]).all()


def test_sub_run_names_shorten_timestamps_while_unique(logdir: Path) -> None:
    w = TWriter(str(logdir / "exp"))
    add_hparams(w, {"a": 1}, {"m": 1.0}, "1796154371.2001798")
    add_hparams(w, {"a": 2}, {"m": 2.0}, "1796154372.5")
    w.close()
    w = TWriter(str(logdir / "close"))
    add_hparams(w, {"a": 1}, {"m": 1.0}, "100.001")  # both would be "100.00"
    add_hparams(w, {"a": 2}, {"m": 2.0}, "100.002")
    w.close()
    names = {s.run: s.name for s in load(logdir).hparams().sessions}
    assert names == {
        "exp/1796154371.2001798": "exp · 1796154371.20",
        "exp/1796154372.5": "exp · 1796154372.50",
        "close/100.001": "close · 100.001",
        "close/100.002": "close · 100.002",
    }


def test_add_hparams_in_the_logdir_root(logdir: Path) -> None:
    w = TWriter(str(logdir))
    w.add_scalar("loss", 1.0, 0)
    add_hparams(w, {"lr": 0.5}, {"acc": 1.0}, "trial")
    w.close()
    (s,) = load(logdir).hparams().sessions
    assert (s.run, s.parent, s.name, s.hparams, s.metrics) == (
        "trial",
        ".",
        ".",
        {"lr": 0.5},
        {"acc": 1.0},
    )


# ---- TF2: the shared corpus ------------------------------------------------------
def corpus_run(name: str) -> str:
    return "." if name == "tf2_dashboards" else name.removeprefix("tf2_dashboards/")


@pytest.mark.skipif(not CORPUS.exists(), reason="shared corpus not available")
def test_tf2_corpus_matches_tensorboard() -> None:
    want = json.loads((CORPUS / "tf2_dashboards" / "expected.json").read_text())["hparams"]
    ld = load(CORPUS / "tf2_dashboards")
    assert ld.problems == []
    hp = ld.hparams()
    assert hp.notes == ()
    (exp,) = hp.experiments
    we = want["experiment"]
    assert exp.run == corpus_run(we["run"])
    type_names = {"DATA_TYPE_FLOAT64": "number", "DATA_TYPE_STRING": "string"}
    for h, wh in zip(exp.hparams, we["hparams"], strict=True):
        assert (h.name, h.display_name, h.description, h.type) == (
            wh["name"],
            wh["display_name"],
            wh["description"],
            type_names[wh["type"]],
        )
        if "interval" in wh["domain"]:
            assert (h.domain_kind, h.min, h.max) == ("interval", *wh["domain"]["interval"])
        else:
            assert (h.domain_kind, list(h.values)) == ("discrete", wh["domain"]["discrete"])
    assert [(m.tag, m.group, m.display_name, m.description) for m in exp.metrics] == [
        (m["tag"], m["group"], m["display_name"], m["description"]) for m in we["metrics"]
    ]
    assert all(m["dataset_type"] == "DATASET_UNKNOWN" for m in we["metrics"])
    # time_created_secs is unset (0.0): the config event's wall time stands in
    assert we["time_created_secs"] == 0.0
    acc = event_accumulator.EventAccumulator(str(CORPUS / "tf2_dashboards"))
    acc.Reload()
    assert exp.time_created == acc.Tensors("_hparams_/experiment")[0].wall_time

    got = sessions(hp)
    assert sorted(got) == sorted(corpus_run(s["run"]) for s in want["sessions"])
    groups = {corpus_run(g["sessions"][0]): g for g in want["session_groups"]}
    for ws in want["sessions"]:
        s = got[corpus_run(ws["run"])]
        assert (s.parent, s.name, s.experiment) == (s.run, s.run, ".")
        assert s.group_name == ws["group_name"]
        assert s.start_time == ws["start_time_secs"]
        assert (s.end_time, s.status) == (None, "running")  # no end info written
        assert s.hparams == ws["hparams"]
        assert s.metrics == ws["last_metric_values"]
        # and as the HParams dashboard's own handler lists the session group
        g = groups[s.run]
        assert g["name"] == s.group_name and g["hparams"] == s.hparams
        assert {m["tag"]: m["value"] for m in g["metric_values"]} == s.metrics
        assert s.notes == ()


# ---- raw records (TensorBoard's own protos) --------------------------------------
def hparams_event(tag: str, data: Any, *, step: int = 0, wall: float = 1.0e9) -> bytes:
    """A torch-style hparams event: a metadata-only value whose content is ``data``
    (an HParamsPluginData, or raw bytes)."""
    content = data if isinstance(data, bytes) else data.SerializeToString()
    ev = event_pb2.Event(wall_time=wall, step=step)
    v = ev.summary.value.add(tag=tag)
    v.metadata.plugin_data.plugin_name = "hparams"
    v.metadata.plugin_data.content = content
    return ev.SerializeToString()


def experiment_event(hparams: list[Any], metrics: list[str], **kw: Any) -> bytes:
    exp = api_pb2.Experiment(
        hparam_infos=hparams,
        metric_infos=[api_pb2.MetricInfo(name=api_pb2.MetricName(tag=t)) for t in metrics],
    )
    return hparams_event(
        "_hparams_/experiment", plugin_data_pb2.HParamsPluginData(experiment=exp), **kw
    )


def start_info(hparams: dict[str, Any], group: str = "", start: float = 0.0, **kw: Any) -> bytes:
    ssi = plugin_data_pb2.SessionStartInfo(group_name=group, start_time_secs=start)
    for k, v in hparams.items():
        if isinstance(v, struct_pb2.Value):
            ssi.hparams[k].CopyFrom(v)
        else:
            json_format.ParseDict(v, ssi.hparams[k])
    data = plugin_data_pb2.HParamsPluginData(session_start_info=ssi)
    return hparams_event("_hparams_/session_start_info", data, **kw)


def end_info(status: int, end: float = 0.0, **kw: Any) -> bytes:
    sei = plugin_data_pb2.SessionEndInfo(status=status, end_time_secs=end)
    data = plugin_data_pb2.HParamsPluginData(session_end_info=sei)
    return hparams_event("_hparams_/session_end_info", data, **kw)


def scalar(tag: str, step: int, value: float) -> bytes:
    ev = event_pb2.Event(wall_time=1.0e9 + step, step=step)
    ev.summary.value.add(tag=tag, simple_value=value)
    return ev.SerializeToString()


def interval(name: str, lo: float, hi: float) -> Any:
    return api_pb2.HParamInfo(
        name=name,
        type=api_pb2.DATA_TYPE_FLOAT64,
        domain_interval=api_pb2.Interval(min_value=lo, max_value=hi),
    )


def discrete(name: str, values: list[str]) -> Any:
    lv = struct_pb2.ListValue()
    lv.extend(values)
    return api_pb2.HParamInfo(name=name, type=api_pb2.DATA_TYPE_STRING, domain_discrete=lv)


EV = "events.out.tfevents.1.host"


def test_live_sessions_show_up_in_changes(logdir: Path) -> None:
    w = TWriter(str(logdir / "sweep"))
    w.add_scalar("loss", 1.0, 0)
    add_hparams(w, {"lr": 0.1}, {"acc": 0.5}, "t1")
    w.flush()
    ld = Logdir(logdir)
    first = ld.reload()
    key1 = ("sweep/t1", Kind.HPARAMS, "")
    (rec,) = first.series[key1].series
    assert isinstance(rec, RunHParams)
    assert (rec.started, rec.ended, rec.status, rec.hparams) == (True, True, "success", {"lr": 0.1})
    assert rec.experiment is not None and [h.name for h in rec.experiment.hparams] == ["lr"]
    assert first.new_tags["sweep/t1"]["hparams"]  # the tags are still listed
    assert ld.reload().series == {}

    add_hparams(w, {"lr": 0.2}, {"acc": 0.75}, "t2")
    w.close()
    second = ld.reload()
    hp_keys = [k for k in second.series if k[1] == Kind.HPARAMS]
    assert hp_keys == [("sweep/t2", Kind.HPARAMS, "")]
    assert second.series[("sweep/t2", Kind.SCALARS, "acc")].series.value.tolist() == [0.75]
    assert [(s.name, s.metrics) for s in ld.hparams().sessions] == [
        ("sweep · t1", {"acc": 0.5}),
        ("sweep · t2", {"acc": 0.75}),
    ]


def test_tf2_style_session_ends_and_restarts(logdir: Path) -> None:
    write_records(
        logdir / EV, [version_event(), experiment_event([interval("lr", 0.0, 1.0)], ["acc"])]
    )
    run = logdir / "s1" / EV
    write_records(
        run, [version_event(), start_info({"lr": 0.5}, "g1", 5.0), scalar("acc", 1, 0.25)]
    )
    ld = Logdir(logdir)
    ld.reload()
    (s,) = ld.hparams().sessions
    assert (s.run, s.parent, s.experiment, s.status, s.start_time) == (
        "s1",
        "s1",
        ".",
        "running",
        5.0,
    )
    assert s.metrics == {"acc": 0.25} and s.end_time is None

    write_records(run, [scalar("acc", 2, 0.5), end_info(api_pb2.STATUS_FAILURE, 9.0)], append=True)
    ch = ld.reload()
    (rec,) = ch.series[("s1", Kind.HPARAMS, "")].series
    assert (rec.status, rec.end_time) == ("failure", 9.0)
    (s,) = ld.hparams().sessions
    assert (s.status, s.end_time, s.metrics) == ("failure", 9.0, {"acc": 0.5})

    # a restart at step 0 drops what was written at steps >= 0: the session is gone
    write_records(run, [start_event(0)], append=True)
    ch = ld.reload()
    assert ch.series[("s1", Kind.HPARAMS, "")].series == []
    assert ch.series[("s1", Kind.HPARAMS, "")].rows == 0
    assert ld.hparams().sessions == ()
    write_records(run, [start_info({"lr": 0.75}, "g2")], append=True)
    (s,) = ld.reload().series[("s1", Kind.HPARAMS, "")].series
    assert s.hparams == {"lr": 0.75} and s.group_name == "g2" and s.status == "running"


def test_implied_experiment_as_tensorboard_computes_it(logdir: Path) -> None:
    a = {"lr": 0.1, "opt": "adam", "mixed": 1.0, "flag": True}
    b = {"lr": 0.3, "opt": "sgd", "mixed": "x", "flag": False}
    write_records(logdir / "a" / EV, [start_info(a), scalar("acc", 0, 0.5)])
    write_records(logdir / "a" / "eval" / EV, [scalar("acc", 0, 0.25)])
    write_records(logdir / "b" / EV, [start_info(b), scalar("acc", 0, 0.75)])
    hp = load(logdir).hparams()
    (exp,) = hp.experiments
    assert exp.run == ""
    got = {h.name: h for h in exp.hparams}
    # TensorBoard's own inference from the same values
    ctx = backend_context.Context(None)
    for name in a:
        values = [json_format.ParseDict(v[name], struct_pb2.Value()) for v in (a, b)]
        ref = ctx._compute_hparam_info_from_values(name, values)
        h = got[name]
        assert h.type == TYPES[ref.type], name
        if ref.HasField("domain_interval"):
            assert (h.domain_kind, h.min, h.max) == (
                "interval",
                ref.domain_interval.min_value,
                ref.domain_interval.max_value,
            )
        else:
            assert h.domain_kind == "discrete"
            assert sorted(h.values) == sorted(json_format.MessageToDict(ref.domain_discrete))
    assert [m.key for m in exp.metrics] == ["acc", "eval/acc"]
    s = sessions(hp)
    assert s["a"].metrics == {"acc": 0.5, "eval/acc": 0.25} and s["b"].metrics == {"acc": 0.75}
    assert s["a"].experiment == "" and s["a"].parent == "a"


def test_metric_groups_are_read_from_runs_below_the_session(logdir: Path) -> None:
    exp = api_pb2.Experiment(
        metric_infos=[
            api_pb2.MetricInfo(
                name=api_pb2.MetricName(group="validation", tag="epoch_loss"),
                dataset_type=api_pb2.DATASET_VALIDATION,
            )
        ]
    )
    cfg = hparams_event("_hparams_/experiment", plugin_data_pb2.HParamsPluginData(experiment=exp))
    write_records(logdir / EV, [cfg])
    write_records(logdir / "k" / EV, [start_info({"units": 16.0})])
    write_records(
        logdir / "k" / "validation" / EV,
        [scalar("epoch_loss", 0, 2.0), scalar("epoch_loss", 1, 1.5)],
    )
    hp = load(logdir).hparams()
    (m,) = experiments(hp)["."].metrics
    assert (m.key, m.dataset_type) == ("validation/epoch_loss", "validation")
    (s,) = hp.sessions
    assert s.metrics == {"validation/epoch_loss": 1.5}


# ---- malformed records ------------------------------------------------------------
def test_bad_records_are_problems_and_notes_and_the_rest_is_read(logdir: Path) -> None:
    unknown = struct_pb2.Value()
    unknown.MergeFromString(b"\x48\x01")  # field 9: a kind this Value does not have
    listed = json_format.ParseDict([1, "a"], struct_pb2.Value())
    root = [
        version_event(),
        experiment_event(
            [interval("lr", 1e-4, 0.1), interval("wd", 1.0, 0.0), discrete("opt", ["adam", "sgd"])],
            ["acc", "loss"],
        ),
    ]
    write_records(logdir / EV, root)
    bad = [
        version_event(),
        hparams_event("_hparams_/session_start_info", b"\xff\xff\xff\xff garbled"),
        hparams_event("_hparams_/session_start_info", b""),  # no oneof set
        scalar("acc", 0, 0.5),
        start_info(
            {"lr": 0.5, "opt": "rmsprop", "odd": unknown, "nan": math.nan, "wd": 0.5, "l": listed}
        ),
        scalar("loss", 0, float("nan")),
        end_info(7),  # not a status TensorBoard knows
    ]
    write_records(logdir / "bad" / EV, bad)
    write_records(logdir / "endonly" / EV, [version_event(), end_info(api_pb2.STATUS_SUCCESS, 3.0)])

    ld = load(logdir)
    messages = [p.message for p in ld.problems]
    assert any("not HParamsPluginData" in m for m in messages), messages
    assert any("holds no experiment or session info" in m for m in messages), messages
    assert all(p.path == f"bad/{EV}" for p in ld.problems)
    assert len(ld.problems) == 2
    hp = ld.hparams()
    s = sessions(hp)
    b = s["bad"]
    assert b.hparams == {
        "lr": 0.5,
        "opt": "rmsprop",
        "nan": pytest.approx(math.nan, nan_ok=True),
        "wd": 0.5,
        "l": '[1.0, "a"]',
    }
    assert b.metrics["acc"] == 0.5 and math.isnan(b.metrics["loss"])
    assert b.status == "unknown"
    joined = "\n".join(b.notes)
    for part in (
        "'odd' has a value of an unknown kind",
        "'nan' is NaN",
        "'loss' is NaN",
        "status 7",
        "'l' is a list: kept as its JSON text",
    ):
        assert part in joined, (part, b.notes)
    e = s["endonly"]
    assert (e.status, e.end_time, e.start_time, e.hparams) == ("success", 3.0, None, {})
    assert "session end info without a start info" in e.notes
    notes = "\n".join(hp.notes)
    assert "'wd''s interval [1.0, 0.0] has min > max: ignored (config of run .)" in notes, notes
    assert "lr=0.5 is outside [0.0001, 0.1] in run bad" in notes
    assert "opt='rmsprop' is not one of {'adam', 'sgd'} in run bad" in notes
    assert "wd=" not in notes  # its domain was ignored
    cfg = experiments(hp)["."]
    wd = next(h for h in cfg.hparams if h.name == "wd")
    assert (wd.domain_kind, wd.min, wd.max) == ("", None, None)
    # TensorBoard too refuses the garbled content and reads the rest
    ref = plugin_data_pb2.HParamsPluginData.FromString(_content(bad[4]))
    assert ref.session_start_info.hparams["lr"].number_value == 0.5
    with pytest.raises(DecodeError):
        plugin_data_pb2.HParamsPluginData.FromString(_content(bad[1]))
    df = ld.to_pandas("hparams")
    assert df["run"].tolist() == ["bad", "endonly"]


def _content(event: bytes) -> bytes:
    ev = event_pb2.Event.FromString(event)
    return bytes(ev.summary.value[0].metadata.plugin_data.content)


def test_a_session_written_twice_keeps_the_last(logdir: Path) -> None:
    write_records(logdir / "r" / EV, [start_info({"lr": 0.1}), start_info({"lr": 0.2})])
    (s,) = load(logdir).hparams().sessions
    assert s.hparams == {"lr": 0.2}
    assert s.notes == ("2 session start infos in this run: the last used",)
