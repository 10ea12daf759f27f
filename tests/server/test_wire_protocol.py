"""The JSON wire protocol at the HTTP level: framing, targets, content types, error bodies, limits.

Every malformed request must get HTTP 400 with a JSON body ``{"__type": "...#Code", "message": ...}``
and ``application/x-amz-json-1.0`` — never a 500, never HTML — and leave no partial write behind.
"""
from __future__ import annotations

import json

import pytest
import requests

JSON_TYPES = ("application/x-amz-json-1.0", "application/json")


def _assert_error(response: requests.Response, code: str = None, mentions: str = None):  # type: ignore[assignment]
    assert response.status_code == 400, (response.status_code, response.text[:300])
    assert response.headers.get("Content-Type", "").split(";")[0] in JSON_TYPES, response.headers
    body = response.json()
    assert isinstance(body, dict) and set(body) >= {"__type", "message"}, body
    assert "#" in body["__type"], body
    assert isinstance(body["message"], str) and body["message"], body
    assert "<html" not in response.text.lower()
    if code is not None:
        assert body["__type"].rsplit("#", 1)[-1] == code, body
    if mentions is not None:
        assert mentions in body["message"], body
    return body


def test_success_framing_and_request_id(flow):  # type: ignore[no-untyped-def]
    response = flow.raw("DescribeDomain", {"name": flow.domain})
    assert response.status_code == 200
    assert response.headers["Content-Type"].split(";")[0] == "application/x-amz-json-1.0"
    assert response.headers.get("x-amzn-RequestId")
    info = response.json()["domainInfo"]
    assert info["name"] == flow.domain and info["status"] == "REGISTERED"
    assert info["arn"].endswith(":/domain/" + flow.domain) and info["arn"].startswith("arn:aws:swf:")
    assert response.json()["configuration"] == {"workflowExecutionRetentionPeriodInDays": "1"}


def test_operations_without_output_answer_an_empty_object(flow):  # type: ignore[no-untyped-def]
    response = flow.raw("RegisterActivityType", {"domain": flow.domain, "name": "x", "version": "1"})
    assert response.status_code == 200
    assert response.text.strip() in ("", "{}")


def test_empty_polls_have_a_task_shape(flow):  # type: ignore[no-untyped-def]
    decision = flow.raw("PollForDecisionTask", {"domain": flow.domain, "taskList": {"name": "empty"}})
    assert decision.status_code == 200
    assert not decision.json().get("taskToken")
    assert decision.json().get("startedEventId", 0) == 0
    activity = flow.raw("PollForActivityTask", {"domain": flow.domain, "taskList": {"name": "empty"}})
    assert activity.status_code == 200 and not activity.json().get("taskToken")


def test_legacy_target_and_content_type_are_accepted(flow):  # type: ignore[no-untyped-def]
    response = flow.raw(None, {"name": flow.domain},
                        target="com.amazonaws.swf.service.model.SimpleWorkflowService.DescribeDomain",
                        headers={"Content-Type": "application/json; charset=UTF-8"})
    assert response.status_code == 200, response.text
    assert response.json()["domainInfo"]["name"] == flow.domain


def test_modeled_fault_namespace(flow):  # type: ignore[no-untyped-def]
    body = _assert_error(flow.raw("DescribeDomain", {"name": "no-such-domain"}), "UnknownResourceFault")
    assert body["__type"] == "com.amazonaws.swf.base.model#UnknownResourceFault"


@pytest.mark.parametrize("payload", [b"{not json", b"[]", b"\"string\"", b"42", b"\xff\xfe\x00", b"null"])
def test_bad_json_body(raw, payload):  # type: ignore[no-untyped-def]
    body = _assert_error(raw("ListDomains", payload))
    assert body["__type"].rsplit("#", 1)[-1] in ("SerializationException", "ValidationException")


def test_empty_body_is_a_missing_member_error(raw):  # type: ignore[no-untyped-def]
    _assert_error(raw("ListDomains", b""))


@pytest.mark.parametrize("target", [
    "SimpleWorkflowService.NoSuchOperation", "SimpleWorkflowService.", "Other.ListDomains", "ListDomains", "",
])
def test_wrong_target(raw, target):  # type: ignore[no-untyped-def]
    body = _assert_error(raw(None, {"registrationStatus": "REGISTERED"}, target=target))
    assert body["__type"].rsplit("#", 1)[-1] in ("UnknownOperationException", "ValidationException",
                                                 "SerializationException")


