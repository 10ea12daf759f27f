"""Every builder gives SWF's exact wire dict; key names are checked against the model tables."""
from __future__ import annotations

import dataclasses
from datetime import timedelta
from typing import Any, Callable, Dict, Tuple

import pytest

from swfkit import decisions as d
from swfkit.decisions import Decision
from swfkit.spec import DECISION_ATTRIBUTES, SHAPES

# decision type -> (a call of its builder with every argument set, the attributes SWF must get)
FULL: Dict[str, Tuple[Callable[[], Decision], Dict[str, Any]]] = {
    "ScheduleActivityTask": (
        lambda: d.schedule_activity_task(
            "a-1", ("Resize", "2"), input="in", control="ctl", task_list="work", task_priority=5,
            schedule_to_close_timeout=timedelta(hours=1), schedule_to_start_timeout=60,
            start_to_close_timeout="120", heartbeat_timeout="NONE"),
        {"activityId": "a-1", "activityType": {"name": "Resize", "version": "2"}, "input": "in",
         "control": "ctl", "taskList": {"name": "work"}, "taskPriority": "5",
         "scheduleToCloseTimeout": "3600", "scheduleToStartTimeout": "60", "startToCloseTimeout": "120",
         "heartbeatTimeout": "NONE"}),
    "RequestCancelActivityTask": (
        lambda: d.request_cancel_activity_task("a-1"), {"activityId": "a-1"}),
    "CompleteWorkflowExecution": (
        lambda: d.complete_workflow_execution(result="42"), {"result": "42"}),
    "FailWorkflowExecution": (
        lambda: d.fail_workflow_execution(reason="boom", details="trace"), {"reason": "boom", "details": "trace"}),
    "CancelWorkflowExecution": (
        lambda: d.cancel_workflow_execution(details="bye"), {"details": "bye"}),
    "ContinueAsNewWorkflowExecution": (
        lambda: d.continue_as_new_workflow_execution(
            input="next", execution_start_to_close_timeout=timedelta(days=1), task_list={"name": "deciders"},
            task_priority="-7", task_start_to_close_timeout="NONE", child_policy="ABANDON",
            tag_list=("t1", "t2"), workflow_type_version="3", lambda_role="arn:aws:iam::1:role/r"),
        {"input": "next", "executionStartToCloseTimeout": "86400", "taskList": {"name": "deciders"},
         "taskPriority": "-7", "taskStartToCloseTimeout": "NONE", "childPolicy": "ABANDON",
         "tagList": ["t1", "t2"], "workflowTypeVersion": "3", "lambdaRole": "arn:aws:iam::1:role/r"}),
    "RecordMarker": (
        lambda: d.record_marker("checkpoint", details="{}"), {"markerName": "checkpoint", "details": "{}"}),
    "StartTimer": (
        lambda: d.start_timer("t-1", timedelta(minutes=2), control="c"),
        {"timerId": "t-1", "startToFireTimeout": "120", "control": "c"}),
    "CancelTimer": (lambda: d.cancel_timer("t-1"), {"timerId": "t-1"}),
    "SignalExternalWorkflowExecution": (
        lambda: d.signal_external_workflow_execution("wf", "go", run_id="r1", input="i", control="c"),
        {"workflowId": "wf", "signalName": "go", "runId": "r1", "input": "i", "control": "c"}),
    "RequestCancelExternalWorkflowExecution": (
        lambda: d.request_cancel_external_workflow_execution("wf", run_id="r1", control="c"),
        {"workflowId": "wf", "runId": "r1", "control": "c"}),
    "StartChildWorkflowExecution": (
        lambda: d.start_child_workflow_execution(
            {"name": "Child", "version": "1"}, "child-1", input="i", control="c",
            execution_start_to_close_timeout=600, task_list="kids", task_priority=2147483647,
            task_start_to_close_timeout=timedelta(seconds=30), child_policy="TERMINATE", tag_list=["x"],
            lambda_role="arn:aws:iam::1:role/r"),
        {"workflowType": {"name": "Child", "version": "1"}, "workflowId": "child-1", "input": "i",
         "control": "c", "executionStartToCloseTimeout": "600", "taskList": {"name": "kids"},
         "taskPriority": "2147483647", "taskStartToCloseTimeout": "30", "childPolicy": "TERMINATE",
         "tagList": ["x"], "lambdaRole": "arn:aws:iam::1:role/r"}),
    "ScheduleLambdaFunction": (
        lambda: d.schedule_lambda_function("l-1", "arn:aws:lambda:us-east-1:1:function:f", input="i",
                                           control="c", start_to_close_timeout=900),
        {"id": "l-1", "name": "arn:aws:lambda:us-east-1:1:function:f", "input": "i", "control": "c",
         "startToCloseTimeout": "900"}),
}


