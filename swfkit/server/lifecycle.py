"""Opening and closing workflow executions: start, continue-as-new, close, child policy.

Shared by StartWorkflowExecution, the StartChild/ContinueAsNew decisions, terminate and the
execution timeout, so every path records the same events and keeps parents informed.
"""
from __future__ import annotations

import json
import uuid
from typing import Any, Dict, List, Optional, Tuple

from swfkit.spec import limits

from swfkit.server.context import Context
from swfkit.server.executions import Execution, count_open, new_state
from swfkit.server.schema import RECORD_KINDS

#: close status -> (parent's ChildWorkflowExecution* event)
CHILD_EVENTS = {"COMPLETED": "ChildWorkflowExecutionCompleted", "FAILED": "ChildWorkflowExecutionFailed",
                "CANCELED": "ChildWorkflowExecutionCanceled", "TIMED_OUT": "ChildWorkflowExecutionTimedOut",
                "TERMINATED": "ChildWorkflowExecutionTerminated"}


def resolve_workflow_config(type_row: Any, params: Dict[str, Any]) -> Tuple[Optional[Dict[str, Any]], str]:
    """Merge explicit settings with the type's registered defaults.

    Returns (config, "") or (None, cause) where cause is the DEFAULT_*_UNDEFINED that applies.
    """
    defaults = json.loads(type_row["config"])
    config: Dict[str, Any] = {}
    for key, default_key, cause in (
            ("taskList", "defaultTaskList", "DEFAULT_TASK_LIST_UNDEFINED"),
            ("executionStartToCloseTimeout", "defaultExecutionStartToCloseTimeout",
             "DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED"),
            ("taskStartToCloseTimeout", "defaultTaskStartToCloseTimeout",
             "DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED"),
            ("childPolicy", "defaultChildPolicy", "DEFAULT_CHILD_POLICY_UNDEFINED")):
        value = params.get(key) if params.get(key) is not None else defaults.get(default_key)
        if value is None:
            return None, cause
        config[key] = value
    priority = params.get("taskPriority") or defaults.get("defaultTaskPriority")
    if priority is not None:  # SWF leaves taskPriority out when neither the request nor the type set it
        config["taskPriority"] = priority
    role = params.get("lambdaRole") or defaults.get("defaultLambdaRole")
    if role:
        config["lambdaRole"] = role
    return config, ""


def open_execution(ctx: Context, domain: str, workflow_id: str, workflow_type: Dict[str, str],
                   config: Dict[str, Any], *, input: Optional[str] = None, tags: Any = None,
                   parent: Optional[Execution] = None, parent_initiated: int = 0,
                   continued_from: Optional[str] = None) -> Execution:
    """Create a run: row, WorkflowExecutionStarted, first decision task, execution timeout."""
    run_id = uuid.uuid4().hex + uuid.uuid4().hex[:12]
    now = ctx.now()
    parent_ref = None
    if parent is not None:
        parent_ref = parent.ref
        config = dict(config, parentRow=parent.id, parentInitiatedEventId=parent_initiated)
    elif continued_from is not None and config.get("parentRow"):
        parent_ref = config.get("parentRef")
    if parent_ref is not None:
        config["parentRef"] = parent_ref
    cursor = ctx.store.execute(
        "INSERT INTO executions (domain, workflow_id, run_id, type_name, type_version, open, start_ts, "
        "tags, parent, config, state, next_event_id) VALUES (?,?,?,?,?,1,?,?,?,?,?,1)",
        (domain, workflow_id, run_id, workflow_type["name"], workflow_type["version"], now,
         json.dumps(list(tags or [])), json.dumps(parent_ref) if parent_ref else None,
         json.dumps(config), json.dumps(new_state())))
    count_open(ctx, domain, 1)
    execution = Execution.by_row(ctx, int(cursor.lastrowid or 0))
    assert execution is not None  # just inserted
    execution.add_event("WorkflowExecutionStarted", {
        "input": input, "executionStartToCloseTimeout": config["executionStartToCloseTimeout"],
        "taskStartToCloseTimeout": config["taskStartToCloseTimeout"],
        "childPolicy": config["childPolicy"], "taskList": config["taskList"],
        "taskPriority": config.get("taskPriority"), "workflowType": workflow_type,
        "tagList": list(tags) if tags else None, "continuedExecutionRunId": continued_from,
        "parentWorkflowExecution": parent_ref,
        "parentInitiatedEventId": config.get("parentInitiatedEventId") if parent_ref else 0,
        "lambdaRole": config.get("lambdaRole")})
    timeout = config["executionStartToCloseTimeout"]
    seconds = limits.MAX_TIMEOUT_SECONDS if timeout == "NONE" else min(int(timeout), limits.MAX_TIMEOUT_SECONDS)
    execution.add_timeout(seconds, "w", "w")
    execution.save()
    return execution


