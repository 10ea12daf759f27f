"""Rules for a whole decision list (one ``RespondDecisionTaskCompleted``), beyond each decision.

Policy (all refusals are ``ValidationError`` naming ``decisions[i]...``; nothing is only warned):

- at most one close decision (complete, fail, cancel, continue as new), and it must be the last
  one: SWF can honour only one close, and decisions after it would be lost with the run;
- no duplicate ``activityId`` among ScheduleActivityTask decisions, ``timerId`` among StartTimer,
  ``workflowId`` among StartChildWorkflowExecution, or ``id`` among ScheduleLambdaFunction: SWF
  would accept the first and record ``*_ALREADY_IN_USE`` failures for the others;
- the request must fit SWF's 1 MB limit: the decisions' JSON (ASCII-escaped, the largest encoding
  a client may send) plus the execution context plus room for the longest task token and the
  request's framing must be at most ``limits.MAX_REQUEST_BYTES``.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Mapping, Optional, Sequence, Tuple

from swfkit.decisions.decision import Decision
from swfkit.decisions.rules import fail
from swfkit.spec import limits

#: Decision type → the member that must be unique within one response.
UNIQUE_MEMBERS: Dict[str, str] = {
    "ScheduleActivityTask": "activityId",
    "StartTimer": "timerId",
    "StartChildWorkflowExecution": "workflowId",
    "ScheduleLambdaFunction": "id",
}
#: Room kept for everything in the request that is not a decision: the longest task token, the
#: member names and JSON punctuation, and an optional task-list override.
REQUEST_OVERHEAD_BYTES = limits.MAX_TASK_TOKEN_LENGTH + 1_024


def request_size(wire: Sequence[Mapping[str, Any]], execution_context: Optional[str] = None) -> int:
    """The largest size in bytes a ``RespondDecisionTaskCompleted`` carrying ``wire`` can have."""
    body = json.dumps(wire, separators=(",", ":"))
    context = json.dumps(execution_context) if execution_context is not None else ""
    return len(body) + len(context) + REQUEST_OVERHEAD_BYTES


def check_response(decisions: Sequence[Decision], execution_context: Optional[str] = None,
                   wire: Optional[Sequence[Mapping[str, Any]]] = None) -> None:
    """Check the per-response rules above (``wire``: the decisions' dicts, when already built).

    Raises:
        ValidationError: with a ``decisions[i]...`` (or ``decisions``/``executionContext``) path.
    """
    seen: Dict[Tuple[str, str], int] = {}
    last = len(decisions) - 1
    for index, decision in enumerate(decisions):
        if decision.is_close and index != last:
            later = decisions[index + 1]
            rule = ("only one close decision is allowed per response" if later.is_close or
                    any(d.is_close for d in decisions[index + 1:])
                    else "a close decision must be the last decision (%s follows it)" % later.decision_type)
            raise fail("decisions[%d].decisionType" % index, rule)
        member = UNIQUE_MEMBERS.get(decision.decision_type)
        if member is not None:
            ident = (decision.decision_type, decision.attributes[member])
            if ident in seen:
                raise fail("decisions[%d].%s.%s" % (index, decision.attributes_key, member),
                           "duplicates decisions[%d] (%r): ids must be unique within one response"
                           % (seen[ident], ident[1]))
            seen[ident] = index
    if execution_context is not None:
        if not isinstance(execution_context, str):
            raise fail("executionContext", "must be a str, not %s" % type(execution_context).__name__)
        if len(execution_context) > limits.MAX_DATA_LENGTH:
            raise fail("executionContext", "length must be at most %d (is %d)"
                       % (limits.MAX_DATA_LENGTH, len(execution_context)))
    if wire is None:
        wire = [decision.to_dict() for decision in decisions]
    size = request_size(wire, execution_context)
    if size > limits.MAX_REQUEST_BYTES:
        raise fail("decisions", "the request would be about %d bytes; SWF accepts at most %d: "
                   "send fewer decisions or smaller payloads" % (size, limits.MAX_REQUEST_BYTES))