def test_missing_target(raw):  # type: ignore[no-untyped-def]
    _assert_error(raw(None, {"registrationStatus": "REGISTERED"}))


def test_get_and_other_paths_are_json_errors(endpoint):  # type: ignore[no-untyped-def]
    response = requests.get(endpoint + "/", timeout=5)
    assert response.status_code in (400, 404, 405)
    assert "<html" not in response.text.lower()
    assert response.json()["__type"] and response.json()["message"]


def test_oversize_body(raw):  # type: ignore[no-untyped-def]
    payload = json.dumps({"registrationStatus": "REGISTERED", "pad": "x" * (1_048_576 + 10)})
    _assert_error(raw("ListDomains", payload, timeout=30))


def test_server_healthy_after_oversize(raw, flow):  # type: ignore[no-untyped-def]
    try:
        raw("ListDomains", b"{" * 2_000_000, timeout=30)
    except requests.ConnectionError:
        pass  # closing early is acceptable here; staying up is what this test checks
    assert flow.raw("DescribeDomain", {"name": flow.domain}).status_code == 200


@pytest.mark.parametrize("operation, body, field", [
    ("ListDomains", {}, "registrationStatus"),
    ("ListDomains", {"registrationStatus": "MAYBE"}, "registrationStatus"),
    ("ListDomains", {"registrationStatus": 7}, "registrationStatus"),
    ("RegisterDomain", {"name": "d" * 257, "workflowExecutionRetentionPeriodInDays": "1"}, "name"),
    ("RegisterDomain", {"name": "a:b", "workflowExecutionRetentionPeriodInDays": "1"}, "name"),
    ("RegisterDomain", {"name": "arn", "workflowExecutionRetentionPeriodInDays": "1"}, "name"),
    ("RegisterDomain", {"name": " padded", "workflowExecutionRetentionPeriodInDays": "1"}, "name"),
    ("RegisterDomain", {"name": "okname", "workflowExecutionRetentionPeriodInDays": 1},
     "workflowExecutionRetentionPeriodInDays"),
    ("RegisterDomain", {"name": "okname", "workflowExecutionRetentionPeriodInDays": "91"},
     "workflowExecutionRetentionPeriodInDays"),
    ("DescribeDomain", {"name": None}, "name"),
    ("DescribeDomain", {"name": ["x"]}, "name"),
    ("GetWorkflowExecutionHistory", {"domain": "d", "execution": {"workflowId": "w"}}, "runId"),
    ("GetWorkflowExecutionHistory", {"domain": "d", "execution": {"workflowId": "w", "runId": "r"},
                                     "maximumPageSize": 1001}, "maximumPageSize"),
    ("GetWorkflowExecutionHistory", {"domain": "d", "execution": {"workflowId": "w", "runId": "r"},
                                     "maximumPageSize": "10"}, "maximumPageSize"),
    ("GetWorkflowExecutionHistory", {"domain": "d", "execution": {"workflowId": "w", "runId": "r"},
                                     "reverseOrder": "yes"}, "reverseOrder"),
    ("PollForActivityTask", {"domain": "d", "taskList": {}}, "name"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "tagList": ["a", "b", "c", "d", "e", "f"]}, "tagList"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "input": "x" * 32_769}, "input"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "taskStartToCloseTimeout": "abc"}, "taskStartToCloseTimeout"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "executionStartToCloseTimeout": "NONE"}, "executionStartToCloseTimeout"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "childPolicy": "KILL"}, "childPolicy"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "taskPriority": "high"}, "taskPriority"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "tagList": ["bad!tag"]}, "tagList"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "taskPriority": "2147483648"}, "taskPriority"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "executionStartToCloseTimeout": "31536001"}, "executionStartToCloseTimeout"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "taskList": {"name": " lead"}}, "taskList"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "arn", "workflowType": {"name": "wf", "version": "1"}},
     "workflowId"),
    ("SignalWorkflowExecution", {"domain": "d", "workflowId": "w", "signalName": "s", "input": "i" * 32_769}, "input"),
    ("PollForActivityTask", {"domain": "d", "taskList": {"name": "l"}, "identity": "i" * 257}, "identity"),
    ("RegisterActivityType", {"domain": "d", "name": "n", "version": "1", "defaultTaskPriority": "high"},
     "defaultTaskPriority"),
    ("RegisterWorkflowType", {"domain": "d", "name": "n", "version": "v" * 65}, "version"),
    ("RespondDecisionTaskCompleted", {"taskToken": "t", "executionContext": "c" * 32_769}, "executionContext"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "taskStartToCloseTimeout": "\uff11"}, "taskStartToCloseTimeout"),  # fullwidth 1
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "taskStartToCloseTimeout": "10\n"}, "taskStartToCloseTimeout"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "taskPriority": "\u0663"}, "taskPriority"),  # arabic-indic 3
    ("RegisterWorkflowType", {"domain": "d", "name": "n", "version": "1",
                              "defaultExecutionStartToCloseTimeout": "NONE"}, "defaultExecutionStartToCloseTimeout"),
    ("RegisterWorkflowType", {"domain": "d", "name": "n", "version": "1", "defaultChildPolicy": "NOPE"},
     "defaultChildPolicy"),
    ("RegisterActivityType", {"domain": "d", "name": "n", "version": "1", "defaultTaskHeartbeatTimeout": "-1"},
     "defaultTaskHeartbeatTimeout"),
    ("RespondActivityTaskCompleted", {"taskToken": "t" * 1025}, "taskToken"),
    ("RespondActivityTaskFailed", {"taskToken": "t", "reason": "r" * 257}, "reason"),
    ("RecordActivityTaskHeartbeat", {"taskToken": "t", "details": "d" * 2049}, "details"),
])
def test_invalid_members_name_the_field(module_flow, operation, body, field):  # type: ignore[no-untyped-def]
    if body.get("domain") == "d":  # a real domain, so only the bad member can be the problem
        body = dict(body, domain=module_flow.domain)
    _assert_error(module_flow.raw(operation, body), "ValidationException", mentions=field)