def test_every_decision_type_has_a_builder_and_a_case() -> None:
    assert set(FULL) == set(DECISION_ATTRIBUTES) == set(d.BUILDERS)
    assert len(FULL) == 13


@pytest.mark.parametrize("decision_type", sorted(FULL))
def test_builder_gives_the_exact_wire_dict(decision_type: str) -> None:
    build, attributes = FULL[decision_type]
    key, _ = DECISION_ATTRIBUTES[decision_type]
    decision = build()
    assert decision.decision_type == decision_type
    assert decision.to_dict() == {"decisionType": decision_type, key: attributes}


@pytest.mark.parametrize("decision_type", sorted(FULL))
def test_full_call_sets_every_member_of_the_model_shape(decision_type: str) -> None:
    build, _ = FULL[decision_type]
    key, shape_name = DECISION_ATTRIBUTES[decision_type]
    wire = build().to_dict()
    assert set(wire) == {"decisionType", key}
    assert set(wire[key]) == set(SHAPES[shape_name]["members"])
    for member, value in wire[key].items():
        kind = SHAPES[SHAPES[shape_name]["members"][member]]["type"]
        assert isinstance(value, {"string": str, "structure": dict, "list": list}[kind]), member


@pytest.mark.parametrize("decision_type", sorted(FULL))
def test_wire_dict_round_trips_through_from_dict(decision_type: str) -> None:
    decision = FULL[decision_type][0]()
    again = Decision.from_dict(decision.to_dict())
    assert again == decision and hash(again) == hash(decision)


def test_unset_arguments_are_not_sent() -> None:
    wire = d.schedule_activity_task("a", ("A", "1")).to_dict()
    assert wire["scheduleActivityTaskDecisionAttributes"] == {"activityId": "a",
                                                              "activityType": {"name": "A", "version": "1"}}
    assert d.complete_workflow_execution().to_dict() == {
        "decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {}}


def test_builders_take_keyword_only_arguments_after_the_ids() -> None:
    with pytest.raises(TypeError):
        d.schedule_activity_task("a", ("A", "1"), "input")  # type: ignore[misc]
    with pytest.raises(TypeError):
        d.complete_workflow_execution("42")  # type: ignore[misc]
    with pytest.raises(TypeError):
        d.start_timer("t", 5, "control")  # type: ignore[misc]


def test_surface_types_are_converted() -> None:
    class ActivityType:  # any object with .name and .version, e.g. a model object
        name, version = "A", "7"

    wire = d.schedule_activity_task("a", ActivityType(), task_list={"name": "tl"}, task_priority="+12",
                                    start_to_close_timeout=timedelta(days=365)).attributes
    assert wire["activityType"] == {"name": "A", "version": "7"}
    assert wire["taskList"] == {"name": "tl"}
    assert wire["taskPriority"] == "12"
    assert wire["startToCloseTimeout"] == "31536000"
    assert d.start_timer("t", 0).attributes["startToFireTimeout"] == "0"


def test_decision_is_immutable_and_to_dict_is_a_fresh_copy() -> None:
    decision = d.schedule_activity_task("a", ["A", "1"], task_list="tl")
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision.decision_type = "CancelTimer"  # type: ignore[misc]
    with pytest.raises(TypeError):
        decision.attributes["activityId"] = "b"  # type: ignore[index]
    with pytest.raises(TypeError):
        decision.attributes["taskList"]["name"] = "other"
    wire = decision.to_dict()
    wire["scheduleActivityTaskDecisionAttributes"]["taskList"]["name"] = "other"
    assert decision.to_dict()["scheduleActivityTaskDecisionAttributes"]["taskList"] == {"name": "tl"}


def test_input_dicts_are_copied_not_shared() -> None:
    task_list = {"name": "tl"}
    decision = d.schedule_activity_task("a", ("A", "1"), task_list=task_list)
    task_list["name"] = "changed"
    assert decision.attributes["taskList"]["name"] == "tl"


def test_close_decisions_are_marked() -> None:
    closing = {t for t, (build, _) in FULL.items() if build().is_close}
    assert closing == set(d.CLOSE_DECISION_TYPES) == {
        "CompleteWorkflowExecution", "FailWorkflowExecution", "CancelWorkflowExecution",
        "ContinueAsNewWorkflowExecution"}
