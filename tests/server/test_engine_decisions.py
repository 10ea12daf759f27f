"""The 13 decisions: the events each records, every *Failed cause, coalescing, UNHANDLED_DECISION."""
from __future__ import annotations

import pytest

from engine_harness import ACT, WF, Engine, decision
from swfkit.exceptions import UnknownResourceFault, ValidationException


@pytest.fixture
def engine():
    e = Engine()
    yield e
    e.close()


def schedule(activity_id: str = "a1", **extra):
    return decision("ScheduleActivityTask", activityId=activity_id, activityType=extra.pop("activityType", ACT),
                    **extra)


def test_first_decision_task_has_previous_started_zero_and_full_history(engine):
    engine.start(input="in")
    task = engine.poll_decision()
    assert task["previousStartedEventId"] == 0
    assert [e["eventType"] for e in task["events"]] == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted"]
    assert task["startedEventId"] == 3
    started = task["events"][0]["workflowExecutionStartedEventAttributes"]
    assert started["input"] == "in" and started["taskList"] == {"name": "dl"}
    assert started["childPolicy"] == "TERMINATE" and "taskPriority" not in started  # none set


def test_schedule_activity_resolves_defaults_into_the_event(engine):
    engine.start()
    engine.decide(schedule(input="x", heartbeatTimeout="5"))
    scheduled = engine.last("ActivityTaskScheduled")
    assert scheduled["taskList"] == {"name": "al"}
    assert scheduled["scheduleToStartTimeout"] == "100" and scheduled["scheduleToCloseTimeout"] == "200"
    assert scheduled["startToCloseTimeout"] == "100" and scheduled["heartbeatTimeout"] == "5"
    assert scheduled["decisionTaskCompletedEventId"] == 4
    task = engine.poll_activity()
    assert task["activityId"] == "a1" and task["input"] == "x"
    engine.call("RespondActivityTaskCompleted", taskToken=task["taskToken"], result="r")
    assert engine.last("ActivityTaskCompleted")["result"] == "r"
    with pytest.raises(UnknownResourceFault):
        engine.call("RespondActivityTaskCompleted", taskToken=task["taskToken"], result="again")


@pytest.mark.parametrize("setup, attrs, cause", [
    (None, {"activityType": {"name": "nope", "version": "1"}}, "ACTIVITY_TYPE_DOES_NOT_EXIST"),
    ("deprecate", {}, "ACTIVITY_TYPE_DEPRECATED"),
    ("bare", {"activityType": {"name": "bare", "version": "1"}}, "DEFAULT_TASK_LIST_UNDEFINED"),
    ("bare", {"activityType": {"name": "bare", "version": "1"}, "taskList": {"name": "x"}},
     "DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED"),
    ("bare", {"activityType": {"name": "bare", "version": "1"}, "taskList": {"name": "x"},
              "scheduleToCloseTimeout": "9"}, "DEFAULT_SCHEDULE_TO_START_TIMEOUT_UNDEFINED"),
    ("bare", {"activityType": {"name": "bare", "version": "1"}, "taskList": {"name": "x"},
              "scheduleToCloseTimeout": "9", "scheduleToStartTimeout": "9"},
     "DEFAULT_START_TO_CLOSE_TIMEOUT_UNDEFINED"),
])
def test_schedule_activity_failures(engine, setup, attrs, cause):
    if setup == "deprecate":
        engine.call("DeprecateActivityType", domain="d", activityType=ACT)
    if setup == "bare":
        engine.call("RegisterActivityType", domain="d", name="bare", version="1")
    engine.start()
    engine.decide(schedule(**attrs))
    failed = engine.last("ScheduleActivityTaskFailed")
    assert failed["cause"] == cause and failed["activityId"] == "a1"
    # a failed decision schedules a new decision task
    assert engine.types()[-1] == "DecisionTaskScheduled"


def test_activity_id_in_use_only_while_open(engine):
    engine.start()
    engine.decide(schedule(), schedule())
    assert engine.last("ScheduleActivityTaskFailed")["cause"] == "ACTIVITY_ID_ALREADY_IN_USE"
    task = engine.poll_activity()
    engine.call("RespondActivityTaskFailed", taskToken=task["taskToken"], reason="boom", details="d")
    assert engine.last("ActivityTaskFailed") == {"reason": "boom", "details": "d", "scheduledEventId": 5,
                                                 "startedEventId": 8}
    engine.decide(schedule())
    assert engine.types().count("ActivityTaskScheduled") == 2


