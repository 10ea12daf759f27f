"""Long timeouts and retention on a server driven by a ManualClock (time skipping, no real waiting)."""
from __future__ import annotations

import time

import pytest


@pytest.fixture(scope="module")
def clock():  # type: ignore[no-untyped-def]
    from swfkit.server import ManualClock

    return ManualClock(start=float(int(time.time())))


@pytest.fixture(scope="module")
def endpoint(clock):  # type: ignore[no-untyped-def]
    """This module's server reads time from ``clock`` (overrides the conftest server)."""
    from swfkit.server import running

    with running(db=None, poll_timeout=1.0, clock=clock) as url:
        yield url


def _eventually(check, wait=3.0):  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + wait
    while True:
        value = check()
        if value:
            return value
        assert time.monotonic() < deadline, "condition not reached after the clock moved"
        time.sleep(0.02)


def test_event_timestamps_follow_the_manual_clock(flow, clock):  # type: ignore[no-untyped-def]
    execution = flow.start()
    stamp = flow.history(execution)[0]["eventTimestamp"].timestamp()
    assert abs(stamp - clock.now()) < 0.01


def test_day_long_timer_fires_when_the_clock_gets_there(flow, clock):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(executionStartToCloseTimeout="864000")
    flow.decide(task, flow.decision("StartTimer", timerId="day", startToFireTimeout="86400"))
    clock.advance(86_399)
    time.sleep(0.2)
    assert "TimerFired" not in flow.types(execution), "fired a second early"
    clock.advance(1)
    _eventually(lambda: "TimerFired" in flow.types(execution))
    fired = [e for e in flow.history(execution) if e["eventType"] == "TimerFired"][0]
    started = [e for e in flow.history(execution) if e["eventType"] == "TimerStarted"][0]
    assert (fired["eventTimestamp"] - started["eventTimestamp"]).total_seconds() == pytest.approx(86_400, abs=0.01)


def test_activity_schedule_to_close_boundary(flow, clock):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(executionStartToCloseTimeout="864000")
    flow.decide(task, flow.schedule("a1", scheduleToCloseTimeout="600"))
    clock.advance(599.5)
    time.sleep(0.2)
    assert "ActivityTaskTimedOut" not in flow.types(execution)
    clock.advance(0.5)
    _eventually(lambda: "ActivityTaskTimedOut" in flow.types(execution))


def test_execution_timeout_of_an_hour(flow, clock):  # type: ignore[no-untyped-def]
    execution = flow.start(executionStartToCloseTimeout="3600")
    clock.advance(3600)
    _eventually(lambda: flow.types(execution)[-1] == "WorkflowExecutionTimedOut")


def test_closed_executions_disappear_after_retention(flow, clock):  # type: ignore[no-untyped-def]
    # the flow fixture's domain keeps closed executions for 1 day
    execution, task = flow.run_to_first_decision()
    flow.complete(task)
    listed = lambda: flow.swf.list_closed_workflow_executions(  # noqa: E731
        domain=flow.domain, startTimeFilter={"oldestDate": 0},
        executionFilter={"workflowId": execution["workflowId"]})["executionInfos"]
    clock.advance(86_400 - 10)
    time.sleep(0.2)
    assert len(listed()) == 1 and flow.types(execution)[-1] == "WorkflowExecutionCompleted"
    clock.advance(20)
    _eventually(lambda: not listed())
    assert flow.fault(flow.swf.describe_workflow_execution, domain=flow.domain, execution=execution) \
        == "UnknownResourceFault"
    assert flow.fault(flow.swf.get_workflow_execution_history, domain=flow.domain, execution=execution) \
        == "UnknownResourceFault"
    assert flow.swf.count_closed_workflow_executions(
        domain=flow.domain, startTimeFilter={"oldestDate": 0},
        executionFilter={"workflowId": execution["workflowId"]})["count"] == 0
