"""One builder per SWF decision type, each returning a validated, immutable :class:`Decision`.

Builders hold no state. Arguments take Python types (see ``coercion``); ``None`` means "not sent",
so the type's registered default applies. Every builder raises
:class:`~swfkit.exceptions.ValidationError` with a path such as
``scheduleActivityTaskDecisionAttributes.activityId`` before anything reaches SWF.

Common argument types:
    activity_type / workflow_type: ``("name", "version")`` or ``{"name": ..., "version": ...}``.
    task_list: ``"name"`` or ``{"name": ...}``.
    timeouts: ``int`` seconds, ``timedelta`` (whole seconds), a digit string, or ``"NONE"`` where
        SWF allows it (not ``start_to_fire_timeout``/``execution_start_to_close_timeout``).
    task_priority: ``int`` or an integer string in Java's int range.
    payloads (input, result, details, control): ``str`` up to 32,768 characters.
"""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Mapping, Optional, Sequence, Tuple, Union

from swfkit.decisions.coercion import coerce_attributes
from swfkit.decisions.decision import Decision
from swfkit.spec import DECISION_ATTRIBUTES

TypeRef = Union[Tuple[str, str], Mapping[str, str]]
TaskListRef = Union[str, Mapping[str, str]]
Timeout = Union[int, timedelta, str]
Priority = Union[int, str]


def _build(decision_type: str, **values: Any) -> Decision:
    key, shape_name = DECISION_ATTRIBUTES[decision_type]
    return Decision(decision_type, coerce_attributes(shape_name, key, values))


def schedule_activity_task(
    activity_id: str,
    activity_type: TypeRef,
    *,
    input: Optional[str] = None,
    control: Optional[str] = None,
    task_list: Optional[TaskListRef] = None,
    task_priority: Optional[Priority] = None,
    schedule_to_close_timeout: Optional[Timeout] = None,
    schedule_to_start_timeout: Optional[Timeout] = None,
    start_to_close_timeout: Optional[Timeout] = None,
    heartbeat_timeout: Optional[Timeout] = None,
) -> Decision:
    """Schedule an activity task (``ActivityTaskScheduled``, or ``ScheduleActivityTaskFailed``).

    Args:
        activity_id: unique among the execution's open activities (see ``activity_id_for``).
        activity_type: the registered activity type.
        input: handed to the worker. control: kept in the event for the decider only.
        task_list, task_priority, *_timeout: override the type's registered defaults.
    """
    return _build(
        "ScheduleActivityTask", activityId=activity_id, activityType=activity_type, input=input,
        control=control, taskList=task_list, taskPriority=task_priority,
        scheduleToCloseTimeout=schedule_to_close_timeout, scheduleToStartTimeout=schedule_to_start_timeout,
        startToCloseTimeout=start_to_close_timeout, heartbeatTimeout=heartbeat_timeout,
    )


def request_cancel_activity_task(activity_id: str) -> Decision:
    """Ask to cancel an open activity (canceled at once if not yet started)."""
    return _build("RequestCancelActivityTask", activityId=activity_id)


def complete_workflow_execution(*, result: Optional[str] = None) -> Decision:
    """Close the execution as COMPLETED with an optional ``result``."""
    return _build("CompleteWorkflowExecution", result=result)


def fail_workflow_execution(*, reason: Optional[str] = None, details: Optional[str] = None) -> Decision:
    """Close the execution as FAILED; ``reason`` is at most 256 characters."""
    return _build("FailWorkflowExecution", reason=reason, details=details)


def cancel_workflow_execution(*, details: Optional[str] = None) -> Decision:
    """Close the execution as CANCELED."""
    return _build("CancelWorkflowExecution", details=details)


def continue_as_new_workflow_execution(
    *,
    input: Optional[str] = None,
    execution_start_to_close_timeout: Optional[Timeout] = None,
    task_list: Optional[TaskListRef] = None,
    task_priority: Optional[Priority] = None,
    task_start_to_close_timeout: Optional[Timeout] = None,
    child_policy: Optional[str] = None,
    tag_list: Optional[Sequence[str]] = None,
    workflow_type_version: Optional[str] = None,
    lambda_role: Optional[str] = None,
) -> Decision:
    """Close this run and start a new run of the same workflow id (unset values: type defaults).

    Args:
        child_policy: ``"TERMINATE"``, ``"REQUEST_CANCEL"`` or ``"ABANDON"``.
        tag_list: at most 5 tags; they are not inherited from this run.
    """
    return _build(
        "ContinueAsNewWorkflowExecution", input=input,
        executionStartToCloseTimeout=execution_start_to_close_timeout, taskList=task_list,
        taskPriority=task_priority, taskStartToCloseTimeout=task_start_to_close_timeout,
        childPolicy=child_policy, tagList=tag_list, workflowTypeVersion=workflow_type_version,
        lambdaRole=lambda_role,
    )