def test_unknown_members_do_not_500(raw):  # type: ignore[no-untyped-def]
    response = raw("ListDomains", {"registrationStatus": "REGISTERED", "surprise": {"deep": [1, 2]}})
    assert response.status_code in (200, 400) and response.json() is not None


@pytest.mark.parametrize("decision, field", [
    ({"decisionType": "Explode"}, "decisionType"),
    ({"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {"activityId": "a"}},
     "activityType"),
    ({"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": "t"}}, "startToFireTimeout"),
    ({"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": "t",
                                                                     "startToFireTimeout": "NONE"}},
     "startToFireTimeout"),
    ({"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
        "activityId": "a", "activityType": {"name": "act", "version": "1"}, "startToCloseTimeout": "abc"}},
     "startToCloseTimeout"),
    ({"decisionType": "ScheduleActivityTask"}, "scheduleActivityTaskDecisionAttributes"),
    ({"decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {
        "result": "r" * 32_769}}, "result"),
    ({"decisionType": "RecordMarker", "recordMarkerDecisionAttributes": {"markerName": "m", "details": "x" * 32_769}},
     "details"),
    ({"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
        "activityId": "a|b", "activityType": {"name": "act", "version": "1"}}}, "activityId"),
])
def test_schema_invalid_decisions_are_rejected_and_task_stays_started(flow, decision, field):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    response = flow.raw("RespondDecisionTaskCompleted", {"taskToken": task["taskToken"], "decisions": [decision]})
    _assert_error(response, "ValidationException", mentions=field)
    assert flow.types(execution) == ["WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted"]
    flow.complete(task)  # the token is still good: nothing was recorded
    assert flow.types(execution)[-1] == "WorkflowExecutionCompleted"


