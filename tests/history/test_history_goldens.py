"""Golden histories recorded from the embedded server (tests/history/record_goldens.py), folded."""
from __future__ import annotations

from typing import Callable, Dict

import pytest

from history_wire import GOLDEN_DIR, golden
from swfkit.history import ExecutionState, History, fold, parse_event


def check_activity_round_trip(state: ExecutionState) -> None:
    assert state.execution.close_status == "COMPLETED" and state.execution.result == '{"n": 3}'
    assert state.execution.input == '{"n": 1}' and state.execution.tag_list == ["golden"]
    assert [(a.activity_id, a.status, a.result) for a in state.activities.values()] == [
        ("step-1", "completed", '{"n": 2}'), ("step-2", "completed", '{"n": 3}')]
    assert state.decision_tasks[2].execution_context == "after-start"


def check_timers_and_markers(state: ExecutionState) -> None:
    assert {timer_id: t.status for timer_id, t in state.timers.items()} == {"short": "canceled", "long": "canceled"}
    assert [m.details for m in state.markers["progress"]] == ["1", "2", "3"]
    assert [(f.event_type, f.cause, f.target) for f in state.decision_failures] == [
        ("StartTimerFailed", "TIMER_ID_ALREADY_IN_USE", "short"),
        ("CancelTimerFailed", "TIMER_ID_UNKNOWN", "never-started")]


def check_signals(state: ExecutionState) -> None:
    assert [(s.name, s.input) for s in state.signals] == [("go", "1"), ("go", "2"), ("stop", None)]
    assert [(f.event_type, f.cause) for f in state.decision_failures] == [
        ("CompleteWorkflowExecutionFailed", "UNHANDLED_DECISION")]
    assert state.execution.result == "stopped"


def check_child_workflows(state: ExecutionState) -> None:
    children = state.children
    assert (children["child-ok"].status, children["child-ok"].result, children["child-ok"].control) == (
        "completed", "child result", "first")
    assert children["child-ok"].run_id
    assert (children["child-bad"].status, children["child-bad"].reason) == ("failed", "child broke")
    assert (children["child-unknown"].status, children["child-unknown"].cause) == (
        "start_failed", "WORKFLOW_TYPE_DOES_NOT_EXIST")
    assert state.open_children == {}


def check_continue_as_new_run1(state: ExecutionState) -> None:
    assert state.execution.close_status == "CONTINUED_AS_NEW" and state.execution.continued_as_new_run_id


def check_continue_as_new_run2(state: ExecutionState) -> None:
    first = fold(golden("continue_as_new_run1"))
    assert state.execution.continued_execution_run_id
    # run 2 names the run it continues (run 1); run 1 names the new run (run 2): two different ids
    assert first.execution.continued_as_new_run_id != state.execution.continued_execution_run_id
    assert state.execution.input == "page-2" and state.execution.close_status == "COMPLETED"
    assert state.latest_marker("page").details == "2"


def check_failures_and_timeouts(state: ExecutionState) -> None:
    fetch = state.activities["fetch"]
    assert (fetch.status, fetch.timeout_type, fetch.input, fetch.started_event_id) == (
        "timed_out", "SCHEDULE_TO_START", "try-2", 0)
    assert [(a.status, a.reason) for a in fetch.attempts] == [("failed", "TransientError")]
    assert (state.activities["bogus"].status, state.activities["bogus"].cause) == (
        "schedule_failed", "ACTIVITY_TYPE_DOES_NOT_EXIST")
    assert (state.execution.close_status, state.execution.reason) == ("FAILED", "gave up")


def check_cancellations(state: ExecutionState) -> None:
    assert state.activities["running"].status == "canceled" and state.activities["running"].details == "stopped at 50%"
    assert state.activities["running"].cancel_requested
    assert state.activities["waiting"].status == "canceled" and state.activities["waiting"].started_event_id == 0
    assert [(f.cause, f.target) for f in state.decision_failures] == [("ACTIVITY_ID_UNKNOWN", "ghost")]
    assert state.execution.cancel_requested and state.execution.close_status == "CANCELED"


def check_external_workflows(state: ExecutionState) -> None:
    by_target = {(e.workflow_id, e.signal_name): e.status for e in state.external_signals.values()}
    assert by_target == {("target", "hello"): "signaled", ("nobody", "hello"): "failed"}
    assert [c.status for c in state.external_cancel_requests.values()] == ["requested"]


def check_lambdas(state: ExecutionState) -> None:
    assert (state.lambdas["double-it"].status, state.lambdas["double-it"].result) == ("completed", "42")
    assert state.lambdas["explode"].status == "failed"
    assert state.execution.lambda_role


def check_terminated(state: ExecutionState) -> None:
    assert (state.execution.close_status, state.execution.reason) == ("TERMINATED", "operator")
    assert state.activities["slow"].status == "scheduled" and state.timers["tick"].status == "started"


def check_timed_out(state: ExecutionState) -> None:
    assert state.execution.close_status == "TIMED_OUT"
    assert [t.status for t in state.decision_tasks.values()] == ["timed_out", "scheduled"]
    assert not state.needs_decision  # the execution closed


CHECKS: Dict[str, Callable[[ExecutionState], None]] = {
    name[len("check_"):]: function for name, function in globals().items() if name.startswith("check_")}


def test_every_golden_file_has_checks() -> None:
    assert {path.stem for path in GOLDEN_DIR.glob("*.json")} == set(CHECKS)


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_golden_history_folds(name: str) -> None:
    events = golden(name)
    state = History.from_events(events).fold()
    assert state.last_event_id == len(events)
    CHECKS[name](state)
    typed = [parse_event(raw) for raw in events]
    assert fold(typed) == state  # typed events fold the same as wire dicts
    assert [event.to_dict() for event in typed] == events