def test_open_activities_limit(engine):
    engine.start()
    engine.decide(*[schedule("a%d" % i) for i in range(1001)])
    assert engine.last("ScheduleActivityTaskFailed")["cause"] == "OPEN_ACTIVITIES_LIMIT_EXCEEDED"
    detail = engine.describe()
    assert detail["openCounts"]["openActivityTasks"] == 1000
    assert engine.call("CountPendingActivityTasks", domain="d", taskList={"name": "al"})["count"] == 1000


def test_request_cancel_activity(engine):
    engine.start()
    engine.decide(decision("RequestCancelActivityTask", activityId="zz"))
    assert engine.last("RequestCancelActivityTaskFailed")["cause"] == "ACTIVITY_ID_UNKNOWN"
    engine.decide(schedule("a1"), schedule("a2", taskList={"name": "other"}))
    task = engine.poll_activity()
    assert task["activityId"] == "a1"
    engine.call("SignalWorkflowExecution", domain="d", workflowId="w", signalName="cancel them")
    engine.decide(decision("RequestCancelActivityTask", activityId="a1"),
                  decision("RequestCancelActivityTask", activityId="a2"))
    types = engine.types()
    # a2 was never started: canceled at once
    assert types[-4:] == ["ActivityTaskCancelRequested", "ActivityTaskCancelRequested",
                          "ActivityTaskCanceled", "DecisionTaskScheduled"]
    assert engine.last("ActivityTaskCanceled")["startedEventId"] == 0
    assert engine.call("CountPendingActivityTasks", domain="d", taskList={"name": "other"})["count"] == 0
    beat = engine.call("RecordActivityTaskHeartbeat", taskToken=task["taskToken"], details="50%")
    assert beat["cancelRequested"] is True
    engine.call("RespondActivityTaskCanceled", taskToken=task["taskToken"], details="bye")
    canceled = engine.last("ActivityTaskCanceled")
    assert canceled["details"] == "bye" and canceled["latestCancelRequestedEventId"] > 0


@pytest.mark.parametrize("close, attrs, event, status", [
    ("CompleteWorkflowExecution", {"result": "r"}, "WorkflowExecutionCompleted", "COMPLETED"),
    ("FailWorkflowExecution", {"reason": "why", "details": "dd"}, "WorkflowExecutionFailed", "FAILED"),
    ("CancelWorkflowExecution", {"details": "dd"}, "WorkflowExecutionCanceled", "CANCELED"),
])
def test_close_decisions_and_unhandled_decision(engine, close, attrs, event, status):
    engine.start()
    task = engine.poll_decision()
    engine.call("SignalWorkflowExecution", domain="d", workflowId="w", signalName="late")
    engine.respond(task, decision(close, **attrs))
    assert engine.last(close + "Failed")["cause"] == "UNHANDLED_DECISION"
    assert engine.types()[-3:] == ["DecisionTaskScheduled", "DecisionTaskCompleted", close + "Failed"]
    engine.decide(schedule(), decision(close, **attrs))
    closed = engine.last(event)
    for key, value in attrs.items():
        assert closed[key] == value
    info = engine.describe()["executionInfo"]
    assert info["executionStatus"] == "CLOSED" and info["closeStatus"] == status
    # the activity scheduled in the same batch was applied before the close
    assert "ActivityTaskScheduled" in engine.types()
    with pytest.raises(UnknownResourceFault):
        engine.call("SignalWorkflowExecution", domain="d", workflowId="w", signalName="s")


def test_close_decision_must_be_last(engine):
    engine.start()
    task = engine.poll_decision()
    with pytest.raises(ValidationException):
        engine.respond(task, decision("CompleteWorkflowExecution"), schedule())
    engine.respond(task, schedule())  # the task is still usable: nothing was recorded
    assert engine.types().count("DecisionTaskCompleted") == 1


def test_coalescing_one_open_decision_task(engine):
    engine.start()
    for i in range(3):
        engine.call("SignalWorkflowExecution", domain="d", workflowId="w", signalName="s%d" % i)
    assert engine.types().count("DecisionTaskScheduled") == 1
    task = engine.poll_decision()
    for i in range(3):
        engine.call("SignalWorkflowExecution", domain="d", workflowId="w", signalName="t%d" % i)
    assert engine.call("CountPendingDecisionTasks", domain="d", taskList={"name": "dl"})["count"] == 0
    engine.respond(task)
    assert engine.types().count("DecisionTaskScheduled") == 2
    assert engine.call("CountPendingDecisionTasks", domain="d", taskList={"name": "dl"})["count"] == 1
    nxt = engine.poll_decision()
    assert nxt["previousStartedEventId"] == task["startedEventId"]
    engine.respond(nxt)
    assert engine.poll_decision().get("taskToken") is None


