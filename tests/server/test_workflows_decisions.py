"""Decisions through boto3: coalescing, UNHANDLED_DECISION, every provokable *Failed cause, timers,
markers, signals, cancel requests, external signals/cancels, lambda. Exact event sequences."""
from __future__ import annotations

import time

import pytest

TAIL_OK = "DecisionTaskScheduled"


def _pending_decisions(flow) -> int:  # type: ignore[no-untyped-def]
    return flow.swf.count_pending_decision_tasks(domain=flow.domain, taskList={"name": "decisions"})["count"]


def _signal(flow, execution, name="sig", **kw):  # type: ignore[no-untyped-def]
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName=name, **kw)


def _failed_then_new_task(flow, execution, failed_type):  # type: ignore[no-untyped-def]
    """The history ends with ``failed_type`` then a new DecisionTaskScheduled, and that task is pollable."""
    events = flow.history(execution)
    types = [e["eventType"] for e in events]
    assert types[-2:] == [failed_type, TAIL_OK], types
    failed = flow.attrs(events[-2])
    completed = [e for e in events if e["eventType"] == "DecisionTaskCompleted"][-1]
    assert failed["decisionTaskCompletedEventId"] == completed["eventId"]
    task = flow.poll_decision()
    assert task["workflowExecution"] == execution
    assert task["startedEventId"] == events[-1]["eventId"] + 1
    if not task.get("nextPageToken"):
        assert task["events"][-3]["eventType"] == failed_type
    return failed, task


# -- decision-task coalescing ---------------------------------------------------------------------

def test_signals_during_a_started_task_yield_exactly_one_new_task(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    _signal(flow, execution, "s1")
    _signal(flow, execution, "s2", input="two")
    # as SWF: the next task is recorded at once, and handed out only once the started one completes
    assert flow.types(execution) == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted",
        "WorkflowExecutionSignaled", "DecisionTaskScheduled", "WorkflowExecutionSignaled"]
    assert flow.describe(execution)["openCounts"]["openDecisionTasks"] == 1
    assert _pending_decisions(flow) == 0  # neither task is waiting in the list
    flow.decide(task)
    types = flow.types(execution)
    assert types[6:] == ["DecisionTaskCompleted"], types
    assert _pending_decisions(flow) == 1
    _signal(flow, execution, "s3")  # merges into the scheduled task
    assert flow.types(execution)[-2:] == ["DecisionTaskCompleted", "WorkflowExecutionSignaled"]
    assert _pending_decisions(flow) == 1
    assert flow.describe(execution)["openCounts"]["openDecisionTasks"] == 1
    task = flow.poll_decision()
    assert task["startedEventId"] == 9 and task["previousStartedEventId"] == 3
    names = [flow.attrs(e)["signalName"] for e in task["events"] if e["eventType"] == "WorkflowExecutionSignaled"]
    assert names == ["s1", "s2", "s3"]
    empty = flow.swf.poll_for_decision_task(domain=flow.domain, taskList={"name": "decisions"})
    assert not empty.get("taskToken"), "a second decision task was handed out for the same execution"


def test_signals_while_no_task_is_open_schedule_one_task(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task)
    assert flow.types(execution)[-1] == "DecisionTaskCompleted"
    assert _pending_decisions(flow) == 0
    for i in range(3):
        _signal(flow, execution, f"s{i}")
    assert flow.types(execution)[4:] == [
        "WorkflowExecutionSignaled", "DecisionTaskScheduled", "WorkflowExecutionSignaled",
        "WorkflowExecutionSignaled"]
    assert _pending_decisions(flow) == 1


