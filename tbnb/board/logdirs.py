"""The logdirs a board reads: one `NamedLogdir` each (a reader `Logdir` and the name
that prefixes its runs for --logdir_spec)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tbnb.board.feeds import FeedChange
from tbnb.events import Logdir, Problem
from tbnb.events.kinds import Kind

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

    def reload(self) -> tuple[dict[Kind, list[FeedChange]], list[str]]:
        """Read what is new: the series that changed by kind, and the new runs."""
        if self.logdir is None:
            return {}, []
        changes = self.logdir.reload()
        changed: dict[Kind, list[FeedChange]] = {}
        for (run, kind, tag), change in changes.series.items():
            changed.setdefault(Kind(kind), []).append(
                FeedChange(self.run_name(run), tag, change.series, change.first_row)
            )
        new = sorted(
            self.run_name(r) for r in changes.new_runs if self.run_name(r) not in self._runs
        )
        self._runs.update(new)
        return changed, new

    @property
    def problems(self) -> list[Problem]:
        return self.logdir.problems if self.logdir is not None else []