def test_markers_and_timers(engine):
    engine.start()
    engine.decide(decision("RecordMarker", markerName="m", details="d"),
                  decision("StartTimer", timerId="t", startToFireTimeout="10", control="c"),
                  decision("StartTimer", timerId="t", startToFireTimeout="10"),
                  decision("CancelTimer", timerId="nope"))
    assert engine.last("MarkerRecorded") == {"markerName": "m", "details": "d",
                                             "decisionTaskCompletedEventId": 4}
    assert engine.last("StartTimerFailed")["cause"] == "TIMER_ID_ALREADY_IN_USE"
    assert engine.last("CancelTimerFailed") == {"timerId": "nope", "cause": "TIMER_ID_UNKNOWN",
                                                "decisionTaskCompletedEventId": 4}
    engine.decide(decision("CancelTimer", timerId="t"))
    canceled = engine.last("TimerCanceled")
    assert canceled["timerId"] == "t" and canceled["startedEventId"] == 6
    assert engine.types()[-1] == "TimerCanceled"  # no decision task for a canceled timer
    engine.advance(20)
    assert "TimerFired" not in engine.types()
    engine.call("SignalWorkflowExecution", domain="d", workflowId="w", signalName="go")
    engine.decide(decision("StartTimer", timerId="t", startToFireTimeout="5"))
    engine.advance(5)
    fired = engine.last("TimerFired")
    assert fired["timerId"] == "t" and engine.types()[-1] == "DecisionTaskScheduled"


def test_open_timers_limit(engine):
    engine.start()
    engine.decide(*[decision("StartTimer", timerId="t%d" % i, startToFireTimeout="100") for i in range(1001)])
    assert engine.last("StartTimerFailed")["cause"] == "OPEN_TIMERS_LIMIT_EXCEEDED"


def test_signal_and_cancel_external(engine):
    engine.start()
    other = engine.start("other")
    engine.decide(decision("SignalExternalWorkflowExecution", workflowId="other", signalName="hi", input="i"),
                  decision("SignalExternalWorkflowExecution", workflowId="ghost", signalName="hi"),
                  decision("RequestCancelExternalWorkflowExecution", workflowId="other", runId=other),
                  decision("RequestCancelExternalWorkflowExecution", workflowId="ghost"))
    types = engine.types()
    assert "ExternalWorkflowExecutionSignaled" in types and "ExternalWorkflowExecutionCancelRequested" in types
    assert engine.last("SignalExternalWorkflowExecutionFailed")["cause"] == "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"
    assert engine.last("RequestCancelExternalWorkflowExecutionFailed")["initiatedEventId"] > 0
    signaled = engine.last("WorkflowExecutionSignaled", "other")
    assert signaled["signalName"] == "hi" and signaled["input"] == "i"
    assert signaled["externalWorkflowExecution"]["workflowId"] == "w"
    assert engine.last("WorkflowExecutionCancelRequested", "other")["externalInitiatedEventId"] > 0
    info = engine.describe("other")
    assert info["executionInfo"]["cancelRequested"] is True
    assert engine.types("other").count("DecisionTaskScheduled") == 1  # coalesced


def test_child_workflow_lifecycle(engine):
    engine.start("parent")
    engine.decide(decision("StartChildWorkflowExecution", workflowType=WF, workflowId="kid", input="ki"),
                  decision("StartChildWorkflowExecution", workflowType=WF, workflowId="kid"),
                  decision("StartChildWorkflowExecution", workflowType={"name": "x", "version": "1"},
                           workflowId="x"))
    types = engine.types("parent")
    assert types.count("StartChildWorkflowExecutionInitiated") == 2
    failures = [e["startChildWorkflowExecutionFailedEventAttributes"] for e in engine.events("parent")
                if e["eventType"] == "StartChildWorkflowExecutionFailed"]
    assert [f["cause"] for f in failures] == ["WORKFLOW_ALREADY_RUNNING", "WORKFLOW_TYPE_DOES_NOT_EXIST"]
    assert failures[0]["initiatedEventId"] > 0 and failures[1]["initiatedEventId"] == 0
    started = engine.last("WorkflowExecutionStarted", "kid")
    assert started["parentWorkflowExecution"]["workflowId"] == "parent" and started["input"] == "ki"
    assert started["parentInitiatedEventId"] == engine.last("ChildWorkflowExecutionStarted", "parent")[
        "initiatedEventId"]
    kid_task = engine.poll_decision()
    assert kid_task["workflowExecution"]["workflowId"] in ("kid", "parent")
    # finish the child (skip the parent's pending task if it comes first)
    while kid_task["workflowExecution"]["workflowId"] != "kid":
        engine.respond(kid_task)
        kid_task = engine.poll_decision()
    engine.respond(kid_task, decision("CompleteWorkflowExecution", result="kr"))
    completed = engine.last("ChildWorkflowExecutionCompleted", "parent")
    assert completed["result"] == "kr" and completed["workflowExecution"]["workflowId"] == "kid"


