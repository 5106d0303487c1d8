"""Being told that a logdir's files changed, where the operating system can tell.

A board reads its logdir every ``reload_interval`` seconds (the `Poller`). Where the
logdir is a local directory, the operating system also says when a file in it changed
(inotify on Linux, FSEvents on macOS, ReadDirectoryChangesW on Windows, through
watchfiles, a maintained wrapper of Rust's notify): the poller then reads at once
instead of at its next interval, so a flushed point reaches the page in a fraction of a
second. The interval stays the fallback: a remote logdir (fsspec), a network file system
whose writes the local kernel never hears of, a missing watchfiles, or a directory that
cannot be watched (the inotify watch limit) are read every interval as before.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger("tbnb")

# Changes are grouped until none arrives for STEP_MS, and for at most DEBOUNCE_MS: a
# writer flushing often wakes the board at most every DEBOUNCE_MS. The watcher looks up
# every TICK_MS without a change (to see the stop and the interval's end).
STEP_MS = 10
DEBOUNCE_MS = 100
TICK_MS = 200


class FileEvents:
    """Waits for a change in ``dirs()`` (the local directories to watch) or a timeout.

    ``dirs`` is asked again until they exist (a logdir the writer has not made yet);
    ``mode`` says what the board relies on: "events" or "polling" (with ``reason``).
    """

    def __init__(self, dirs: Callable[[], list[str]], stop: threading.Event) -> None:
        self._dirs = dirs
        self._stop = stop
        self._events: Iterator[Any] | None = None
        self.mode = "polling"
        self.reason = "no local directory to watch yet"
        self._failed = False

    def _start(self) -> None:
        dirs = [d for d in self._dirs() if Path(d).is_dir()]
        if not dirs:
            return
        try:
            from watchfiles import watch
        except ImportError:
            self._failed = True
            self.reason = "watchfiles is not installed"
            return
        self._events = iter(
            watch(
                *dirs,
                stop_event=self._stop,
                rust_timeout=TICK_MS,
                yield_on_timeout=True,
                debounce=DEBOUNCE_MS,
                step=STEP_MS,
                raise_interrupt=False,
            )
        )

    def _next(self) -> set[Any] | None:
        """The changes seen next (empty: none for TICK_MS); None once stopped or broken."""
        assert self._events is not None
        try:
            return set(next(self._events))
        except StopIteration:  # stopped
            return None
        except Exception as err:  # cannot watch here, or the watch broke: poll from here
            log.debug("tbnb: no file events: %s", err)
            self._events = None
            self._failed = True
            self.mode = "polling"
            self.reason = f"cannot watch the logdir: {err}"
            return None

    def wait(self, timeout: float) -> bool:
        """Returns after a change (True) or ``timeout`` seconds (False), or once stopped."""
        deadline = time.monotonic() + timeout
        if self._events is None and not self._failed:
            self._start()
            if self._events is not None and self._next() is not None:
                # watching from now on; what was written before it began is read now
                self.mode, self.reason = "events", ""
                return True
        while self._events is not None and not self._stop.is_set():
            changes = self._next()
            if changes:
                return True
            if changes is None or time.monotonic() >= deadline:
                break
        self._stop.wait(max(0.0, deadline - time.monotonic()))
        return False
