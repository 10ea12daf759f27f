"""Cancellation on the embedded server: an activity cancelled by the workflow, a workflow cancelled from outside."""
from __future__ import annotations

import time
from typing import Any

from conftest import attributes, event_types
from embedded_run import DOMAIN, actors_running, client, events_of
from swfkit import futures
from swfkit.actors import ensure_registered


@futures.activity(task_list="nobody-polls-this", start_to_close_timeout=30)
def never_started(x: int) -> int:
    return x


@futures.activity(task_list="cancel-work", start_to_close_timeout=30)
def quick(x: int) -> int:
    return x


@futures.workflow(name="cancels_an_activity", task_list="cancel-decisions")
class CancelsAnActivity:
    def run(self) -> str:
        slow = self.submit(never_started, 1)
        timer = self.timer(1)
        done, _ = futures.wait(slow, timer, return_when=futures.FIRST_COMPLETED)
        assert done == [timer]
        assert slow.cancel() is True
        return "cancelled after %s" % self.submit(quick, 2).result()


@futures.workflow(name="waits_forever", task_list="cancel-decisions")
class WaitsForever:
    def run(self) -> Any:
        return self.wait_signal("never").result()


def wait_closed(swf: Any, execution: Any, timeout: float = 20.0) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = events_of(swf, execution)
        if events and events[-1]["eventType"].startswith("WorkflowExecution") and \
                events[-1]["eventType"] not in ("WorkflowExecutionStarted", "WorkflowExecutionSignaled",
                                                "WorkflowExecutionCancelRequested"):
            return events
        time.sleep(0.05)
    raise AssertionError("still open: %s" % event_types(events_of(swf, execution)))


def test_cancelling_a_scheduled_activity_on_the_server(swf_endpoint: str) -> None:
    swf = client(swf_endpoint)
    ensure_registered(swf, DOMAIN, activity_types=[never_started.swfkit_activity])  # registered, never polled
    with actors_running(swf_endpoint, [CancelsAnActivity], [quick], worker_threads=1):
        run_id = swf.start_workflow_execution(domain=DOMAIN, workflow_id="cancel-act",
                                              workflow_type={"name": "cancels_an_activity", "version": "1"})["runId"]
        events = wait_closed(swf, {"workflowId": "cancel-act", "runId": run_id})
    types = event_types(events)
    assert types[-1] == "WorkflowExecutionCompleted"
    assert attributes(events[-1])["result"] == '"cancelled after 2"'
    assert "ActivityTaskCancelRequested" in types and "ActivityTaskCanceled" in types
    assert [attributes(e)["activityId"] for e in events if e["eventType"] == "ActivityTaskCancelRequested"] == \
        ["1-never_started"]


def test_a_cancel_request_cancels_the_execution(swf_endpoint: str) -> None:
    swf = client(swf_endpoint)
    with actors_running(swf_endpoint, [WaitsForever], [quick], worker_threads=1):
        run_id = swf.start_workflow_execution(domain=DOMAIN, workflow_id="cancel-wf",
                                              workflow_type={"name": "waits_forever", "version": "1"})["runId"]
        execution = {"workflowId": "cancel-wf", "runId": run_id}
        deadline = time.monotonic() + 10
        while "DecisionTaskCompleted" not in event_types(events_of(swf, execution)) and time.monotonic() < deadline:
            time.sleep(0.05)
        swf.request_cancel_workflow_execution(domain=DOMAIN, workflow_id="cancel-wf", run_id=run_id)
        events = wait_closed(swf, execution)
    assert events[-1]["eventType"] == "WorkflowExecutionCanceled"
