"""Putting runs' hparams records together: sessions, their parents, names, configs,
metrics, the implied experiment, and the per-session DataFrame. The rules are in the
docstring of tbnb/events/hparams.py."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Collection, Mapping
from typing import Any

from tbnb.events.points import (
    Experiment,
    HParamInfo,
    HParams,
    HParamValue,
    MetricInfo,
    RunHParams,
    Session,
)

# scalar tags of a run; the last value of a run's scalar tag (None: no such points)
TagsOf = Callable[[str], Collection[str]]
LastOf = Callable[[str, str], float | None]

_TIMESTAMP = re.compile(r"\d+\.\d+")
FIXED_COLUMNS = ("run", "parent", "name", "status", "start_time", "end_time")


def ancestors(run: str) -> list[str]:
    """The runs above ``run``, nearest first ('.' is the root: "a/b" -> ["a", "."])."""
    if run == ".":
        return []
    parts = run.split("/")
    return ["/".join(parts[:i]) for i in range(len(parts) - 1, 0, -1)] + ["."]


def _below(run: str, group: str) -> str:
    """The run ``group`` below ``run``."""
    return group if run == "." else f"{run}/{group}"


def _relative(run: str, parent: str) -> str:
    return run if parent == "." else run[len(parent) + 1 :]


def _fmt(v: HParamValue) -> str:
    return repr(v)


def _disagreement(info: HParamInfo, v: HParamValue) -> str:
    """How value ``v`` disagrees with its config's type or domain ('' if it does not)."""
    is_number = isinstance(v, float)  # (a bool is not a float)
    wants = {"bool": bool, "string": str}.get(info.type)
    if (info.type == "number" and not is_number) or (wants and not isinstance(v, wants)):
        return f"{info.name}={_fmt(v)} is not a {info.type}"
    if info.domain_kind == "discrete" and info.values and v not in info.values:
        shown = ", ".join(_fmt(x) for x in info.values[:10])
        more = ", ..." if len(info.values) > 10 else ""
        return f"{info.name}={_fmt(v)} is not one of {{{shown}{more}}}"
    lo = -math.inf if info.min is None else info.min
    hi = math.inf if info.max is None else info.max
    inside = isinstance(v, float) and (lo <= v <= hi or math.isnan(v))
    if info.domain_kind == "interval" and is_number and not inside:
        return f"{info.name}={_fmt(v)} is outside [{lo!r}, {hi!r}]"
    return ""


def _implied(sessions: list[tuple[RunHParams, list[tuple[str, str]]]]) -> Experiment:
    """The experiment of sessions without a config: their hparams typed from their
    values (mixed: strings), and their metrics (group, tag)."""
    values: dict[str, list[HParamValue]] = {}
    metric_keys: set[tuple[str, str]] = set()
    for rec, keys in sessions:
        for name, v in rec.hparams.items():
            values.setdefault(name, []).append(v)
        metric_keys.update(keys)
    infos: list[HParamInfo] = []
    for name in sorted(values):
        vs = values[name]
        if all(isinstance(v, bool) for v in vs):
            infos.append(HParamInfo(name, "", "", "bool", "discrete", tuple(sorted(set(vs)))))
        elif all(isinstance(v, float) and not isinstance(v, bool) for v in vs):
            nums = [float(v) for v in vs if not math.isnan(float(v))]
            if nums:
                lo, hi = min(nums), max(nums)
                infos.append(HParamInfo(name, "", "", "number", "interval", (), lo, hi))
            else:
                infos.append(HParamInfo(name, "", "", "number", ""))
        else:
            # other values as JSON text (true, 1.0), as TensorBoard shows them
            texts = tuple(sorted({v if isinstance(v, str) else json.dumps(v) for v in vs}))
            infos.append(HParamInfo(name, "", "", "string", "discrete", texts))
    metrics = tuple(MetricInfo(tag, group, "", "") for group, tag in sorted(metric_keys))
    return Experiment("", tuple(infos), metrics, 0.0)


def _names(sub: dict[str, str]) -> dict[str, str]:
    """Display names of sub-run sessions ({run: parent}): the parent's name, with the
    sub-run's when the parent has several (timestamps shortened where still unique)."""
    by_parent: dict[str, list[str]] = {}
    for run, parent in sub.items():
        by_parent.setdefault(parent, []).append(run)
    out: dict[str, str] = {}
    for parent, runs in by_parent.items():
        if len(runs) == 1:
            out[runs[0]] = parent
            continue
        rel = {r: _relative(r, parent) for r in runs}
        short = {r: f"{float(n):.2f}" if _TIMESTAMP.fullmatch(n) else n for r, n in rel.items()}
        if len(set(short.values())) < len(runs):
            short = rel
        for r in runs:
            out[r] = f"{parent} · {short[r]}"
    return out


