"""SWF's rules for one decision: each broken rule gives a ValidationError naming the path and rule."""
from __future__ import annotations

from datetime import timedelta
from typing import Any, Callable

import pytest

from swfkit import decisions as d
from swfkit.decisions import Decision
from swfkit.exceptions import ValidationError

SAT = "scheduleActivityTaskDecisionAttributes"
CHILD = "startChildWorkflowExecutionDecisionAttributes"
CAN = "continueAsNewWorkflowExecutionDecisionAttributes"
TIMER = "startTimerDecisionAttributes"
LAMBDA = "scheduleLambdaFunctionDecisionAttributes"
BIG = "x" * 32_769

BAD = [
    # identifiers: length, characters, "arn"
    (lambda: d.schedule_activity_task("", ("A", "1")), SAT + ".activityId", "must not be empty"),
    (lambda: d.schedule_activity_task("a" * 257, ("A", "1")), SAT + ".activityId", "at most 256"),
    (lambda: d.schedule_activity_task("a:b", ("A", "1")), SAT + ".activityId", "must not contain"),
    (lambda: d.schedule_activity_task("a/b", ("A", "1")), SAT + ".activityId", "must not contain"),
    (lambda: d.schedule_activity_task("a|b", ("A", "1")), SAT + ".activityId", "must not contain"),
    (lambda: d.schedule_activity_task("a\x00", ("A", "1")), SAT + ".activityId", "control characters"),
    (lambda: d.schedule_activity_task("a\x1f", ("A", "1")), SAT + ".activityId", "control characters"),
    (lambda: d.schedule_activity_task("a\x7f", ("A", "1")), SAT + ".activityId", "control characters"),
    (lambda: d.schedule_activity_task("a\x9f", ("A", "1")), SAT + ".activityId", "control characters"),
    (lambda: d.schedule_activity_task("arn", ("A", "1")), SAT + ".activityId", "literal string 'arn'"),
    (lambda: d.schedule_activity_task("a", ("A", "v" * 65)), SAT + ".activityType.version", "at most 64"),
    (lambda: d.schedule_activity_task("a", ("A:B", "1")), SAT + ".activityType.name", "must not contain"),
    (lambda: d.schedule_activity_task("a", ("A", "")), SAT + ".activityType.version", "must not be empty"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_list=" tl"), SAT + ".taskList.name", "white space"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_list="t|l"), SAT + ".taskList.name", "must not contain"),
    (lambda: d.start_timer("arn", 1), TIMER + ".timerId", "arn"),
    (lambda: d.cancel_timer("t/1"), "cancelTimerDecisionAttributes.timerId", "must not contain"),
    (lambda: d.start_child_workflow_execution(("W", "1"), "w:1"), CHILD + ".workflowId", "must not contain"),
    (lambda: d.continue_as_new_workflow_execution(workflow_type_version="1|2"), CAN + ".workflowTypeVersion",
     "must not contain"),
    (lambda: d.schedule_lambda_function("", "f"), LAMBDA + ".id", "must not be empty"),
    (lambda: d.schedule_lambda_function("l", "f" * 65), LAMBDA + ".name", "at most 64"),
    (lambda: d.signal_external_workflow_execution("wf", "s", run_id="r" * 65),
     "signalExternalWorkflowExecutionDecisionAttributes.runId", "at most 64"),
    # payload sizes
    (lambda: d.schedule_activity_task("a", ("A", "1"), input=BIG), SAT + ".input", "at most 32768"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), control=BIG), SAT + ".control", "at most 32768"),
    (lambda: d.complete_workflow_execution(result=BIG), "completeWorkflowExecutionDecisionAttributes.result",
     "at most 32768"),
    (lambda: d.fail_workflow_execution(details=BIG), "failWorkflowExecutionDecisionAttributes.details",
     "at most 32768"),
    (lambda: d.fail_workflow_execution(reason="r" * 257), "failWorkflowExecutionDecisionAttributes.reason",
     "at most 256"),
    (lambda: d.record_marker("m", details=BIG), "recordMarkerDecisionAttributes.details", "at most 32768"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), input=b"bytes"), SAT + ".input", "must be a str"),
    # timeouts
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout=-1), SAT + ".heartbeatTimeout",
     "at least 0"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout=1.5), SAT + ".heartbeatTimeout",
     "int seconds"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout=True), SAT + ".heartbeatTimeout",
     "int seconds"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout=timedelta(seconds=1.5)),
     SAT + ".heartbeatTimeout", "whole number"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout="abc"), SAT + ".heartbeatTimeout",
     "whole number"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout="none"), SAT + ".heartbeatTimeout",
     "whole number"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout="60\n"), SAT + ".heartbeatTimeout",
     "whole number"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout="\u0661\u0662"), SAT + ".heartbeatTimeout",
     "whole number"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout="123456789"), SAT + ".heartbeatTimeout",
     "at most 8 digits"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout=31_536_001), SAT + ".heartbeatTimeout",
     "1 year"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout=timedelta(days=366)),
     SAT + ".heartbeatTimeout", "1 year"),
    (lambda: d.start_timer("t", "NONE"), TIMER + ".startToFireTimeout", "'NONE' is not allowed"),
    (lambda: d.start_timer("t", ""), TIMER + ".startToFireTimeout", "whole number"),
    (lambda: d.start_child_workflow_execution(("W", "1"), "w", execution_start_to_close_timeout="NONE"),
     CHILD + ".executionStartToCloseTimeout", "'NONE' is not allowed"),
    (lambda: d.continue_as_new_workflow_execution(execution_start_to_close_timeout="NONE"),
     CAN + ".executionStartToCloseTimeout", "'NONE' is not allowed"),
    (lambda: d.schedule_lambda_function("l", "f", start_to_close_timeout=901), LAMBDA + ".startToCloseTimeout",
     "from 1 to 900"),
    (lambda: d.schedule_lambda_function("l", "f", start_to_close_timeout=0), LAMBDA + ".startToCloseTimeout",
     "from 1 to 900"),
    (lambda: d.schedule_lambda_function("l", "f", start_to_close_timeout="NONE"), LAMBDA + ".startToCloseTimeout",
     "from 1 to 900"),
    (lambda: d.schedule_lambda_function("l", "f", start_to_close_timeout="9" * 5000), LAMBDA + ".startToCloseTimeout",
     "from 1 to 900"),
    (lambda: d.schedule_lambda_function("l", "f", start_to_close_timeout="000000010"),
     LAMBDA + ".startToCloseTimeout", "from 1 to 900"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), heartbeat_timeout="9" * 5000), SAT + ".heartbeatTimeout",
     "at most 8 digits"),
    # priorities
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_priority=2**31), SAT + ".taskPriority",
     "from -2147483648 to 2147483647"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_priority=-2**31 - 1), SAT + ".taskPriority",
     "from -2147483648"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_priority="high"), SAT + ".taskPriority", "integer"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_priority="1" * 40), SAT + ".taskPriority", "integer"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_priority="9" * 5000), SAT + ".taskPriority", "integer"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_priority=1.0), SAT + ".taskPriority", "must be an int"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_priority=False), SAT + ".taskPriority", "must be an int"),
    # tags
    (lambda: d.start_child_workflow_execution(("W", "1"), "w", tag_list=["t"] * 6), CHILD + ".tagList",
     "at most 5"),
    (lambda: d.continue_as_new_workflow_execution(tag_list=["ok", "no#hash"]), CAN + ".tagList[1]",
     "letters, digits"),
    (lambda: d.continue_as_new_workflow_execution(tag_list=["t" * 257]), CAN + ".tagList[0]", "at most 256"),
    (lambda: d.continue_as_new_workflow_execution(tag_list="single"), CAN + ".tagList", "list of tags"),
    (lambda: d.continue_as_new_workflow_execution(tag_list=[1]), CAN + ".tagList[0]", "must be a str"),
    # enums, shapes and required attributes
    (lambda: d.continue_as_new_workflow_execution(child_policy="KILL"), CAN + ".childPolicy",
     "TERMINATE, REQUEST_CANCEL, ABANDON"),
    (lambda: d.schedule_activity_task(None, ("A", "1")), SAT + ".activityId", "is required"),  # type: ignore[arg-type]
    (lambda: d.schedule_activity_task("a", None), SAT + ".activityType", "is required"),  # type: ignore[arg-type]
    (lambda: d.schedule_activity_task("a", ("A",)), SAT + ".activityType", "(name, version) pair"),
    (lambda: d.schedule_activity_task("a", {"name": "A"}), SAT + ".activityType.version", "is required"),
    (lambda: d.schedule_activity_task("a", {"name": "A", "version": "1", "x": "y"}), SAT + ".activityType.x",
     "not an attribute"),
    (lambda: d.schedule_activity_task("a", 42), SAT + ".activityType", "(name, version) pair"),  # type: ignore[arg-type]
    (lambda: d.schedule_activity_task("a", ("A", 1)), SAT + ".activityType.version", "must be a str"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_list=7), SAT + ".taskList", "task list name"),
    (lambda: d.schedule_activity_task("a", ("A", "1"), task_list={}), SAT + ".taskList.name", "is required"),
    (lambda: d.start_timer("t", None), TIMER + ".startToFireTimeout", "is required"),  # type: ignore[arg-type]
    (lambda: d.record_marker(""), "recordMarkerDecisionAttributes.markerName", "must not be empty"),
    (lambda: d.signal_external_workflow_execution("wf", ""),
     "signalExternalWorkflowExecutionDecisionAttributes.signalName", "must not be empty"),
    (lambda: d.request_cancel_external_workflow_execution(""),
     "requestCancelExternalWorkflowExecutionDecisionAttributes.workflowId", "must not be empty"),
    (lambda: d.request_cancel_activity_task(5), "requestCancelActivityTaskDecisionAttributes.activityId",
     "must be a str"),  # type: ignore[arg-type]
]


