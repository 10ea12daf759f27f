"""Activity types registered by ``@activity`` schedule with no timeouts in the decision, and a refused
decision is logged once and handed to ``decide`` (issue 13, item 1)."""
from __future__ import annotations

import json
import logging
import time
from typing import Any, List

import pytest
from conftest import running

from swfkit.actors import Decider, Worker, WorkflowTypeRegistration, activity, ensure_registered
from swfkit.actors.decision_failures import DecisionFailure, decision_failures
from swfkit.decisions import Decisions
from swfkit.history import History

DOMAIN = "failures"
FLOW = WorkflowTypeRegistration("flow", "1", task_list="main", execution_start_to_close_timeout=60,
                                task_start_to_close_timeout=10, child_policy="TERMINATE")


class Steps(Worker):
    domain, task_list = DOMAIN, "workers"

    @activity("step", "1", start_to_close_timeout=60)  # as in the README: nothing else given
    def step(self, input: str) -> str:
        return input.upper()


class Tour(Decider):
    """Schedules ``input["type"]`` with only a task list (as the README does) and completes with its
    result; fails the execution naming a refused decision."""

    domain, task_list = DOMAIN, "main"
    seen: List[Any] = []

    def decide(self, task: Any) -> Decisions:
        decisions = Decisions()
        type(self).seen.append(task.decision_failures)
        if task.decision_failures:
            failure = task.decision_failures[0]
            decisions.fail_workflow_execution(reason=failure.cause, details=str(failure))
            return decisions
        activity_state = task.state.activities.get("a")
        if activity_state is None:
            name = json.loads(task.input)["type"]
            decisions.schedule_activity_task("a", (name, "1"), input="hello", task_list="workers")
        elif activity_state.status == "completed":
            decisions.complete_workflow_execution(result=activity_state.result)
        return decisions


def test_activity_registers_every_timeout_and_the_worker_task_list() -> None:
    registration = Steps.step._swfkit_activity.registration  # type: ignore[attr-defined]
    assert (registration.start_to_close_timeout, registration.schedule_to_start_timeout,
            registration.schedule_to_close_timeout, registration.heartbeat_timeout) == (60, "NONE", "NONE", "NONE")
    worker = Worker.__new__(Worker)
    worker.task_list, worker.activities = "w", {}

    def plain(input: str) -> str:
        return input

    worker.register(plain, heartbeat_timeout=30)
    [registered] = worker.activity_types()
    assert registered.task_list == "w" and registered.heartbeat_timeout == 30
    assert registered.start_to_close_timeout == 3600


def _run(client: Any, workflow_id: str, activity_type: str) -> List[Any]:
    run = client.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id,
                                          workflow_type={"name": "flow", "version": "1"},
                                          input=json.dumps({"type": activity_type}))
    execution = {"workflowId": workflow_id, "runId": run["runId"]}
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        info = client.describe_workflow_execution(domain=DOMAIN, execution=execution)["executionInfo"]
        if info["executionStatus"] == "CLOSED":
            return list(History.for_execution(client, DOMAIN, execution))
        time.sleep(0.1)
    raise AssertionError("execution still open")


def test_the_readme_tour_schedules_and_completes(client: Any) -> None:
    Tour.seen = []
    ensure_registered(client, DOMAIN, workflow_types=[FLOW])
    Steps(client).ensure_registered()
    with running(Tour(client)), running(Steps(client)):
        events = _run(client, "tour", "step")
    assert events[-1].event_type == "WorkflowExecutionCompleted" and events[-1].result == "HELLO"
    assert not [e for e in events if e.event_type.endswith("Failed")]


def test_a_refused_decision_is_logged_once_and_given_to_decide(client: Any, caplog: pytest.LogCaptureFixture) -> None:
    Tour.seen = []
    caplog.set_level(logging.WARNING, logger="swfkit.actors")
    ensure_registered(client, DOMAIN, workflow_types=[FLOW])
    with running(Tour(client)):
        events = _run(client, "refused", "no-such-type")
    assert events[-1].event_type == "WorkflowExecutionFailed"
    assert events[-1].reason == "ACTIVITY_TYPE_DOES_NOT_EXIST"
    [failure] = [f for seen in Tour.seen for f in seen]
    assert failure.decision == "ScheduleActivityTask" and failure.target == "a"
    warnings = [r.getMessage() for r in caplog.records if "ScheduleActivityTask a failed" in r.getMessage()]
    assert len(warnings) == 1 and "ACTIVITY_TYPE_DOES_NOT_EXIST" in warnings[0] and "refused" in warnings[0]


def test_decision_failures_reads_every_refused_decision_type() -> None:
    raw = [
        {"eventId": 5, "eventType": "StartTimerFailed", "eventTimestamp": 0,
         "startTimerFailedEventAttributes": {"timerId": "t", "cause": "TIMER_ID_ALREADY_IN_USE",
                                             "decisionTaskCompletedEventId": 4}},
        {"eventId": 6, "eventType": "CompleteWorkflowExecutionFailed", "eventTimestamp": 0,
         "completeWorkflowExecutionFailedEventAttributes": {"cause": "UNHANDLED_DECISION",
                                                            "decisionTaskCompletedEventId": 4}},
        {"eventId": 7, "eventType": "ActivityTaskFailed", "eventTimestamp": 0,  # an activity's failure: not a decision's
         "activityTaskFailedEventAttributes": {"scheduledEventId": 1, "startedEventId": 2, "reason": "x"}},
    ]
    events = History.from_events(raw)
    assert decision_failures(events) == (
        DecisionFailure(5, "StartTimer", "TIMER_ID_ALREADY_IN_USE", "t", 4),
        DecisionFailure(6, "CompleteWorkflowExecution", "UNHANDLED_DECISION", None, 4),
    )
