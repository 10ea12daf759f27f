"""Is an open execution stuck? The two ways an SWF execution stops moving, read from its history.

1. ``nothing_scheduled``: the execution is open, no decision task is scheduled or started, and no
   activity, timer, child workflow or Lambda function is open. The decider answered a decision
   task with no decisions (or with ones that all failed): nothing will ever schedule another
   decision task, short of a signal, a cancel request or the execution timeout.
2. ``decisions_failing``: the last N decision tasks (default 3) each timed out (the decider crashed,
   hung, or left it to time out on a non-determinism error) or were answered with decisions SWF
   refused (``...Failed`` events). SWF keeps scheduling new ones; the execution goes nowhere.

Pure: the caller supplies the events and, to say how long it has been idle, the time now.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional

from swfkit.history.event_base import HistoryEvent, to_datetime
from swfkit.history.state import ExecutionState

__all__ = ["StuckExecution", "diagnose_stuck", "DEFAULT_FAILING_DECISIONS"]

#: How many decision tasks in a row must time out or fail before an execution counts as stuck.
DEFAULT_FAILING_DECISIONS = 3


@dataclass(frozen=True)
class StuckExecution:
    """Why an open execution will not move.

    Attributes:
        reason: ``nothing_scheduled`` or ``decisions_failing``.
        description: one sentence for a person, naming the events.
        last_event_id, last_event_time: the history's last event (epoch seconds): idle since then.
        failing_decisions: for ``decisions_failing``, how many decision tasks in a row failed.
    """

    reason: str
    description: str
    last_event_id: int
    last_event_time: float
    failing_decisions: int = 0

    def idle_seconds(self, now: float) -> float:
        """Seconds since the last event, at ``now`` (epoch seconds)."""
        return max(0.0, now - self.last_event_time)

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form."""
        return {"reason": self.reason, "description": self.description, "lastEventId": self.last_event_id,
                "lastEventTime": self.last_event_time, "failingDecisions": self.failing_decisions}


def _raw(event: Any) -> Mapping[str, Any]:
    return event.raw if isinstance(event, HistoryEvent) else event


def _decision_outcomes(events: List[Mapping[str, Any]]) -> List[str]:
    """For each closed decision task in order: ``ok``, ``timed out (TYPE)`` or ``refused: CAUSE``."""
    outcomes: List[str] = []
    by_completed: Dict[int, int] = {}  # DecisionTaskCompleted id -> index in outcomes
    for raw in events:
        kind = raw["eventType"]
        if kind == "DecisionTaskCompleted":
            by_completed[raw["eventId"]] = len(outcomes)
            outcomes.append("ok")
        elif kind == "DecisionTaskTimedOut":
            a = raw.get("decisionTaskTimedOutEventAttributes") or {}
            outcomes.append("timed out (%s)" % a.get("timeoutType", "START_TO_CLOSE"))
        elif kind.endswith("Failed") and not kind.startswith(("ActivityTask", "LambdaFunction", "ChildWorkflow",
                                                                "WorkflowExecution")):
            a = raw.get(kind[0].lower() + kind[1:] + "EventAttributes") or {}
            index = by_completed.get(a.get("decisionTaskCompletedEventId", -1))
            if index is not None:
                outcomes[index] = "refused: %s %s" % (kind, a.get("cause", ""))
    return outcomes


def diagnose_stuck(events: Iterable[Any], *, failing_decisions: int = DEFAULT_FAILING_DECISIONS
                   ) -> Optional[StuckExecution]:
    """Say whether the execution whose history is ``events`` is stuck, and why.

    Args:
        events: the whole history, in event id order (wire dicts or typed events).
        failing_decisions: decision tasks in a row that must time out or be refused (at least 1).
    Returns:
        A ``StuckExecution``, or None when the execution is closed or something will move it.
    Raises:
        HistoryIntegrityError, HistoryError: the events are not a valid history.
        ValueError: ``failing_decisions`` is below 1.
    """
    if failing_decisions < 1:
        raise ValueError("failing_decisions: must be at least 1, got %r" % (failing_decisions,))
    raws = [_raw(event) for event in events]
    state = ExecutionState()
    state.apply_raw(raws)
    if not raws or not state.is_open:
        return None
    last = raws[-1]
    last_id, last_time = last["eventId"], to_datetime(last["eventTimestamp"]).timestamp()
    if not state.needs_decision and not state.has_open_work:
        closed = [raw["eventId"] for raw in raws if raw["eventType"] in ("DecisionTaskCompleted",
                                                                           "DecisionTaskTimedOut")]
        after = ("the decision task that closed at event %d scheduled nothing" % closed[-1] if closed
                 else "no decision task was ever scheduled")
        return StuckExecution("nothing_scheduled", "no decision task and no open activity, timer, child workflow or "
                              "Lambda function: %s" % after, last_id, last_time)
    outcomes = _decision_outcomes(raws)
    streak = 0
    for outcome in reversed(outcomes):
        if outcome == "ok":
            break
        streak += 1
    if streak >= failing_decisions:
        recent = outcomes[-streak:]
        kinds = sorted(set(recent), key=recent.index)
        return StuckExecution("decisions_failing", "the last %d decision tasks failed: %s" % (streak, "; ".join(kinds)),
                              last_id, last_time, streak)
    return None
