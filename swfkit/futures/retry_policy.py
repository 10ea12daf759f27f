"""When an activity attempt that failed or timed out is scheduled again, and after how long."""
from __future__ import annotations

import math
from typing import Optional

__all__ = ["RETRIABLE_STATUSES", "TRANSIENT_SCHEDULE_CAUSES", "should_retry", "backoff_seconds"]

#: Attempt outcomes that a retry covers (a cancelled attempt is never retried).
RETRIABLE_STATUSES = frozenset(("failed", "timed_out"))
#: ScheduleActivityTaskFailed causes that pass with time: schedule again, without using a retry.
TRANSIENT_SCHEDULE_CAUSES = frozenset(("OPEN_ACTIVITIES_LIMIT_EXCEEDED", "ACTIVITY_CREATION_RATE_EXCEEDED"))


def should_retry(status: str, attempts: int, retry: int) -> bool:
    """Whether attempt number ``attempts`` that ended with ``status`` gets another one (``retry`` allowed)."""
    return status in RETRIABLE_STATUSES and attempts <= retry


def backoff_seconds(backoff: Optional[float], failed_attempt: int) -> Optional[int]:
    """Seconds to wait before the retry that follows attempt ``failed_attempt`` (1-based): ``backoff``
    doubled for each earlier retry, rounded up to whole seconds (SWF timers count seconds).
    None or 0 means retry at once."""
    if not backoff:
        return None
    return int(math.ceil(backoff * (2 ** (failed_attempt - 1))))
