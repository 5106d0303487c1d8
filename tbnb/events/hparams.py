"""HParams: experiment configs and sessions, from the hparams plugin's summary values.

Writers and where they put things:

- torch and tensorboardX ``SummaryWriter.add_hparams(hparam_dict, metric_dict)`` write
  a *sub-run* (``str(time.time())``, or ``run_name``) under the writer's run holding an
  experiment config, a session start info, a session end info, and ``metric_dict`` as
  scalars of that sub-run.
- TF2 ``tensorboard.plugins.hparams.api``: ``hparams_config`` (the experiment) in a
  parent run, ``hp.hparams`` (session start info) in each session's own run, whose
  metrics are its ordinary scalars.

API (types in tbnb/events/points.py, exported by ``tbnb.events``)::

    hp = logdir.hparams()                 # HParams(experiments, sessions, notes)
    hp.experiments[0].hparams[0]          # HParamInfo(name, display_name, description,
                                          #   type, domain_kind, values, min, max)
    hp.experiments[0].metrics[0]          # MetricInfo(tag, group, display_name, ...)
    s = hp.sessions[0]                    # Session(run, parent, name, group_name,
                                          #   start_time, end_time, status, hparams,
                                          #   metrics, notes, experiment)
    logdir.to_pandas("hparams")           # a row per session: run, parent, name,
                                          #   status, start_time, end_time,
                                          #   hparam/<name>..., metric/<key>...
    changes = logdir.reload()
    changes.series[(run, Kind.HPARAMS, "")]  # the run's records changed: .series is
                                          #   [RunHParams] (or [] once purged)

Rules (tbnb/events/hparams_sessions.py puts runs together):

- A session takes the config of the nearest of its run and the run's ancestors that
  holds one. Sessions that no config applies to share the *implied* experiment (run
  ""): the union of their hparams, typed from their values (mixed types: strings),
  and the union of their runs' scalar tags as metrics, as TensorBoard does.
- A session's run that holds its own config (the ``add_hparams`` shape) and lies below
  a run holding no config and no session is a sub-run: its ``parent`` is that run (the
  nearest enclosing run); any other session is its own parent. ``name`` is the
  parent's name, followed by `` · `` and the sub-run's name (a timestamp shortened to
  two decimals where that stays unique) when the parent has several sessions.
- ``metrics``: the last value written of each metric of the config (its tag in the
  session's run, or in the run ``group`` below it). A NaN is kept, with a note.
- Times: ``start_time``/``end_time`` are the start/end info's seconds, or when unset
  (torch and tensorboardX leave them 0) the wall time of the event; ``status`` is
  "running" until an end info is read.
- Nothing here raises on a file: content that is not an HParamsPluginData is a problem
  of the run (the record is skipped); a value of an unknown kind, a NaN, an interval
  with min > max, an end without a start, a value outside its config's domain are notes.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

from google.protobuf import json_format
from google.protobuf.message import DecodeError

from tbnb.events.points import Experiment, HParamInfo, HParamValue, MetricInfo, RunHParams
from tbnb.events.proto import hparams_pb2

# Untrusted sizes: a config or session beyond these keeps the first ones, with a note.
MAX_HPARAMS = 1000
MAX_DOMAIN_VALUES = 1000
MAX_METRICS = 1000

_TYPES = {0: "", 1: "string", 2: "bool", 3: "number"}
_DATASETS = {0: "", 1: "training", 2: "validation"}
_STATUSES = {0: "unknown", 1: "success", 2: "failure", 3: "running"}


def value_of(v: Any) -> tuple[HParamValue | None, str]:
    """A google.protobuf.Value as a bool, float or str (a list or struct as JSON text),
    and what is wrong with it ('' when nothing): None when it has no usable value."""
    kind = v.WhichOneof("kind")
    if kind == "bool_value":
        return bool(v.bool_value), ""
    if kind == "number_value":
        x = float(v.number_value)
        return x, ("is NaN" if math.isnan(x) else "")
    if kind == "string_value":
        return str(v.string_value), ""
    if kind in ("list_value", "struct_value"):
        try:
            text = json.dumps(json_format.MessageToDict(v), sort_keys=True)
        except (ValueError, TypeError, RecursionError):
            return None, f"is a {kind[:-6]} that cannot be read: skipped"
        return text, f"is a {kind[:-6]}: kept as its JSON text"
    if kind == "null_value":
        return None, "is null: skipped"
    return None, "has a value of an unknown kind: skipped"


def _time(secs: float, wall: float) -> float | None:
    for t in (secs, wall):
        if t > 0 and math.isfinite(t):
            return float(t)
    return None


def _hparam_info(h: Any, notes: list[str]) -> HParamInfo | None:
    name = str(h.name)
    if not name:
        notes.append("an hparam without a name: left out")
        return None
    typ = _TYPES.get(int(h.type))
    if typ is None:
        notes.append(f"hparam {name!r} has an unknown type ({int(h.type)}): left unset")
        typ = ""
    kind = h.WhichOneof("domain")
    values: list[HParamValue] = []
    lo: float | None = None
    hi: float | None = None
    if kind == "domain_discrete":
        items = list(h.domain_discrete.values)
        if len(items) > MAX_DOMAIN_VALUES:
            notes.append(f"hparam {name!r} lists {len(items)} values: the first kept")
            items = items[:MAX_DOMAIN_VALUES]
        for item in items:
            x, wrong = value_of(item)
            if wrong:
                notes.append(f"a value of hparam {name!r}'s domain {wrong}")
            if x is not None:
                values.append(x)
        domain = "discrete"
    elif kind == "domain_interval":
        lo, hi = float(h.domain_interval.min_value), float(h.domain_interval.max_value)
        domain = "interval"
        if math.isnan(lo) or math.isnan(hi) or lo > hi:
            why = "a NaN bound" if math.isnan(lo) or math.isnan(hi) else "min > max"
            notes.append(f"hparam {name!r}'s interval [{lo!r}, {hi!r}] has {why}: ignored")
            lo = hi = None
            domain = ""
    else:
        domain = ""
    return HParamInfo(
        name, str(h.display_name), str(h.description), typ, domain, tuple(values), lo, hi
    )


def experiment_of(run: str, exp: Any, wall: float) -> Experiment:
    """An Experiment from an HParamsExperiment message; what is malformed is noted."""
    notes: list[str] = []
    infos = list(exp.hparam_infos)
    if len(infos) > MAX_HPARAMS:
        notes.append(f"the config lists {len(infos)} hparams: the first {MAX_HPARAMS} kept")
        infos = infos[:MAX_HPARAMS]
    hps: list[HParamInfo] = []
    seen: set[str] = set()
    for h in infos:
        info = _hparam_info(h, notes)
        if info is None:
            continue
        if info.name in seen:
            notes.append(f"hparam {info.name!r} is listed twice: the first kept")
            continue
        seen.add(info.name)
        hps.append(info)
    metrics: list[MetricInfo] = []
    keys: set[str] = set()
    mis = list(exp.metric_infos)
    if len(mis) > MAX_METRICS:
        notes.append(f"the config lists {len(mis)} metrics: the first {MAX_METRICS} kept")
        mis = mis[:MAX_METRICS]
    for m in mis:
        tag, group = str(m.name.tag), str(m.name.group).strip("/")
        if not tag:
            notes.append("a metric without a tag: left out")
            continue
        dataset = _DATASETS.get(int(m.dataset_type), "")
        info2 = MetricInfo(tag, group, str(m.display_name), str(m.description), dataset)
        if info2.key in keys:
            notes.append(f"metric {info2.key!r} is listed twice: the first kept")
            continue
        keys.add(info2.key)
        metrics.append(info2)
    created = _time(float(exp.time_created_secs), wall) or 0.0
    return Experiment(run, tuple(hps), tuple(metrics), created, tuple(notes))


@dataclass
class _Start:
    step: int
    hparams: dict[str, HParamValue]
    group_name: str
    time: float | None
    notes: list[str]


@dataclass
class _End:
    step: int
    status: str
    time: float | None
    notes: list[str]


@dataclass
class RunRecords:
    """The parsed hparams records of one run (the last of each kind: a writer that
    writes a kind again replaces it, as TensorBoard keeps a tag's last content)."""

    experiment: tuple[int, Experiment] | None = None  # (step, config)
    start: _Start | None = None
    end: _End | None = None
    replaced: dict[str, int] = field(default_factory=dict)  # kind -> records replaced
    _snapshot: RunHParams | None = None

    def __bool__(self) -> bool:
        return self.experiment is not None or self.start is not None or self.end is not None

    def add(self, run: str, tag: str, content: bytes, step: int, wall: float) -> str:
        """Apply one value's plugin content; returns a problem ('' when none)."""
        data = hparams_pb2.HParamsPluginData()
        try:
            data.ParseFromString(content)
        except (DecodeError, RecursionError, ValueError):
            return f"hparams value of tag {tag!r} is not HParamsPluginData: skipped"
        which = data.WhichOneof("data")
        if which is None:
            return f"hparams value of tag {tag!r} holds no experiment or session info: skipped"
        if getattr(self, _SLOT[which]) is not None:
            self.replaced[which] = self.replaced.get(which, 0) + 1
        if which == "experiment":
            self.experiment = (step, experiment_of(run, data.experiment, wall))
        elif which == "session_start_info":
            self.start = _start_of(step, data.session_start_info, wall)
        else:
            end = data.session_end_info
            status = _STATUSES.get(int(end.status))
            notes = [] if status else [f"unknown session status {int(end.status)}"]
            self.end = _End(step, status or "unknown", _time(end.end_time_secs, wall), notes)
        self._snapshot = None
        return ""

    def purge(self, step: int) -> bool:
        """SessionLog.START at ``step``: drop records written at steps >= step."""
        dropped = False
        if self.experiment is not None and self.experiment[0] >= step:
            self.experiment = None
            dropped = True
        if self.start is not None and self.start.step >= step:
            self.start = None
            dropped = True
        if self.end is not None and self.end.step >= step:
            self.end = None
            dropped = True
        if dropped:
            self.replaced.clear()
            self._snapshot = None
        return dropped

    def snapshot(self, run: str) -> RunHParams | None:
        """What the run's records say now (None when it has none)."""
        if not self:
            return None
        if self._snapshot is None:
            st, end = self.start, self.end
            notes = [*(st.notes if st else ()), *(end.notes if end else ())]
            for which, n in sorted(self.replaced.items()):
                notes.append(f"{n + 1} {which.replace('_', ' ')}s in this run: the last used")
            self._snapshot = RunHParams(
                run=run,
                experiment=self.experiment[1] if self.experiment else None,
                started=st is not None,
                hparams=dict(st.hparams) if st else {},
                group_name=st.group_name if st else "",
                start_time=st.time if st else None,
                ended=end is not None,
                status=end.status if end else "running",
                end_time=end.time if end else None,
                notes=tuple(notes),
            )
        return self._snapshot


_SLOT = {"experiment": "experiment", "session_start_info": "start", "session_end_info": "end"}


def _start_of(step: int, info: Any, wall: float) -> _Start:
    notes: list[str] = []
    hps: dict[str, HParamValue] = {}
    items = sorted(info.hparams.items())
    if len(items) > MAX_HPARAMS:
        notes.append(f"the session has {len(items)} hparams: the first {MAX_HPARAMS} kept")
        items = items[:MAX_HPARAMS]
    for name, v in items:
        x, wrong = value_of(v)
        if wrong:
            notes.append(f"hparam {name!r} {wrong}")
        if x is not None:
            hps[str(name)] = x
    return _Start(step, hps, str(info.group_name), _time(info.start_time_secs, wall), notes)