def test_many_activity_completions_during_one_task_yield_one_new_task(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, *[flow.schedule(f"a{i}") for i in range(5)])
    workers = [flow.poll_activity() for _ in range(5)]
    _signal(flow, execution)
    task = flow.poll_decision()
    for w in workers:
        flow.swf.respond_activity_task_completed(taskToken=w["taskToken"], result=w["activityId"])
    types = flow.types(execution)
    # as SWF: the first completion records the next task at once; the other four join it
    assert types.count("DecisionTaskScheduled") == 3 and types[-1] == "ActivityTaskCompleted", types
    last_scheduled = len(types) - 1 - types[::-1].index("DecisionTaskScheduled")
    assert last_scheduled == types.index("ActivityTaskCompleted") + 1, types
    assert flow.describe(execution)["openCounts"]["openDecisionTasks"] == 1
    flow.decide(task)
    types = flow.types(execution)
    assert types[-1] == "DecisionTaskCompleted"
    assert types.count("ActivityTaskCompleted") == 5 and types.count("DecisionTaskScheduled") == 3


# -- UNHANDLED_DECISION -----------------------------------------------------------------------------

CLOSE_DECISIONS = [
    ("CompleteWorkflowExecution", {"result": "r"}, "CompleteWorkflowExecutionFailed"),
    ("FailWorkflowExecution", {"reason": "x"}, "FailWorkflowExecutionFailed"),
    ("CancelWorkflowExecution", {}, "CancelWorkflowExecutionFailed"),
    ("ContinueAsNewWorkflowExecution", {}, "ContinueAsNewWorkflowExecutionFailed"),
]


@pytest.mark.parametrize("decision_type, attributes, failed_type", CLOSE_DECISIONS)
def test_close_decision_fails_with_unhandled_decision(flow, decision_type, attributes, failed_type):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    _signal(flow, execution, "late")
    flow.decide(task, flow.schedule("a1"), flow.decision(decision_type, **attributes))
    events = flow.history(execution)
    assert [e["eventType"] for e in events] == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "WorkflowExecutionSignaled",
        "DecisionTaskScheduled", "DecisionTaskCompleted", "ActivityTaskScheduled", failed_type]
    assert flow.attrs(events[7]) == {"cause": "UNHANDLED_DECISION", "decisionTaskCompletedEventId": 6}
    info = flow.describe(execution)["executionInfo"]
    assert info["executionStatus"] == "OPEN"
    task = flow.poll_decision()
    flow.decide(task, flow.decision(decision_type, **attributes))
    assert flow.describe(execution)["executionInfo"]["executionStatus"] == "CLOSED"


