"""Every SWF timeout with 1-second values: the event, its attributes, its timing and what follows.

Timing is read from the server's own event timestamps, so a busy test machine only makes the
poll loop slower, not the measured delay. The window is loose (the server's target is 50 ms).
"""
from __future__ import annotations

import time

import pytest

LATE = 0.35  # seconds a timeout may fire after its due time here (shared 2-core CI machine)


def _delay(events, start_type, end_type, nth_start=0):  # type: ignore[no-untyped-def]
    starts = [e for e in events if e["eventType"] == start_type]
    end = [e for e in events if e["eventType"] == end_type][0]
    return (end["eventTimestamp"] - starts[nth_start]["eventTimestamp"]).total_seconds()


def test_execution_start_to_close_timeout(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(executionStartToCloseTimeout="1")
    events = flow.wait_for(execution, "WorkflowExecutionTimedOut", wait=4)
    assert [e["eventType"] for e in events] == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "WorkflowExecutionTimedOut"]
    assert flow.attrs(events[-1]) == {"timeoutType": "START_TO_CLOSE", "childPolicy": "TERMINATE"}
    assert 1.0 <= _delay(events, "WorkflowExecutionStarted", "WorkflowExecutionTimedOut") <= 1.0 + LATE
    info = flow.describe(execution)["executionInfo"]
    assert info["closeStatus"] == "TIMED_OUT" and "closeTimestamp" in info
    assert flow.fault(flow.swf.respond_decision_task_completed, taskToken=task["taskToken"]) \
        == "UnknownResourceFault"
    time.sleep(0.2)
    assert flow.types(execution)[-1] == "WorkflowExecutionTimedOut"


def test_child_timeout_is_reported_and_parent_timeout_applies_child_policy(flow):  # type: ignore[no-untyped-def]
    parent, task = flow.run_to_first_decision(executionStartToCloseTimeout="2")
    flow.decide(task, flow.decision("StartChildWorkflowExecution", workflowType={"name": "wf", "version": "1"},
                                    workflowId="short", executionStartToCloseTimeout="1",
                                    taskList={"name": "kids"}),
                flow.decision("StartChildWorkflowExecution", workflowType={"name": "wf", "version": "1"},
                              workflowId="long", taskList={"name": "kids"}))
    events = flow.wait_for(parent, "ChildWorkflowExecutionTimedOut", wait=4)
    timed_out = [e for e in events if e["eventType"] == "ChildWorkflowExecutionTimedOut"][0]
    assert flow.attrs(timed_out)["timeoutType"] == "START_TO_CLOSE"
    assert flow.attrs(timed_out)["workflowExecution"]["workflowId"] == "short"
    events = flow.wait_for(parent, "WorkflowExecutionTimedOut", wait=4)
    long_child = [flow.attrs(e)["workflowExecution"] for e in events
                  if e["eventType"] == "ChildWorkflowExecutionStarted"
                  and flow.attrs(e)["workflowExecution"]["workflowId"] == "long"][0]
    child_events = flow.wait_for(long_child, "WorkflowExecutionTerminated")
    assert flow.attrs(child_events[-1])["cause"] == "CHILD_POLICY_APPLIED"


def test_decision_start_to_close_timeout_and_late_respond(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(taskStartToCloseTimeout="1")
    events = flow.wait_for(execution, "DecisionTaskTimedOut", wait=4)
    assert [e["eventType"] for e in events] == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskTimedOut",
        "DecisionTaskScheduled"]
    assert flow.attrs(events[3]) == {"timeoutType": "START_TO_CLOSE", "scheduledEventId": 2, "startedEventId": 3}
    assert 1.0 <= _delay(events, "DecisionTaskStarted", "DecisionTaskTimedOut") <= 1.0 + LATE
    assert flow.fault(flow.swf.respond_decision_task_completed, taskToken=task["taskToken"],
                      decisions=[]) == "UnknownResourceFault"
    again = flow.poll_decision()
    assert again["startedEventId"] == 6
    assert again["previousStartedEventId"] == 0, "a timed-out decision task is not a processed one"
    flow.complete(again)
    assert flow.types(execution)[-1] == "WorkflowExecutionCompleted"


