"""Tests of the order workflow, written with swfkit's pytest plugin (swf_server, swf_env, swf_domain)."""
from __future__ import annotations

import json
from datetime import timedelta

import boto3

from orders.decider import decide, order_input, poll_and_decide
from orders.registration import WORKFLOW, register_types
from orders.worker import poll_and_work
from swfkit.testing import mock_swf


def start_order(swf, domain: str, order_id: str) -> str:
    register_types(swf, domain)
    return swf.start_workflow_execution(domain=domain, workflowId=order_id, workflowType=WORKFLOW,
                                        input=order_input(order_id, 42))["runId"]


def history(swf, domain: str, order_id: str, run_id: str):
    return swf.get_workflow_execution_history(domain=domain, execution={"workflowId": order_id, "runId": run_id})["events"]


def test_the_first_decision_schedules_the_charge() -> None:
    started = {"eventType": "WorkflowExecutionStarted", "workflowExecutionStartedEventAttributes": {"input": "{}"}}
    assert [d["decisionType"] for d in decide([started])] == ["ScheduleActivityTask"]


def test_registration_on_the_shared_server(swf_env, swf_domain) -> None:
    swf = boto3.client("swf")
    register_types(swf, swf_domain)
    types = swf.list_workflow_types(domain=swf_domain, registrationStatus="REGISTERED")["typeInfos"]
    assert [t["workflowType"] for t in types] == [WORKFLOW]


def test_an_order_completes_a_week_after_the_charge(swf_server, swf_env, swf_domain) -> None:
    swf = boto3.client("swf")
    run_id = start_order(swf, swf_domain, "order-1")
    assert poll_and_decide(swf, swf_domain)        # schedules the charge
    assert poll_and_work(swf, swf_domain)          # charges
    assert poll_and_decide(swf, swf_domain)        # starts the 7-day timer
    swf_server.clock.advance(timedelta(days=7))    # the timer fires now
    assert poll_and_decide(swf, swf_domain)        # completes
    events = history(swf, swf_domain, "order-1", run_id)
    assert events[-1]["eventType"] == "WorkflowExecutionCompleted"
    result = json.loads(events[-1]["workflowExecutionCompletedEventAttributes"]["result"])
    assert result == {"order_id": "order-1", "charged": 42, "currency": "EUR"}
    fired = next(e for e in events if e["eventType"] == "TimerFired")
    assert fired["eventTimestamp"] - events[0]["eventTimestamp"] >= timedelta(days=7)


def test_a_charge_that_never_finishes_times_out_after_an_hour(swf_server, swf_env, swf_domain) -> None:
    swf = boto3.client("swf")
    run_id = start_order(swf, swf_domain, "order-2")
    assert poll_and_decide(swf, swf_domain)
    task = swf.poll_for_activity_task(domain=swf_domain, taskList={"name": "order-activities"})
    assert task["taskToken"]                       # a worker took it... and crashed
    swf_server.clock.advance(timedelta(hours=1))
    assert poll_and_decide(swf, swf_domain)
    events = history(swf, swf_domain, "order-2", run_id)
    timed_out = next(e for e in events if e["eventType"] == "ActivityTaskTimedOut")
    assert timed_out["activityTaskTimedOutEventAttributes"]["timeoutType"] == "START_TO_CLOSE"
    assert events[-1]["eventType"] == "WorkflowExecutionFailed"


@mock_swf                                          # was: @moto.mock_aws
def test_the_same_with_mock_swf() -> None:
    swf = boto3.client("swf")
    swf.register_domain(name="orders", workflowExecutionRetentionPeriodInDays="1")
    run_id = start_order(swf, "orders", "order-3")
    assert poll_and_decide(swf, "orders") and poll_and_work(swf, "orders") and poll_and_decide(swf, "orders")
    assert history(swf, "orders", "order-3", run_id)[-1]["eventType"] == "TimerStarted"
