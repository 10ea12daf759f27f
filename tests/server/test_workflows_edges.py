"""Edge cases around closing, UNHANDLED_DECISION triggers, stale run ids and abandoned work."""
from __future__ import annotations

import time

import pytest


def _pending_activities(flow, task_list="activities"):  # type: ignore[no-untyped-def]
    return flow.swf.count_pending_activity_tasks(domain=flow.domain, taskList={"name": task_list})["count"]


def _signal(flow, execution, name="s"):  # type: ignore[no-untyped-def]
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName=name)


# -- what a closed execution leaves behind --------------------------------------------------------

@pytest.mark.parametrize("how", ["terminate", "complete-in-same-batch", "timeout"])
def test_scheduled_activities_of_a_closed_execution_are_not_handed_out(flow, how):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(
        **({"executionStartToCloseTimeout": "1"} if how == "timeout" else {}))
    decisions = [flow.schedule("a1"), flow.decision("StartTimer", timerId="t", startToFireTimeout="1")]
    if how == "complete-in-same-batch":
        decisions.append(flow.decision("CompleteWorkflowExecution"))
    flow.decide(task, *decisions)
    if how == "terminate":
        flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"])
    elif how == "timeout":
        flow.wait_for(execution, "WorkflowExecutionTimedOut", wait=4)
    closed_types = flow.types(execution)
    assert flow.describe(execution)["executionInfo"]["executionStatus"] == "CLOSED"
    assert _pending_activities(flow) == 0
    empty = flow.swf.poll_for_activity_task(domain=flow.domain, taskList={"name": "activities"})
    assert not empty.get("taskToken"), "an activity of a closed execution was handed out"
    time.sleep(1.2)  # the timer would have fired by now
    assert flow.types(execution) == closed_types, "events were added to a closed history"
    counts = flow.describe(execution)["openCounts"]
    # as SWF: the activity open when the execution closed stays counted; nothing else is open
    assert counts["openActivityTasks"] == 1 and counts["openTimers"] == 0 and counts["openDecisionTasks"] == 0