def _schedule(flow, **timeouts):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1", **timeouts))
    return execution


def test_activity_schedule_to_start_timeout(flow):  # type: ignore[no-untyped-def]
    execution = _schedule(flow, scheduleToStartTimeout="1")
    events = flow.wait_for(execution, "ActivityTaskTimedOut", wait=4)
    assert [e["eventType"] for e in events[4:]] == [
        "ActivityTaskScheduled", "ActivityTaskTimedOut", "DecisionTaskScheduled"]
    assert flow.attrs(events[5]) == {"timeoutType": "SCHEDULE_TO_START", "scheduledEventId": 5, "startedEventId": 0}
    assert 1.0 <= _delay(events, "ActivityTaskScheduled", "ActivityTaskTimedOut") <= 1.0 + LATE
    empty = flow.swf.poll_for_activity_task(domain=flow.domain, taskList={"name": "activities"})
    assert not empty.get("taskToken"), "a timed-out activity was handed out"


def test_activity_schedule_to_close_timeout(flow):  # type: ignore[no-untyped-def]
    execution = _schedule(flow, scheduleToCloseTimeout="1")
    token = flow.poll_activity()["taskToken"]
    events = flow.wait_for(execution, "ActivityTaskTimedOut", wait=4)
    assert [e["eventType"] for e in events[4:]] == [
        "ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskTimedOut", "DecisionTaskScheduled"]
    assert flow.attrs(events[6]) == {"timeoutType": "SCHEDULE_TO_CLOSE", "scheduledEventId": 5, "startedEventId": 6}
    assert 1.0 <= _delay(events, "ActivityTaskScheduled", "ActivityTaskTimedOut") <= 1.0 + LATE
    assert flow.fault(flow.swf.respond_activity_task_completed, taskToken=token) == "UnknownResourceFault"


def test_activity_start_to_close_timeout_is_not_extended_by_heartbeats(flow):  # type: ignore[no-untyped-def]
    execution = _schedule(flow, startToCloseTimeout="1")
    token = flow.poll_activity()["taskToken"]
    for _ in range(3):
        time.sleep(0.25)
        assert flow.swf.record_activity_task_heartbeat(taskToken=token, details="hb")["cancelRequested"] is False
    events = flow.wait_for(execution, "ActivityTaskTimedOut", wait=4)
    timed_out = flow.attrs(events[6])
    assert events[6]["eventType"] == "ActivityTaskTimedOut"
    assert timed_out["timeoutType"] == "START_TO_CLOSE" and timed_out["startedEventId"] == 6
    assert 1.0 <= _delay(events, "ActivityTaskStarted", "ActivityTaskTimedOut") <= 1.0 + LATE
    assert events[7]["eventType"] == "DecisionTaskScheduled"
    assert flow.fault(flow.swf.record_activity_task_heartbeat, taskToken=token) == "UnknownResourceFault"


def test_heartbeat_clock_starts_at_activity_started(flow):  # type: ignore[no-untyped-def]
    execution = _schedule(flow, heartbeatTimeout="1")
    time.sleep(1.4)  # longer than the heartbeat timeout, but the task has not started
    assert flow.types(execution)[-1] == "ActivityTaskScheduled"
    token = flow.poll_activity()["taskToken"]
    for _ in range(4):  # heartbeats every 0.4 s keep it alive past 1 s
        time.sleep(0.4)
        flow.swf.record_activity_task_heartbeat(taskToken=token, details="progress")
    assert "ActivityTaskTimedOut" not in flow.types(execution)
    events = flow.wait_for(execution, "ActivityTaskTimedOut", wait=4)
    timed_out = events[6]
    assert flow.attrs(timed_out) == {"timeoutType": "HEARTBEAT", "scheduledEventId": 5, "startedEventId": 6,
                                     "details": "progress"}
    assert events[7]["eventType"] == "DecisionTaskScheduled"


