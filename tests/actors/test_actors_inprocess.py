"""Decider and Worker against the embedded server, each polling in a thread of the test process."""
from __future__ import annotations

import json
import logging
import time
from typing import Any

import pytest

from conftest import running
from sample_actors import BrokenDecider, CancelDecider, DOMAIN, FanOutDecider, RecordingDecider, SampleWorker
from swfkit.actors import Worker
from swfkit.actors.failures import TRUNCATION_MARKER
from workflow_runs import attributes, events, of_type, start, wait_closed


def test_fan_out_runs_to_completion_with_json_results(registered: Any) -> None:
    decider, worker = RecordingDecider(registered), SampleWorker(registered)
    with running(decider), running(worker):
        execution = start(registered, "fan", {"count": 5, "activity": ["double", "1"], "input": 21})
        info = wait_closed(registered, execution)
    assert info["closeStatus"] == "COMPLETED"
    history = events(registered, execution)
    results = [json.loads(r) for r in json.loads(attributes(history[-1])["result"])]
    assert results == [{"index": i, "value": 42} for i in range(5)]
    assert len(of_type(history, "ActivityTaskCompleted")) == 5
    first = decider.seen[0]
    assert first.workflow_type == {"name": "fanout", "version": "1"}
    assert first.workflow_id == "fan" and first.run_id == execution["runId"]
    assert first.previous_started_event_id == 0 and first.started_event_id == 3
    assert json.loads(first.input)["count"] == 5
    assert [e.event_type for e in first.new_events] == ["WorkflowExecutionStarted", "DecisionTaskScheduled",
                                                          "DecisionTaskStarted"]
    last = decider.seen[-1]
    assert len(last.history) == last.started_event_id
    assert last.previous_started_event_id > 0
    assert all(e.event_id > last.previous_started_event_id for e in last.new_events)


def test_activity_exception_fails_the_task_with_type_and_cut_traceback(registered: Any) -> None:
    with running(FanOutDecider(registered)), running(SampleWorker(registered)):
        execution = start(registered, "boom", {"count": 1, "activity": ["boom", "1"], "attempts": 1})
        info = wait_closed(registered, execution)
    assert info["closeStatus"] == "FAILED"
    failed = attributes(of_type(events(registered, execution), "ActivityTaskFailed")[0])
    assert failed["reason"] == "ValueError"
    assert failed["details"].startswith("Traceback (most recent call last)")
    assert "ValueError: boom xxx" in failed["details"]
    assert len(failed["details"]) == 32_768 and failed["details"].endswith(TRUNCATION_MARKER)


def test_unknown_activity_type_fails_with_a_clear_reason(registered: Any) -> None:
    with running(FanOutDecider(registered)), running(SampleWorker(registered)):
        execution = start(registered, "unknown", {"count": 1, "activity": ["unknown", "1"], "attempts": 1})
        wait_closed(registered, execution)
    failed = attributes(of_type(events(registered, execution), "ActivityTaskFailed")[0])
    assert failed["reason"] == "UnknownActivityType"
    assert "unknown/1" in failed["details"] and "double/1" in failed["details"]


def test_registered_callables_and_do_override(registered: Any) -> None:
    worker = Worker(registered, DOMAIN, "workers")

    @worker.activity("double", "1")
    def double(input: str) -> str:
        return "plain %s" % json.loads(input)["input"]

    class Upper(Worker):
        def do(self, task: Any) -> str:
            return "do " + task.activity_id

    with running(FanOutDecider(registered)), running(worker):
        first = start(registered, "plain", {"count": 2, "activity": ["double", "1"], "input": 1})
        wait_closed(registered, first)
    with running(FanOutDecider(registered)), running(Upper(registered, DOMAIN, "workers")):
        second = start(registered, "override", {"count": 2, "activity": ["sleepy", "1"], "input": 1})
        wait_closed(registered, second)
    assert json.loads(attributes(events(registered, first)[-1])["result"]) == ["plain 1", "plain 1"]
    assert json.loads(attributes(events(registered, second)[-1])["result"]) == ["do a0", "do a1"]


