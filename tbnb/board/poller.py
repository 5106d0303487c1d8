"""`Poller`: the one background thread of a board (CONTRIBUTING.md, principle 2)."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from tbnb.board.watch import FileEvents

log = logging.getLogger("tbnb")

# After a read woken by a file change, the next one waits at least this long, and at
# least as long as the read took: many writers flushing often keep the kernel at most
# half busy.
MIN_GAP = 0.05


class Poller:
    """Calls ``tick()`` every ``interval`` seconds on a daemon thread until stopped,
    at once when ``watch()`` names local directories where a file changed, and at once
    again while ``tick()`` returns True (it read part of a large logdir: more waits)."""

    def __init__(
        self,
        tick: Callable[[], bool | None],
        interval: float,
        name: str,
        watch: Callable[[], list[str]] | None = None,
    ) -> None:
        if interval <= 0:
            raise ValueError("a poller needs a positive interval")
        self._tick = tick
        self.interval = interval
        self._stop = threading.Event()
        self.events = FileEvents(watch or (lambda: []), self._stop)
        self.ticks = 0
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            began = time.monotonic()
            more = False
            try:
                more = bool(self._tick())
            except Exception:  # keep polling; the tick reports its own errors
                log.exception("tbnb poller tick failed")
            self.ticks += 1
            if more:
                continue
            ended = time.monotonic()
            if self.events.wait(self.interval):
                # the next read starts max(MIN_GAP, cost) after this one ended
                gap = max(MIN_GAP, ended - began)
                self._stop.wait(max(0.0, gap - (time.monotonic() - ended)))

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()
