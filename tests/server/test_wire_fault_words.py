"""Faults and messages in SWF's own words (issue 12, items 1-5).

Clients and operators match on these: a task token that is no token at all is a 400
ValidationException (a well-formed token whose task is gone stays UnknownResourceFault), unknown
executions, activities and decision tasks are named as SWF names them, and request-validation
messages name list members the AWS way (``decisions.1.member.decisionType``).
"""
from __future__ import annotations

from typing import Any, Dict, Tuple

import pytest
from botocore.exceptions import ClientError


def _error(call: Any, **kwargs: Any) -> Tuple[str, str]:
    """(code, message) of a boto3 call that must fail with an HTTP 400."""
    with pytest.raises(ClientError) as info:
        call(**kwargs)
    response = info.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400, response
    return response["Error"]["Code"], response["Error"]["Message"]


def _started_activity(flow: Any) -> Tuple[Dict[str, str], Dict[str, Any], Dict[str, Any]]:
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    return execution, task, flow.poll_activity()


# -- item 1: a token that is not a token --------------------------------------------------------

def _token_calls(flow: Any) -> Dict[str, Any]:
    swf = flow.swf
    return {"heartbeat": swf.record_activity_task_heartbeat,
            "completed": swf.respond_activity_task_completed,
            "failed": swf.respond_activity_task_failed,
            "canceled": swf.respond_activity_task_canceled,
            "decision": swf.respond_decision_task_completed}


@pytest.mark.parametrize("call", ["heartbeat", "completed", "failed", "canceled", "decision"])
def test_a_token_that_is_not_a_token_is_a_validation_exception(flow, call):  # type: ignore[no-untyped-def]
    _, decision_task, activity_task = _started_activity(flow)
    own, other = ((decision_task["taskToken"], activity_task["taskToken"]) if call == "decision"
                  else (activity_task["taskToken"], decision_task["taskToken"]))
    for bad in ("garbage", own[:-3], own[:-1] + ("0" if own[-1] != "0" else "1"), other):
        code, message = _error(_token_calls(flow)[call], taskToken=bad)
        assert code == "ValidationException", (bad, message)
        assert "taskToken" in message


def test_a_well_formed_token_of_a_gone_task_stays_unknown_resource(flow):  # type: ignore[no-untyped-def]
    _, _, activity_task = _started_activity(flow)
    flow.swf.respond_activity_task_completed(taskToken=activity_task["taskToken"])
    for call in ("heartbeat", "completed", "failed", "canceled"):
        code, _ = _error(_token_calls(flow)[call], taskToken=activity_task["taskToken"])
        assert code == "UnknownResourceFault", call


# -- item 2: UnknownResourceFault messages ----------------------------------------------------------

def test_unknown_execution_named_with_and_without_run_id(flow):  # type: ignore[no-untyped-def]
    code, message = _error(flow.swf.signal_workflow_execution, domain=flow.domain, workflowId="nope",
                           signalName="s")
    assert (code, message) == ("UnknownResourceFault", "Unknown execution, workflowId = nope")
    code, message = _error(flow.swf.describe_workflow_execution, domain=flow.domain,
                           execution={"workflowId": "nope", "runId": "r1"})
    assert message == "Unknown execution: WorkflowExecution=[workflowId=nope, runId=r1]"
    for call in (flow.swf.terminate_workflow_execution, flow.swf.request_cancel_workflow_execution):
        code, message = _error(call, domain=flow.domain, workflowId="gone")
        assert message == "Unknown execution, workflowId = gone" and "None" not in message


