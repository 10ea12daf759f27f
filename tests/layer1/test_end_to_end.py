"""A whole workflow through Layer1 and the models against real servers on a free 127.0.0.1 port:
the embedded swfkit server, and moto's ThreadedMotoServer as an independent peer."""
from __future__ import annotations

import datetime
import json
import socket
from typing import Iterator

import pytest

from swfkit.exceptions import TypeAlreadyExistsFault, UnknownResourceFault, WorkflowExecutionAlreadyStartedFault
from swfkit.layer1 import Layer1
from swfkit.models import Domain

from tests.conftest import TEST_ACCESS_KEY, TEST_REGION, TEST_SECRET_KEY


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def moto_endpoint() -> Iterator[str]:
    moto_server = pytest.importorskip("moto.server")
    port = free_port()
    server = moto_server.ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield "http://127.0.0.1:%d" % port
    finally:
        server.stop()


def run_workflow(swf: Layer1) -> None:
    domain, created = Domain.objects(swf).get_or_create("e2e", retention=1, description="end to end")
    assert created and domain.name == "e2e"
    assert Domain.objects(swf).get_or_create("e2e")[1] is False
    assert "e2e" in [d.name for d in Domain.objects(swf).all()]

    flow = domain.workflow_types.create(
        "order", "1", default_task_list="deciders", default_child_policy="TERMINATE",
        default_execution_start_to_close_timeout=datetime.timedelta(minutes=10),
        default_task_start_to_close_timeout=datetime.timedelta(seconds=30))
    with pytest.raises(TypeAlreadyExistsFault):
        domain.workflow_types.create("order", "1")
    assert domain.workflow_types.get("order", "1").default_execution_start_to_close_timeout == datetime.timedelta(minutes=10)
    activity, _ = domain.activity_types.get_or_create(
        "charge", "1", default_task_list="workers", default_task_heartbeat_timeout="NONE",
        default_task_schedule_to_close_timeout=datetime.timedelta(seconds=60),
        default_task_schedule_to_start_timeout=datetime.timedelta(seconds=30),
        default_task_start_to_close_timeout=datetime.timedelta(seconds=30))

    run = flow.start("order-1", input=json.dumps({"amount": 3}))
    with pytest.raises(WorkflowExecutionAlreadyStartedFault):
        flow.start("order-1")
    assert [e.workflow_id for e in domain.executions.all()] == ["order-1"]

    decision = swf.poll_for_decision_task(domain="e2e", task_list={"name": "deciders"}, identity="decider")
    assert decision["taskToken"] and decision["workflowExecution"]["runId"] == run.run_id
    assert [e["eventType"] for e in decision["events"]][:1] == ["WorkflowExecutionStarted"]
    swf.respond_decision_task_completed(task_token=decision["taskToken"], decisions=[{
        "decisionType": "ScheduleActivityTask",
        "scheduleActivityTaskDecisionAttributes": {"activityType": activity.to_wire(), "activityId": "charge-1",
                                                   "input": "3"}}])

    task = swf.poll_for_activity_task(domain="e2e", task_list={"name": "workers"}, identity="worker")
    assert task["activityId"] == "charge-1" and task["input"] == "3"
    swf.respond_activity_task_completed(task_token=task["taskToken"], result="charged")
    with pytest.raises(UnknownResourceFault):  # a respond sent again after a lost reply
        swf.respond_activity_task_completed(task_token=task["taskToken"], result="charged")

    decision = swf.poll_for_decision_task(domain="e2e", task_list={"name": "deciders"}, identity="decider")
    assert "ActivityTaskCompleted" in [e["eventType"] for e in decision["events"]]
    swf.respond_decision_task_completed(task_token=decision["taskToken"], decisions=[{
        "decisionType": "CompleteWorkflowExecution",
        "completeWorkflowExecutionDecisionAttributes": {"result": "done"}}])

    run.refresh()
    assert (run.status, run.close_status) == ("CLOSED", "COMPLETED")
    assert run.workflow_type == flow
    events = [e["eventType"] for e in run.history()]
    assert events[0] == "WorkflowExecutionStarted" and events[-1] == "WorkflowExecutionCompleted"
    assert "ActivityTaskCompleted" in events
    closed = list(domain.executions.filter(closed=True))
    assert [(e.workflow_id, e.close_status) for e in closed] == [("order-1", "COMPLETED")]


def test_workflow_on_the_embedded_server(layer1: Layer1) -> None:
    run_workflow(layer1)


@pytest.mark.moto
def test_workflow_on_moto(moto_endpoint: str) -> None:
    with Layer1(region=TEST_REGION, endpoint_url=moto_endpoint, aws_access_key_id=TEST_ACCESS_KEY,
                aws_secret_access_key=TEST_SECRET_KEY, max_attempts=1) as swf:
        run_workflow(swf)