def test_only_the_first_activity_timeout_is_recorded(flow):  # type: ignore[no-untyped-def]
    execution = _schedule(flow, scheduleToCloseTimeout="1", startToCloseTimeout="1", heartbeatTimeout="1")
    flow.poll_activity()
    flow.wait_for(execution, "ActivityTaskTimedOut", wait=4)
    time.sleep(1.2)
    assert flow.types(execution).count("ActivityTaskTimedOut") == 1
    assert flow.describe(execution)["openCounts"]["openActivityTasks"] == 0


@pytest.mark.parametrize("attribute", ["scheduleToStartTimeout", "startToCloseTimeout"])
def test_zero_timeout_expires_at_once(flow, attribute):  # type: ignore[no-untyped-def]
    execution = _schedule(flow, **{attribute: "0"})
    if attribute == "startToCloseTimeout":
        flow.poll_activity()
    events = flow.wait_for(execution, "ActivityTaskTimedOut", wait=2)
    assert [e for e in events if e["eventType"] == "ActivityTaskTimedOut"]


def test_none_timeouts_do_not_break_the_server(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(taskStartToCloseTimeout="NONE")
    flow.decide(task, flow.schedule("a1", scheduleToCloseTimeout="NONE", scheduleToStartTimeout="NONE",
                                    startToCloseTimeout="NONE", heartbeatTimeout="NONE"))
    flow.swf.respond_activity_task_completed(taskToken=flow.poll_activity()["taskToken"])
    flow.complete(flow.poll_decision())
    assert flow.types(execution)[-1] == "WorkflowExecutionCompleted"
    assert flow.swf.list_domains(registrationStatus="REGISTERED")["domainInfos"]


def test_respond_racing_the_timeout_has_exactly_one_outcome(flow, client_factory):  # type: ignore[no-untyped-def]
    """Responses sent right around the due time: accepted (200 + DecisionTaskCompleted / ActivityTaskCompleted)
    or refused (UnknownResourceFault + the TimedOut event) — never both, never neither."""
    import threading

    from botocore.exceptions import ClientError

    clients = [client_factory() for _ in range(6)]
    cases = []
    for i, client in enumerate(clients):
        execution, task = flow.run_to_first_decision(taskStartToCloseTimeout="1")
        cases.append((client, execution, task, 0.94 + 0.02 * i))
    results = {}

    def respond(client, execution, task, delay):  # type: ignore[no-untyped-def]
        time.sleep(delay)
        try:
            client.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[])
            results[execution["runId"]] = "ok"
        except ClientError as err:
            results[execution["runId"]] = err.response["Error"]["Code"]

    start = time.monotonic()
    threads = [threading.Thread(target=respond, args=case) for case in cases]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=10)
    time.sleep(max(0.0, 1.5 - (time.monotonic() - start)))
    for _, execution, _, _ in cases:
        types = flow.types(execution)[3:]
        outcome = results[execution["runId"]]
        if outcome == "ok":
            assert types == ["DecisionTaskCompleted"], types
        else:
            assert outcome == "UnknownResourceFault", outcome
            assert types == ["DecisionTaskTimedOut", "DecisionTaskScheduled"], types


def test_decision_timeout_with_events_meanwhile_schedules_one_task(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(taskStartToCloseTimeout="1")
    for name in ("s1", "s2"):
        flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName=name)
    events = flow.wait_for(execution, "DecisionTaskTimedOut", wait=4)
    assert [e["eventType"] for e in events] == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "WorkflowExecutionSignaled",
        "DecisionTaskScheduled", "WorkflowExecutionSignaled", "DecisionTaskTimedOut"]
    again = flow.poll_decision()
    assert again["previousStartedEventId"] == 0 and again["startedEventId"] == 8
