"""One execution run simulated in memory: events appended in SWF's shapes and folded as they come.

``LocalHistory`` is the small part of SWF ``run_local`` needs: it records what a decision asks
for (ScheduleActivityTask -> ActivityTaskScheduled, StartTimer -> TimerStarted...) with SWF's
failure causes, and the outcomes the local runner produces (activity completed, timer fired...).
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple, cast

from swfkit.history import ExecutionInfo, ExecutionState
from swfkit.history.event_base import attributes_key
from swfkit.spec.limits import MAX_OPEN_ACTIVITIES, MAX_OPEN_TIMERS

__all__ = ["LocalHistory"]

CHILD_CLOSE_EVENTS = {"completed": "ChildWorkflowExecutionCompleted", "failed": "ChildWorkflowExecutionFailed",
                      "canceled": "ChildWorkflowExecutionCanceled", "timed_out": "ChildWorkflowExecutionTimedOut",
                      "terminated": "ChildWorkflowExecutionTerminated"}


class LocalHistory:
    """The events and folded state of one local run.

    Attributes:
        events: the wire events so far. state: their fold. clock: virtual epoch seconds (shared
        through ``clock_ref``). timers: open timer id -> fire time. activities: scheduled event id
        -> (activity id, type, input) not run yet. children: initiated event id -> (workflow id,
        type, input) not run yet.
    """

    def __init__(self, clock_ref: List[float], workflow_id: str, run_id: str) -> None:
        self.clock_ref = clock_ref
        self.workflow_id, self.run_id = workflow_id, run_id
        self.events: List[Dict[str, Any]] = []
        self.state = ExecutionState()
        self.timers: Dict[str, float] = {}
        self.activities: List[Tuple[int, Dict[str, Any]]] = []
        self.children: List[Tuple[int, Dict[str, Any]]] = []
        self.needs_decision = False

    def add(self, event_type: str, **attributes: Any) -> int:
        """Append and fold one event; returns its id."""
        event_id = len(self.events) + 1
        event = {"eventId": event_id, "eventType": event_type, "eventTimestamp": self.clock_ref[0],
                 attributes_key(event_type): {k: v for k, v in attributes.items() if v is not None}}
        self.events.append(event)
        self.state.apply_raw((event,))
        return event_id

    # -- decisions -> events ---------------------------------------------------------------------------
    def apply(self, decision: Dict[str, Any], completed_event_id: int, known_types: Any) -> None:
        """Record one decision (wire dict) the way SWF would."""
        kind = decision["decisionType"]
        a = dict(decision[attributes_key(kind).replace("EventAttributes", "DecisionAttributes")])
        a["decisionTaskCompletedEventId"] = completed_event_id
        getattr(self, "_" + kind)(a, known_types)

    def _ScheduleActivityTask(self, a: Dict[str, Any], known: Any) -> None:
        failure = None
        kind = a["activityType"]
        if ("activity", kind["name"], kind["version"]) not in known:
            failure = "ACTIVITY_TYPE_DOES_NOT_EXIST"
        elif self.state.is_activity_open(a["activityId"]):
            failure = "ACTIVITY_ID_ALREADY_IN_USE"
        elif self.state.open_activity_count >= MAX_OPEN_ACTIVITIES:
            failure = "OPEN_ACTIVITIES_LIMIT_EXCEEDED"
        if failure:
            self.add("ScheduleActivityTaskFailed", activityType=kind, activityId=a["activityId"], cause=failure,
                     decisionTaskCompletedEventId=a["decisionTaskCompletedEventId"])
            self.needs_decision = True
            return
        a.setdefault("taskList", {"name": "local"})
        event_id = self.add("ActivityTaskScheduled", **a)
        self.activities.append((event_id, a))

    def _RequestCancelActivityTask(self, a: Dict[str, Any], known: Any) -> None:
        if not self.state.is_activity_open(a["activityId"]):  # local activities never stay open
            self.add("RequestCancelActivityTaskFailed", activityId=a["activityId"], cause="ACTIVITY_ID_UNKNOWN",
                     decisionTaskCompletedEventId=a["decisionTaskCompletedEventId"])
            self.needs_decision = True

    def _StartTimer(self, a: Dict[str, Any], known: Any) -> None:
        timer_id = a["timerId"]
        if timer_id in self.timers or len(self.timers) >= MAX_OPEN_TIMERS:
            cause = "TIMER_ID_ALREADY_IN_USE" if timer_id in self.timers else "OPEN_TIMERS_LIMIT_EXCEEDED"
            self.add("StartTimerFailed", timerId=timer_id, cause=cause,
                     decisionTaskCompletedEventId=a["decisionTaskCompletedEventId"])
            self.needs_decision = True
            return
        self.add("TimerStarted", **a)
        self.timers[timer_id] = self.clock_ref[0] + int(a["startToFireTimeout"])

    def _CancelTimer(self, a: Dict[str, Any], known: Any) -> None:
        timer_id = a["timerId"]
        if self.timers.pop(timer_id, None) is None:
            self.add("CancelTimerFailed", timerId=timer_id, cause="TIMER_ID_UNKNOWN",
                     decisionTaskCompletedEventId=a["decisionTaskCompletedEventId"])
            self.needs_decision = True
            return
        self.add("TimerCanceled", timerId=timer_id, startedEventId=self.state.timers[timer_id].started_event_id,
                 decisionTaskCompletedEventId=a["decisionTaskCompletedEventId"])

    def _RecordMarker(self, a: Dict[str, Any], known: Any) -> None:
        self.add("MarkerRecorded", **a)

    def _StartChildWorkflowExecution(self, a: Dict[str, Any], known: Any) -> None:
        kind = a["workflowType"]
        if ("workflow", kind["name"], kind["version"]) not in known:
            self.add("StartChildWorkflowExecutionFailed", workflowType=kind, workflowId=a["workflowId"],
                     cause="WORKFLOW_TYPE_DOES_NOT_EXIST", initiatedEventId=0,
                     decisionTaskCompletedEventId=a["decisionTaskCompletedEventId"])
            self.needs_decision = True
            return
        a.setdefault("childPolicy", "TERMINATE")
        a.setdefault("taskList", {"name": "local"})
        event_id = self.add("StartChildWorkflowExecutionInitiated", **a)
        self.children.append((event_id, a))

    def _SignalExternalWorkflowExecution(self, a: Dict[str, Any], known: Any) -> None:
        self.add("SignalExternalWorkflowExecutionInitiated", **a)

    def _RequestCancelExternalWorkflowExecution(self, a: Dict[str, Any], known: Any) -> None:
        event_id = self.add("RequestCancelExternalWorkflowExecutionInitiated", **a)
        self.add("RequestCancelExternalWorkflowExecutionFailed", workflowId=a["workflowId"], runId=a.get("runId"),
                 cause="UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION", initiatedEventId=event_id,
                 decisionTaskCompletedEventId=a["decisionTaskCompletedEventId"])
        self.needs_decision = True

    def _CompleteWorkflowExecution(self, a: Dict[str, Any], known: Any) -> None:
        self.add("WorkflowExecutionCompleted", **a)

    def _FailWorkflowExecution(self, a: Dict[str, Any], known: Any) -> None:
        self.add("WorkflowExecutionFailed", **a)

    def _CancelWorkflowExecution(self, a: Dict[str, Any], known: Any) -> None:
        self.add("WorkflowExecutionCanceled", **a)

    def _ContinueAsNewWorkflowExecution(self, a: Dict[str, Any], known: Any) -> None:
        a["newExecutionRunId"] = "%s-next" % self.run_id
        a.setdefault("childPolicy", "TERMINATE")
        a.setdefault("taskList", {"name": "local"})
        a["workflowType"] = cast(ExecutionInfo, self.state.execution).workflow_type  # started: it has one
        a.pop("workflowTypeVersion", None)
        self.add("WorkflowExecutionContinuedAsNew", **a)

    # -- outcomes ---------------------------------------------------------------------------------------
    def child_closed(self, initiated_event_id: int, a: Dict[str, Any], run_id: str, status: str,
                     **outcome: Any) -> None:
        """The child started (as ``run_id``) and closed with ``status``."""
        execution = {"workflowId": a["workflowId"], "runId": run_id}
        started = self.add("ChildWorkflowExecutionStarted", initiatedEventId=initiated_event_id,
                           workflowExecution=execution, workflowType=a["workflowType"])
        self.add(CHILD_CLOSE_EVENTS[status], initiatedEventId=initiated_event_id, startedEventId=started,
                 workflowExecution=execution, workflowType=a["workflowType"], **outcome)
        self.needs_decision = True

    def fire_due_timers(self) -> bool:
        """Fire the timers due at the current virtual time (in fire-time order); True if any fired."""
        due = sorted((at, timer_id) for timer_id, at in self.timers.items() if at <= self.clock_ref[0])
        for _, timer_id in due:
            del self.timers[timer_id]
            self.add("TimerFired", timerId=timer_id, startedEventId=self.state.timers[timer_id].started_event_id)
            self.needs_decision = True
        return bool(due)

    def signal(self, name: str, input: Optional[str], sender: Optional[Dict[str, str]] = None,
               initiated_event_id: Optional[int] = None) -> None:
        """A signal arrives."""
        self.add("WorkflowExecutionSignaled", signalName=name, input=input, externalWorkflowExecution=sender,
                 externalInitiatedEventId=initiated_event_id)
        self.needs_decision = True
