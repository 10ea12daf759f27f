"""Activity tasks through boto3: round trip, failure, cancellation, heartbeats, tokens, dispatch order."""
from __future__ import annotations

import pytest

from swfkit.spec import EVENT_ATTRIBUTES


def _sequence(events):  # type: ignore[no-untyped-def]
    ids = [e["eventId"] for e in events]
    assert ids == list(range(1, len(ids) + 1)), f"event ids not contiguous from 1: {ids}"
    stamps = [e["eventTimestamp"] for e in events]
    assert stamps == sorted(stamps), "event timestamps go backwards"
    for e in events:
        assert e["eventType"] in EVENT_ATTRIBUTES, e["eventType"]
    return [e["eventType"] for e in events]


def test_activity_round_trip_exact_history(flow):  # type: ignore[no-untyped-def]
    execution = flow.start(input="wf-in", tagList=["t1"])
    task = flow.poll_decision()
    assert task["startedEventId"] == 3
    assert task["previousStartedEventId"] == 0
    assert task["workflowType"] == {"name": "wf", "version": "1"}
    assert [e["eventType"] for e in task["events"]] == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted"]
    flow.decide(task, flow.schedule("a1", input="act-in", control="ctl"))

    activity = flow.poll_activity()
    assert activity["activityId"] == "a1"
    assert activity["activityType"] == {"name": "act", "version": "1"}
    assert activity["input"] == "act-in"
    assert activity["workflowExecution"] == execution
    assert activity["startedEventId"] == 6
    flow.swf.respond_activity_task_completed(taskToken=activity["taskToken"], result="act-out")

    task = flow.poll_decision()
    assert task["previousStartedEventId"] == 3
    assert task["startedEventId"] == 9
    flow.complete(task, result="wf-out")

    events = flow.history(execution)
    assert _sequence(events) == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted",
        "ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskCompleted",
        "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted", "WorkflowExecutionCompleted"]
    a = flow.attrs
    started = a(events[0])
    assert started["input"] == "wf-in"
    assert started["taskList"] == {"name": "decisions"}
    assert started["childPolicy"] == "TERMINATE"
    assert started["executionStartToCloseTimeout"] == "300"
    assert started["taskStartToCloseTimeout"] == "30"
    assert started["tagList"] == ["t1"]
    assert a(events[1])["taskList"] == {"name": "decisions"}
    assert a(events[1])["startToCloseTimeout"] == "30"
    assert a(events[2]) == {"identity": "decider", "scheduledEventId": 2}
    assert a(events[3])["scheduledEventId"] == 2 and a(events[3])["startedEventId"] == 3
    scheduled = a(events[4])
    assert scheduled["activityId"] == "a1" and scheduled["input"] == "act-in" and scheduled["control"] == "ctl"
    assert scheduled["taskList"] == {"name": "activities"}
    assert scheduled["decisionTaskCompletedEventId"] == 4
    for key in ("scheduleToStartTimeout", "scheduleToCloseTimeout", "startToCloseTimeout", "heartbeatTimeout"):
        assert scheduled[key] == "NONE", f"{key} not resolved from the type's default"
    assert a(events[5]) == {"identity": "worker", "scheduledEventId": 5}
    assert a(events[6]) == {"result": "act-out", "scheduledEventId": 5, "startedEventId": 6}
    assert a(events[10]) == {"result": "wf-out", "decisionTaskCompletedEventId": 10}

    info = flow.describe(execution)["executionInfo"]
    assert info["executionStatus"] == "CLOSED" and info["closeStatus"] == "COMPLETED"
    assert info["closeTimestamp"] >= info["startTimestamp"]
    assert info["tagList"] == ["t1"]


def test_activity_failed_event_and_new_decision_task(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    activity = flow.poll_activity()
    flow.swf.respond_activity_task_failed(taskToken=activity["taskToken"], reason="boom", details="trace")
    events = flow.history(execution)
    assert [e["eventType"] for e in events[-2:]] == ["ActivityTaskFailed", "DecisionTaskScheduled"]
    assert flow.attrs(events[-2]) == {"reason": "boom", "details": "trace", "scheduledEventId": 5,
                                      "startedEventId": 6}


def test_explicit_decision_values_override_type_defaults(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1", taskList={"name": "special"}, taskPriority="7",
                                    scheduleToCloseTimeout="100", scheduleToStartTimeout="50",
                                    startToCloseTimeout="40", heartbeatTimeout="30"))
    scheduled = flow.attrs(flow.history(execution)[4])
    assert scheduled["taskList"] == {"name": "special"}
    assert scheduled["taskPriority"] == "7"
    assert (scheduled["scheduleToCloseTimeout"], scheduled["scheduleToStartTimeout"],
            scheduled["startToCloseTimeout"], scheduled["heartbeatTimeout"]) == ("100", "50", "40", "30")
    assert flow.swf.count_pending_activity_tasks(domain=flow.domain, taskList={"name": "activities"})["count"] == 0
    assert flow.poll_activity("special")["activityId"] == "a1"


