"""RespondDecisionTaskCompleted: apply the 13 decisions in order, each to its events or *Failed cause.

Schema problems (missing attributes, a close decision that is not last, ``NONE`` where SWF
forbids it) are refused with a 400 before anything is recorded. Semantic problems become a
``<Decision>Failed`` event with its cause and a new decision task; the other decisions of the
batch still apply, as in SWF. A close decision fails with UNHANDLED_DECISION when decider
events arrived while the task was started.

As in SWF, all events of one completion are recorded together: the next decision task (if one
is due) is scheduled after them, a 0-second timer fires after that, and signals and cancel
requests to executions (the workflow itself included) are delivered last.
"""
from __future__ import annotations

import json
from typing import Any, Callable, Dict, List, Optional, Tuple

from swfkit.exceptions import UnknownResourceFault, ValidationException
from swfkit.spec import DECISION_ATTRIBUTES, limits

from swfkit.server import lambdas, lifecycle, timeouts, tokens
from swfkit.server.context import Context
from swfkit.server.executions import Execution, open_executions, unknown_execution
from swfkit.server.tasks import close_activity
from swfkit.server.types import find_type
from swfkit.server.validation import check

LAMBDA_MAX = limits.DEFAULT_LAMBDA_START_TO_CLOSE_SECONDS
CLOSE_DECISIONS = ("CompleteWorkflowExecution", "FailWorkflowExecution", "CancelWorkflowExecution",
                   "ContinueAsNewWorkflowExecution")


class Batch:
    """The state of one RespondDecisionTaskCompleted being applied."""

    def __init__(self, execution: Execution, completed_event_id: int, dirty_before: bool) -> None:
        self.execution = execution
        self.ctx = execution.ctx
        self.completed = completed_event_id
        self.dirty_before = dirty_before
        #: TimerStarted event ids of 0-second timers, fired once the decision's events are in.
        self.zero_timers: List[int] = []
        #: (decision type, target row, attributes, Initiated event id) delivered at the very end.
        self.outbox: List[Tuple[str, int, Dict[str, Any], int]] = []

    def event(self, event_type: str, attributes: Dict[str, Any]) -> int:
        attributes["decisionTaskCompletedEventId"] = self.completed
        return self.execution.add_event(event_type, attributes)


def _check_decisions(decisions: List[Dict[str, Any]]) -> None:
    for index, decision in enumerate(decisions):
        kind = decision["decisionType"]
        key, shape = DECISION_ATTRIBUTES[kind]
        path = "decisions.%d.member.%s" % (index + 1, key)
        attributes = decision.get(key)
        if attributes is None:
            attributes = {}
            decision[key] = attributes
        check(shape, attributes, path)
        for field in ("startToFireTimeout", "executionStartToCloseTimeout"):
            if attributes.get(field) == "NONE":
                raise ValidationException("1 validation error detected: Value 'NONE' at '%s.%s' failed to "
                                          "satisfy constraint: Member must be a number of seconds"
                                          % (path, field))
        if kind == "ScheduleLambdaFunction" and attributes.get("startToCloseTimeout") is not None:
            value = attributes["startToCloseTimeout"]
            if value == "NONE" or not 1 <= int(value) <= LAMBDA_MAX:
                raise ValidationException("1 validation error detected: Value '%s' at '%s.startToCloseTimeout' "
                                          "failed to satisfy constraint: Member must be between 1 and %d "
                                          "seconds" % (value, path, LAMBDA_MAX))
        if kind in CLOSE_DECISIONS and index != len(decisions) - 1:
            raise ValidationException("1 validation error detected: Value '%s' at 'decisions.%d.member."
                                      "decisionType' failed to satisfy constraint: a close decision "
                                      "must be the last decision in the list" % (kind, index + 1))


