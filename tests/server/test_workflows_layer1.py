"""A few of the same flows through swfkit's own Layer1 client (the second, independent peer is boto3)."""
from __future__ import annotations

import pytest

layer1_module = pytest.importorskip("swfkit.layer1")

from swfkit import exceptions  # noqa: E402


@pytest.fixture
def l1(endpoint):  # type: ignore[no-untyped-def]
    client = layer1_module.Layer1(region="us-east-1", endpoint_url=endpoint, aws_access_key_id="k",
                                  aws_secret_access_key="s", read_timeout=70.0)
    yield client
    client.close()


def test_activity_round_trip_through_layer1(flow, l1):  # type: ignore[no-untyped-def]
    run = l1.start_workflow_execution(domain=flow.domain, workflow_id="l1-wf",
                                      workflow_type={"name": "wf", "version": "1"}, input="in")
    execution = {"workflowId": "l1-wf", "runId": run["runId"]}
    task = l1.poll_for_decision_task(domain=flow.domain, task_list={"name": "decisions"}, identity="l1")
    assert task["workflowExecution"] == execution and task["startedEventId"] == 3
    l1.respond_decision_task_completed(task_token=task["taskToken"], decisions=[flow.schedule("a1", input="x")])
    activity = l1.poll_for_activity_task(domain=flow.domain, task_list={"name": "activities"})
    assert activity["activityId"] == "a1" and activity["input"] == "x"
    l1.respond_activity_task_completed(task_token=activity["taskToken"], result="y")
    task = l1.poll_for_decision_task(domain=flow.domain, task_list={"name": "decisions"})
    l1.respond_decision_task_completed(task_token=task["taskToken"], decisions=[
        flow.decision("CompleteWorkflowExecution", result="z")])
    pages = list(l1.paginate("GetWorkflowExecutionHistory", domain=flow.domain, execution=execution,
                             maximum_page_size=4))
    assert len(pages) == 3
    types = [e["eventType"] for p in pages for e in p["events"]]
    assert types == flow.types(execution) and types[-1] == "WorkflowExecutionCompleted"


def test_layer1_sees_faults_as_swfkit_exceptions(flow, l1):  # type: ignore[no-untyped-def]
    with pytest.raises(exceptions.UnknownResourceFault):
        l1.describe_domain(name="ghost-domain")
    with pytest.raises(exceptions.DomainAlreadyExistsFault):
        l1.register_domain(name=flow.domain, workflow_execution_retention_period_in_days="1")
    empty = l1.poll_for_activity_task(domain=flow.domain, task_list={"name": "nothing"})
    assert not empty.get("taskToken")
