"""``PollSlots``: what an async actor's pollers share while it runs (see ``AsyncPolling.run``)."""
from __future__ import annotations

import asyncio
from typing import Optional, Set, Tuple

from .actor import POLL_BACKOFF_MAX, POLL_BACKOFF_START

__all__ = ["PollSlots"]


class PollSlots:
    """What ``run``'s pollers share: the tasks in flight and the polls out (together at most
    ``max_concurrent``), the tasks taken and their limit, whether polling is over, and the backoff
    after failed polls (one for all: they fail together when the endpoint is down)."""

    __slots__ = ("in_flight", "polls", "taken", "limit", "over", "backoff", "resume_at")

    def __init__(self, limit: Optional[int]) -> None:
        self.in_flight: Set["asyncio.Task[None]"] = set()
        self.polls = 0
        self.taken = 0
        self.limit = limit
        self.over = False
        self.backoff = 0.0
        self.resume_at = 0.0

    def back_off(self, now: float) -> Tuple[float, bool]:
        """Seconds a poller whose poll failed waits before polling again, and whether it is the
        first to fail since the last wait began (the others wait until the same moment)."""
        if now < self.resume_at:
            return self.resume_at - now, False
        self.backoff = min(max(self.backoff * 2, POLL_BACKOFF_START), POLL_BACKOFF_MAX)
        self.resume_at = now + self.backoff
        return self.backoff, True
