"""Problems found while reading: reported, never raised, and kept bounded.

A file of garbage or of many bad records must not grow memory or the status line
without limit: every problem is counted by (file, kind), and only the latest
``LATEST`` are kept as entries.
"""

from __future__ import annotations

import re
import threading
from collections import deque
from dataclasses import dataclass
from typing import Protocol

# Problem entries kept (the counts cover all of them).
LATEST = 100

_NUMBER = re.compile(r"\d[\d,]*")


@dataclass(frozen=True)
class Problem:
    """Something that could not be read: where, and why (``count`` times, when one entry
    stands for several records)."""

    path: str
    offset: int | None
    message: str
    count: int = 1

    @property
    def kind(self) -> str:
        return kind_of(self.message)

    def __str__(self) -> str:
        where = self.path if self.offset is None else f"{self.path} @ {self.offset}"
        times = f" ({self.count:,} records)" if self.count > 1 else ""
        return f"{where}: {self.message}{times}"


def kind_of(message: str) -> str:
    """The kind of a problem: its message with the numbers taken out."""
    return _NUMBER.sub("N", message)


class ProblemLog:
    """The latest problems, and how many there were of each kind in each file."""

    def __init__(self, keep: int = LATEST) -> None:
        self._latest: deque[Problem] = deque(maxlen=keep)
        self.total = 0
        self.counts: dict[tuple[str, str], int] = {}
        self._lock = threading.Lock()  # runs are read in parallel threads

    def add(self, p: Problem) -> None:
        key = (p.path, p.kind)
        with self._lock:
            self._latest.append(p)
            self.total += p.count
            self.counts[key] = self.counts.get(key, 0) + p.count

    def latest(self) -> list[Problem]:
        return list(self._latest)

    def drop(self, keys: set[tuple[str, str]]) -> None:
        """Forget the problems with these (path, message): conditions that cleared."""
        gone = [p for p in self._latest if (p.path, p.message) in keys]
        if not gone:
            return
        kept = [p for p in self._latest if (p.path, p.message) not in keys]
        self._latest.clear()
        self._latest.extend(kept)
        for p in gone:
            self.total -= p.count
            key = (p.path, p.kind)
            left = self.counts.get(key, 0) - p.count
            if left > 0:
                self.counts[key] = left
            else:
                self.counts.pop(key, None)


class ProblemSink(Protocol):
    """Where readers report: ``count`` records share one entry's message."""

    def __call__(self, path: str, offset: int | None, message: str, count: int = 1) -> None: ...
