"""SWF's lifecycles as data: for each kind of entity, ``(state, event_type) -> new state``.

``None`` stands for "no such entity yet". A pair missing from a table is a history SWF would
never record, and ``move`` raises ``HistoryIntegrityError`` naming the event, the entity and its
state. A pair that maps a state to itself means the event leaves the entity as it is (e.g. a
``ScheduleActivityTaskFailed`` with ACTIVITY_ID_ALREADY_IN_USE while that id is open).
"""
from __future__ import annotations

from typing import Dict, Iterable, Optional, Tuple

from swfkit.exceptions import HistoryIntegrityError

Table = Dict[Tuple[Optional[str], str], str]


def _table(*rows: Tuple[Iterable[Optional[str]], str, str]) -> Table:
    """Expand rows of ``(from_states, event_type, to_state)``; ``to_state`` "=" keeps the state."""
    table: Table = {}
    for sources, event_type, target in rows:
        for source in sources:
            # "=" rows never list None (an unknown entity) among their sources: the value is a state.
            table[(source, event_type)] = source if target == "=" else target  # type: ignore[assignment]
    return table


ACTIVITY_OPEN = ("scheduled", "started", "cancel_requested")
ACTIVITY_CLOSED = ("completed", "failed", "timed_out", "canceled", "schedule_failed")
ACTIVITY: Table = _table(
    ((None,) + ACTIVITY_CLOSED, "ActivityTaskScheduled", "scheduled"),
    ((None,) + ACTIVITY_CLOSED, "ScheduleActivityTaskFailed", "schedule_failed"),
    (ACTIVITY_OPEN, "ScheduleActivityTaskFailed", "="),
    (("scheduled",), "ActivityTaskStarted", "started"),
    # a cancel request can race the start: the task stays cancel-requested once started
    (("cancel_requested",), "ActivityTaskStarted", "cancel_requested"),
    (ACTIVITY_OPEN, "ActivityTaskCancelRequested", "cancel_requested"),
    (("started", "cancel_requested"), "ActivityTaskCompleted", "completed"),
    (("started", "cancel_requested"), "ActivityTaskFailed", "failed"),
    (ACTIVITY_OPEN, "ActivityTaskTimedOut", "timed_out"),
    (ACTIVITY_OPEN, "ActivityTaskCanceled", "canceled"),
)

LAMBDA_OPEN = ("scheduled", "started")
LAMBDA_CLOSED = ("completed", "failed", "timed_out", "schedule_failed", "start_failed")
LAMBDA: Table = _table(
    ((None,) + LAMBDA_CLOSED, "LambdaFunctionScheduled", "scheduled"),
    ((None,) + LAMBDA_CLOSED, "ScheduleLambdaFunctionFailed", "schedule_failed"),
    (LAMBDA_OPEN, "ScheduleLambdaFunctionFailed", "="),
    (("scheduled",), "LambdaFunctionStarted", "started"),
    (("scheduled",), "StartLambdaFunctionFailed", "start_failed"),
    (("started",), "LambdaFunctionCompleted", "completed"),
    (("started",), "LambdaFunctionFailed", "failed"),
    (LAMBDA_OPEN, "LambdaFunctionTimedOut", "timed_out"),
)

TIMER_CLOSED = ("fired", "canceled", "start_failed")
TIMER: Table = _table(
    ((None,) + TIMER_CLOSED, "TimerStarted", "started"),
    ((None,) + TIMER_CLOSED, "StartTimerFailed", "start_failed"),
    (("started",), "StartTimerFailed", "="),
    (("started",), "TimerFired", "fired"),
    (("started",), "TimerCanceled", "canceled"),
)