@pytest.mark.parametrize("policy, child_event", [
    ("TERMINATE", "WorkflowExecutionTerminated"), ("REQUEST_CANCEL", "WorkflowExecutionCancelRequested"),
    ("ABANDON", None)])
def test_child_policy_on_terminate(engine, policy, child_event):
    engine.start("parent")
    engine.decide(decision("StartChildWorkflowExecution", workflowType=WF, workflowId="kid"))
    engine.call("TerminateWorkflowExecution", domain="d", workflowId="parent", childPolicy=policy, reason="r")
    terminated = engine.last("WorkflowExecutionTerminated", "parent")
    assert terminated["childPolicy"] == policy and terminated["reason"] == "r"
    if child_event:
        assert engine.last(child_event, "kid")["cause"] == "CHILD_POLICY_APPLIED"
    else:
        assert engine.types("kid")[-1] == "DecisionTaskScheduled"


def test_continue_as_new(engine):
    first = engine.start(tagList=["a"])
    engine.decide(decision("ContinueAsNewWorkflowExecution", input="next", tagList=["b"]))
    continued = engine.last("WorkflowExecutionContinuedAsNew", "w", first)
    new_run = continued["newExecutionRunId"]
    assert new_run != first and continued["taskList"] == {"name": "dl"}
    started = engine.events("w", new_run)[0]["workflowExecutionStartedEventAttributes"]
    assert started["continuedExecutionRunId"] == first and started["input"] == "next"
    assert started["tagList"] == ["b"]
    closed = engine.call("ListClosedWorkflowExecutions", domain="d", startTimeFilter={"oldestDate": 0},
                         closeStatusFilter={"status": "CONTINUED_AS_NEW"})["executionInfos"]
    assert [c["execution"]["runId"] for c in closed] == [first]
    engine.decide(decision("ContinueAsNewWorkflowExecution", workflowTypeVersion="9"))
    assert engine.last("ContinueAsNewWorkflowExecutionFailed")["cause"] == "WORKFLOW_TYPE_DOES_NOT_EXIST"


def test_lambda_unconfigured_fails_with_region_cause(engine):
    engine.start()
    engine.decide(decision("ScheduleLambdaFunction", id="l1", name="fn"))
    failed = engine.last("ScheduleLambdaFunctionFailed")
    assert failed["cause"] == "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION" and failed["name"] == "fn"


def test_lambda_runs_registered_callable():
    import time
    engine = Engine(lambdas={"double": lambda payload: {"v": int(payload) * 2},
                             "boom": lambda payload: 1 / 0})
    try:
        engine.start("norole", taskList={"name": "norole"})
        engine.decide(decision("ScheduleLambdaFunction", id="l0", name="double"), task_list="norole")
        assert engine.last("ScheduleLambdaFunctionFailed", "norole")["cause"] == \
            "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION"
        engine.start(lambdaRole="arn:aws:iam::123456789012:role/swf-lambda")
        engine.decide(decision("ScheduleLambdaFunction", id="l1", name="double", input="21"),
                      decision("ScheduleLambdaFunction", id="l2", name="boom"),
                      decision("ScheduleLambdaFunction", id="l2", name="boom"))
        assert engine.last("ScheduleLambdaFunctionFailed")["cause"] == "ID_ALREADY_IN_USE"
        for _ in range(200):
            types = engine.types()
            if "LambdaFunctionCompleted" in types and "LambdaFunctionFailed" in types:
                break
            time.sleep(0.01)
        assert engine.last("LambdaFunctionCompleted")["result"] == '{"v": 42}'
        assert engine.last("LambdaFunctionFailed")["reason"] == "ZeroDivisionError"
    finally:
        engine.close()


def test_stale_and_garbage_decision_tokens(engine):
    engine.start()
    task = engine.poll_decision()
    engine.respond(task)
    with pytest.raises(UnknownResourceFault):
        engine.respond(task)
    with pytest.raises(ValidationException):  # not a token at all: a 400 validation error, as in SWF
        engine.call("RespondDecisionTaskCompleted", taskToken="garbage")
    with pytest.raises(ValidationException):  # a decision token is not an activity token
        engine.call("RespondActivityTaskCompleted", taskToken=task["taskToken"])
