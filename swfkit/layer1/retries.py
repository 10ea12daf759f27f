"""When and how long to wait before sending a call again.

Retried: throttling (``ThrottlingException`` and its aliases), any 5xx answer, and failures to get
an answer at all (connection refused/reset, timeouts). Waits are capped exponential backoff with
full jitter: ``uniform(0, min(cap, base * 2 ** (retry - 1)))`` before retry number ``retry``
(1 for the first), so the first ceiling is ``base``.
"""
from __future__ import annotations

import random
import time
from typing import Any, Awaitable, Callable, Optional

from swfkit.exceptions import ServiceError, SWFError, TransportError

DEFAULT_BASE_SECONDS = 0.25
DEFAULT_CAP_SECONDS = 20.0


class RetryPolicy:
    """How many attempts a call gets and how long to sleep between them.

    Args:
        max_attempts: attempts per call, the first one included (1 = never retry).
        base: the first backoff ceiling, in seconds.
        cap: the largest backoff ceiling, in seconds.
        sleep: the sleeping function (tests replace it).
        jitter: returns a float in [0, 1) (tests replace it).
        async_sleep: the coroutine ``AsyncLayer1`` awaits between attempts (tests replace it);
            None for ``asyncio.sleep``, looked up when first needed (the sync client never
            imports asyncio).
    """

    def __init__(self, max_attempts: int, *, base: float = DEFAULT_BASE_SECONDS, cap: float = DEFAULT_CAP_SECONDS,
                 sleep: Callable[[float], None] = time.sleep, jitter: Callable[[], float] = random.random,
                 async_sleep: Optional[Callable[[float], Awaitable[Any]]] = None) -> None:
        self.max_attempts = max_attempts
        self.base = base
        self.cap = cap
        self.sleep = sleep
        self.jitter = jitter
        self.async_sleep = async_sleep

    @staticmethod
    def retryable(error: SWFError) -> bool:
        """Whether sending the same call again may succeed."""
        if isinstance(error, ServiceError):
            return error.retryable or (error.status_code is not None and error.status_code >= 500)
        if isinstance(error, TransportError):
            return bool(getattr(error, "retryable", False))
        return False

    def delay(self, retry: int) -> float:
        """Seconds to wait before retry number ``retry`` (1 for the first retry)."""
        ceiling: float = min(self.cap, self.base * (2 ** (retry - 1)))
        return self.jitter() * ceiling

    def should_retry(self, error: SWFError, attempt: int) -> bool:
        """Sleep and return True when attempt number ``attempt`` failing with ``error`` is retried."""
        if attempt >= self.max_attempts or not self.retryable(error):
            return False
        self.sleep(self.delay(attempt))
        return True

    async def should_retry_async(self, error: SWFError, attempt: int) -> bool:
        """``should_retry`` for coroutines: the same decision, the wait awaited (``async_sleep``)."""
        if attempt >= self.max_attempts or not self.retryable(error):
            return False
        sleep = self.async_sleep
        if sleep is None:
            import asyncio  # already imported by whoever runs this coroutine

            sleep = asyncio.sleep
        await sleep(self.delay(attempt))
        return True