CHILD_OPEN = ("start_initiated", "started")
CHILD_CLOSED = ("completed", "failed", "timed_out", "canceled", "terminated", "start_failed")
CHILD: Table = _table(
    ((None,) + CHILD_CLOSED, "StartChildWorkflowExecutionInitiated", "start_initiated"),
    # starting an id that is already open is recorded, then fails with WORKFLOW_ALREADY_RUNNING
    (CHILD_OPEN, "StartChildWorkflowExecutionInitiated", "="),
    (("start_initiated",), "StartChildWorkflowExecutionFailed", "start_failed"),
    ((None,) + CHILD_CLOSED, "StartChildWorkflowExecutionFailed", "start_failed"),
    (("start_initiated",), "ChildWorkflowExecutionStarted", "started"),
    (("started",), "ChildWorkflowExecutionCompleted", "completed"),
    (("started",), "ChildWorkflowExecutionFailed", "failed"),
    (("started",), "ChildWorkflowExecutionTimedOut", "timed_out"),
    (("started",), "ChildWorkflowExecutionCanceled", "canceled"),
    (("started",), "ChildWorkflowExecutionTerminated", "terminated"),
)

EXTERNAL_SIGNAL: Table = _table(
    ((None,), "SignalExternalWorkflowExecutionInitiated", "initiated"),
    (("initiated",), "ExternalWorkflowExecutionSignaled", "signaled"),
    (("initiated",), "SignalExternalWorkflowExecutionFailed", "failed"),
)

EXTERNAL_CANCEL: Table = _table(
    ((None,), "RequestCancelExternalWorkflowExecutionInitiated", "initiated"),
    (("initiated",), "ExternalWorkflowExecutionCancelRequested", "requested"),
    (("initiated",), "RequestCancelExternalWorkflowExecutionFailed", "failed"),
)

DECISION_TASK: Table = _table(
    ((None,), "DecisionTaskScheduled", "scheduled"),
    (("scheduled",), "DecisionTaskStarted", "started"),
    (("started",), "DecisionTaskCompleted", "completed"),
    (("scheduled", "started"), "DecisionTaskTimedOut", "timed_out"),
)

#: Event type -> close status of the execution.
CLOSE_STATUS = {
    "WorkflowExecutionCompleted": "COMPLETED",
    "WorkflowExecutionFailed": "FAILED",
    "WorkflowExecutionCanceled": "CANCELED",
    "WorkflowExecutionTerminated": "TERMINATED",
    "WorkflowExecutionContinuedAsNew": "CONTINUED_AS_NEW",
    "WorkflowExecutionTimedOut": "TIMED_OUT",
}
EXECUTION: Table = _table(
    ((None,), "WorkflowExecutionStarted", "open"),
    (("open",), "WorkflowExecutionSignaled", "open"),
    (("open",), "WorkflowExecutionCancelRequested", "open"),
    *((("open",), close_event, "closed") for close_event in CLOSE_STATUS),
)

#: Every table by the name ``move`` uses for its entities (for docs and tests).
TABLES: Dict[str, Table] = {
    "activity": ACTIVITY, "lambda": LAMBDA, "timer": TIMER, "child workflow": CHILD,
    "external signal": EXTERNAL_SIGNAL, "external cancel request": EXTERNAL_CANCEL,
    "decision task": DECISION_TASK, "execution": EXECUTION,
}


def move(table: Table, kind: str, key: object, state: Optional[str], event_type: str, event_id: int) -> str:
    """The state an entity moves to on an event.

    Raises:
        HistoryIntegrityError: SWF never records ``event_type`` for an entity in ``state``.
    """
    target = table.get((state, event_type))
    if target is None:
        raise illegal(table, kind, key, state, event_type, event_id)
    return target


def illegal(table: Table, kind: str, key: object, state: Optional[str], event_type: str,
            event_id: int) -> HistoryIntegrityError:
    """The error for an event that is illegal in ``state`` (naming the states it is legal in)."""
    legal = sorted(str(source) for source, name in table if name == event_type)
    if state is None:
        rule = "no %s %r was scheduled, started or initiated before" % (kind, key)
    else:
        rule = "%s is only legal in state %s" % (event_type, " or ".join(legal) or "(none)")
    return HistoryIntegrityError(event_id, event_type, "%s %r" % (kind, key), state, rule)