def test_cancel_request_reaches_the_activity_and_answers_canceled(registered: Any) -> None:
    with running(CancelDecider(registered)), running(SampleWorker(registered)):
        execution = start(registered, "cancel", {})
        deadline = time.monotonic() + 10
        while not of_type(events(registered, execution), "ActivityTaskStarted"):
            assert time.monotonic() < deadline, "activity never started"
            time.sleep(0.05)
        registered.signal_workflow_execution(domain=DOMAIN, workflow_id="cancel", signal_name="cancel")
        info = wait_closed(registered, execution)
    history = events(registered, execution)
    assert info["closeStatus"] == "COMPLETED"
    assert attributes(history[-1])["result"] == "canceled: stopped at your request"
    assert of_type(history, "ActivityTaskCancelRequested") and of_type(history, "ActivityTaskCanceled")
    assert of_type(history, "ActivityTaskTimedOut") == []


def test_timed_out_task_result_is_dropped_with_a_log_line(registered: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="swfkit.actors")
    worker = SampleWorker(registered, heartbeat_interval=0.2)
    with running(FanOutDecider(registered)), running(worker):
        execution = start(registered, "late", {"count": 1, "activity": ["sleepy", "1"], "attempts": 1,
                                               "input": {"seconds": 2.0}, "start_to_close": 1})
        info = wait_closed(registered, execution)
        deadline = time.monotonic() + 5
        while "dropped" not in caplog.text and time.monotonic() < deadline:
            time.sleep(0.05)
    history = events(registered, execution)
    assert info["closeStatus"] == "FAILED"
    assert attributes(of_type(history, "ActivityTaskTimedOut")[0])["timeoutType"] == "START_TO_CLOSE"
    assert of_type(history, "ActivityTaskCompleted") == []
    assert "a0" in caplog.text and "dropped" in caplog.text


def test_decide_error_leaves_the_task_to_time_out_then_a_fixed_decider_completes(
        registered: Any, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.ERROR, logger="swfkit.actors")
    execution = start(registered, "broken", {"count": 1, "activity": ["double", "1"], "input": 1},
                      task_start_to_close="1")
    with running(BrokenDecider(registered)):
        deadline = time.monotonic() + 10
        while not of_type(events(registered, execution), "DecisionTaskTimedOut"):
            assert time.monotonic() < deadline, "decision task never timed out"
            time.sleep(0.05)
    assert "decide() failed for workflow broken run %s" % execution["runId"] in caplog.text
    assert "RuntimeError: decider bug for broken" in caplog.text
    with running(FanOutDecider(registered)), running(SampleWorker(registered)):
        info = wait_closed(registered, execution)
    assert info["closeStatus"] == "COMPLETED"


def test_decide_error_can_fail_the_workflow(registered: Any) -> None:
    with running(BrokenDecider(registered, on_decide_error="fail")):
        execution = start(registered, "failing", {"count": 1, "activity": ["double", "1"]})
        info = wait_closed(registered, execution)
    assert info["closeStatus"] == "FAILED"
    failed = attributes(events(registered, execution)[-1])
    assert failed["reason"] == "RuntimeError"
    assert "decider bug for failing" in failed["details"]


def test_ensure_registered_is_idempotent_and_keeps_defaults(registered: Any) -> None:
    SampleWorker(registered).ensure_registered()   # everything exists already: no error
    FanOutDecider(registered).ensure_registered()
    described = registered.describe_activity_type(domain=DOMAIN, activity_type={"name": "double", "version": "1"})
    assert described["configuration"]["defaultTaskStartToCloseTimeout"] == "30"
    assert described["configuration"]["defaultTaskList"] == {"name": "workers"}
    domains = registered.list_domains(registration_status="REGISTERED")["domainInfos"]
    assert [d["name"] for d in domains] == [DOMAIN]