def test_answering_a_task_of_a_closed_execution_names_the_execution(flow):  # type: ignore[no-untyped-def]
    execution, _, activity_task = _started_activity(flow)
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="s")
    decision_task = flow.poll_decision()
    flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"])
    expected = "Unknown execution: WorkflowExecution=[workflowId=%s, runId=%s]" % (
        execution["workflowId"], execution["runId"])
    assert _error(flow.swf.respond_activity_task_completed,
                  taskToken=activity_task["taskToken"]) == ("UnknownResourceFault", expected)
    assert _error(flow.swf.record_activity_task_heartbeat,
                  taskToken=activity_task["taskToken"]) == ("UnknownResourceFault", expected)
    assert _error(flow.swf.respond_decision_task_completed,
                  taskToken=decision_task["taskToken"]) == ("UnknownResourceFault", expected)


def test_closed_activity_and_completed_decision_task_messages(flow):  # type: ignore[no-untyped-def]
    execution, decision_task, activity_task = _started_activity(flow)
    scheduled = [e for e in flow.history(execution) if e["eventType"] == "ActivityTaskScheduled"][0]
    flow.swf.respond_activity_task_completed(taskToken=activity_task["taskToken"])
    assert _error(flow.swf.respond_activity_task_failed, taskToken=activity_task["taskToken"]) == (
        "UnknownResourceFault", "Unknown activity, scheduledEventId = %d" % scheduled["eventId"])
    assert _error(flow.swf.respond_decision_task_completed, taskToken=decision_task["taskToken"]) == (
        "UnknownResourceFault",
        "Unknown decision task, scheduledEventId = %d" % (decision_task["startedEventId"] - 1))


# -- item 3: domain and already-started messages ----------------------------------------------------

def test_domain_faults_carry_the_domain_name_alone(flow):  # type: ignore[no-untyped-def]
    assert _error(flow.swf.register_domain, name=flow.domain,
                  workflowExecutionRetentionPeriodInDays="1") == ("DomainAlreadyExistsFault", flow.domain)
    assert _error(flow.swf.undeprecate_domain, name=flow.domain) == ("DomainAlreadyExistsFault", flow.domain)
    flow.swf.deprecate_domain(name=flow.domain)
    assert _error(flow.swf.deprecate_domain, name=flow.domain) == ("DomainDeprecatedFault", flow.domain)


def test_already_started_message(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    code, message = _error(flow.swf.start_workflow_execution, domain=flow.domain,
                           workflowId=execution["workflowId"], workflowType={"name": "wf", "version": "1"})
    assert (code, message) == ("WorkflowExecutionAlreadyStartedFault", "Already Started")


# -- item 4: member paths the AWS way ----------------------------------------------------------------

def test_validation_messages_name_list_members_one_based(flow):  # type: ignore[no-untyped-def]
    _, decision_task, _ = _started_activity(flow)
    answer = flow.raw("RespondDecisionTaskCompleted", {
        "taskToken": decision_task["taskToken"],
        "decisions": [{"decisionType": "BadDecisionType"}]})
    assert answer.status_code == 400
    message = answer.json()["message"]
    assert "Value 'BadDecisionType' at 'decisions.1.member.decisionType' failed to satisfy constraint" \
        in message, message
    answer = flow.raw("RespondDecisionTaskCompleted", {
        "taskToken": decision_task["taskToken"],
        "decisions": [flow.decision("RecordMarker", markerName="m"),
                      flow.decision("StartTimer", timerId="t:1", startToFireTimeout="1")]})
    assert "'decisions.2.member.startTimerDecisionAttributes.timerId'" in answer.json()["message"]
    answer = flow.raw("StartWorkflowExecution", {
        "domain": flow.domain, "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
        "tagList": ["ok", "bad|tag"]})
    assert answer.status_code == 400 and "'tagList.2.member'" in answer.json()["message"]
    assert "[" not in answer.json()["message"].split("constraint")[0]


# -- item 5: an operator's terminate --------------------------------------------------------------------

def test_operator_terminate_records_operator_initiated(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"],
                                          reason="r")
    last = flow.history(execution)[-1]
    assert last["eventType"] == "WorkflowExecutionTerminated"
    assert flow.attrs(last)["cause"] == "OPERATOR_INITIATED"