def record_marker(marker_name: str, *, details: Optional[str] = None) -> Decision:
    """Record a ``MarkerRecorded`` event (does not wake the decider)."""
    return _build("RecordMarker", markerName=marker_name, details=details)


def start_timer(timer_id: str, start_to_fire_timeout: Timeout, *, control: Optional[str] = None) -> Decision:
    """Start a timer firing after ``start_to_fire_timeout`` (seconds ≥ 0; ``"NONE"`` is refused)."""
    return _build("StartTimer", timerId=timer_id, startToFireTimeout=start_to_fire_timeout, control=control)


def cancel_timer(timer_id: str) -> Decision:
    """Cancel an open timer."""
    return _build("CancelTimer", timerId=timer_id)


def signal_external_workflow_execution(
    workflow_id: str,
    signal_name: str,
    *,
    run_id: Optional[str] = None,
    input: Optional[str] = None,
    control: Optional[str] = None,
) -> Decision:
    """Signal another (or this) execution; ``run_id`` omitted means its current open run."""
    return _build("SignalExternalWorkflowExecution", workflowId=workflow_id, signalName=signal_name,
                  runId=run_id, input=input, control=control)


def request_cancel_external_workflow_execution(
    workflow_id: str, *, run_id: Optional[str] = None, control: Optional[str] = None,
) -> Decision:
    """Ask another execution to cancel itself."""
    return _build("RequestCancelExternalWorkflowExecution", workflowId=workflow_id, runId=run_id,
                  control=control)


def start_child_workflow_execution(
    workflow_type: TypeRef,
    workflow_id: str,
    *,
    input: Optional[str] = None,
    control: Optional[str] = None,
    execution_start_to_close_timeout: Optional[Timeout] = None,
    task_list: Optional[TaskListRef] = None,
    task_priority: Optional[Priority] = None,
    task_start_to_close_timeout: Optional[Timeout] = None,
    child_policy: Optional[str] = None,
    tag_list: Optional[Sequence[str]] = None,
    lambda_role: Optional[str] = None,
) -> Decision:
    """Start a child workflow execution (unset values: the workflow type's defaults)."""
    return _build(
        "StartChildWorkflowExecution", workflowType=workflow_type, workflowId=workflow_id, input=input,
        control=control, executionStartToCloseTimeout=execution_start_to_close_timeout,
        taskList=task_list, taskPriority=task_priority, taskStartToCloseTimeout=task_start_to_close_timeout,
        childPolicy=child_policy, tagList=tag_list, lambdaRole=lambda_role,
    )


def schedule_lambda_function(
    id: str,
    name: str,
    *,
    input: Optional[str] = None,
    control: Optional[str] = None,
    start_to_close_timeout: Optional[Timeout] = None,
) -> Decision:
    """Schedule an AWS Lambda function (``name`` may be an ARN; timeout 1-900 s, default 900)."""
    return _build("ScheduleLambdaFunction", id=id, name=name, input=input, control=control,
                  startToCloseTimeout=start_to_close_timeout)


#: Decision type → its builder, in the model's order.
BUILDERS = {
    "ScheduleActivityTask": schedule_activity_task,
    "RequestCancelActivityTask": request_cancel_activity_task,
    "CompleteWorkflowExecution": complete_workflow_execution,
    "FailWorkflowExecution": fail_workflow_execution,
    "CancelWorkflowExecution": cancel_workflow_execution,
    "ContinueAsNewWorkflowExecution": continue_as_new_workflow_execution,
    "RecordMarker": record_marker,
    "StartTimer": start_timer,
    "CancelTimer": cancel_timer,
    "SignalExternalWorkflowExecution": signal_external_workflow_execution,
    "RequestCancelExternalWorkflowExecution": request_cancel_external_workflow_execution,
    "StartChildWorkflowExecution": start_child_workflow_execution,
    "ScheduleLambdaFunction": schedule_lambda_function,
}
