"""Event order as real SWF records it (issue 12, items 6 and 7).

6. A decider event arriving while a decision task is started records ``DecisionTaskScheduled`` at
   once; the task is handed out only after the started one completes (or times out): at most one
   decision task is started at a time and a poll never gets a second one while the first is open.
7. All events of one RespondDecisionTaskCompleted are recorded together; signals and cancel
   requests to executions (the workflow itself included) are delivered afterwards, even after a
   0-second ``TimerFired`` and the next ``DecisionTaskScheduled``.
"""
from __future__ import annotations

from typing import Any, Dict, List


def _after(events: List[Dict[str, Any]], event_id: int) -> List[str]:
    return [e["eventType"] for e in events if e["eventId"] > event_id]


def _no_task(flow: Any) -> None:
    empty = flow.swf.poll_for_decision_task(domain=flow.domain, taskList={"name": "decisions"})
    assert not empty.get("taskToken"), "a second decision task was handed out while one is started"


# -- item 6 ---------------------------------------------------------------------------------------

def test_activity_completed_while_deciding_schedules_the_next_task_at_once(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    activity = flow.poll_activity()
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="s")
    deciding = flow.poll_decision()
    flow.swf.respond_activity_task_completed(taskToken=activity["taskToken"], result="r")
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="t")
    assert _after(flow.history(execution), deciding["startedEventId"]) == [
        "ActivityTaskCompleted", "DecisionTaskScheduled", "WorkflowExecutionSignaled"]
    _no_task(flow)
    assert flow.describe(execution)["openCounts"]["openDecisionTasks"] == 1
    flow.decide(deciding)
    following = flow.poll_decision()
    events = flow.history(execution)
    assert _after(events, deciding["startedEventId"]) == [
        "ActivityTaskCompleted", "DecisionTaskScheduled", "WorkflowExecutionSignaled",
        "DecisionTaskCompleted", "DecisionTaskStarted"]
    scheduled = [e for e in events if e["eventType"] == "DecisionTaskScheduled"][-1]
    started = events[-1]
    assert following["startedEventId"] == started["eventId"]
    assert flow.attrs(started)["scheduledEventId"] == scheduled["eventId"]
    assert following["previousStartedEventId"] == deciding["startedEventId"]


def test_next_task_recorded_while_started_is_handed_out_after_a_timeout(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(taskStartToCloseTimeout="3")
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="s")
    _no_task(flow)  # an empty long poll: 1 s here
    flow.wait_for(execution, "DecisionTaskTimedOut", wait=6)
    following = flow.poll_decision()
    assert _after(flow.history(execution), task["startedEventId"]) == [
        "WorkflowExecutionSignaled", "DecisionTaskScheduled", "DecisionTaskTimedOut", "DecisionTaskStarted"]
    flow.complete(following)
    assert flow.types(execution)[-1] == "WorkflowExecutionCompleted"


def test_a_failed_decision_schedules_after_the_decision_events(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("CancelTimer", timerId="nope"),
                flow.decision("RecordMarker", markerName="m"))
    assert _after(flow.history(execution), task["startedEventId"]) == [
        "DecisionTaskCompleted", "CancelTimerFailed", "MarkerRecorded", "DecisionTaskScheduled"]


# -- item 7 ---------------------------------------------------------------------------------------

def test_signal_to_itself_comes_after_the_decision_events_and_a_zero_timer(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task,
                flow.decision("SignalExternalWorkflowExecution", workflowId=execution["workflowId"],
                              signalName="self"),
                flow.decision("RecordMarker", markerName="m"),
                flow.decision("StartTimer", timerId="t0", startToFireTimeout="0"))
    events = flow.history(execution)
    assert _after(events, task["startedEventId"]) == [
        "DecisionTaskCompleted", "SignalExternalWorkflowExecutionInitiated", "MarkerRecorded", "TimerStarted",
        "TimerFired", "DecisionTaskScheduled", "WorkflowExecutionSignaled", "ExternalWorkflowExecutionSignaled"]
    initiated = [e for e in events if e["eventType"] == "SignalExternalWorkflowExecutionInitiated"][0]
    signaled = flow.attrs([e for e in events if e["eventType"] == "WorkflowExecutionSignaled"][0])
    assert signaled["externalInitiatedEventId"] == initiated["eventId"]
    assert signaled["externalWorkflowExecution"] == execution
    assert flow.types(execution).count("DecisionTaskScheduled") == 2  # coalesced


def test_signal_and_cancel_to_another_execution_come_after_the_decision_events(flow):  # type: ignore[no-untyped-def]
    other = flow.start()
    execution = flow.start()
    task = flow.poll_decision()
    while task["workflowExecution"] != execution:  # the other execution's first task may come first
        flow.decide(task)
        task = flow.poll_decision()
    flow.decide(task,
                flow.decision("SignalExternalWorkflowExecution", workflowId=other["workflowId"], signalName="x"),
                flow.decision("RequestCancelExternalWorkflowExecution", workflowId=other["workflowId"]),
                flow.decision("RecordMarker", markerName="m"))
    tail = _after(flow.history(execution), task["startedEventId"])
    assert tail[:4] == ["DecisionTaskCompleted", "SignalExternalWorkflowExecutionInitiated",
                        "RequestCancelExternalWorkflowExecutionInitiated", "MarkerRecorded"]
    assert sorted(tail[4:]) == sorted(["ExternalWorkflowExecutionSignaled", "DecisionTaskScheduled",
                                       "ExternalWorkflowExecutionCancelRequested"])
    assert tail.index("ExternalWorkflowExecutionSignaled") < tail.index("ExternalWorkflowExecutionCancelRequested")
    other_types = flow.types(other)
    assert other_types.index("WorkflowExecutionSignaled") < other_types.index("WorkflowExecutionCancelRequested")
