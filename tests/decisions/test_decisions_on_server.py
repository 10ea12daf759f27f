"""What the builders produce is what an SWF service accepts: every decision type, sent for real to
the embedded server, is recorded as its success or failure event (never refused with a 400)."""
from __future__ import annotations

from typing import Any, Dict, List

from swfkit import decisions as d

DOMAIN = "decisions-test"
TASK_LIST = {"name": "deciders"}


def _setup(layer1: Any) -> Dict[str, str]:
    layer1.register_domain(name=DOMAIN, workflow_execution_retention_period_in_days="1")
    layer1.register_workflow_type(domain=DOMAIN, name="W", version="1", default_task_list=TASK_LIST,
                                  default_child_policy="TERMINATE", default_execution_start_to_close_timeout="600",
                                  default_task_start_to_close_timeout="30")
    layer1.register_activity_type(domain=DOMAIN, name="A", version="1", default_task_list={"name": "work"},
                                  default_task_schedule_to_close_timeout="300",
                                  default_task_schedule_to_start_timeout="300",
                                  default_task_start_to_close_timeout="60", default_task_heartbeat_timeout="NONE")
    run_id = layer1.start_workflow_execution(domain=DOMAIN, workflow_id="parent", workflow_type={"name": "W", "version": "1"},
                                             input="in")["runId"]
    return {"workflowId": "parent", "runId": run_id}


def _decision_task(layer1: Any) -> Dict[str, Any]:
    for _ in range(5):
        task = layer1.poll_for_decision_task(domain=DOMAIN, task_list=TASK_LIST, identity="test")
        if task.get("taskToken"):
            return task
    raise AssertionError("no decision task")


def _events(layer1: Any, execution: Dict[str, str]) -> List[Dict[str, Any]]:
    return [event for page in layer1.paginate("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution)
            for event in page["events"]]


def test_every_decision_type_is_accepted_by_the_server(layer1: Any) -> None:
    execution = _setup(layer1)
    decisions = d.Decisions()
    decisions.schedule_activity_task(d.activity_id_for("A", "1", "x"), ("A", "1"), input="x", control="c",
                                     task_list="work", task_priority=3, schedule_to_close_timeout=300,
                                     schedule_to_start_timeout=200, start_to_close_timeout=100, heartbeat_timeout="NONE")
    decisions.schedule_activity_task("unknown-type", ("Nope", "1"))
    decisions.request_cancel_activity_task("never-scheduled")
    decisions.record_marker("m", details="dt")
    decisions.start_timer("t1", 3600, control="c")
    decisions.cancel_timer("no-such-timer")
    decisions.signal_external_workflow_execution("parent", "self-signal", input="s")
    decisions.request_cancel_external_workflow_execution("no-such-workflow")
    decisions.start_child_workflow_execution(("W", "1"), "child-1", input="ci", task_list="child-deciders",
                                             execution_start_to_close_timeout=600, task_start_to_close_timeout=30,
                                             child_policy="ABANDON", tag_list=["k=v"], task_priority=-1)
    decisions.schedule_lambda_function("l1", "fn", input="{}", start_to_close_timeout=10)
    task = _decision_task(layer1)
    layer1.respond_decision_task_completed(task_token=task["taskToken"], decisions=decisions.to_list())

    recorded = [event["eventType"] for event in _events(layer1, execution)]
    done = recorded.index("DecisionTaskCompleted")
    expected = ["ActivityTaskScheduled", "ScheduleActivityTaskFailed", "RequestCancelActivityTaskFailed",
                "MarkerRecorded", "TimerStarted", "CancelTimerFailed", "SignalExternalWorkflowExecutionInitiated",
                "RequestCancelExternalWorkflowExecutionInitiated", "StartChildWorkflowExecutionInitiated"]
    after = recorded[done + 1:]
    # in decision order; events the decisions cause at once (the self-signal) may come in between
    remaining = iter(after)
    assert all(event_type in remaining for event_type in expected), after
    assert "WorkflowExecutionSignaled" in after
    assert "ScheduleLambdaFunctionFailed" in after or "LambdaFunctionScheduled" in after, after

    # the close decision: one per response, last
    closing = d.Decisions([d.cancel_timer("t1")])
    closing.complete_workflow_execution(result="done")
    for _ in range(5):  # answer until the close sticks (new events may make it UNHANDLED_DECISION)
        task = _decision_task(layer1)
        layer1.respond_decision_task_completed(task_token=task["taskToken"], decisions=closing.to_list())
        info = layer1.describe_workflow_execution(domain=DOMAIN, execution=execution)["executionInfo"]
        if info["executionStatus"] == "CLOSED":
            break
        closing = d.Decisions([d.complete_workflow_execution(result="done")])
    assert info["closeStatus"] == "COMPLETED"
    last = _events(layer1, execution)[-1]
    assert last["eventType"] == "WorkflowExecutionCompleted"
    assert last["workflowExecutionCompletedEventAttributes"]["result"] == "done"


def test_continue_as_new_fail_and_cancel_are_accepted(layer1: Any) -> None:
    execution = _setup(layer1)
    task = _decision_task(layer1)
    layer1.respond_decision_task_completed(task_token=task["taskToken"], decisions=d.Decisions([
        d.continue_as_new_workflow_execution(input="again", execution_start_to_close_timeout=600,
                                             task_start_to_close_timeout="NONE", child_policy="TERMINATE",
                                             tag_list=["gen-2"], task_list="deciders", task_priority="7",
                                             workflow_type_version="1")]).to_list())
    assert _events(layer1, execution)[-1]["eventType"] == "WorkflowExecutionContinuedAsNew"
    task = _decision_task(layer1)  # the new run
    failing = d.Decisions([d.fail_workflow_execution(reason="r" * 256, details="why")])
    layer1.respond_decision_task_completed(task_token=task["taskToken"], decisions=failing.to_list())
    events = _events(layer1, task["workflowExecution"])
    assert events[0]["workflowExecutionStartedEventAttributes"]["input"] == "again"
    assert events[-1]["eventType"] == "WorkflowExecutionFailed"
    assert events[-1]["workflowExecutionFailedEventAttributes"]["reason"] == "r" * 256
    layer1.start_workflow_execution(domain=DOMAIN, workflow_id="third", workflow_type={"name": "W", "version": "1"})
    task = _decision_task(layer1)
    layer1.respond_decision_task_completed(task_token=task["taskToken"],
                                           decisions=d.Decisions([d.cancel_workflow_execution(details="bye")]).to_list())
    assert _events(layer1, task["workflowExecution"])[-1]["eventType"] == "WorkflowExecutionCanceled"