@pytest.mark.parametrize("build,path,rule", BAD, ids=["%d-%s" % (i, case[1].split(".", 1)[1]) for i, case in enumerate(BAD)])
def test_broken_rule_names_path_and_rule(build: Callable[[], Any], path: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        build()
    assert caught.value.path == path
    assert rule in caught.value.rule
    assert caught.value.operation == "RespondDecisionTaskCompleted"
    assert isinstance(caught.value, ValueError)


GOOD = [
    lambda: d.schedule_activity_task("a" * 256, ("n" * 256, "v" * 64), input="x" * 32_768),
    lambda: d.schedule_activity_task("ARN", ("A", "1"), task_list="arn-ish", heartbeat_timeout="31536000"),
    lambda: d.schedule_activity_task("a", ("A", "1"), task_priority=-2**31, schedule_to_close_timeout=31_536_000),
    lambda: d.fail_workflow_execution(reason="r" * 256),
    lambda: d.record_marker("marker: with / chars | ok"),  # marker names are not identifiers
    lambda: d.signal_external_workflow_execution("wf", "signal:name"),
    lambda: d.signal_external_workflow_execution("wf", "s", run_id="22rE0nJ4V7k5Aq+Wb5wSX0Qpd/mPNg2=" ),
    lambda: d.start_timer("t", "0"),
    lambda: d.start_child_workflow_execution(("W", "1"), "w", tag_list=["a b", "k=v", "x@y.z", "p/q:r", ""] ),
    lambda: d.schedule_lambda_function("l", "arn:aws:lambda:eu-west-1:123:function:f", start_to_close_timeout=1),
    lambda: d.continue_as_new_workflow_execution(execution_start_to_close_timeout=0),
]


@pytest.mark.parametrize("build", GOOD)
def test_values_at_the_limits_are_accepted(build: Callable[[], Decision]) -> None:
    decision = build()
    assert Decision.from_dict(decision.to_dict()) == decision


@pytest.mark.parametrize("wire,path,rule", [
    ("not a dict", "", "must be a dict"),
    ({}, "decisionType", "is required"),
    ({"decisionType": "Explode"}, "decisionType", "must be one of"),
    ({"decisionType": 3}, "decisionType", "must be one of"),
    ({"decisionType": "StartTimer"}, "startTimerDecisionAttributes.timerId", "is required"),
    ({"decisionType": "StartTimer", "startTimerDecisionAttributes": ["t"]}, "startTimerDecisionAttributes",
     "must be a dict"),
    ({"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": "t"}},
     "startTimerDecisionAttributes.startToFireTimeout", "is required"),
    ({"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": "t", "startToFireTimeout": 5}},
     "startTimerDecisionAttributes.startToFireTimeout", "must be a str"),
    ({"decisionType": "CancelTimer", "cancelTimerDecisionAttributes": {"timerId": "t"},
      "startTimerDecisionAttributes": {}}, "startTimerDecisionAttributes", "is not allowed"),
    ({"decisionType": "CancelTimer", "cancelTimerDecisionAttributes": {"timerId": "t", "extra": "1"}},
     "cancelTimerDecisionAttributes.extra", "not an attribute"),
    ({"decisionType": "StartChildWorkflowExecution", "startChildWorkflowExecutionDecisionAttributes": {
        "workflowId": "w", "workflowType": {"name": "W", "version": "1"}, "tagList": "t"}},
     CHILD + ".tagList", "must be a list"),
])
def test_from_dict_checks_the_wire_form(wire: Any, path: str, rule: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Decision.from_dict(wire)
    assert (caught.value.path, rule in caught.value.rule) == (path, True)


def test_complete_without_attributes_key_is_accepted() -> None:
    decision = Decision.from_dict({"decisionType": "CompleteWorkflowExecution"})
    assert decision == d.complete_workflow_execution()


def test_direct_construction_validates_too() -> None:
    with pytest.raises(ValidationError) as caught:
        Decision("ScheduleActivityTask", {"activityId": "a:b", "activityType": {"name": "A", "version": "1"}})
    assert caught.value.path == SAT + ".activityId"
