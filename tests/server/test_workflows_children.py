"""Child workflows, child policies and continue-as-new through boto3, with exact event sequences."""
from __future__ import annotations

import time

import pytest

CHILD_LIST = "child-tasks"


def _start_child(flow, task, workflow_id, **kw):  # type: ignore[no-untyped-def]
    attributes = {"workflowType": {"name": "wf", "version": "1"}, "workflowId": workflow_id,
                  "taskList": {"name": CHILD_LIST}}
    attributes.update(kw)
    flow.decide(task, flow.decision("StartChildWorkflowExecution", **attributes))


def _parent_with_child(flow, **start_kwargs):  # type: ignore[no-untyped-def]
    """A parent whose child is started; returns (parent, child execution, parent events)."""
    parent, task = flow.run_to_first_decision(**start_kwargs)
    child_id = flow.unique("child")
    _start_child(flow, task, child_id, input="child-in", control="ctl")
    events = flow.wait_for(parent, "ChildWorkflowExecutionStarted")
    started = [e for e in events if e["eventType"] == "ChildWorkflowExecutionStarted"][0]
    child = flow.attrs(started)["workflowExecution"]
    assert child["workflowId"] == child_id
    return parent, child, events


def test_child_start_events_in_parent_and_child(flow):  # type: ignore[no-untyped-def]
    parent, child, events = _parent_with_child(flow)
    assert [e["eventType"] for e in events] == [
        "WorkflowExecutionStarted", "DecisionTaskScheduled", "DecisionTaskStarted", "DecisionTaskCompleted",
        "StartChildWorkflowExecutionInitiated", "ChildWorkflowExecutionStarted", "DecisionTaskScheduled"]
    initiated = flow.attrs(events[4])
    assert initiated["workflowId"] == child["workflowId"] and initiated["input"] == "child-in"
    assert initiated["control"] == "ctl" and initiated["decisionTaskCompletedEventId"] == 4
    assert initiated["taskList"] == {"name": CHILD_LIST}
    # resolved from the type's registered defaults
    assert initiated["childPolicy"] == "TERMINATE"
    assert initiated["executionStartToCloseTimeout"] == "300" and initiated["taskStartToCloseTimeout"] == "30"
    assert flow.attrs(events[5]) == {"workflowExecution": child, "workflowType": {"name": "wf", "version": "1"},
                                     "initiatedEventId": 5}
    child_events = flow.history(child)
    assert [e["eventType"] for e in child_events] == ["WorkflowExecutionStarted", "DecisionTaskScheduled"]
    cstart = flow.attrs(child_events[0])
    assert cstart["parentWorkflowExecution"] == parent and cstart["parentInitiatedEventId"] == 5
    assert cstart["input"] == "child-in" and cstart["taskList"] == {"name": CHILD_LIST}
    assert flow.describe(child)["executionInfo"]["parent"] == parent
    assert flow.describe(parent)["openCounts"]["openChildWorkflowExecutions"] == 1


@pytest.mark.parametrize("close, event_type, expected", [
    ("CompleteWorkflowExecution", "ChildWorkflowExecutionCompleted", {"result": "r"}),
    ("FailWorkflowExecution", "ChildWorkflowExecutionFailed", {"reason": "bad", "details": "d"}),
    ("CancelWorkflowExecution", "ChildWorkflowExecutionCanceled", {"details": "d"}),
])
def test_child_close_is_reported_to_parent(flow, close, event_type, expected):  # type: ignore[no-untyped-def]
    parent, child, _ = _parent_with_child(flow)
    flow.decide(flow.poll_decision())  # the parent's task after ChildWorkflowExecutionStarted
    ctask = flow.poll_decision(CHILD_LIST)
    assert ctask["workflowExecution"] == child
    flow.decide(ctask, flow.decision(close, **expected))
    events = flow.wait_for(parent, event_type)
    assert [e["eventType"] for e in events[-2:]] == [event_type, "DecisionTaskScheduled"]
    got = flow.attrs(events[-2])
    assert got["initiatedEventId"] == 5 and got["startedEventId"] == 6
    assert got["workflowExecution"] == child and got["workflowType"] == {"name": "wf", "version": "1"}
    for key, value in expected.items():
        assert got[key] == value
    assert flow.describe(parent)["openCounts"]["openChildWorkflowExecutions"] == 0


