"""`Poller`: the one background thread of a board (CONTRIBUTING.md, principle 2)."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("tbnb")


class Poller:
    """Calls ``tick()`` every ``interval`` seconds on a daemon thread until stopped."""

    def __init__(self, tick: Callable[[], None], interval: float, name: str) -> None:
        if interval <= 0:
            raise ValueError("a poller needs a positive interval")
        self._tick = tick
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                self._tick()
            except Exception:  # keep polling; the tick reports its own errors
                log.exception("tbnb poller tick failed")
            self._stop.wait(self.interval)

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        if self._thread.is_alive() and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()