def close_execution(execution: Execution, close_status: str, event_type: str,
                    attributes: Dict[str, Any], *, notify_parent: bool = True) -> int:
    """Record the closing event, drop open work, inform the parent, arm retention."""
    ctx = execution.ctx
    event_id = execution.add_event(event_type, attributes)
    execution.open = False
    execution.close_status = close_status
    execution.close_ts = ctx.now()
    execution.decision.update(status=None, dirty=False, next=None)
    # a closed execution has nothing open: its timers, tasks and lambda functions are abandoned,
    # its children run on (the child policy, applied by terminate/time-out, saw them first)
    for kind in RECORD_KINDS:
        execution.state[kind].clear()
    ctx.store.execute("DELETE FROM tasks WHERE execution=?", (execution.id,))
    ctx.store.execute("DELETE FROM timeouts WHERE execution=?", (execution.id,))
    state = execution.state
    open_activities = state["open_activities"]
    execution.forget_activities()
    state["open_activities"] = open_activities  # Describe of the closed execution still counts them
    retention = ctx.store.execute("SELECT retention FROM domains WHERE name=?",
                                  (execution.domain,)).fetchone()
    days = retention["retention"] if retention else "NONE"
    days = 0 if days == "NONE" else int(days)
    execution.add_timeout(days * 86400.0, "r", "r")
    execution.save()
    if notify_parent and close_status != "CONTINUED_AS_NEW":
        _notify_parent(execution, close_status, attributes)
    return event_id


def _notify_parent(child: Execution, close_status: str, attributes: Dict[str, Any]) -> None:
    parent_row = child.config.get("parentRow")
    if not parent_row:
        return
    parent = Execution.by_row(child.ctx, parent_row)
    if parent is None or not parent.open:
        return
    initiated = child.config.get("parentInitiatedEventId", 0)
    record = parent.state["children"].pop(str(initiated), None)
    if record is None:
        return
    event: Dict[str, Any] = {"workflowExecution": record["execution"], "workflowType": record["type"],
                             "initiatedEventId": initiated, "startedEventId": record["started"]}
    if close_status == "COMPLETED":
        event["result"] = attributes.get("result")
    elif close_status == "FAILED":
        event.update(reason=attributes.get("reason"), details=attributes.get("details"))
    elif close_status == "CANCELED":
        event["details"] = attributes.get("details")
    elif close_status == "TIMED_OUT":
        event["timeoutType"] = "START_TO_CLOSE"
    parent.add_event(CHILD_EVENTS[close_status], event)
    parent.save()


def terminate(execution: Execution, *, reason: Optional[str] = None, details: Optional[str] = None,
              child_policy: Optional[str] = None, cause: Optional[str] = None) -> None:
    """Terminate an open execution and apply its child policy."""
    policy = child_policy or execution.config.get("childPolicy", "TERMINATE")
    children = list(execution.state["children"].values())
    close_execution(execution, "TERMINATED", "WorkflowExecutionTerminated",
                    {"reason": reason, "details": details, "childPolicy": policy, "cause": cause})
    apply_child_policy(execution, policy, children)


def time_out(execution: Execution) -> None:
    """The execution's start-to-close timeout expired."""
    policy = execution.config.get("childPolicy", "TERMINATE")
    children = list(execution.state["children"].values())
    close_execution(execution, "TIMED_OUT", "WorkflowExecutionTimedOut",
                    {"timeoutType": "START_TO_CLOSE", "childPolicy": policy})
    apply_child_policy(execution, policy, children)


def request_cancel(execution: Execution, attributes: Dict[str, Any]) -> None:
    """Record WorkflowExecutionCancelRequested (schedules a decision task)."""
    execution.cancel_requested = True
    execution.add_event("WorkflowExecutionCancelRequested", attributes)
    execution.save()


def apply_child_policy(parent: Execution, policy: str, children: List[Dict[str, Any]]) -> None:
    """Apply TERMINATE / REQUEST_CANCEL / ABANDON to the parent's open ``children`` records."""
    if policy == "ABANDON":
        return
    for record in children:
        child = Execution.find(parent.ctx, parent.domain, record["execution"]["workflowId"], None, True)
        if child is None or child.config.get("parentRow") != parent.id:
            continue
        if policy == "TERMINATE":
            terminate(child, cause="CHILD_POLICY_APPLIED")
        elif policy == "REQUEST_CANCEL":
            request_cancel(child, {"cause": "CHILD_POLICY_APPLIED"})