def test_child_terminated_by_operator_is_reported(flow):  # type: ignore[no-untyped-def]
    parent, child, _ = _parent_with_child(flow)
    flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=child["workflowId"], reason="op")
    events = flow.wait_for(parent, "ChildWorkflowExecutionTerminated")
    # The parent's decision task from ChildWorkflowExecutionStarted is still scheduled: no second one.
    assert [e["eventType"] for e in events[-3:]] == [
        "ChildWorkflowExecutionStarted", "DecisionTaskScheduled", "ChildWorkflowExecutionTerminated"]
    got = flow.attrs(events[-1])
    assert got["workflowExecution"] == child and got["initiatedEventId"] == 5 and got["startedEventId"] == 6


def test_start_child_workflow_already_running(flow):  # type: ignore[no-untyped-def]
    busy = flow.start()
    parent = flow.start()
    while True:
        task = flow.poll_decision()
        if task["workflowExecution"] == parent:
            break
    _start_child(flow, task, busy["workflowId"], control="c")
    events = flow.wait_for(parent, "StartChildWorkflowExecutionFailed")
    types = [e["eventType"] for e in events]
    initiated = events[types.index("StartChildWorkflowExecutionInitiated")]
    failed = events[types.index("StartChildWorkflowExecutionFailed")]
    assert flow.attrs(failed)["cause"] == "WORKFLOW_ALREADY_RUNNING"
    assert flow.attrs(failed)["initiatedEventId"] == initiated["eventId"]
    assert flow.attrs(failed)["workflowId"] == busy["workflowId"] and flow.attrs(failed)["control"] == "c"
    assert types[-1] == "DecisionTaskScheduled"


def test_start_child_unknown_type_records_no_initiated_event(flow):  # type: ignore[no-untyped-def]
    parent, task = flow.run_to_first_decision()
    _start_child(flow, task, "kid", workflowType={"name": "nope", "version": "1"})
    events = flow.history(parent)
    assert [e["eventType"] for e in events[3:]] == [
        "DecisionTaskCompleted", "StartChildWorkflowExecutionFailed", "DecisionTaskScheduled"]
    failed = flow.attrs(events[4])
    assert failed["cause"] == "WORKFLOW_TYPE_DOES_NOT_EXIST" and failed["initiatedEventId"] == 0
    assert failed["workflowType"] == {"name": "nope", "version": "1"} and failed["workflowId"] == "kid"


def test_start_child_deprecated_type(flow):  # type: ignore[no-untyped-def]
    old = flow.register_workflow_type("wf", "old")
    flow.swf.deprecate_workflow_type(domain=flow.domain, workflowType=old)
    parent, task = flow.run_to_first_decision()
    _start_child(flow, task, "kid", workflowType=old)
    events = flow.history(parent)
    assert events[-2]["eventType"] == "StartChildWorkflowExecutionFailed"
    assert flow.attrs(events[-2])["cause"] == "WORKFLOW_TYPE_DEPRECATED"
    assert events[-1]["eventType"] == "DecisionTaskScheduled"


@pytest.mark.parametrize("missing, cause", [
    ("executionStartToCloseTimeout", "DEFAULT_EXECUTION_START_TO_CLOSE_TIMEOUT_UNDEFINED"),
    ("taskStartToCloseTimeout", "DEFAULT_TASK_START_TO_CLOSE_TIMEOUT_UNDEFINED"),
    ("taskList", "DEFAULT_TASK_LIST_UNDEFINED"),
    ("childPolicy", "DEFAULT_CHILD_POLICY_UNDEFINED"),
])
def test_start_child_default_undefined(flow, missing, cause):  # type: ignore[no-untyped-def]
    bare = flow.register_workflow_type("bare", "1", defaultExecutionStartToCloseTimeout=None,
                                       defaultTaskStartToCloseTimeout=None, defaultTaskList=None,
                                       defaultChildPolicy=None)
    given = {"executionStartToCloseTimeout": "60", "taskStartToCloseTimeout": "10",
             "taskList": {"name": CHILD_LIST}, "childPolicy": "ABANDON"}
    del given[missing]
    parent, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("StartChildWorkflowExecution", workflowType=bare, workflowId="kid", **given))
    events = flow.history(parent)
    assert [e["eventType"] for e in events[-2:]] == ["StartChildWorkflowExecutionFailed", "DecisionTaskScheduled"]
    failed = flow.attrs(events[-2])
    assert failed["cause"] == cause and failed["initiatedEventId"] == 0


