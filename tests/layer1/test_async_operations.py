"""Every one of the 39 operations through ``AsyncLayer1`` against the embedded server; the
generated coroutine methods match ``Layer1``'s methods name for name and argument for argument."""
from __future__ import annotations

import asyncio
import inspect
import json
from typing import Any, Dict, List, Mapping

import pytest

from swfkit.exceptions import (DomainAlreadyExistsFault, TypeDeprecatedFault, UnknownResourceFault,
                               WorkflowExecutionAlreadyStartedFault)
from swfkit.layer1 import AsyncLayer1, Layer1
from swfkit.layer1.call_interceptors import CallInterceptor, CallOutcome
from swfkit.spec import OPERATIONS

from tests.conftest import TEST_REGION

pytest.importorskip("aiohttp")

DOMAIN = "async-ops"
WORKFLOW = {"name": "order", "version": "1"}
ACTIVITY = {"name": "charge", "version": "1"}


class Seen(CallInterceptor):
    """Records the operations sent (to prove all 39 were)."""

    def __init__(self) -> None:
        self.operations: List[str] = []

    def after_call(self, outcome: CallOutcome, state: Any) -> None:
        self.operations.append(outcome.operation)


def test_every_method_is_a_coroutine_with_the_sync_signature() -> None:
    for spec in OPERATIONS.values():
        method = getattr(AsyncLayer1, spec["method"])
        assert inspect.iscoroutinefunction(method), spec["method"]
        assert inspect.signature(method) == inspect.signature(getattr(Layer1, spec["method"])), spec["method"]
        assert method.__doc__ == getattr(Layer1, spec["method"]).__doc__


def _schedule(activity_id: str) -> Dict[str, Any]:
    return {"decisionType": "ScheduleActivityTask",
            "scheduleActivityTaskDecisionAttributes": {"activityType": ACTIVITY, "activityId": activity_id,
                                                       "input": activity_id}}


async def _decide(swf: AsyncLayer1, decisions: List[Mapping[str, Any]]) -> Dict[str, Any]:
    task = await swf.poll_for_decision_task(domain=DOMAIN, task_list={"name": "deciders"}, identity="d")
    assert task.get("taskToken"), task
    await swf.respond_decision_task_completed(task_token=task["taskToken"], decisions=decisions)
    return task


