"""The operation table: validate a request, run its handler in one transaction, shape the answer."""
from __future__ import annotations

import json
import logging
from typing import Any, Callable, Dict, Optional, Tuple

from swfkit.exceptions import (InternalFailure, SerializationException, ServiceError,
                               UnknownOperationException)
from swfkit.spec import FAULTS, OPERATIONS

from swfkit.server import decisions, domains, tasks, types, visibility, workflows
from swfkit.server.context import Context
from swfkit.server.store import to_json
from swfkit.server.paging import Raw
from swfkit.server.regions import domain_key
from swfkit.server.validation import validate_request

log = logging.getLogger("swfkit.server")

Handler = Callable[[Context, Dict[str, Any]], Any]

HANDLERS: Dict[str, Handler] = {
    "RegisterDomain": domains.register_domain,
    "DescribeDomain": domains.describe_domain,
    "ListDomains": domains.list_domains,
    "DeprecateDomain": domains.deprecate_domain,
    "UndeprecateDomain": domains.undeprecate_domain,
    "TagResource": domains.tag_resource,
    "UntagResource": domains.untag_resource,
    "ListTagsForResource": domains.list_tags_for_resource,
    **types.HANDLERS,
    "StartWorkflowExecution": workflows.start_workflow_execution,
    "SignalWorkflowExecution": workflows.signal_workflow_execution,
    "RequestCancelWorkflowExecution": workflows.request_cancel_workflow_execution,
    "TerminateWorkflowExecution": workflows.terminate_workflow_execution,
    "DescribeWorkflowExecution": visibility.describe_workflow_execution,
    "GetWorkflowExecutionHistory": visibility.get_workflow_execution_history,
    "ListOpenWorkflowExecutions": visibility.list_open_workflow_executions,
    "ListClosedWorkflowExecutions": visibility.list_closed_workflow_executions,
    "CountOpenWorkflowExecutions": visibility.count_open_workflow_executions,
    "CountClosedWorkflowExecutions": visibility.count_closed_workflow_executions,
    "PollForDecisionTask": tasks.poll_for_decision_task,
    "PollForActivityTask": tasks.poll_for_activity_task,
    "RespondDecisionTaskCompleted": decisions.respond_decision_task_completed,
    "RespondActivityTaskCompleted": tasks.respond_activity_task_completed,
    "RespondActivityTaskFailed": tasks.respond_activity_task_failed,
    "RespondActivityTaskCanceled": tasks.respond_activity_task_canceled,
    "RecordActivityTaskHeartbeat": tasks.record_activity_task_heartbeat,
    "CountPendingActivityTasks": tasks.count_pending_activity_tasks,
    "CountPendingDecisionTasks": tasks.count_pending_decision_tasks,
}
assert set(HANDLERS) == set(OPERATIONS), set(OPERATIONS) ^ set(HANDLERS)

#: Domain operations: their ``name`` is a domain's name (in the others it names a type).
DOMAIN_NAMED = frozenset({"RegisterDomain", "DescribeDomain", "DeprecateDomain", "UndeprecateDomain"})

#: Operations whose model defines no output: answered with an empty body, as SWF does.
NO_OUTPUT = frozenset(name for name, operation in OPERATIONS.items() if not operation.get("output"))

#: Long polls manage their own transactions (they must not hold the lock while waiting).
SELF_MANAGED = frozenset({"PollForDecisionTask", "PollForActivityTask"})

MODELED_NAMESPACE = "com.amazonaws.swf.base.model#"
VALIDATE_NAMESPACE = "com.amazon.coral.validate#"
SERVICE_NAMESPACE = "com.amazon.coral.service#"


def error_body(error: ServiceError) -> Tuple[int, bytes]:
    """HTTP status and JSON body for a service error, in SWF's framing."""
    code = error.code
    if code in FAULTS:
        namespace = MODELED_NAMESPACE
    elif code == "ValidationException":
        namespace = VALIDATE_NAMESPACE
    else:
        namespace = SERVICE_NAMESPACE
    status = error.status_code or (500 if code == "InternalFailure" else 400)
    return status, json.dumps({"__type": namespace + code, "message": error.message}).encode()


def _in_region(params: Dict[str, Any], operation: str, region: str) -> Dict[str, str]:
    """Qualify the request's domain with its region; return {key: name} to unqualify messages."""
    params["_region"] = region  # set after validation: a client cannot choose it this way
    names = {}
    for member in ("name", "domain") if operation in DOMAIN_NAMED else ("domain",):
        name = params.get(member)
        if isinstance(name, str):
            params[member] = domain_key(region, name)
            names[params[member]] = name
    return names


def call(ctx: Context, operation: str, body: bytes, region: Optional[str] = None) -> Tuple[int, bytes]:
    """Run one API call from its raw JSON body; return (HTTP status, response body).

    Args:
        ctx: the server state.
        operation: the operation name from ``X-Amz-Target``.
        body: the request body.
        region: the region the request was signed for (default: the server's region).
    """
    handler = HANDLERS.get(operation)
    names: Dict[str, str] = {}
    try:
        if handler is None:
            raise UnknownOperationException("Unknown operation: %s" % operation)
        try:
            params = json.loads(body or b"{}")
        except (ValueError, RecursionError) as err:
            raise SerializationException("Request body is not valid JSON: %s" % err) from None
        if not isinstance(params, dict):
            raise SerializationException("Request body must be a JSON object")
        validate_request(operation, params)
        names = _in_region(params, operation, region or ctx.region)
        if operation in SELF_MANAGED:
            result = handler(ctx, params)
        else:
            with ctx.transaction():
                result = handler(ctx, params)
    except ServiceError as err:
        for key, name in names.items():  # messages name the domain as the client did
            err.message = err.message.replace(key, name)
        return error_body(err)
    except Exception:  # a bug of ours: answer like SWF's InternalFailure, the transaction rolled back
        log.exception("internal error in %s", operation)
        return error_body(InternalFailure("Internal failure in %s" % operation))
    if isinstance(result, Raw):
        return 200, result.body
    if operation in NO_OUTPUT:
        return 200, b""
    return 200, to_json(result).encode()