@pytest.mark.parametrize("policy", ["TERMINATE", "REQUEST_CANCEL", "ABANDON"])
def test_child_policy_applied_when_parent_is_terminated(flow, policy):  # type: ignore[no-untyped-def]
    parent, child, _ = _parent_with_child(flow, childPolicy=policy)
    before = flow.types(child)
    flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=parent["workflowId"])
    term = flow.history(parent)[-1]
    assert term["eventType"] == "WorkflowExecutionTerminated"
    assert flow.attrs(term)["childPolicy"] == policy
    if policy == "TERMINATE":
        events = flow.wait_for(child, "WorkflowExecutionTerminated")
        assert flow.attrs(events[-1])["cause"] == "CHILD_POLICY_APPLIED"
        assert flow.describe(child)["executionInfo"]["closeStatus"] == "TERMINATED"
    elif policy == "REQUEST_CANCEL":
        events = flow.wait_for(child, "WorkflowExecutionCancelRequested")
        requested = [e for e in events if e["eventType"] == "WorkflowExecutionCancelRequested"][0]
        assert flow.attrs(requested)["cause"] == "CHILD_POLICY_APPLIED"
        info = flow.describe(child)["executionInfo"]
        assert info["executionStatus"] == "OPEN" and info["cancelRequested"] is True
        assert flow.describe(child)["openCounts"]["openDecisionTasks"] == 1
    else:
        time.sleep(0.2)
        assert flow.types(child) == before
        assert flow.describe(child)["executionInfo"]["executionStatus"] == "OPEN"


def test_terminate_child_policy_argument_overrides_the_executions(flow):  # type: ignore[no-untyped-def]
    parent, child, _ = _parent_with_child(flow, childPolicy="TERMINATE")
    flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=parent["workflowId"], childPolicy="ABANDON")
    assert flow.attrs(flow.history(parent)[-1])["childPolicy"] == "ABANDON"
    time.sleep(0.2)
    assert flow.describe(child)["executionInfo"]["executionStatus"] == "OPEN"


# -- continue-as-new -------------------------------------------------------------------------------