def test_pending_decision_task_of_a_terminated_execution_is_not_handed_out(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"])
    assert flow.swf.count_pending_decision_tasks(domain=flow.domain, taskList={"name": "decisions"})["count"] == 0
    empty = flow.swf.poll_for_decision_task(domain=flow.domain, taskList={"name": "decisions"})
    assert not empty.get("taskToken")


# -- UNHANDLED_DECISION: what counts as new work and what does not ---------------------------------

def _with_started_activity(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"), flow.schedule("a2"))
    return execution


@pytest.mark.parametrize("trigger", ["activity-completed", "activity-failed", "timer-fired", "cancel-requested"])
def test_unhandled_decision_triggers(flow, trigger):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"), flow.decision("StartTimer", timerId="t", startToFireTimeout="1"))
    activity = flow.poll_activity()
    _signal(flow, execution, "wake")
    task = flow.poll_decision()  # the decision task is now started
    if trigger == "activity-completed":
        flow.swf.respond_activity_task_completed(taskToken=activity["taskToken"])
    elif trigger == "activity-failed":
        flow.swf.respond_activity_task_failed(taskToken=activity["taskToken"])
    elif trigger == "timer-fired":
        flow.wait_for(execution, "TimerFired", wait=3)
    else:
        flow.swf.request_cancel_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"])
    flow.complete(task)
    events = flow.history(execution)
    # the trigger recorded the next decision task at once (as SWF), before the completion
    assert [e["eventType"] for e in events[-3:]] == [
        "DecisionTaskScheduled", "DecisionTaskCompleted", "CompleteWorkflowExecutionFailed"]
    assert flow.attrs(events[-1])["cause"] == "UNHANDLED_DECISION"


def test_non_decider_events_do_not_make_close_unhandled(flow):  # type: ignore[no-untyped-def]
    """ActivityTaskStarted, heartbeats and markers need no decision: the close goes through."""
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    _signal(flow, execution, "wake")
    task = flow.poll_decision()
    activity = flow.poll_activity()  # ActivityTaskStarted while the decision task is started
    flow.swf.record_activity_task_heartbeat(taskToken=activity["taskToken"])
    flow.decide(task, flow.decision("RecordMarker", markerName="m"), flow.decision("CompleteWorkflowExecution"))
    assert flow.types(execution)[-1] == "WorkflowExecutionCompleted"


def test_worker_may_complete_after_a_cancel_request(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    activity = flow.poll_activity()
    _signal(flow, execution)
    flow.decide(flow.poll_decision(), flow.decision("RequestCancelActivityTask", activityId="a1"))
    flow.swf.respond_activity_task_completed(taskToken=activity["taskToken"], result="done anyway")
    events = flow.history(execution)
    assert [e["eventType"] for e in events[-2:]] == ["ActivityTaskCompleted", "DecisionTaskScheduled"]
    assert flow.attrs(events[-2])["result"] == "done anyway"


# -- run ids ----------------------------------------------------------------------------------------

def test_calls_naming_a_closed_run_are_unknown_even_if_a_new_run_is_open(flow):  # type: ignore[no-untyped-def]
    old, task = flow.run_to_first_decision(workflow_id="reused")
    flow.complete(task)
    new = flow.start("reused")
    for call in (flow.swf.signal_workflow_execution, flow.swf.request_cancel_workflow_execution,
                 flow.swf.terminate_workflow_execution):
        kw = {"signalName": "s"} if call == flow.swf.signal_workflow_execution else {}
        assert flow.fault(call, domain=flow.domain, workflowId="reused", runId=old["runId"], **kw) \
            == "UnknownResourceFault", call
    assert flow.types(new) == ["WorkflowExecutionStarted", "DecisionTaskScheduled"]
    _signal(flow, new)
    assert flow.types(new)[-1] == "WorkflowExecutionSignaled"


def test_signal_external_to_a_closed_run_fails(flow):  # type: ignore[no-untyped-def]
    target, task = flow.run_to_first_decision()
    flow.complete(task)
    source, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("SignalExternalWorkflowExecution", workflowId=target["workflowId"],
                                    runId=target["runId"], signalName="late"))
    events = flow.wait_for(source, "SignalExternalWorkflowExecutionFailed")
    failed = [flow.attrs(e) for e in events if e["eventType"] == "SignalExternalWorkflowExecutionFailed"][0]
    assert failed["cause"] == "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION" and failed["runId"] == target["runId"]


def test_execution_may_signal_itself(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("SignalExternalWorkflowExecution", workflowId=execution["workflowId"],
                                    signalName="me", input="self"))
    events = flow.wait_for(execution, "ExternalWorkflowExecutionSignaled")
    types = [e["eventType"] for e in events]
    assert "WorkflowExecutionSignaled" in types
    signaled = events[types.index("WorkflowExecutionSignaled")]
    assert flow.attrs(signaled)["input"] == "self"
    assert flow.attrs(signaled)["externalWorkflowExecution"] == execution
    assert types.count("DecisionTaskScheduled") == 2


def test_history_page_token_of_another_execution_is_rejected(flow):  # type: ignore[no-untyped-def]
    first = flow.start()
    second = flow.start()
    for i in range(5):
        _signal(flow, first, f"s{i}")
    token = flow.swf.get_workflow_execution_history(domain=flow.domain, execution=first,
                                                    maximumPageSize=2)["nextPageToken"]
    assert flow.fault(flow.swf.get_workflow_execution_history, domain=flow.domain, execution=second,
                      maximumPageSize=2, nextPageToken=token) in ("ValidationException", "UnknownResourceFault")


# -- describe details ------------------------------------------------------------------------------

def test_latest_activity_task_timestamp_is_the_last_scheduling(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    assert "latestActivityTaskTimestamp" not in flow.describe(execution)
    flow.decide(task, flow.schedule("a1"))
    scheduled = [e for e in flow.history(execution) if e["eventType"] == "ActivityTaskScheduled"][-1]
    assert flow.describe(execution)["latestActivityTaskTimestamp"] == scheduled["eventTimestamp"]


def test_cancel_requested_shows_in_visibility(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    flow.swf.request_cancel_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"])
    listed = flow.swf.list_open_workflow_executions(domain=flow.domain, startTimeFilter={"oldestDate": 0})
    assert [i["cancelRequested"] for i in listed["executionInfos"]] == [True]


def test_default_lambda_role_from_the_workflow_type(flow):  # type: ignore[no-untyped-def]
    # No lambdas on this server: the role resolves, and the failure is the service's absence.
    wf = flow.register_workflow_type("withrole", "1", defaultLambdaRole="arn:aws:iam::000000000000:role/r")
    execution = flow.start(workflow_type=wf)
    started = flow.attrs(flow.history(execution)[0])
    assert started["lambdaRole"] == "arn:aws:iam::000000000000:role/r"
    assert flow.describe(execution)["executionConfiguration"]["lambdaRole"] == "arn:aws:iam::000000000000:role/r"
