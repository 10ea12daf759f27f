"""Fold steps for the execution itself, signals, markers, timers, child workflows and the
signals / cancel requests this execution sends to others (same shape as ``fold_tasks``)."""
from __future__ import annotations

import dataclasses
from typing import Any, Dict, Mapping, Optional

from swfkit.exceptions import HistoryIntegrityError
from swfkit.history.event_base import to_datetime
from swfkit.history.fold_tasks import Step, earlier_attempts
from swfkit.history.lifecycles import CHILD, CLOSE_STATUS, EXTERNAL_CANCEL, EXTERNAL_SIGNAL, TIMER, move
from swfkit.history.records import (
    ChildState,
    DecisionFailure,
    ExecutionInfo,
    ExternalCancelState,
    ExternalSignalState,
    MarkerRecord,
    SignalRecord,
    TimerState,
)

# -- the execution -------------------------------------------------------------------------------


def execution_started(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """WorkflowExecutionStarted: the run opens."""
    s.execution = ExecutionInfo(
        "open", a["workflowType"], a.get("input"), a["taskList"], a.get("tagList"),
        a.get("parentWorkflowExecution"), a.get("parentInitiatedEventId"), a.get("continuedExecutionRunId"),
        a["childPolicy"], a.get("executionStartToCloseTimeout"), a.get("taskStartToCloseTimeout"),
        a.get("taskPriority"), a.get("lambdaRole"),
        to_datetime(raw["eventTimestamp"], where="eventTimestamp of event %d" % event_id))


def execution_closed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """The six close events: the run closes with its close status."""
    s.execution = dataclasses.replace(
        s.execution, status="closed", close_status=CLOSE_STATUS[event_type], close_event_id=event_id,
        result=a.get("result"), reason=a.get("reason"), details=a.get("details"),
        timeout_type=a.get("timeoutType"), cause=a.get("cause"),
        continued_as_new_run_id=a.get("newExecutionRunId"))
    s._open_decision_task = 0  # SWF drops whatever decision task was open


def execution_cancel_requested(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """WorkflowExecutionCancelRequested: someone asked the run to cancel."""
    s.execution = dataclasses.replace(s.execution, cancel_requested=True)


def execution_signaled(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """WorkflowExecutionSignaled: a signal arrived."""
    s.signals.append(SignalRecord(a["signalName"], a.get("input"), event_id, a.get("externalWorkflowExecution"),
                                  a.get("externalInitiatedEventId")))


def _decision_failure(target: Optional[str]) -> Step:
    """A refused decision that changes no entity: only recorded in ``decision_failures``."""
    def decision_failed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
        """A refused decision recorded in ``decision_failures``."""
        s.decision_failures.append(DecisionFailure(event_id, event_type, a.get("cause"),
                                                   a.get(target) if target else None,
                                                   a.get("decisionTaskCompletedEventId")))
    return decision_failed


def marker_recorded(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """MarkerRecorded: one more record under the marker's name."""
    name = a["markerName"]
    records = s.markers.get(name)
    if records is None:
        records = s.markers[name] = []
    records.append(MarkerRecord(name, a.get("details"), event_id))


# -- timers --------------------------------------------------------------------------------------

def timer_started(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """TimerStarted: a timer opens (a fired or canceled id may be reused)."""
    timer_id = a["timerId"]
    old = s.timers.get(timer_id)
    move(TIMER, "timer", timer_id, None if old is None else old.status, event_type, event_id)
    s.timers[timer_id] = TimerState(timer_id, "started", a["startToFireTimeout"], a.get("control"), event_id)
    s._open_timers.add(timer_id)


def start_timer_failed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """StartTimerFailed: the decision was refused."""
    timer_id = a["timerId"]
    old = s.timers.get(timer_id)
    old_status = None if old is None else old.status
    if move(TIMER, "timer", timer_id, old_status, event_type, event_id) != old_status:
        s.timers[timer_id] = TimerState(timer_id, "start_failed", None, None, 0, event_id, a["cause"])
    s.decision_failures.append(DecisionFailure(event_id, event_type, a["cause"], timer_id,
                                               a.get("decisionTaskCompletedEventId")))


def timer_closed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """TimerFired / TimerCanceled: the timer closes."""
    timer_id = a["timerId"]
    old = s.timers.get(timer_id)
    status = move(TIMER, "timer", timer_id, None if old is None else old.status, event_type, event_id)
    if a["startedEventId"] != old.started_event_id:
        raise HistoryIntegrityError(event_id, event_type, "timer %r" % timer_id, old.status,
                                    "startedEventId %s does not match the TimerStarted event %s"
                                    % (a["startedEventId"], old.started_event_id))
    s.timers[timer_id] = TimerState(timer_id, status, old.start_to_fire_timeout, old.control,
                                    old.started_event_id, event_id)
    s._open_timers.discard(timer_id)


# -- child workflows -----------------------------------------------------------------------------

def child_initiated(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """StartChildWorkflowExecutionInitiated: a child is being started."""
    workflow_id = a["workflowId"]
    old = s.children.get(workflow_id)
    old_status = None if old is None else old.status
    if move(CHILD, "child workflow", workflow_id, old_status, event_type, event_id) == old_status:
        s._duplicate_initiations[event_id] = workflow_id  # will fail with WORKFLOW_ALREADY_RUNNING
        return
    s.children[workflow_id] = ChildState(workflow_id, "start_initiated", a["workflowType"], a.get("input"),
                                         a.get("control"), event_id, attempts=earlier_attempts(old))
    s._child_ids[event_id] = workflow_id
    s._open_children.add(workflow_id)


def start_child_failed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """StartChildWorkflowExecutionFailed: the child could not be started."""
    workflow_id = a["workflowId"]
    initiated = a["initiatedEventId"]
    failure = DecisionFailure(event_id, event_type, a["cause"], workflow_id, a.get("decisionTaskCompletedEventId"))
    if s._duplicate_initiations.pop(initiated, None) is not None:
        s.decision_failures.append(failure)
        return  # the open child with that id is unaffected
    old = s.children.get(workflow_id)
    old_status = None if old is None else old.status
    if initiated and (old is None or old.initiated_event_id != initiated):
        raise HistoryIntegrityError(event_id, event_type, "child workflow %r" % workflow_id, old_status,
                                    "unknown initiatedEventId %s" % initiated)
    status = move(CHILD, "child workflow", workflow_id, old_status, event_type, event_id)
    cause = failure.cause
    s.decision_failures.append(failure)
    s.children[workflow_id] = ChildState(
        workflow_id, status, a["workflowType"], old.input if initiated else None,
        a.get("control"), initiated, closed_event_id=event_id, cause=cause,
        attempts=old.attempts if initiated else earlier_attempts(old))
    s._open_children.discard(workflow_id)


def _child_by_initiated(s: Any, a: Mapping[str, Any], event_id: int, event_type: str) -> ChildState:
    initiated = a["initiatedEventId"]
    workflow_id = s._child_ids.get(initiated)
    if workflow_id is None:
        raise HistoryIntegrityError(event_id, event_type, "child workflow initiated by event %s" % initiated, None,
                                    "unknown initiatedEventId %s: no StartChildWorkflowExecutionInitiated" % initiated)
    child: ChildState = s.children[workflow_id]
    if child.initiated_event_id != initiated:
        raise HistoryIntegrityError(event_id, event_type, "child workflow %r" % workflow_id, child.status,
                                    "initiatedEventId %s is an earlier start; the latest is event %s"
                                    % (initiated, child.initiated_event_id))
    return child


def child_started(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """ChildWorkflowExecutionStarted: the child runs (its run id is known)."""
    old = _child_by_initiated(s, a, event_id, event_type)
    status = move(CHILD, "child workflow", old.workflow_id, old.status, event_type, event_id)
    s.children[old.workflow_id] = dataclasses.replace(old, status=status, run_id=a["workflowExecution"]["runId"],
                                                      started_event_id=event_id)


def child_closed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """ChildWorkflowExecution Completed/Failed/TimedOut/Canceled/Terminated."""
    old = _child_by_initiated(s, a, event_id, event_type)
    status = move(CHILD, "child workflow", old.workflow_id, old.status, event_type, event_id)
    if a["startedEventId"] != old.started_event_id:
        raise HistoryIntegrityError(event_id, event_type, "child workflow %r" % old.workflow_id, old.status,
                                    "startedEventId %s does not match ChildWorkflowExecutionStarted event %s"
                                    % (a["startedEventId"], old.started_event_id))
    s.children[old.workflow_id] = dataclasses.replace(
        old, status=status, closed_event_id=event_id, result=a.get("result"), reason=a.get("reason"),
        details=a.get("details"), timeout_type=a.get("timeoutType"))
    s._open_children.discard(old.workflow_id)


# -- signals and cancel requests sent to other executions ----------------------------------------

def signal_initiated(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """SignalExternalWorkflowExecutionInitiated: a signal is on its way."""
    s.external_signals[event_id] = ExternalSignalState(event_id, "initiated", a["workflowId"], a.get("runId"),
                                                       a["signalName"], a.get("input"), a.get("control"))


def cancel_initiated(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """RequestCancelExternalWorkflowExecutionInitiated: a cancel request is on its way."""
    s.external_cancel_requests[event_id] = ExternalCancelState(event_id, "initiated", a["workflowId"],
                                                               a.get("runId"), a.get("control"))


def _external_step(attribute: str, kind: str, table: Any, failure: bool) -> Step:
    def external_moved(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
        """The outcome of a signal or cancel request sent to another execution."""
        initiated = a["initiatedEventId"]
        records: Dict[int, Any] = getattr(s, attribute)
        old: Any = records.get(initiated)  # never None past move(): nothing moves from "unknown" here
        status = move(table, kind, initiated, None if old is None else old.status, event_type, event_id)
        if failure:
            s.decision_failures.append(DecisionFailure(event_id, event_type, a["cause"], a.get("workflowId"),
                                                       a.get("decisionTaskCompletedEventId")))
        records[initiated] = dataclasses.replace(old, status=status, closed_event_id=event_id,
                                                 cause=a.get("cause"))
    return external_moved


STEPS: Dict[str, Step] = {
    "WorkflowExecutionStarted": execution_started,
    "WorkflowExecutionSignaled": execution_signaled,
    "WorkflowExecutionCancelRequested": execution_cancel_requested,
    **{close_event: execution_closed for close_event in CLOSE_STATUS},
    "CompleteWorkflowExecutionFailed": _decision_failure(None),
    "FailWorkflowExecutionFailed": _decision_failure(None),
    "CancelWorkflowExecutionFailed": _decision_failure(None),
    "ContinueAsNewWorkflowExecutionFailed": _decision_failure(None),
    "RecordMarkerFailed": _decision_failure("markerName"),
    "RequestCancelActivityTaskFailed": _decision_failure("activityId"),
    "CancelTimerFailed": _decision_failure("timerId"),
    "MarkerRecorded": marker_recorded,
    "TimerStarted": timer_started,
    "StartTimerFailed": start_timer_failed,
    "TimerFired": timer_closed,
    "TimerCanceled": timer_closed,
    "StartChildWorkflowExecutionInitiated": child_initiated,
    "StartChildWorkflowExecutionFailed": start_child_failed,
    "ChildWorkflowExecutionStarted": child_started,
    **{"ChildWorkflowExecution" + end: child_closed
       for end in ("Completed", "Failed", "TimedOut", "Canceled", "Terminated")},
    "SignalExternalWorkflowExecutionInitiated": signal_initiated,
    "ExternalWorkflowExecutionSignaled": _external_step("external_signals", "external signal", EXTERNAL_SIGNAL, False),
    "SignalExternalWorkflowExecutionFailed": _external_step("external_signals", "external signal", EXTERNAL_SIGNAL, True),
    "RequestCancelExternalWorkflowExecutionInitiated": cancel_initiated,
    "ExternalWorkflowExecutionCancelRequested": _external_step("external_cancel_requests", "external cancel request",
                                                               EXTERNAL_CANCEL, False),
    "RequestCancelExternalWorkflowExecutionFailed": _external_step("external_cancel_requests",
                                                                   "external cancel request", EXTERNAL_CANCEL, True),
}
