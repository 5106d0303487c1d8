"""The logdirs a board reads: one `NamedLogdir` each (a reader `Logdir` and the name
that prefixes its runs for --logdir_spec)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from tbnb.board.feeds import FeedChange
from tbnb.events import Logdir, Problem
from tbnb.events.hparams_sessions import ancestors
from tbnb.events.kinds import Kind
from tbnb.events.points import HParams

_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_DRIVE = re.compile(r"^[A-Za-z]:[\\/]")


def parse_logdir_spec(spec: str) -> list[tuple[str | None, str]]:
    """``"name1:path1,name2:path2"`` -> ``[(name1, path1), (name2, path2)]``.

    As TensorBoard reads it: an entry without a name (a bare path, a URL such as
    ``s3://b/runs``, a Windows drive path) keeps its run names unprefixed.
    """
    out: list[tuple[str | None, str]] = []
    for part in spec.split(","):
        entry = part.strip()
        if not entry:
            continue
        if ":" in entry and not _URL.match(entry) and not _DRIVE.match(entry):
            name, path = entry.split(":", 1)
            if not name or not path:
                raise ValueError(f"--logdir_spec entry {entry!r} is not name:path")
            out.append((name, path))
        else:
            out.append((None, entry))
    if not out:
        raise ValueError("--logdir_spec is empty")
    names = [n for n, _ in out if n is not None]
    if len(set(names)) != len(names):
        raise ValueError(f"--logdir_spec names must differ: {spec!r}")
    return out


@dataclass
class NamedLogdir:
    """One logdir of a board, or the error that keeps it from being read."""

    name: str | None
    path: str
    logdir: Logdir | None
    open_error: str | None = None  # why no Logdir could be made (a bad URL, no backend)
    _runs: set[str] = field(default_factory=set)
    _sessions: set[str] = field(default_factory=set)  # session runs (reader's names)

    @property
    def error(self) -> str | None:
        """What keeps this logdir from being read now (None: nothing)."""
        if self.open_error:
            return self.open_error
        return self.logdir.unreachable if self.logdir is not None else None

    @classmethod
    def open(cls, name: str | None, path: str) -> NamedLogdir:
        try:
            return cls(name, path, Logdir(path))
        except ImportError as err:  # a missing fsspec backend: say what to install
            return cls(
                name,
                path,
                None,
                f"cannot read {path}: {err}. Remote logdirs need fsspec and the "
                f'filesystem\'s package: pip install "tbnb[remote]" (s3://, gs://), '
                "or the package named above, then restart the kernel",
            )
        except Exception as err:  # a bad URL: shown in the board
            return cls(name, path, None, f"cannot read {path}: {err}")

    def run_name(self, run: str) -> str:
        if self.name is None:
            return run
        return self.name if run == "." else f"{self.name}/{run}"

    def reload(self, budget: float | None = None) -> tuple[dict[Kind, list[FeedChange]], list[str]]:
        """Read what is new: the series that changed by kind, and the new runs
        (``budget``: Logdir.reload's, seconds after which no further run is started)."""
        if self.logdir is None:
            return {}, []
        changes = self.logdir.reload(budget)
        changed: dict[Kind, list[FeedChange]] = {}
        sessions_changed = False
        for (run, kind, tag), change in changes.series.items():
            if kind == Kind.HPARAMS:  # assembled across runs below
                sessions_changed = True
                continue
            if kind == Kind.SCALARS and self._sessions and not sessions_changed:
                # a metric of a session: the session's run or a run below it
                sessions_changed = any(r in self._sessions for r in (run, *ancestors(run)))
            changed.setdefault(Kind(kind), []).append(
                FeedChange(self.run_name(run), tag, change.series, change.first_row)
            )
        if sessions_changed:
            hp = self.logdir.hparams()
            self._sessions = {s.run for s in hp.sessions}
            changed[Kind.HPARAMS] = [FeedChange(self.name or "", "", self._renamed(hp), 0)]
        new = sorted(
            self.run_name(r) for r in changes.new_runs if self.run_name(r) not in self._runs
        )
        self._runs.update(new)
        return changed, new

    def _renamed(self, hp: HParams) -> HParams:
        """``hp`` with the board's run names (prefixed for --logdir_spec)."""
        if self.name is None:
            return hp
        name = self.run_name
        return HParams(
            tuple(replace(e, run=name(e.run) if e.run else "") for e in hp.experiments),
            tuple(
                replace(
                    s,
                    run=name(s.run),
                    parent=name(s.parent),
                    name=name(s.name),
                    experiment=name(s.experiment) if s.experiment else "",
                )
                for s in hp.sessions
            ),
            hp.notes,
        )

    @property
    def problems(self) -> list[Problem]:
        return self.logdir.problems if self.logdir is not None else []