def test_numbers_and_booleans_have_json_types(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    response = flow.raw("PollForActivityTask", {"domain": flow.domain, "taskList": {"name": "x"}})
    assert response.status_code == 200
    history = flow.raw("GetWorkflowExecutionHistory", {"domain": flow.domain, "execution": execution}).json()
    first = history["events"][0]
    assert isinstance(first["eventId"], int) and isinstance(first["eventTimestamp"], (int, float))
    started = history["events"][2]["decisionTaskStartedEventAttributes"]
    assert isinstance(started["scheduledEventId"], int)
    attrs = first["workflowExecutionStartedEventAttributes"]
    assert isinstance(attrs["taskStartToCloseTimeout"], str)
    described = flow.raw("DescribeWorkflowExecution", {"domain": flow.domain, "execution": execution}).json()
    assert described["executionInfo"]["cancelRequested"] is False
    assert isinstance(described["openCounts"]["openDecisionTasks"], int)


@pytest.mark.parametrize("operation, body", [
    ("RegisterDomain", '{"name": "x\\udc00", "workflowExecutionRetentionPeriodInDays": "1"}'),
    ("DescribeDomain", '{"name": "\\ud800"}'),
    ("StartWorkflowExecution", '{"domain": "DOMAIN", "workflowId": "\\ud800", '
                               '"workflowType": {"name": "wf", "version": "1"}}'),
    ("RegisterActivityType", '{"domain": "DOMAIN", "name": "\\ud800", "version": "1"}'),
])
def test_lone_surrogates_in_identifiers_are_client_errors(module_flow, operation, body):  # type: ignore[no-untyped-def]
    """JSON may carry an unpaired UTF-16 surrogate escape; it is bad input (400), not a server crash."""
    response = module_flow.raw(operation, body.replace("DOMAIN", module_flow.domain))
    body = _assert_error(response)
    assert body["__type"].rsplit("#", 1)[-1] in ("ValidationException", "SerializationException")


def test_close_decision_must_be_last(flow):  # type: ignore[no-untyped-def]
    """SWF leaves this open; swfkit's server answers like moto: 400, nothing recorded, task still started."""
    execution, task = flow.run_to_first_decision()
    response = flow.raw("RespondDecisionTaskCompleted", {"taskToken": task["taskToken"], "decisions": [
        flow.decision("CompleteWorkflowExecution"), flow.schedule("a1")]})
    _assert_error(response, "ValidationException")
    assert flow.types(execution)[-1] == "DecisionTaskStarted"
    flow.complete(task)
    assert flow.types(execution)[-1] == "WorkflowExecutionCompleted"


def test_respond_without_decisions_member_and_page_size_zero(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    for i in range(3):
        flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName=f"s{i}")
    task = flow.raw("PollForDecisionTask", {"domain": flow.domain, "taskList": {"name": "decisions"},
                                            "maximumPageSize": 0}).json()
    assert [e["eventId"] for e in task["events"]] == list(range(1, 7)) and not task.get("nextPageToken")
    assert flow.raw("RespondDecisionTaskCompleted", {"taskToken": task["taskToken"]}).status_code == 200
    history = flow.raw("GetWorkflowExecutionHistory", {"domain": flow.domain, "execution": execution,
                                                       "maximumPageSize": 0}).json()
    assert [e["eventType"] for e in history["events"]][-1] == "DecisionTaskCompleted"
    assert len(history["events"]) == 7 and not history.get("nextPageToken")


def test_a_bad_decision_late_in_the_list_rejects_the_whole_batch(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    response = flow.raw("RespondDecisionTaskCompleted", {"taskToken": task["taskToken"], "decisions": [
        flow.schedule("a1"), flow.decision("RecordMarker", markerName="m"),
        flow.decision("StartTimer", timerId="t", startToFireTimeout="soon")]})
    body = _assert_error(response, "ValidationException", mentions="startToFireTimeout")
    assert "decisions" in body["message"]
    assert flow.types(execution)[-1] == "DecisionTaskStarted", "part of a rejected batch was applied"
    assert flow.swf.count_pending_activity_tasks(domain=flow.domain, taskList={"name": "activities"})["count"] == 0


def test_rejected_start_leaves_no_execution(flow):  # type: ignore[no-untyped-def]
    response = flow.raw("StartWorkflowExecution", {"domain": flow.domain, "workflowId": "half",
                                                   "workflowType": {"name": "wf", "version": "1"},
                                                   "input": "ok", "tagList": ["a"] * 6})
    _assert_error(response, "ValidationException", mentions="tagList")
    assert flow.swf.count_open_workflow_executions(domain=flow.domain, startTimeFilter={"oldestDate": 0})["count"] == 0
    flow.start("half")  # the id is free
