"""Fitting a decision's answer into SWF's limits: open activities, request size, decision count.

Activities beyond the open-activity limit (1,000) are queued: they are scheduled by later
decisions as earlier ones close (their futures stay pending, so nothing is lost). When one
response would exceed the request size (1 MB) or ``max_decisions``, the rest of the decisions is
deferred in order and a zero-second timer brings the next decision task, which replays and
sends them. A close decision is held back while anything is queued or deferred.
"""
from __future__ import annotations

import json
from typing import Dict, Hashable, List, Optional, Set

from swfkit.decisions import Decision, start_timer
from swfkit.decisions.response_limits import REQUEST_OVERHEAD_BYTES
from swfkit.spec.limits import MAX_OPEN_ACTIVITIES, MAX_REQUEST_BYTES

__all__ = ["DecisionBuffer"]

#: Room kept for the wake-up timer and the close decision's framing.
RESERVE_BYTES = 1_024


def _size(decision: Decision) -> int:
    return len(json.dumps(decision.to_dict(), separators=(",", ":"))) + 1  # + the list's comma


class DecisionBuffer:
    """The decisions of one response, in order, within SWF's limits.

    Args:
        open_activities: activities the history shows open.
        max_open_activities: SWF's limit (1,000).
        max_request_bytes: SWF's request limit (1 MB).
        max_decisions: most decisions per response (None: only the size limits).
    """

    def __init__(self, open_activities: int, *, max_open_activities: int = MAX_OPEN_ACTIVITIES,
                 max_request_bytes: int = MAX_REQUEST_BYTES, max_decisions: Optional[int] = None) -> None:
        self.slots = max_open_activities - open_activities
        self.budget = max_request_bytes - REQUEST_OVERHEAD_BYTES - RESERVE_BYTES
        self.max_decisions = max_decisions
        self.used = 2  # "[]"
        self.sent: List[Decision] = []
        self.keys: Dict[Hashable, Decision] = {}
        self.waiting: Set[Hashable] = set()  # keys of activities waiting for a free slot
        self.deferred = 0    # decisions left for the next response

    def add(self, decision: Decision, key: Optional[Hashable] = None) -> bool:
        """Send ``decision`` in this response if it fits (else defer it and all that follows)."""
        if self.deferred:
            self.deferred += 1
            return False
        size = _size(decision)
        if self.used + size > self.budget or (self.max_decisions is not None
                                             and len(self.sent) >= self.max_decisions - 1):
            self.deferred += 1  # (one place is kept for the wake-up timer)
            return False
        self.used += size
        self.sent.append(decision)
        if key is not None:
            self.keys[key] = decision
        return True

    def schedule_activity(self, decision: Decision, key: Hashable) -> bool:
        """Add a ScheduleActivityTask if a slot is free; else queue it for a later decision."""
        if self.slots <= 0:
            self.waiting.add(key)
            return False
        if self.add(decision, key):
            self.slots -= 1
            return True
        return False

    def remove(self, key: Hashable) -> bool:
        """Take back a decision of this response (a cancelled submission); True if there was one."""
        if key in self.waiting:
            self.waiting.discard(key)
            return True
        decision = self.keys.pop(key, None)
        if decision is None:
            return False
        self.sent.remove(decision)
        self.used -= _size(decision)
        if decision.decision_type == "ScheduleActivityTask":
            self.slots += 1
        return True

    def clear(self) -> None:
        """Drop every decision of this response (a run about to continue as new asks again)."""
        self.slots += sum(1 for d in self.sent if d.decision_type == "ScheduleActivityTask")
        self.used = 2
        self.sent.clear()
        self.keys.clear()
        self.waiting.clear()
        self.deferred = 0

    @property
    def queued(self) -> int:
        """How many activities wait for a free slot."""
        return len(self.waiting)

    @property
    def holding(self) -> bool:
        """Whether work waits for a later response (so the execution must not close yet)."""
        return bool(self.queued or self.deferred)

    def finish(self, close: Optional[Decision], started_event_id: int, wake_timer_id: str) -> List[Decision]:
        """The decisions to send: the close last if nothing is held back; a wake-up timer if deferred."""
        decisions = list(self.sent)
        if close is not None and not self.holding:
            full = self.max_decisions is not None and len(decisions) >= self.max_decisions
            if not full and self.used + _size(close) <= self.budget + RESERVE_BYTES // 2:
                decisions.append(close)
                return decisions
            self.deferred += 1  # the close itself does not fit: send it next time
        if self.deferred:
            decisions.append(start_timer(wake_timer_id, 0))
        return decisions
