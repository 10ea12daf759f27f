"""Execution lifecycles across runs: cancel requests, continue-as-new children, zero timers, lambdas."""
from __future__ import annotations

import threading

import pytest

from engine_harness import WF, Engine, decision
from swfkit.exceptions import UnknownResourceFault


@pytest.fixture
def engine():
    e = Engine()
    yield e
    e.close()


def test_request_cancel_then_cancel_decision(engine):
    engine.start()
    engine.decide()  # nothing to do yet
    engine.call("RequestCancelWorkflowExecution", domain="d", workflowId="w")
    assert engine.describe()["executionInfo"]["cancelRequested"] is True
    task = engine.poll_decision()
    assert task["events"][-3]["eventType"] == "WorkflowExecutionCancelRequested"
    engine.respond(task, decision("CancelWorkflowExecution", details="bye"))
    assert engine.describe()["executionInfo"]["closeStatus"] == "CANCELED"
    with pytest.raises(UnknownResourceFault):
        engine.call("RequestCancelWorkflowExecution", domain="d", workflowId="w")


def test_child_that_continues_as_new_is_reported_when_the_chain_ends(engine):
    engine.start("parent", taskList={"name": "p"})
    engine.decide(decision("StartChildWorkflowExecution", workflowType=WF, workflowId="kid"), task_list="p")
    engine.decide(decision("ContinueAsNewWorkflowExecution", input="2"))
    second = engine.events("kid")[0]["workflowExecutionStartedEventAttributes"]
    assert second["parentWorkflowExecution"]["workflowId"] == "parent"
    assert "ChildWorkflowExecutionCompleted" not in engine.types("parent")
    engine.decide(decision("CompleteWorkflowExecution", result="done"))
    completed = engine.last("ChildWorkflowExecutionCompleted", "parent")
    assert completed["result"] == "done"
    assert engine.describe("parent")["openCounts"]["openChildWorkflowExecutions"] == 0


def test_zero_second_timer_fires_at_once_and_ids_are_reusable(engine):
    engine.start()
    engine.decide(decision("StartTimer", timerId="t", startToFireTimeout="0"))
    engine.advance(0)
    assert engine.last("TimerFired")["timerId"] == "t"
    engine.decide(decision("StartTimer", timerId="t", startToFireTimeout="1"))
    assert engine.types()[-1] == "TimerStarted"


def test_one_call_records_one_timestamp(engine):
    engine.start()
    engine.decide(*[decision("RecordMarker", markerName="m%d" % i) for i in range(5)])
    stamps = {e["eventTimestamp"] for e in engine.events()[3:]}
    assert len(stamps) == 1
    info = engine.describe()["executionInfo"]
    assert info["startTimestamp"] == engine.events()[0]["eventTimestamp"]


def test_lambda_start_to_close_timeout():
    release = threading.Event()
    engine = Engine(lambdas={"slow": lambda payload: release.wait(5) and "late"})
    try:
        engine.start(lambdaRole="arn:aws:iam::123456789012:role/r")
        engine.decide(decision("ScheduleLambdaFunction", id="l", name="slow", startToCloseTimeout="5"))
        engine.advance(5)
        timed_out = engine.last("LambdaFunctionTimedOut")
        assert timed_out["timeoutType"] == "START_TO_CLOSE"
        assert engine.describe()["openCounts"]["openLambdaFunctions"] == 0
        release.set()
    finally:
        engine.close()


def test_terminate_drops_open_work_and_tokens(engine):
    engine.start()
    engine.decide(decision("ScheduleActivityTask", activityId="a", activityType={"name": "act", "version": "1"}),
                  decision("StartTimer", timerId="t", startToFireTimeout="5"))
    task = engine.poll_activity()
    engine.call("TerminateWorkflowExecution", domain="d", workflowId="w", reason="stop")
    counts = engine.describe()["openCounts"]
    # SWF's Describe of a closed execution keeps the activity tasks that were open when it closed
    assert counts == {"openActivityTasks": 1, "openDecisionTasks": 0, "openTimers": 0,
                      "openChildWorkflowExecutions": 0, "openLambdaFunctions": 0}
    with pytest.raises(UnknownResourceFault):
        engine.call("RecordActivityTaskHeartbeat", taskToken=task["taskToken"])
    engine.advance(10)
    assert engine.types()[-1] == "WorkflowExecutionTerminated"