async def every_operation(swf: AsyncLayer1) -> None:
    await swf.register_domain(name=DOMAIN, workflow_execution_retention_period_in_days="1", description="async")
    with pytest.raises(DomainAlreadyExistsFault):
        await swf.register_domain(name=DOMAIN, workflow_execution_retention_period_in_days="1")
    described = await swf.describe_domain(name=DOMAIN)
    arn = described["domainInfo"]["arn"]
    assert described["domainInfo"]["description"] == "async"
    assert DOMAIN in [d["name"] for d in (await swf.list_domains(registration_status="REGISTERED"))["domainInfos"]]
    await swf.tag_resource(resource_arn=arn, tags=[{"key": "team", "value": "a"}, {"key": "x", "value": "y"}])
    await swf.untag_resource(resource_arn=arn, tag_keys=["x"])
    assert (await swf.list_tags_for_resource(resource_arn=arn))["tags"] == [{"key": "team", "value": "a"}]

    await swf.register_workflow_type(domain=DOMAIN, default_task_list={"name": "deciders"}, default_child_policy="TERMINATE",
                                     default_execution_start_to_close_timeout="600",
                                     default_task_start_to_close_timeout="30", **WORKFLOW)
    await swf.register_activity_type(domain=DOMAIN, default_task_list={"name": "workers"},
                                     default_task_heartbeat_timeout="NONE",
                                     default_task_schedule_to_close_timeout="60",
                                     default_task_schedule_to_start_timeout="30",
                                     default_task_start_to_close_timeout="30", **ACTIVITY)
    assert (await swf.describe_workflow_type(domain=DOMAIN, workflow_type=WORKFLOW))["typeInfo"]["status"] == "REGISTERED"
    assert (await swf.describe_activity_type(domain=DOMAIN, activity_type=ACTIVITY))["typeInfo"]["status"] == "REGISTERED"
    assert len((await swf.list_workflow_types(domain=DOMAIN, registration_status="REGISTERED"))["typeInfos"]) == 1
    assert len((await swf.list_activity_types(domain=DOMAIN, registration_status="REGISTERED"))["typeInfos"]) == 1

    run = await swf.start_workflow_execution(domain=DOMAIN, workflow_id="order-1", workflow_type=WORKFLOW, input="{}")
    with pytest.raises(WorkflowExecutionAlreadyStartedFault):
        await swf.start_workflow_execution(domain=DOMAIN, workflow_id="order-1", workflow_type=WORKFLOW)
    execution = {"workflowId": "order-1", "runId": run["runId"]}
    assert (await swf.count_pending_decision_tasks(domain=DOMAIN, task_list={"name": "deciders"}))["count"] == 1
    await _decide(swf, [_schedule("a1"), _schedule("a2"), _schedule("a3")])
    assert (await swf.count_pending_activity_tasks(domain=DOMAIN, task_list={"name": "workers"}))["count"] == 3

    tasks = {}
    for _ in range(3):
        task = await swf.poll_for_activity_task(domain=DOMAIN, task_list={"name": "workers"}, identity="w")
        tasks[task["activityId"]] = task["taskToken"]
    assert (await swf.record_activity_task_heartbeat(task_token=tasks["a1"], details="half"))["cancelRequested"] is False
    await swf.respond_activity_task_completed(task_token=tasks["a1"], result="charged")
    with pytest.raises(UnknownResourceFault):  # a respond sent again after a lost reply
        await swf.respond_activity_task_completed(task_token=tasks["a1"], result="charged")
    await swf.respond_activity_task_failed(task_token=tasks["a2"], reason="card declined", details="x")
    await swf.signal_workflow_execution(domain=DOMAIN, workflow_id="order-1", signal_name="nudge", input="1")
    await _decide(swf, [{"decisionType": "RequestCancelActivityTask",
                         "requestCancelActivityTaskDecisionAttributes": {"activityId": "a3"}}])
    assert (await swf.record_activity_task_heartbeat(task_token=tasks["a3"]))["cancelRequested"] is True
    await swf.respond_activity_task_canceled(task_token=tasks["a3"], details="stopped")

    described = await swf.describe_workflow_execution(domain=DOMAIN, execution=execution)
    assert described["executionInfo"]["executionStatus"] == "OPEN"
    window = {"oldestDate": 0}
    assert (await swf.count_open_workflow_executions(domain=DOMAIN, start_time_filter=window))["count"] == 1
    opened = await swf.list_open_workflow_executions(domain=DOMAIN, start_time_filter=window)
    assert [info["execution"]["workflowId"] for info in opened["executionInfos"]] == ["order-1"]
    await swf.request_cancel_workflow_execution(domain=DOMAIN, workflow_id="order-1")
    await swf.terminate_workflow_execution(domain=DOMAIN, workflow_id="order-1", reason="test over")
    assert (await swf.count_closed_workflow_executions(domain=DOMAIN, start_time_filter=window))["count"] == 1
    closed = await swf.list_closed_workflow_executions(domain=DOMAIN, start_time_filter=window)
    assert [info["closeStatus"] for info in closed["executionInfos"]] == ["TERMINATED"]
    history = await swf.get_workflow_execution_history(domain=DOMAIN, execution=execution)
    types = [event["eventType"] for event in history["events"]]
    assert types[0] == "WorkflowExecutionStarted" and types[-1] == "WorkflowExecutionTerminated"
    assert {"ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskCanceled", "WorkflowExecutionSignaled",
            "WorkflowExecutionCancelRequested"} <= set(types)

    await swf.deprecate_activity_type(domain=DOMAIN, activity_type=ACTIVITY)
    await swf.undeprecate_activity_type(domain=DOMAIN, activity_type=ACTIVITY)
    await swf.deprecate_activity_type(domain=DOMAIN, activity_type=ACTIVITY)
    await swf.delete_activity_type(domain=DOMAIN, activity_type=ACTIVITY)
    await swf.deprecate_workflow_type(domain=DOMAIN, workflow_type=WORKFLOW)
    with pytest.raises(TypeDeprecatedFault):
        await swf.start_workflow_execution(domain=DOMAIN, workflow_id="order-2", workflow_type=WORKFLOW)
    await swf.undeprecate_workflow_type(domain=DOMAIN, workflow_type=WORKFLOW)
    await swf.deprecate_workflow_type(domain=DOMAIN, workflow_type=WORKFLOW)
    await swf.delete_workflow_type(domain=DOMAIN, workflow_type=WORKFLOW)
    with pytest.raises(UnknownResourceFault):
        await swf.describe_workflow_type(domain=DOMAIN, workflow_type=WORKFLOW)
    await swf.deprecate_domain(name=DOMAIN)
    await swf.undeprecate_domain(name=DOMAIN)
    assert (await swf.describe_domain(name=DOMAIN))["domainInfo"]["status"] == "REGISTERED"


def test_every_operation_against_the_embedded_server(swf_endpoint: str) -> None:
    seen = Seen()

    async def main() -> None:
        async with AsyncLayer1(region=TEST_REGION, endpoint_url=swf_endpoint, interceptors=[seen]) as swf:
            await every_operation(swf)

    asyncio.run(main())
    assert set(seen.operations) == set(OPERATIONS) and len(OPERATIONS) == 39


def test_the_answers_are_those_of_the_sync_client(swf_endpoint: str) -> None:
    sync = Layer1(region=TEST_REGION, endpoint_url=swf_endpoint)
    sync.register_domain(name="same", workflow_execution_retention_period_in_days="3", description="d")

    async def main() -> Any:
        async with AsyncLayer1(region=TEST_REGION, endpoint_url=swf_endpoint) as swf:
            return await swf.describe_domain(name="same"), await swf.call("ListDomains", {"registrationStatus": "REGISTERED"})

    described, listed = asyncio.run(main())
    assert described == sync.describe_domain(name="same")
    assert listed == sync.list_domains(registration_status="REGISTERED")
    assert json.dumps(described)
