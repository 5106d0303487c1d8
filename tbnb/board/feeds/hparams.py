"""What the browser holds of the hparams (HParamsDelta, HParamsInfo in js/src/protocol.ts).

The reader assembles a logdir's sessions across runs (`Logdir.hparams()`: parents,
names, the config that applies, the last metric values); tbnb/board/logdirs.py does it
again when a run's hparams records or a session's scalars change, and hands the feed the
whole `HParams` of that logdir. The feed sends only the sessions that differ from what
it sent before (a sweep of 1,000 sessions adds one row per new session, not the table),
and the configs when they change. torch and tensorboardX write a config into every
session's run: configs equal but for their run and time are sent once (the first run's),
and each session names that one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar, Literal, cast

import numpy as np

from tbnb.board.feeds.base import Feed, FeedChange, Fields
from tbnb.board.protocol import (
    Buffers,
    ExperimentEntry,
    HParamInfoEntry,
    HParamsDelta,
    HParamsInfo,
    HParamValue,
    MetricInfoEntry,
    SessionEntry,
    delta_header,
)
from tbnb.events.kinds import Kind
from tbnb.events.points import Experiment, HParams, Session

Status = Literal["running", "success", "failure", "unknown"]
_STATUSES = ("running", "success", "failure", "unknown")
_TYPES = ("bool", "number", "string")
_DOMAINS = ("discrete", "interval")


def _finite(x: float | None) -> float | None:
    return x if x is not None and math.isfinite(x) else None


def _value(v: Any) -> HParamValue:
    """An hparam value as JSON can carry it (a NaN or infinite number: None)."""
    if isinstance(v, bool | str):
        return v
    if isinstance(v, int | float):
        return float(v) if math.isfinite(v) else None
    return str(v)


def experiment_entry(e: Experiment) -> ExperimentEntry:
    hparams: list[HParamInfoEntry] = [
        {
            "name": h.name,
            "display_name": h.display_name,
            "description": h.description,
            "type": cast(Any, h.type if h.type in ("bool", "number", "string") else ""),
            "domain_kind": cast(
                Any, h.domain_kind if h.domain_kind in ("discrete", "interval") else ""
            ),
            "values": [v for v in (_value(x) for x in h.values) if v is not None],
            "min": _finite(h.min),
            "max": _finite(h.max),
        }
        for h in e.hparams
    ]
    metrics: list[MetricInfoEntry] = [
        {
            "key": m.key,
            "tag": m.tag,
            "group": m.group,
            "display_name": m.display_name,
            "description": m.description,
            "dataset_type": m.dataset_type,
        }
        for m in e.metrics
    ]
    return {
        "run": e.run,
        "time_created": e.time_created if math.isfinite(e.time_created) else 0.0,
        "hparams": hparams,
        "metrics": metrics,
        "notes": list(e.notes),
    }


def _row(s: Session) -> tuple[Any, ...]:
    """What of a session the browser shows: equal rows are not sent again."""
    metrics = tuple((k, repr(v)) for k, v in s.metrics.items())  # repr: NaN == NaN here
    return (
        s.parent, s.name, s.group_name, s.status, s.start_time, s.end_time, s.experiment,
        tuple((k, repr(v)) for k, v in s.hparams.items()), metrics, s.notes,
    )  # fmt: skip


def session_entry(s: Session, buffers: Buffers) -> SessionEntry:
    return {
        "parent": s.parent,
        "name": s.name,
        "group_name": s.group_name,
        "status": cast(Status, s.status if s.status in _STATUSES else "unknown"),
        "start_time": _finite(s.start_time),
        "end_time": _finite(s.end_time),
        "experiment": s.experiment,
        "hparams": [(k, _value(v)) for k, v in s.hparams.items()],
        "metric_keys": list(s.metrics),
        "metric_values": buffers.add(np.array(list(s.metrics.values()), dtype=np.float64)),
        "notes": list(s.notes),
    }


@dataclass
class HParamsFeed(Feed):
    """The sessions of every logdir of the board, one series per session run."""

    kind: ClassVar[Kind] = Kind.HPARAMS
    fields: ClassVar[tuple[str, ...]] = ("hparams", "hparams_info")

    _logdirs: dict[str, HParams] = field(default_factory=dict)  # NamedLogdir name -> all
    _sent: dict[str, tuple[Any, ...]] = field(default_factory=dict)  # session run -> row
    _info: HParamsInfo | None = None  # the configs as last taken in

    @property
    def count(self) -> int:
        return len(self._sent)

    def sessions(self) -> list[Session]:
        """Every session held, in run order (naming the config sent for theirs)."""
        alias = self._configs()[1]
        out = [
            replace(s, experiment=alias.get(s.experiment, s.experiment))
            for hp in self._logdirs.values()
            for s in hp.sessions
        ]
        return sorted(out, key=lambda s: s.run)

    def _configs(self) -> tuple[list[Experiment], dict[str, str]]:
        """The configs, those equal but for run and time once; each config's run -> the
        run of the one sent for it."""
        first: dict[tuple[Any, ...], Experiment] = {}
        alias: dict[str, str] = {}
        for hp in self._logdirs.values():
            for e in hp.experiments:
                rep = first.setdefault((e.hparams, e.metrics, e.notes), e)
                alias[e.run] = rep.run
        return list(first.values()), alias

    def info(self) -> HParamsInfo:
        experiments = [experiment_entry(e) for e in self._configs()[0]]
        notes = [n for hp in self._logdirs.values() for n in hp.notes]
        return {"experiments": experiments, "notes": notes}

    def deltas(self, changes: list[FeedChange], buffers: Buffers | None) -> Fields:
        if not changes:
            return {"hparams": [], "hparams_info": []}
        old_info = self._info if self._info is not None else self.info()
        for c in changes:
            self._logdirs[c.run] = c.series
        now = {s.run: s for s in self.sessions()}
        out: list[HParamsDelta] = []
        for run in [r for r in self._sent if r not in now]:  # gone (a restart purged it)
            del self._sent[run]
            out.append({**delta_header(run, "", 0, 0), "sessions": []})
        for run, s in now.items():
            row = _row(s)
            if self._sent.get(run) == row:
                continue
            self._sent[run] = row
            if buffers is not None:
                out.append(_delta(s, buffers))
        info = self._info = self.info()
        if buffers is None:
            return {"hparams": [], "hparams_info": []}
        return {"hparams": out, "hparams_info": [info] if info != old_info else []}

    def snapshot(self, buffers: Buffers) -> Fields:
        deltas = [_delta(s, buffers) for s in self.sessions()]
        return {"hparams": deltas, "hparams_info": [self.info()]}


def _delta(s: Session, buffers: Buffers) -> HParamsDelta:
    return {**delta_header(s.run, "", 0, 1), "sessions": [session_entry(s, buffers)]}
