"""``SkippingClock``: the embedded server's manual clock, moved by a ``timedelta``, firing what falls due.

``clock.advance(timedelta(days=7))`` moves the server's time and, before it returns, fires every
timer and timeout due by then (in due order, on the calling thread): a workflow with a 7-day
timer and a 1-hour activity timeout is tested in well under a second. Deciders and workers then
see the resulting decision tasks as usual. Long polls still wait in real time.
"""
from __future__ import annotations

import math
import time
from datetime import datetime, timedelta, timezone
from typing import Callable, Optional, Union

from swfkit.exceptions import ValidationError
from swfkit.server import ManualClock

__all__ = ["SkippingClock"]

Duration = Union[timedelta, int, float]


class SkippingClock(ManualClock):
    """A manual clock for time-skipping tests.

    Args:
        start: epoch seconds to start at (default: the current wall-clock second, so code that
            filters executions by ``datetime.now()`` finds them).
    """

    def __init__(self, start: Optional[float] = None) -> None:
        super().__init__(math.floor(time.time()) if start is None else start)
        self._fire: Optional[Callable[[], None]] = None

    def bind(self, fire_due: Callable[[], None]) -> None:
        """Fire due timeouts with ``fire_due`` after each ``advance`` (``SWFServer.fire_due_timeouts``)."""
        self._fire = fire_due

    def advance(self, seconds: Duration) -> None:  # also takes a timedelta
        """Move time forward and fire every timer and timeout due by the new time before returning.

        Args:
            seconds: a ``timedelta`` or seconds (>= 0).

        Raises:
            ValidationError: a negative or non-numeric duration (time never goes back).
        """
        value = seconds.total_seconds() if isinstance(seconds, timedelta) else seconds
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
            raise ValidationError("SkippingClock.advance", "seconds", "must be a timedelta or seconds >= 0, got %r"
                                  % (seconds,))
        super().advance(value)
        if self._fire is not None:
            self._fire()

    def as_datetime(self) -> datetime:
        """The clock's time as an aware UTC ``datetime``."""
        return datetime.fromtimestamp(self.now(), timezone.utc)
