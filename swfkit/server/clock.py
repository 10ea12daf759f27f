"""Clocks the server reads time from: the wall clock, or a manual one tests move by hand."""
from __future__ import annotations

import threading
import time
from typing import Callable, List


class SystemClock:
    """Wall-clock time in epoch seconds."""

    def now(self) -> float:
        """Return the current time as epoch seconds."""
        return time.time()

    def subscribe(self, callback: Callable[[], None]) -> None:
        """The wall clock never jumps, so nobody needs telling."""


class ManualClock:
    """A clock that only moves when :meth:`advance` is called (time-skipping tests).

    Timeouts due at or before the new time fire right after ``advance`` returns (the
    scheduler thread is woken); long polls still wait in real time.
    """

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        self._now = float(start)
        self._lock = threading.Lock()
        self._listeners: List[Callable[[], None]] = []

    def now(self) -> float:
        """Return the manual time as epoch seconds."""
        with self._lock:
            return self._now

    def advance(self, seconds: float) -> None:
        """Move time forward by ``seconds`` and wake whoever waits on the clock."""
        with self._lock:
            self._now += float(seconds)
            listeners = list(self._listeners)
        for callback in listeners:
            callback()

    def subscribe(self, callback: Callable[[], None]) -> None:
        """Call ``callback`` each time the clock is advanced."""
        with self._lock:
            self._listeners.append(callback)