def test_events_before_the_task_started_do_not_make_close_unhandled(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    _signal(flow, execution, "early")
    task = flow.poll_decision()
    flow.complete(task, "done")
    assert flow.types(execution)[-1] == "WorkflowExecutionCompleted"


# -- every provokable *Failed cause ---------------------------------------------------------------

def test_schedule_activity_unknown_type(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1", {"name": "nope", "version": "1"}))
    failed, _ = _failed_then_new_task(flow, execution, "ScheduleActivityTaskFailed")
    assert failed["cause"] == "ACTIVITY_TYPE_DOES_NOT_EXIST"
    assert failed["activityId"] == "a1" and failed["activityType"] == {"name": "nope", "version": "1"}


def test_schedule_activity_deprecated_type(flow):  # type: ignore[no-untyped-def]
    old = flow.register_activity_type("act", "old")
    flow.swf.deprecate_activity_type(domain=flow.domain, activityType=old)
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1", old))
    failed, _ = _failed_then_new_task(flow, execution, "ScheduleActivityTaskFailed")
    assert failed["cause"] == "ACTIVITY_TYPE_DEPRECATED"


def test_schedule_activity_id_already_in_use(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"), flow.schedule("a1"))
    types = flow.types(execution)
    assert types[3:] == ["DecisionTaskCompleted", "ActivityTaskScheduled", "ScheduleActivityTaskFailed",
                         "DecisionTaskScheduled"], types
    failed, _ = _failed_then_new_task(flow, execution, "ScheduleActivityTaskFailed")
    assert failed["cause"] == "ACTIVITY_ID_ALREADY_IN_USE" and failed["activityId"] == "a1"
    assert flow.swf.count_pending_activity_tasks(domain=flow.domain, taskList={"name": "activities"})["count"] == 1


def test_open_activities_limit_is_1000(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, *[flow.schedule(f"a{i}") for i in range(1001)])
    events = flow.history(execution)
    types = [e["eventType"] for e in events]
    assert types.count("ActivityTaskScheduled") == 1000
    failed, _ = _failed_then_new_task(flow, execution, "ScheduleActivityTaskFailed")
    assert failed["cause"] == "OPEN_ACTIVITIES_LIMIT_EXCEEDED" and failed["activityId"] == "a1000"
    assert flow.describe(execution)["openCounts"]["openActivityTasks"] == 1000


@pytest.mark.parametrize("missing, cause", [
    ("defaultTaskList", "DEFAULT_TASK_LIST_UNDEFINED"),
    ("defaultTaskScheduleToCloseTimeout", "DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED"),
    ("defaultTaskScheduleToStartTimeout", "DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED"),
    ("defaultTaskStartToCloseTimeout", "DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED"),
])
def test_schedule_activity_default_undefined(flow, missing, cause):  # type: ignore[no-untyped-def]
    bare = flow.register_activity_type("bare", "1", **{missing: None})
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1", bare))
    failed, task = _failed_then_new_task(flow, execution, "ScheduleActivityTaskFailed")
    assert failed["cause"] == cause
    # The same decision with the value given explicitly succeeds.
    explicit = {"defaultTaskList": {"taskList": {"name": "activities"}},
                "defaultTaskScheduleToCloseTimeout": {"scheduleToCloseTimeout": "NONE"},
                "defaultTaskScheduleToStartTimeout": {"scheduleToStartTimeout": "NONE"},
                "defaultTaskStartToCloseTimeout": {"startToCloseTimeout": "NONE"}}[missing]
    flow.decide(task, flow.schedule("a1", bare, **explicit))
    assert flow.types(execution)[-1] == "ActivityTaskScheduled"


def test_start_timer_id_already_in_use(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("StartTimer", timerId="t1", startToFireTimeout="60"),
                flow.decision("StartTimer", timerId="t1", startToFireTimeout="60"))
    failed, _ = _failed_then_new_task(flow, execution, "StartTimerFailed")
    assert failed["cause"] == "TIMER_ID_ALREADY_IN_USE" and failed["timerId"] == "t1"
    assert flow.describe(execution)["openCounts"]["openTimers"] == 1


def test_cancel_timer_unknown(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("CancelTimer", timerId="nope"))
    failed, _ = _failed_then_new_task(flow, execution, "CancelTimerFailed")
    assert failed["cause"] == "TIMER_ID_UNKNOWN" and failed["timerId"] == "nope"


def test_request_cancel_activity_unknown(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("RequestCancelActivityTask", activityId="nope"))
    failed, _ = _failed_then_new_task(flow, execution, "RequestCancelActivityTaskFailed")
    assert failed["cause"] == "ACTIVITY_ID_UNKNOWN" and failed["activityId"] == "nope"


def test_request_cancel_of_a_closed_activity_is_unknown(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    flow.swf.respond_activity_task_completed(taskToken=flow.poll_activity()["taskToken"])
    flow.decide(flow.poll_decision(), flow.decision("RequestCancelActivityTask", activityId="a1"))
    failed, _ = _failed_then_new_task(flow, execution, "RequestCancelActivityTaskFailed")
    assert failed["cause"] == "ACTIVITY_ID_UNKNOWN"


def test_schedule_lambda_without_lambda_service_fails(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("ScheduleLambdaFunction", id="l1", name="fn", input="{}"))
    failed, _ = _failed_then_new_task(flow, execution, "ScheduleLambdaFunctionFailed")
    assert failed["id"] == "l1" and failed["name"] == "fn"
    assert failed["cause"] == "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION"


@pytest.mark.parametrize("decision_type, failed_type, attributes", [
    ("SignalExternalWorkflowExecution", "SignalExternalWorkflowExecutionFailed",
     {"workflowId": "ghost", "signalName": "s", "control": "c"}),
    ("RequestCancelExternalWorkflowExecution", "RequestCancelExternalWorkflowExecutionFailed",
     {"workflowId": "ghost", "control": "c"}),
])
def test_external_target_unknown(flow, decision_type, failed_type, attributes):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision(decision_type, **attributes))
    events = flow.wait_for(execution, failed_type)
    types = [e["eventType"] for e in events]
    initiated = events[types.index(decision_type + "Initiated")]
    assert flow.attrs(initiated)["workflowId"] == "ghost"
    failed, _ = _failed_then_new_task(flow, execution, failed_type)
    assert failed["cause"] == "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"
    assert failed["initiatedEventId"] == initiated["eventId"]
    assert failed["workflowId"] == "ghost" and failed["control"] == "c"


# -- timers ----------------------------------------------------------------------------------------

def test_timer_fires_and_schedules_a_decision_task(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    started_at = time.monotonic()
    flow.decide(task, flow.decision("StartTimer", timerId="t1", startToFireTimeout="1", control="ctl"))
    task = flow.poll_decision(wait=5)
    elapsed = time.monotonic() - started_at
    assert 0.9 <= elapsed < 2.5, f"timer of 1 s fired after {elapsed:.2f} s"
    events = flow.history(execution)
    assert [e["eventType"] for e in events] == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted",
        "TimerStarted", "TimerFired", "DecisionTaskScheduled", "DecisionTaskStarted"]
    assert flow.attrs(events[4]) == {"timerId": "t1", "startToFireTimeout": "1", "control": "ctl",
                                     "decisionTaskCompletedEventId": 4}
    assert flow.attrs(events[5]) == {"timerId": "t1", "startedEventId": 5}
    assert flow.describe(execution)["openCounts"]["openTimers"] == 0
    # A fired timer's id is free again.
    flow.decide(task, flow.decision("StartTimer", timerId="t1", startToFireTimeout="0"))
    flow.poll_decision()
    assert flow.types(execution).count("TimerFired") == 2


def test_canceled_timer_never_fires_and_schedules_nothing(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("StartTimer", timerId="t1", startToFireTimeout="1"))
    _signal(flow, execution)
    task = flow.poll_decision()
    flow.decide(task, flow.decision("CancelTimer", timerId="t1"))
    events = flow.history(execution)
    assert [e["eventType"] for e in events[-2:]] == ["DecisionTaskCompleted", "TimerCanceled"]
    assert flow.attrs(events[-1]) == {"timerId": "t1", "startedEventId": 5,
                                      "decisionTaskCompletedEventId": events[-2]["eventId"]}
    time.sleep(1.3)
    assert flow.types(execution)[-1] == "TimerCanceled"
    assert flow.describe(execution)["openCounts"]["openTimers"] == 0


def test_marker_is_recorded_without_a_decision_task(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("RecordMarker", markerName="m", details="d"))
    events = flow.history(execution)
    assert [e["eventType"] for e in events[-2:]] == ["DecisionTaskCompleted", "MarkerRecorded"]
    assert flow.attrs(events[-1]) == {"markerName": "m", "details": "d", "decisionTaskCompletedEventId": 4}
    assert _pending_decisions(flow) == 0


# -- signals and cancel requests -------------------------------------------------------------------

def test_signal_with_and_without_input(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    _signal(flow, execution, "plain")
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"],
                                       runId=execution["runId"], signalName="data", input="payload")
    events = flow.history(execution)
    signaled = [flow.attrs(e) for e in events if e["eventType"] == "WorkflowExecutionSignaled"]
    assert signaled == [{"signalName": "plain", "externalInitiatedEventId": 0},
                        {"signalName": "data", "input": "payload", "externalInitiatedEventId": 0}]
    assert [e["eventType"] for e in events] == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "WorkflowExecutionSignaled", "WorkflowExecutionSignaled"]


def test_signal_unknown_or_closed_execution_is_unknown_resource(flow):  # type: ignore[no-untyped-def]
    assert flow.fault(flow.swf.signal_workflow_execution, domain=flow.domain, workflowId="ghost",
                      signalName="s") == "UnknownResourceFault"
    execution, task = flow.run_to_first_decision()
    flow.complete(task)
    assert flow.fault(flow.swf.signal_workflow_execution, domain=flow.domain, workflowId=execution["workflowId"],
                      signalName="s") == "UnknownResourceFault"
    assert flow.fault(flow.swf.request_cancel_workflow_execution, domain=flow.domain,
                      workflowId=execution["workflowId"]) == "UnknownResourceFault"
    assert flow.fault(flow.swf.terminate_workflow_execution, domain=flow.domain,
                      workflowId=execution["workflowId"]) == "UnknownResourceFault"


def test_request_cancel_then_decider_cancels(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task)
    flow.swf.request_cancel_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"])
    events = flow.history(execution)
    assert [e["eventType"] for e in events[-2:]] == ["WorkflowExecutionCancelRequested", "DecisionTaskScheduled"]
    assert flow.describe(execution)["executionInfo"]["cancelRequested"] is True
    task = flow.poll_decision()
    flow.decide(task, flow.decision("CancelWorkflowExecution", details="bye"))
    events = flow.history(execution)
    assert events[-1]["eventType"] == "WorkflowExecutionCanceled"
    assert flow.attrs(events[-1]) == {"details": "bye", "decisionTaskCompletedEventId": events[-2]["eventId"]}
    info = flow.describe(execution)["executionInfo"]
    assert info["closeStatus"] == "CANCELED" and "closeTimestamp" in info


def test_terminate_records_reason_and_closes(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"],
                                          reason="stop", details="now")
    events = flow.history(execution)
    assert events[-1]["eventType"] == "WorkflowExecutionTerminated"
    term = flow.attrs(events[-1])
    assert term["reason"] == "stop" and term["details"] == "now" and term["childPolicy"] == "TERMINATE"
    info = flow.describe(execution)["executionInfo"]
    assert info["closeStatus"] == "TERMINATED" and "closeTimestamp" in info
    assert flow.fault(flow.swf.respond_decision_task_completed, taskToken=task["taskToken"]) \
        == "UnknownResourceFault"


def test_external_signal_and_cancel_between_executions(flow):  # type: ignore[no-untyped-def]
    target = flow.start()
    source = flow.start()
    for _ in range(2):  # the first two tasks: target's then source's, in whichever order
        task = flow.poll_decision()
        if task["workflowExecution"] == source:
            flow.decide(task,
                        flow.decision("SignalExternalWorkflowExecution", workflowId=target["workflowId"],
                                      signalName="hello", input="hi", control="c1"),
                        flow.decision("RequestCancelExternalWorkflowExecution", workflowId=target["workflowId"],
                                      runId=target["runId"], control="c2"))
        else:
            flow.decide(task)
    src = flow.wait_for(source, "ExternalWorkflowExecutionCancelRequested")
    src = flow.wait_for(source, "ExternalWorkflowExecutionSignaled")
    by_type = {e["eventType"]: e for e in src}
    sig_init = by_type["SignalExternalWorkflowExecutionInitiated"]
    assert flow.attrs(sig_init)["signalName"] == "hello" and flow.attrs(sig_init)["input"] == "hi"
    assert flow.attrs(by_type["ExternalWorkflowExecutionSignaled"]) == {
        "workflowExecution": target, "initiatedEventId": sig_init["eventId"]}
    can_init = by_type["RequestCancelExternalWorkflowExecutionInitiated"]
    assert flow.attrs(by_type["ExternalWorkflowExecutionCancelRequested"]) == {
        "workflowExecution": target, "initiatedEventId": can_init["eventId"]}
    assert [e["eventType"] for e in src].count("DecisionTaskScheduled") == 2
    tgt = {e["eventType"]: e for e in flow.history(target)}
    assert flow.attrs(tgt["WorkflowExecutionSignaled"]) == {
        "signalName": "hello", "input": "hi", "externalWorkflowExecution": source,
        "externalInitiatedEventId": sig_init["eventId"]}
    assert flow.attrs(tgt["WorkflowExecutionCancelRequested"]) == {
        "externalWorkflowExecution": source, "externalInitiatedEventId": can_init["eventId"]}
    assert flow.describe(target)["executionInfo"]["cancelRequested"] is True