def test_continue_as_new_starts_a_new_run_with_type_defaults(flow):  # type: ignore[no-untyped-def]
    old, task = flow.run_to_first_decision(input="one", executionStartToCloseTimeout="600", tagList=["keep"])
    flow.decide(task, flow.decision("ContinueAsNewWorkflowExecution", input="two"))
    events = flow.history(old)
    assert events[-1]["eventType"] == "WorkflowExecutionContinuedAsNew"
    can = flow.attrs(events[-1])
    assert can["input"] == "two" and can["decisionTaskCompletedEventId"] == 4
    assert can["workflowType"] == {"name": "wf", "version": "1"}
    assert can["taskList"] == {"name": "decisions"} and can["childPolicy"] == "TERMINATE"
    assert can["executionStartToCloseTimeout"] == "300"  # the type's default, not the old run's 600
    new = {"workflowId": old["workflowId"], "runId": can["newExecutionRunId"]}
    assert new["runId"] != old["runId"]
    assert flow.describe(old)["executionInfo"]["closeStatus"] == "CONTINUED_AS_NEW"
    new_events = flow.history(new)
    assert [e["eventId"] for e in new_events] == [1, 2]
    assert [e["eventType"] for e in new_events] == ["WorkflowExecutionStarted", "DecisionTaskScheduled"]
    started = flow.attrs(new_events[0])
    assert started["continuedExecutionRunId"] == old["runId"] and started["input"] == "two"
    assert started["executionStartToCloseTimeout"] == "300" and started["taskStartToCloseTimeout"] == "30"
    task = flow.poll_decision()
    assert task["workflowExecution"] == new
    assert task["previousStartedEventId"] == 0 and task["startedEventId"] == 3
    assert flow.fault(flow.swf.start_workflow_execution, domain=flow.domain, workflowId=old["workflowId"],
                      workflowType={"name": "wf", "version": "1"}) == "WorkflowExecutionAlreadyStartedFault"
    # Signal without a runId reaches the open (new) run.
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=old["workflowId"], signalName="s")
    assert flow.types(new)[-2:] == ["WorkflowExecutionSignaled", "DecisionTaskScheduled"]
    runs = flow.swf.list_closed_workflow_executions(
        domain=flow.domain, startTimeFilter={"oldestDate": 0}, executionFilter={"workflowId": old["workflowId"]})
    assert [i["execution"] for i in runs["executionInfos"]] == [old]
    opened = flow.swf.list_open_workflow_executions(
        domain=flow.domain, startTimeFilter={"oldestDate": 0}, executionFilter={"workflowId": old["workflowId"]})
    assert [i["execution"] for i in opened["executionInfos"]] == [new]


def test_continue_as_new_can_switch_version(flow):  # type: ignore[no-untyped-def]
    flow.register_workflow_type("wf", "2", defaultTaskList={"name": "v2-tasks"})
    old, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("ContinueAsNewWorkflowExecution", workflowTypeVersion="2"))
    new_run = flow.attrs(flow.history(old)[-1])["newExecutionRunId"]
    task = flow.poll_decision("v2-tasks")
    assert task["workflowExecution"] == {"workflowId": old["workflowId"], "runId": new_run}
    assert task["workflowType"] == {"name": "wf", "version": "2"}


def test_continue_as_new_unknown_version_fails(flow):  # type: ignore[no-untyped-def]
    old, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("ContinueAsNewWorkflowExecution", workflowTypeVersion="99"))
    events = flow.history(old)
    assert [e["eventType"] for e in events[-2:]] == ["ContinueAsNewWorkflowExecutionFailed", "DecisionTaskScheduled"]
    assert flow.attrs(events[-2])["cause"] == "WORKFLOW_TYPE_DOES_NOT_EXIST"
    assert flow.describe(old)["executionInfo"]["executionStatus"] == "OPEN"


def test_child_policy_terminates_grandchildren_too(flow):  # type: ignore[no-untyped-def]
    parent, child, _ = _parent_with_child(flow)
    ctask = flow.poll_decision(CHILD_LIST)
    assert ctask["workflowExecution"] == child
    flow.decide(ctask, flow.decision("StartChildWorkflowExecution", workflowType={"name": "wf", "version": "1"},
                                     workflowId=flow.unique("grandchild"), taskList={"name": "grand"}))
    events = flow.wait_for(child, "ChildWorkflowExecutionStarted")
    grandchild = [flow.attrs(e)["workflowExecution"] for e in events
                  if e["eventType"] == "ChildWorkflowExecutionStarted"][0]
    flow.swf.terminate_workflow_execution(domain=flow.domain, workflowId=parent["workflowId"])
    flow.wait_for(child, "WorkflowExecutionTerminated")
    events = flow.wait_for(grandchild, "WorkflowExecutionTerminated")
    assert flow.attrs(events[-1])["cause"] == "CHILD_POLICY_APPLIED"


def test_child_without_task_list_uses_the_type_default(flow):  # type: ignore[no-untyped-def]
    parent, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision("StartChildWorkflowExecution", workflowType={"name": "wf", "version": "1"},
                                    workflowId="kid", tagList=["a"], taskPriority="3"))
    events = flow.wait_for(parent, "ChildWorkflowExecutionStarted")
    child = flow.attrs(events[5])["workflowExecution"]
    started = flow.attrs(flow.history(child)[0])
    assert started["taskList"] == {"name": "decisions"} and started["tagList"] == ["a"]
    assert started["taskPriority"] == "3" and started["childPolicy"] == "TERMINATE"


