"""Execution-level API calls: start, signal, request-cancel, terminate."""
from __future__ import annotations

from typing import Any, Dict

from swfkit.exceptions import (DefaultUndefinedFault, LimitExceededFault, OperationNotPermittedFault,
                               TypeDeprecatedFault, ValidationException,
                               WorkflowExecutionAlreadyStartedFault)
from swfkit.spec import limits

from swfkit.server import lifecycle
from swfkit.server.context import Context
from swfkit.server.domains import require_domain
from swfkit.server.executions import Execution, open_executions
from swfkit.server.types import require_type


def start_workflow_execution(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The StartWorkflowExecution call (``p``: the validated request)."""
    domain = require_domain(ctx, p["domain"])
    if domain["status"] == "DEPRECATED":
        raise OperationNotPermittedFault("Domain is deprecated: %s" % p["domain"])
    row = require_type(ctx, p["domain"], "workflow", p["workflowType"])
    if row["status"] == "DEPRECATED":
        raise TypeDeprecatedFault("WorkflowType=[name=%s, version=%s]"
                                  % (p["workflowType"]["name"], p["workflowType"]["version"]))
    if p.get("executionStartToCloseTimeout") == "NONE":
        raise ValidationException("1 validation error detected: Value 'NONE' at 'executionStartToCloseTimeout' "
                                  "failed to satisfy constraint: Member must be a number of seconds")
    config, cause = lifecycle.resolve_workflow_config(row, p)
    if config is None:
        field = cause[len("DEFAULT_"):-len("_UNDEFINED")].lower()
        raise DefaultUndefinedFault("No value for %s: pass it or register the workflow type with a "
                                    "default (%s)" % (field, cause))
    if Execution.find(ctx, p["domain"], p["workflowId"]) is not None:
        raise WorkflowExecutionAlreadyStartedFault("Already Started")  # SWF's words
    if open_executions(ctx, p["domain"]) >= limits.MAX_OPEN_EXECUTIONS_PER_DOMAIN:
        raise LimitExceededFault("Too many open executions in domain %s" % p["domain"])
    execution = lifecycle.open_execution(ctx, p["domain"], p["workflowId"], p["workflowType"], config,
                                         input=p.get("input"), tags=p.get("tagList"))
    return {"runId": execution.run_id}


def _open(ctx: Context, p: Dict[str, Any]) -> Execution:
    require_domain(ctx, p["domain"])
    return Execution.require(ctx, p["domain"], {"workflowId": p["workflowId"], "runId": p.get("runId")},
                             open_only=True)


def signal_workflow_execution(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The SignalWorkflowExecution call (``p``: the validated request)."""
    execution = _open(ctx, p)
    execution.add_event("WorkflowExecutionSignaled", {"signalName": p["signalName"], "input": p.get("input"),
                                                   "externalInitiatedEventId": 0})
    execution.save()
    return {}


def request_cancel_workflow_execution(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The RequestCancelWorkflowExecution call (``p``: the validated request)."""
    execution = _open(ctx, p)
    lifecycle.request_cancel(execution, {"externalInitiatedEventId": 0})  # SWF sends the 0
    return {}


def terminate_workflow_execution(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The TerminateWorkflowExecution call (``p``: the validated request)."""
    execution = _open(ctx, p)
    lifecycle.terminate(execution, reason=p.get("reason"), details=p.get("details"),
                        child_policy=p.get("childPolicy"), cause="OPERATOR_INITIATED")
    return {}
