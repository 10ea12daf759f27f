"""Members real SWF always sends or leaves out, and Describe of a closed execution (issue 12, 8-10).

Compared with recorded traffic of real Amazon SWF: ``parentInitiatedEventId: 0`` on a top-level
start, ``externalInitiatedEventId: 0`` on client-caused signals and cancel requests,
``scheduleToStartTimeout: "NONE"`` on decision tasks; no ``taskPriority`` unless someone set one,
no ``startToCloseTimeout`` in ``LambdaFunctionScheduled`` unless the decision gave one.
"""
from __future__ import annotations

from typing import Any, Dict, List


def _first(events: List[Dict[str, Any]], event_type: str) -> Dict[str, Any]:
    return [e for e in events if e["eventType"] == event_type][0]


def _attrs(flow: Any, events: List[Dict[str, Any]], event_type: str) -> Dict[str, Any]:
    result: Dict[str, Any] = flow.attrs(_first(events, event_type))
    return result


# -- item 8: members SWF always sends ---------------------------------------------------------------

def test_zero_ids_and_none_schedule_to_start_are_sent(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="s")
    flow.swf.request_cancel_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"])
    events = flow.history(execution)
    assert _attrs(flow, events, "WorkflowExecutionStarted")["parentInitiatedEventId"] == 0
    assert _attrs(flow, events, "WorkflowExecutionSignaled")["externalInitiatedEventId"] == 0
    assert _attrs(flow, events, "WorkflowExecutionCancelRequested") == {"externalInitiatedEventId": 0}
    assert _attrs(flow, events, "DecisionTaskScheduled")["scheduleToStartTimeout"] == "NONE"


# -- item 9: members SWF leaves out ------------------------------------------------------------------

def test_task_priority_is_left_out_unless_set(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"),
                flow.decision("StartChildWorkflowExecution", workflowId=flow.unique("child"),
                              workflowType={"name": "wf", "version": "1"}))
    events = flow.history(execution)
    for event_type in ("WorkflowExecutionStarted", "DecisionTaskScheduled", "ActivityTaskScheduled",
                       "StartChildWorkflowExecutionInitiated"):
        assert "taskPriority" not in _attrs(flow, events, event_type), event_type
    assert "taskPriority" not in flow.describe(execution)["executionConfiguration"]


def test_task_priority_is_kept_when_the_request_or_the_type_sets_it(flow):  # type: ignore[no-untyped-def]
    flow.register_workflow_type(version="p", defaultTaskPriority="3")
    flow.register_activity_type(version="p", defaultTaskPriority="2")
    execution = flow.start(workflow_type={"name": "wf", "version": "p"})
    task = flow.poll_decision()
    flow.decide(task, flow.schedule("a1", {"name": "act", "version": "p"}), flow.schedule("a2", taskPriority="5"))
    events = flow.history(execution)
    assert _attrs(flow, events, "WorkflowExecutionStarted")["taskPriority"] == "3"
    assert _attrs(flow, events, "DecisionTaskScheduled")["taskPriority"] == "3"
    assert [flow.attrs(e)["taskPriority"] for e in events if e["eventType"] == "ActivityTaskScheduled"] == ["2", "5"]
    assert flow.describe(execution)["executionConfiguration"]["taskPriority"] == "3"


def test_lambda_scheduled_leaves_out_a_timeout_the_decision_did_not_give() -> None:
    from conftest import Flow, make_client
    from swfkit.server import running

    with running(poll_timeout=1.0, lambdas={"f": lambda payload: "ok"}) as url:
        client = make_client(url)
        try:
            flow = Flow(client, url, "lam")
            client.register_domain(name="lam", workflowExecutionRetentionPeriodInDays="1")
            flow.register_workflow_type(defaultLambdaRole="arn:aws:iam::123456789012:role/r")
            execution, task = flow.run_to_first_decision()
            flow.decide(task, flow.decision("ScheduleLambdaFunction", id="l1", name="f"),
                        flow.decision("ScheduleLambdaFunction", id="l2", name="f", startToCloseTimeout="30"))
            events = flow.wait_for(execution, "LambdaFunctionCompleted")
            scheduled = [flow.attrs(e) for e in events if e["eventType"] == "LambdaFunctionScheduled"]
            assert "startToCloseTimeout" not in scheduled[0]
            assert scheduled[1]["startToCloseTimeout"] == "30"
        finally:
            client.close()


# -- item 10: Describe of a closed execution -----------------------------------------------------------

def test_closed_execution_is_not_cancel_requested_and_keeps_its_open_activities(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    flow.poll_activity()
    flow.swf.request_cancel_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"])
    assert flow.describe(execution)["executionInfo"]["cancelRequested"] is True
    flow.decide(flow.poll_decision(), flow.decision("CancelWorkflowExecution"))
    described = flow.describe(execution)
    assert described["executionInfo"]["executionStatus"] == "CLOSED"
    assert described["executionInfo"]["cancelRequested"] is False
    assert described["openCounts"]["openActivityTasks"] == 1
    assert described["openCounts"]["openTimers"] == 0 and described["openCounts"]["openDecisionTasks"] == 0