def test_type_default_task_priorities_apply(flow):  # type: ignore[no-untyped-def]
    act = flow.register_activity_type("prio", "1", defaultTaskPriority="9")
    wf = flow.register_workflow_type("prio", "1", defaultTaskPriority="6")
    execution = flow.start(workflow_type=wf)
    events = flow.history(execution)
    assert flow.attrs(events[0])["taskPriority"] == "6"
    assert flow.attrs(events[1])["taskPriority"] == "6"
    assert flow.describe(execution)["executionConfiguration"]["taskPriority"] == "6"
    task = flow.poll_decision()
    flow.decide(task, flow.schedule("a1", act))
    assert flow.attrs(flow.history(execution)[-1])["taskPriority"] == "9"


def test_child_that_continues_as_new_is_tracked_to_the_end_of_its_chain(flow):  # type: ignore[no-untyped-def]
    parent, child, _ = _parent_with_child(flow)
    flow.decide(flow.poll_decision())
    ctask = flow.poll_decision(CHILD_LIST)
    flow.decide(ctask, flow.decision("ContinueAsNewWorkflowExecution", taskList={"name": CHILD_LIST}))
    time.sleep(0.2)
    assert flow.types(parent)[-1] == "DecisionTaskCompleted", "the parent heard of an intermediate run"
    assert flow.describe(parent)["openCounts"]["openChildWorkflowExecutions"] == 1
    ctask = flow.poll_decision(CHILD_LIST)
    assert ctask["workflowExecution"]["workflowId"] == child["workflowId"]
    assert ctask["workflowExecution"]["runId"] != child["runId"]
    new_started = flow.attrs(ctask["events"][0])
    assert new_started["parentWorkflowExecution"] == parent and new_started["parentInitiatedEventId"] == 5
    flow.decide(ctask, flow.decision("CompleteWorkflowExecution", result="end"))
    events = flow.wait_for(parent, "ChildWorkflowExecutionCompleted")
    done = flow.attrs(events[-2])
    assert events[-2]["eventType"] == "ChildWorkflowExecutionCompleted"
    assert done["result"] == "end" and done["initiatedEventId"] == 5


def test_start_child_with_the_parents_own_workflow_id(flow):  # type: ignore[no-untyped-def]
    parent, task = flow.run_to_first_decision()
    _start_child(flow, task, parent["workflowId"])
    events = flow.wait_for(parent, "StartChildWorkflowExecutionFailed")
    failed = [flow.attrs(e) for e in events if e["eventType"] == "StartChildWorkflowExecutionFailed"][0]
    assert failed["cause"] == "WORKFLOW_ALREADY_RUNNING" and failed["initiatedEventId"] == 5


def test_continue_as_new_explicit_values_reach_the_new_run(flow):  # type: ignore[no-untyped-def]
    old, task = flow.run_to_first_decision()
    flow.decide(task, flow.decision(
        "ContinueAsNewWorkflowExecution", input="i", executionStartToCloseTimeout="77", taskStartToCloseTimeout="7",
        taskList={"name": "next-run"}, taskPriority="2", childPolicy="ABANDON", tagList=["n1", "n2"]))
    can = flow.attrs(flow.history(old)[-1])
    new = {"workflowId": old["workflowId"], "runId": can["newExecutionRunId"]}
    started = flow.attrs(flow.history(new)[0])
    for attributes in (can, started):
        assert attributes["executionStartToCloseTimeout"] == "77" and attributes["taskStartToCloseTimeout"] == "7"
        assert attributes["taskList"] == {"name": "next-run"} and attributes["taskPriority"] == "2"
        assert attributes["childPolicy"] == "ABANDON" and attributes["tagList"] == ["n1", "n2"]
    assert flow.describe(new)["executionInfo"]["tagList"] == ["n1", "n2"]
    assert flow.poll_decision("next-run")["workflowExecution"] == new