def test_tokens_reused_or_unknown_are_rejected(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    fault = flow.fault
    assert fault(flow.swf.respond_decision_task_completed, taskToken=task["taskToken"], decisions=[]) \
        == "UnknownResourceFault"
    activity = flow.poll_activity()
    flow.swf.respond_activity_task_completed(taskToken=activity["taskToken"], result="r")
    for call in (flow.swf.respond_activity_task_completed, flow.swf.respond_activity_task_failed,
                 flow.swf.respond_activity_task_canceled, flow.swf.record_activity_task_heartbeat):
        assert fault(call, taskToken=activity["taskToken"]) == "UnknownResourceFault", call
    assert fault(flow.swf.respond_activity_task_completed, taskToken="not-a-token") == "ValidationException"
    # Nothing above may have touched the history.
    assert flow.types(execution)[-3:] == ["ActivityTaskStarted", "ActivityTaskCompleted", "DecisionTaskScheduled"]


def test_tokens_of_a_closed_execution_are_unknown(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    activity = flow.poll_activity()
    flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"])
    assert flow.fault(flow.swf.record_activity_task_heartbeat, taskToken=activity["taskToken"]) \
        == "UnknownResourceFault"
    assert flow.fault(flow.swf.respond_activity_task_completed, taskToken=activity["taskToken"]) \
        == "UnknownResourceFault"
    assert flow.types(execution)[-1] == "WorkflowExecutionTerminated"


def test_cancel_of_a_scheduled_activity_cancels_it_at_once(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="go")
    task = flow.poll_decision()
    flow.decide(task, flow.decision("RequestCancelActivityTask", activityId="a1"))
    events = flow.history(execution)
    tail = events[-4:]
    assert [e["eventType"] for e in tail] == [
        "DecisionTaskCompleted", "ActivityTaskCancelRequested", "ActivityTaskCanceled", "DecisionTaskScheduled"]
    completed_id = tail[0]["eventId"]
    assert flow.attrs(tail[1]) == {"activityId": "a1", "decisionTaskCompletedEventId": completed_id}
    canceled = flow.attrs(tail[2])
    assert canceled["scheduledEventId"] == 5 and canceled["startedEventId"] == 0
    assert canceled["latestCancelRequestedEventId"] == tail[1]["eventId"]
    assert flow.swf.count_pending_activity_tasks(domain=flow.domain, taskList={"name": "activities"})["count"] == 0
    empty = flow.swf.poll_for_activity_task(domain=flow.domain, taskList={"name": "activities"})
    assert not empty.get("taskToken"), "a canceled activity was still handed out"
    assert flow.describe(execution)["openCounts"]["openActivityTasks"] == 0


def test_cancel_of_a_started_activity_reaches_the_worker_through_heartbeat(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    activity = flow.poll_activity()
    assert flow.swf.record_activity_task_heartbeat(taskToken=activity["taskToken"])["cancelRequested"] is False
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="go")
    task = flow.poll_decision()
    flow.decide(task, flow.decision("RequestCancelActivityTask", activityId="a1"))
    types = flow.types(execution)
    assert types[-2:] == ["DecisionTaskCompleted", "ActivityTaskCancelRequested"], types
    assert flow.swf.record_activity_task_heartbeat(taskToken=activity["taskToken"], details="50%")[
        "cancelRequested"] is True
    assert flow.describe(execution)["openCounts"]["openActivityTasks"] == 1
    flow.swf.respond_activity_task_canceled(taskToken=activity["taskToken"], details="stopped")
    events = flow.history(execution)
    assert [e["eventType"] for e in events[-2:]] == ["ActivityTaskCanceled", "DecisionTaskScheduled"]
    canceled = flow.attrs(events[-2])
    assert canceled["details"] == "stopped" and canceled["scheduledEventId"] == 5 and canceled["startedEventId"] == 6
    cancel_requested = [e for e in events if e["eventType"] == "ActivityTaskCancelRequested"][0]
    assert canceled["latestCancelRequestedEventId"] == cancel_requested["eventId"]


def test_heartbeat_adds_no_event(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    activity = flow.poll_activity()
    before = flow.types(execution)
    for i in range(3):
        flow.swf.record_activity_task_heartbeat(taskToken=activity["taskToken"], details=str(i))
    assert flow.types(execution) == before


def test_count_pending_activity_tasks_counts_only_unstarted(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"), flow.schedule("a2"), flow.schedule("a3"))
    count = lambda: flow.swf.count_pending_activity_tasks(  # noqa: E731
        domain=flow.domain, taskList={"name": "activities"})["count"]
    assert count() == 3
    flow.poll_activity()
    assert count() == 2
    assert flow.describe(execution)["openCounts"]["openActivityTasks"] == 3


def test_poll_hands_out_highest_priority_first_then_fifo(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("low", taskPriority="-3"), flow.schedule("mid1", taskPriority="1"),
                flow.schedule("high", taskPriority="5"), flow.schedule("mid2", taskPriority="1"),
                flow.schedule("default"))
    order = [flow.poll_activity()["activityId"] for _ in range(5)]
    assert order == ["high", "mid1", "mid2", "default", "low"]


def test_activity_id_may_be_reused_once_closed(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    flow.swf.respond_activity_task_failed(taskToken=flow.poll_activity()["taskToken"], reason="retry me")
    task = flow.poll_decision()
    flow.decide(task, flow.schedule("a1"))
    assert flow.types(execution)[-1] == "ActivityTaskScheduled"
    assert flow.poll_activity()["activityId"] == "a1"


@pytest.mark.parametrize("close", ["completed", "failed", "canceled"])
def test_worker_may_close_without_heartbeat_in_any_way(flow, close):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    token = flow.poll_activity()["taskToken"]
    getattr(flow.swf, f"respond_activity_task_{close}")(taskToken=token)
    assert flow.types(execution)[-2] == f"ActivityTask{close.capitalize()}"
    assert flow.describe(execution)["openCounts"]["openActivityTasks"] == 0