def assemble(
    records: Mapping[str, RunHParams], runs: Collection[str], tags_of: TagsOf, last: LastOf
) -> HParams:
    """Sessions and experiments from every run's records (``runs``: all run names)."""
    configs = {r: rec.experiment for r, rec in records.items() if rec.experiment is not None}
    session_runs = sorted(r for r, rec in records.items() if rec.started or rec.ended)
    is_session = set(session_runs)
    notes: list[str] = []
    for r in sorted(configs):
        notes.extend(f"{n} (config of run {r})" for n in configs[r].notes)

    # sub-runs: a session with its own config below a run with neither
    sub: dict[str, str] = {}
    for r in session_runs:
        if r in configs:
            enclosing = next((a for a in ancestors(r) if a in runs), None)
            if enclosing is not None and enclosing not in configs and enclosing not in is_session:
                sub[r] = enclosing
    names = _names(sub)

    groups: dict[str, list[str]] = {}  # a session -> its run and the runs below it
    for r in runs:  # (those below no nearer session): where implied metrics are read
        own = next((a for a in [r, *ancestors(r)] if a in is_session), None)
        if own is not None:
            groups.setdefault(own, []).append(r)

    applies: dict[str, str | None] = {}
    implied: list[tuple[RunHParams, list[tuple[str, str]]]] = []
    implied_metrics: dict[str, list[tuple[str, str]]] = {}
    for r in session_runs:
        applies[r] = next((a for a in [r, *ancestors(r)] if a in configs), None)
        if applies[r] is None:
            below = groups.get(r, [r])
            ms = {(_relative(g, r) if g != r else "", t) for g in below for t in tags_of(g)}
            implied_metrics[r] = sorted(ms)
            implied.append((records[r], implied_metrics[r]))
    implied_exp = _implied(implied) if implied else None

    sessions: list[Session] = []
    for r in session_runs:
        rec = records[r]
        snotes = list(rec.notes)
        if not rec.started:
            snotes.append("session end info without a start info")
        cfg_run = applies[r]
        metrics: dict[str, float] = {}
        if cfg_run is not None:
            cfg = configs[cfg_run]
            wanted = [(m.key, _below(r, m.group) if m.group else r, m.tag) for m in cfg.metrics]
            for h in cfg.hparams:
                v = rec.hparams.get(h.name)
                wrong = _disagreement(h, v) if v is not None else ""
                if wrong:
                    notes.append(f"a config's domain disagrees with the values: {wrong} in run {r}")
        else:
            wanted = [
                (f"{g}/{t}" if g else t, _below(r, g) if g else r, t) for g, t in implied_metrics[r]
            ]
        for key, run, tag in wanted:
            x = last(run, tag) if run in runs else None
            if x is None:
                continue
            if math.isnan(x):
                snotes.append(f"metric {key!r} is NaN")
            metrics[key] = x
        sessions.append(
            Session(
                run=r,
                parent=sub.get(r, r),
                name=names.get(r, r),
                group_name=rec.group_name,
                start_time=rec.start_time,
                end_time=rec.end_time,
                status=rec.status,
                hparams=dict(rec.hparams),
                metrics=metrics,
                notes=tuple(snotes),
                experiment=cfg_run if cfg_run is not None else "",
            )
        )
    experiments = [configs[r] for r in sorted(configs)]
    if implied_exp is not None:
        experiments.append(implied_exp)
    return HParams(tuple(experiments), tuple(sessions), tuple(notes))


def frame(hp: HParams) -> Any:
    """A DataFrame with a row per session: FIXED_COLUMNS, then ``hparam/<name>`` and
    ``metric/<key>`` columns (the configs' order first, then others by name)."""
    import pandas as pd

    hp_names: dict[str, None] = {}
    metric_keys: dict[str, None] = {}
    for e in hp.experiments:
        hp_names.update(dict.fromkeys(h.name for h in e.hparams))
        metric_keys.update(dict.fromkeys(m.key for m in e.metrics))
    for s in hp.sessions:
        hp_names.update(dict.fromkeys(sorted(set(s.hparams) - hp_names.keys())))
        metric_keys.update(dict.fromkeys(sorted(set(s.metrics) - metric_keys.keys())))
    cols: dict[str, list[Any]] = {
        "run": [s.run for s in hp.sessions],
        "parent": [s.parent for s in hp.sessions],
        "name": [s.name for s in hp.sessions],
        "status": [s.status for s in hp.sessions],
        "start_time": [math.nan if s.start_time is None else s.start_time for s in hp.sessions],
        "end_time": [math.nan if s.end_time is None else s.end_time for s in hp.sessions],
    }
    for n in hp_names:
        cols[f"hparam/{n}"] = [s.hparams.get(n) for s in hp.sessions]
    for k in metric_keys:
        cols[f"metric/{k}"] = [s.metrics.get(k, math.nan) for s in hp.sessions]
    return pd.DataFrame(cols, columns=list(cols))