def test_stop_after_tasks_and_run_once(registered: Any) -> None:
    decider = FanOutDecider(registered)
    assert decider.run_once() is False            # nothing to decide: an empty long poll
    execution = start(registered, "once", {"count": 3, "activity": ["double", "1"], "input": 1})
    assert decider.run(stop_after_tasks=1) == 1
    assert SampleWorker(registered).run(stop_after_tasks=2) == 2
    # answers sent in the background are all out when run() returns
    assert len(of_type(events(registered, execution), "ActivityTaskCompleted")) == 2
    assert SampleWorker(registered, pipelined_answers=False).run(stop_after_tasks=1) == 1
    assert len(of_type(events(registered, execution), "ActivityTaskCompleted")) == 3


def test_heartbeater_learns_cancellation_then_loss(registered: Any) -> None:
    from swfkit.actors import ActivityCanceled, ActivityTask, ActivityTaskLost, Heartbeater

    with running(CancelDecider(registered)):
        execution = start(registered, "heartbeat", {})
        deadline = time.monotonic() + 10
        response: dict = {}
        while not response.get("taskToken"):
            assert time.monotonic() < deadline, "no activity task"
            response = registered.poll_for_activity_task(domain=DOMAIN, task_list={"name": "workers"})
        task = ActivityTask.from_response(response, registered)
        with Heartbeater(registered, task, interval=0.1) as heartbeater:
            assert task.heartbeat("step 1") is False
            registered.signal_workflow_execution(domain=DOMAIN, workflow_id="heartbeat", signal_name="cancel")
            while not heartbeater.cancel_requested:
                assert time.monotonic() < deadline, "cancellation never seen"
                time.sleep(0.05)
            with pytest.raises(ActivityCanceled):
                task.check_canceled()
            registered.terminate_workflow_execution(domain=DOMAIN, workflow_id="heartbeat")
            while not heartbeater.lost:
                assert time.monotonic() < deadline, "loss never seen"
                time.sleep(0.05)
            with pytest.raises(ActivityTaskLost):
                task.check_canceled()
        assert heartbeater._thread is not None and not heartbeater._thread.is_alive()
    assert execution["workflowId"] == "heartbeat"


def test_identity_reported_to_swf_merges_swfkit_identity(registered: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWFKIT_IDENTITY", '{"fleet": "batch"}')
    with running(FanOutDecider(registered)), running(SampleWorker(registered)):
        execution = start(registered, "identity", {"count": 1, "activity": ["double", "1"], "input": 1})
        wait_closed(registered, execution)
    history = events(registered, execution)
    identity = json.loads(attributes(of_type(history, "ActivityTaskStarted")[0])["identity"])
    assert identity["fleet"] == "batch" and identity["pid"] > 0 and identity["hostname"]
    explicit = SampleWorker(registered, identity="worker-7")
    assert explicit.identity == "worker-7"


def test_decide_may_return_a_plain_list_and_set_an_execution_context(registered: Any) -> None:
    from swfkit.actors import Decider, DecisionTask
    from swfkit.decisions import complete_workflow_execution

    class Listing(Decider):
        def decide(self, task: DecisionTask) -> list:
            if not task.state.signals:
                return None  # type: ignore[return-value]  # nothing to do yet
            return [complete_workflow_execution(result="after %s" % task.state.signals[0].name)]

        def execution_context(self, task: DecisionTask) -> str:
            return "seen %d events" % len(task.history)

    decider = Listing(registered, DOMAIN, "deciders")
    execution = start(registered, "listing", {})
    assert decider.run_once()
    registered.signal_workflow_execution(domain=DOMAIN, workflow_id="listing", signal_name="go")
    assert decider.run_once()
    history = events(registered, execution)
    assert attributes(history[-1])["result"] == "after go"
    contexts = [attributes(e).get("executionContext") for e in of_type(history, "DecisionTaskCompleted")]
    assert contexts == ["seen 3 events", "seen 7 events"]