def respond_decision_task_completed(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The RespondDecisionTaskCompleted call (``p``: the validated request)."""
    row_id, scheduled, started = tokens.parse_task_token(ctx.store.secret, p["taskToken"], "decision")
    execution = Execution.by_row(ctx, row_id)
    if execution is not None and not execution.open:
        raise unknown_execution(execution.workflow_id, execution.run_id)
    decision = execution.decision if execution is not None else None
    if decision is None or decision["status"] != "started" or decision["started"] != started:
        raise UnknownResourceFault("Unknown decision task, scheduledEventId = %d" % scheduled)
    decisions = p.get("decisions") or []
    _check_decisions(decisions)
    dirty_before = bool(decision["dirty"])
    decision["status"] = "completing"  # events the batch causes wait for its end (see need_decision)
    completed = execution.add_event("DecisionTaskCompleted", {
        "scheduledEventId": scheduled, "startedEventId": started,
        "executionContext": p.get("executionContext"), "taskList": p.get("taskList"),
        "taskListScheduleToStartTimeout": p.get("taskListScheduleToStartTimeout")})
    execution.drop_timeouts("d:%d" % started)
    execution.drop_timeouts("d:%d" % scheduled)
    execution.state["previous_started"] = started
    if p.get("executionContext") is not None:
        execution.state["latest_context"] = p["executionContext"]
    if p.get("taskList"):
        if p.get("taskListScheduleToStartTimeout"):
            execution.state["override"] = {"taskList": p["taskList"],
                                           "timeout": p["taskListScheduleToStartTimeout"]}
        else:
            execution.config["taskList"] = p["taskList"]
            execution.state["override"] = None
    batch = Batch(execution, completed, dirty_before)
    for item in decisions:
        kind = item["decisionType"]
        APPLY[kind](batch, item[DECISION_ATTRIBUTES[kind][0]])
        if not execution.open:
            break
    if execution.open:
        execution.close_decision_task()
        for started_event in batch.zero_timers:
            if execution.open:
                execution.drop_timeouts("t:%d" % started_event)
                timeouts.fire_timer(execution, started_event)
    for delivery in batch.outbox:
        _deliver(batch, *delivery)
    execution.save()
    return {}


def _schedule_activity(b: Batch, a: Dict[str, Any]) -> None:
    ex = b.execution

    def fail(cause: str) -> None:
        b.event("ScheduleActivityTaskFailed", {"activityType": a["activityType"],
                                               "activityId": a["activityId"], "cause": cause})

    row = find_type(b.ctx, ex.domain, "activity", a["activityType"]["name"], a["activityType"]["version"])
    if row is None:
        return fail("ACTIVITY_TYPE_DOES_NOT_EXIST")
    if row["status"] == "DEPRECATED":
        return fail("ACTIVITY_TYPE_DEPRECATED")
    if ex.activity_by_id(a["activityId"]) is not None:
        return fail("ACTIVITY_ID_ALREADY_IN_USE")
    if ex.state["open_activities"] >= limits.MAX_OPEN_ACTIVITIES:
        return fail("OPEN_ACTIVITIES_LIMIT_EXCEEDED")
    defaults = json.loads(row["config"])
    resolved: Dict[str, Any] = {}
    for key, cause in (("taskList", "DEFAULT_TASK_LIST_UNDEFINED"),
                       ("scheduleToCloseTimeout", "DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED"),
                       ("scheduleToStartTimeout", "DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED"),
                       ("startToCloseTimeout", "DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED"),
                       ("heartbeatTimeout", "")):
        default_key = "defaultTask" + key[0].upper() + key[1:]
        if key == "taskList":
            default_key = "defaultTaskList"
        value = a.get(key) if a.get(key) is not None else defaults.get(default_key)
        if value is None:
            if not cause:
                value = "NONE"  # a missing heartbeat timeout means no heartbeat timeout
            else:
                return fail(cause)
        resolved[key] = value
    priority = a.get("taskPriority") or defaults.get("defaultTaskPriority")
    if priority is not None:  # left out of the event when neither the decision nor the type set it
        resolved["taskPriority"] = priority
    scheduled = b.event("ActivityTaskScheduled", dict(
        activityType=a["activityType"], activityId=a["activityId"], input=a.get("input"),
        control=a.get("control"), **resolved))
    record = dict(resolved, scheduled=scheduled, started=0, activityId=a["activityId"],
                  activityType=a["activityType"], input=a.get("input"), cancelRequested=0,
                  scheduledAt=b.ctx.clock.now(), startedAt=None)
    ex.put_activity(record, new=True)
    ex.state["latest_activity"] = b.ctx.now()
    ex.enqueue("activity", resolved["taskList"]["name"], resolved.get("taskPriority"), scheduled)
    ex.arm_activity(record)


def _request_cancel_activity(b: Batch, a: Dict[str, Any]) -> None:
    ex = b.execution
    activity = ex.activity_by_id(a["activityId"])
    if activity is None:
        b.event("RequestCancelActivityTaskFailed", {"activityId": a["activityId"],
                                                    "cause": "ACTIVITY_ID_UNKNOWN"})
        return
    scheduled = activity["scheduled"]
    requested = b.event("ActivityTaskCancelRequested", {"activityId": a["activityId"]})
    activity["cancelRequested"] = requested
    ex.put_activity(activity)
    if not activity["started"]:
        # never started: canceled at once, no worker will ever see it
        ex.dequeue("activity", scheduled)
        close_activity(ex, activity)
        ex.add_event("ActivityTaskCanceled", {"scheduledEventId": scheduled, "startedEventId": 0,
                                              "latestCancelRequestedEventId": requested})


Apply = Callable[[Batch, Dict[str, Any]], None]


def _close(kind: str, close_status: str, event_type: str, fields: Tuple[str, ...]) -> Apply:
    def apply(b: Batch, a: Dict[str, Any]) -> None:
        if b.dirty_before:
            b.event(kind + "Failed", {"cause": "UNHANDLED_DECISION"})
            return
        attributes = {f: a.get(f) for f in fields}
        attributes["decisionTaskCompletedEventId"] = b.completed
        lifecycle.close_execution(b.execution, close_status, event_type, attributes)
    return apply


def _continue_as_new(b: Batch, a: Dict[str, Any]) -> None:
    ex = b.execution

    def fail(cause: str) -> None:
        b.event("ContinueAsNewWorkflowExecutionFailed", {"cause": cause})

    if b.dirty_before:
        return fail("UNHANDLED_DECISION")
    workflow_type = {"name": ex.type_name, "version": a.get("workflowTypeVersion") or ex.type_version}
    row = find_type(b.ctx, ex.domain, "workflow", workflow_type["name"], workflow_type["version"])
    if row is None:
        return fail("WORKFLOW_TYPE_DOES_NOT_EXIST")
    if row["status"] == "DEPRECATED":
        return fail("WORKFLOW_TYPE_DEPRECATED")
    config, cause = lifecycle.resolve_workflow_config(row, a)
    if config is None:
        return fail(cause)
    for key in ("parentRow", "parentInitiatedEventId", "parentRef"):
        if key in ex.config:
            config[key] = ex.config[key]
    new = lifecycle.open_execution(b.ctx, ex.domain, ex.workflow_id, workflow_type, config,
                                   input=a.get("input"), tags=a.get("tagList"), continued_from=ex.run_id)
    lifecycle.close_execution(ex, "CONTINUED_AS_NEW", "WorkflowExecutionContinuedAsNew", {
        "input": a.get("input"), "decisionTaskCompletedEventId": b.completed,
        "newExecutionRunId": new.run_id,
        "executionStartToCloseTimeout": config["executionStartToCloseTimeout"],
        "taskList": config["taskList"], "taskPriority": config.get("taskPriority"),
        "taskStartToCloseTimeout": config["taskStartToCloseTimeout"],
        "childPolicy": config["childPolicy"], "tagList": a.get("tagList"),
        "workflowType": workflow_type, "lambdaRole": config.get("lambdaRole")})


def _record_marker(b: Batch, a: Dict[str, Any]) -> None:
    b.event("MarkerRecorded", {"markerName": a["markerName"], "details": a.get("details")})


def _start_timer(b: Batch, a: Dict[str, Any]) -> None:
    ex = b.execution
    cause = ""
    if a["timerId"] in ex.state["timers"]:
        cause = "TIMER_ID_ALREADY_IN_USE"
    elif len(ex.state["timers"]) >= limits.MAX_OPEN_TIMERS:
        cause = "OPEN_TIMERS_LIMIT_EXCEEDED"
    if cause:
        b.event("StartTimerFailed", {"timerId": a["timerId"], "cause": cause})
        return
    started = b.event("TimerStarted", {"timerId": a["timerId"], "control": a.get("control"),
                                       "startToFireTimeout": a["startToFireTimeout"]})
    ex.state["timers"][a["timerId"]] = {"started": started, "control": a.get("control")}
    ex.add_timeout(min(int(a["startToFireTimeout"]), limits.MAX_TIMEOUT_SECONDS), "t", "t:%d" % started)
    if int(a["startToFireTimeout"]) == 0:
        b.zero_timers.append(started)


def _cancel_timer(b: Batch, a: Dict[str, Any]) -> None:
    ex = b.execution
    timer = ex.state["timers"].pop(a["timerId"], None)
    if timer is None:
        b.event("CancelTimerFailed", {"timerId": a["timerId"], "cause": "TIMER_ID_UNKNOWN"})
        return
    ex.drop_timeouts("t:%d" % timer["started"])
    b.event("TimerCanceled", {"timerId": a["timerId"], "startedEventId": timer["started"]})


def _target(b: Batch, a: Dict[str, Any]) -> Optional[Execution]:
    ex = b.execution
    if a["workflowId"] == ex.workflow_id and a.get("runId") in (None, ex.run_id) and ex.open:
        return ex
    return Execution.find(b.ctx, ex.domain, a["workflowId"], a.get("runId"), open_only=True)


#: decision -> (its Failed event, the target's event, the deciding execution's event)
EXTERNAL_EVENTS = {
    "SignalExternalWorkflowExecution": ("SignalExternalWorkflowExecutionFailed",
                                        "WorkflowExecutionSignaled", "ExternalWorkflowExecutionSignaled"),
    "RequestCancelExternalWorkflowExecution": ("RequestCancelExternalWorkflowExecutionFailed",
                                               "WorkflowExecutionCancelRequested",
                                               "ExternalWorkflowExecutionCancelRequested"),
}


def _external_failed(b: Batch, kind: str, a: Dict[str, Any], initiated: int) -> None:
    b.event(EXTERNAL_EVENTS[kind][0], {
        "workflowId": a["workflowId"], "runId": a.get("runId"),
        "cause": "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION", "initiatedEventId": initiated,
        "control": a.get("control")})


def _external(kind: str, initiated_fields: Tuple[str, ...]) -> Apply:
    """SignalExternal / RequestCancelExternal: Initiated now, delivery at the end of the call."""
    def apply(b: Batch, a: Dict[str, Any]) -> None:
        initiated = b.event(kind + "Initiated", {f: a.get(f) for f in initiated_fields})
        target = _target(b, a)
        if target is None:
            _external_failed(b, kind, a, initiated)
            return
        b.outbox.append((kind, target.id, a, initiated))
    return apply


def _deliver(b: Batch, kind: str, target_row: int, a: Dict[str, Any], initiated: int) -> None:
    """Deliver a signal or cancel request recorded by this call (its events come last, as SWF's)."""
    ex = b.execution
    target = ex if target_row == ex.id else Execution.by_row(b.ctx, target_row)
    if target is None or not target.open:  # closed by this very call (a close decision after it)
        if ex.open:
            _external_failed(b, kind, a, initiated)
        return
    _, target_event, own_event = EXTERNAL_EVENTS[kind]
    attributes: Dict[str, Any] = {"externalWorkflowExecution": ex.ref, "externalInitiatedEventId": initiated}
    if kind == "SignalExternalWorkflowExecution":
        attributes.update(signalName=a["signalName"], input=a.get("input"))
        target.add_event(target_event, attributes)
        target.save()
    else:
        lifecycle.request_cancel(target, attributes)  # saves the target
    if ex.open:
        ex.add_event(own_event, {"workflowExecution": target.ref, "initiatedEventId": initiated})


def _start_child(b: Batch, a: Dict[str, Any]) -> None:
    ex = b.execution

    def fail(cause: str, initiated: int = 0) -> None:
        b.event("StartChildWorkflowExecutionFailed", {
            "workflowType": a["workflowType"], "workflowId": a["workflowId"], "cause": cause,
            "initiatedEventId": initiated, "control": a.get("control")})

    row = find_type(b.ctx, ex.domain, "workflow", a["workflowType"]["name"], a["workflowType"]["version"])
    if row is None:
        return fail("WORKFLOW_TYPE_DOES_NOT_EXIST")
    if row["status"] == "DEPRECATED":
        return fail("WORKFLOW_TYPE_DEPRECATED")
    if len(ex.state["children"]) >= limits.MAX_OPEN_CHILDREN:
        return fail("OPEN_CHILDREN_LIMIT_EXCEEDED")
    if open_executions(b.ctx, ex.domain) >= limits.MAX_OPEN_EXECUTIONS_PER_DOMAIN:
        return fail("OPEN_WORKFLOWS_LIMIT_EXCEEDED")
    config, cause = lifecycle.resolve_workflow_config(row, a)
    if config is None:
        return fail(cause)
    initiated = b.event("StartChildWorkflowExecutionInitiated", {
        "workflowId": a["workflowId"], "workflowType": a["workflowType"], "control": a.get("control"),
        "input": a.get("input"), "tagList": a.get("tagList"), **config})
    running = a["workflowId"] == ex.workflow_id or Execution.find(
        b.ctx, ex.domain, a["workflowId"], None, open_only=True) is not None
    if running:
        return fail("WORKFLOW_ALREADY_RUNNING", initiated)
    child = lifecycle.open_execution(b.ctx, ex.domain, a["workflowId"], a["workflowType"], config,
                                     input=a.get("input"), tags=a.get("tagList"), parent=ex,
                                     parent_initiated=initiated)
    ex.state["children"][str(initiated)] = {"execution": child.ref, "type": a["workflowType"]}
    started = ex.add_event("ChildWorkflowExecutionStarted", {
        "workflowExecution": child.ref, "workflowType": a["workflowType"], "initiatedEventId": initiated})
    ex.state["children"][str(initiated)]["started"] = started


APPLY: Dict[str, Apply] = {
    "ScheduleActivityTask": _schedule_activity,
    "RequestCancelActivityTask": _request_cancel_activity,
    "CompleteWorkflowExecution": _close("CompleteWorkflowExecution", "COMPLETED",
                                        "WorkflowExecutionCompleted", ("result",)),
    "FailWorkflowExecution": _close("FailWorkflowExecution", "FAILED", "WorkflowExecutionFailed",
                                    ("reason", "details")),
    "CancelWorkflowExecution": _close("CancelWorkflowExecution", "CANCELED", "WorkflowExecutionCanceled",
                                      ("details",)),
    "ContinueAsNewWorkflowExecution": _continue_as_new,
    "RecordMarker": _record_marker,
    "StartTimer": _start_timer,
    "CancelTimer": _cancel_timer,
    "SignalExternalWorkflowExecution": _external(
        "SignalExternalWorkflowExecution", ("workflowId", "runId", "signalName", "input", "control")),
    "RequestCancelExternalWorkflowExecution": _external(
        "RequestCancelExternalWorkflowExecution", ("workflowId", "runId", "control")),
    "StartChildWorkflowExecution": _start_child,
    "ScheduleLambdaFunction": lambda b, a: lambdas.schedule(b, a),
}
