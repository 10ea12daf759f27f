"""Decisions SWF refused: the ``*Failed`` events with a ``cause`` (``ScheduleActivityTaskFailed``,
``StartTimerFailed``, ``CompleteWorkflowExecutionFailed``...), as values a decider can react to.

SWF records such an event instead of acting on the decision and tells nobody else: a decider that
never looks at them leaves its execution waiting for something that will not happen. The
``Decider`` logs each one at WARNING once and hands them to ``decide`` as
``task.decision_failures``.
"""
from __future__ import annotations

import collections
import logging
from dataclasses import dataclass
from typing import Any, Iterable, Optional, Tuple

log = logging.getLogger("swfkit.actors.decider")

__all__ = ["DecisionFailure", "decision_failures", "FailureLog"]

# The attribute naming what the refused decision was about, in the order they are looked for.
_TARGETS = ("activity_id", "timer_id", "workflow_id", "marker_name", "id")


@dataclass(frozen=True)
class DecisionFailure:
    """One decision SWF refused.

    Attributes:
        event_id: the ``*Failed`` event's id.
        decision: the decision type, e.g. ``ScheduleActivityTask``.
        cause: SWF's cause, e.g. ``DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED``.
        target: the activity id, timer id, workflow id or marker name it was about (None if none).
        decision_task_completed_event_id: the decision task that sent it, when SWF says.
    """

    event_id: int
    decision: str
    cause: str
    target: Optional[str]
    decision_task_completed_event_id: Optional[int]

    def __str__(self) -> str:
        about = " %s" % self.target if self.target else ""
        return "%s%s failed: %s (event %d)" % (self.decision, about, self.cause, self.event_id)


def decision_failures(events: Iterable[Any]) -> Tuple[DecisionFailure, ...]:
    """The refused decisions among ``events`` (typed history events), in history order."""
    found = []
    for event in events:
        cause = getattr(event, "cause", None)
        if cause is None or not event.event_type.endswith("Failed"):
            continue
        target = next((str(getattr(event, name)) for name in _TARGETS if getattr(event, name, None)), None)
        found.append(DecisionFailure(event.event_id, event.event_type[:-len("Failed")], str(cause), target,
                                     getattr(event, "decision_task_completed_event_id", None)))
    return tuple(found)


class FailureLog:
    """Logs each refused decision once per process, even when its decision task is handed out again."""

    def __init__(self, remembered: int = 10_000) -> None:
        self._seen: "collections.OrderedDict[Tuple[str, int], None]" = collections.OrderedDict()
        self._remembered = remembered

    def log(self, run_id: str, where: str, failures: Iterable[DecisionFailure]) -> None:
        """Log the failures of run ``run_id`` not logged yet, at WARNING."""
        for failure in failures:
            key = (run_id, failure.event_id)
            if key in self._seen:
                continue
            self._seen[key] = None
            if len(self._seen) > self._remembered:
                self._seen.popitem(last=False)
            log.warning("%s: decision %s", where, failure)
