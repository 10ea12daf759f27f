"""The fold: per-entity lifecycles, derived views and integrity errors."""
from __future__ import annotations

import dataclasses

import pytest

from history_wire import Wire
from swfkit.exceptions import HistoryError, HistoryIntegrityError
from swfkit.history import ActivityState, ExecutionState, fold, parse_event
from swfkit.history.lifecycles import ACTIVITY, TABLES


def started_wire() -> Wire:
    wire = Wire()
    wire.start()
    return wire


def test_activity_round_trip_and_views() -> None:
    wire = started_wire()
    completed = wire.decide()
    scheduled = wire.schedule("a1", completed, input="payload")
    state = fold(wire.events)
    assert state.activities["a1"].status == "scheduled"
    assert state.open_activity_count == 1 and list(state.open_activities) == ["a1"]
    started = wire.add("ActivityTaskStarted", scheduledEventId=scheduled, identity="w-1")
    wire.add("ActivityTaskCompleted", scheduledEventId=scheduled, startedEventId=started, result="r")
    state = fold(wire.events)
    activity = state.activities["a1"]
    assert (activity.status, activity.input, activity.result, activity.identity) == ("completed", "payload", "r", "w-1")
    assert (activity.scheduled_event_id, activity.started_event_id, activity.closed_event_id) == (scheduled, started, started + 1)
    assert activity.activity_type == {"name": "a", "version": "1"} and activity.attempt == 1
    assert state.open_activity_count == 0 and not state.has_open_work
    assert state.needs_decision is False and state.decision_task is None
    wire.add("DecisionTaskScheduled", taskList={"name": "deciders"})
    assert fold(wire.events).needs_decision is True


def test_failed_and_timed_out_activities_keep_reason_details_and_timeout_type() -> None:
    wire = started_wire()
    completed = wire.decide()
    first = wire.schedule("f", completed)
    started = wire.add("ActivityTaskStarted", scheduledEventId=first)
    wire.add("ActivityTaskFailed", scheduledEventId=first, startedEventId=started, reason="Boom", details="trace")
    completed = wire.decide()
    second = wire.schedule("f", completed, input="again")
    started = wire.add("ActivityTaskStarted", scheduledEventId=second)
    wire.add("ActivityTaskTimedOut", scheduledEventId=second, startedEventId=started, timeoutType="HEARTBEAT",
             details="50%")
    activity = fold(wire.events).activities["f"]
    assert (activity.status, activity.timeout_type, activity.details, activity.input) == ("timed_out", "HEARTBEAT", "50%", "again")
    assert activity.attempt == 2
    (earlier,) = activity.attempts
    assert (earlier.status, earlier.reason, earlier.details, earlier.scheduled_event_id) == ("failed", "Boom", "trace", first)
    assert earlier.attempts == ()


def test_cancel_requested_then_canceled() -> None:
    wire = started_wire()
    completed = wire.decide()
    scheduled = wire.schedule("c", completed)
    started = wire.add("ActivityTaskStarted", scheduledEventId=scheduled)
    completed = wire.decide()
    request = wire.add("ActivityTaskCancelRequested", activityId="c", decisionTaskCompletedEventId=completed)
    state = fold(wire.events)
    assert state.activities["c"].status == "cancel_requested" and state.activities["c"].cancel_requested
    assert state.open_activity_count == 1
    wire.add("ActivityTaskCanceled", scheduledEventId=scheduled, startedEventId=started, details="bye",
             latestCancelRequestedEventId=request)
    activity = fold(wire.events).activities["c"]
    assert (activity.status, activity.details, activity.cancel_requested_event_id) == ("canceled", "bye", request)


def test_schedule_failure_for_an_open_id_leaves_the_open_activity_alone() -> None:
    wire = started_wire()
    completed = wire.decide()
    wire.schedule("dup", completed)
    wire.add("ScheduleActivityTaskFailed", activityId="dup", activityType={"name": "a", "version": "1"},
             cause="ACTIVITY_ID_ALREADY_IN_USE", decisionTaskCompletedEventId=completed)
    wire.add("ScheduleActivityTaskFailed", activityId="new", activityType={"name": "a", "version": "1"},
             cause="ACTIVITY_TYPE_DOES_NOT_EXIST", decisionTaskCompletedEventId=completed)
    state = fold(wire.events)
    assert state.activities["dup"].status == "scheduled"
    assert (state.activities["new"].status, state.activities["new"].cause) == ("schedule_failed", "ACTIVITY_TYPE_DOES_NOT_EXIST")
    assert [(f.cause, f.target) for f in state.decision_failures] == [
        ("ACTIVITY_ID_ALREADY_IN_USE", "dup"), ("ACTIVITY_TYPE_DOES_NOT_EXIST", "new")]


def test_timers_signals_markers_and_execution_close() -> None:
    wire = started_wire()
    completed = wire.decide()
    started = wire.add("TimerStarted", timerId="t", startToFireTimeout="5", decisionTaskCompletedEventId=completed)
    wire.add("MarkerRecorded", markerName="m", details="1", decisionTaskCompletedEventId=completed)
    wire.add("WorkflowExecutionSignaled", signalName="go", input="x")
    state = fold(wire.events)
    assert list(state.open_timers) == ["t"]
    wire.add("TimerFired", timerId="t", startedEventId=started)
    completed = wire.decide()
    wire.add("MarkerRecorded", markerName="m", details="2", decisionTaskCompletedEventId=completed)
    wire.add("WorkflowExecutionCompleted", result="done", decisionTaskCompletedEventId=completed)
    state = fold(wire.events)
    assert state.timers["t"].status == "fired" and state.open_timers == {}
    assert [(s.name, s.input) for s in state.signals] == [("go", "x")]
    assert [m.details for m in state.markers["m"]] == ["1", "2"] and state.latest_marker("m").details == "2"
    assert state.latest_marker("absent") is None
    execution = state.execution
    assert (execution.status, execution.close_status, execution.result, execution.input) == ("closed", "COMPLETED", "done", "start-input")
    assert execution.start_timestamp.tzinfo is not None and not state.is_open


def test_decision_tasks_and_previous_started_event_id() -> None:
    wire = started_wire()
    wire.decide()
    scheduled = wire.add("DecisionTaskScheduled", taskList={"name": "deciders"})
    started = wire.add("DecisionTaskStarted", scheduledEventId=scheduled)
    state = fold(wire.events)
    assert state.previous_started_event_id == 3
    assert state.decision_task.status == "started" and state.needs_decision
    wire.add("DecisionTaskTimedOut", scheduledEventId=scheduled, startedEventId=started, timeoutType="START_TO_CLOSE")
    state = fold(wire.events)
    assert state.decision_tasks[scheduled].status == "timed_out" and state.previous_started_event_id == 3
    assert not state.needs_decision


@pytest.mark.parametrize("case, entity, state_name, rule", [
    ("unknown_scheduled", "activity scheduled by event 99", None, "unknown scheduledEventId 99"),
    ("completed_before_started", "activity 'a'", "scheduled", "only legal in state"),
    ("two_closes", "execution", "closed", "nothing can follow"),
    ("closed_twice_activity", "activity 'a'", "completed", "only legal in state"),
    ("wrong_started_id", "activity 'a'", "started", "startedEventId 4 does not match"),
    ("timer_never_started", "timer 'nope'", None, "no timer 'nope'"),
    ("decision_unknown", "decision task scheduled by event 77", None, "unknown scheduledEventId 77"),
    ("no_start", "execution", None, "must begin with WorkflowExecutionStarted"),
])
def test_integrity_errors_name_event_entity_and_state(case: str, entity: str, state_name: object, rule: str) -> None:
    wire = Wire()
    if case != "no_start":
        wire.start()
    completed = wire.decide() if case != "no_start" else 0
    if case == "unknown_scheduled":
        wire.add("ActivityTaskStarted", scheduledEventId=99)
    elif case == "completed_before_started":
        scheduled = wire.schedule("a", completed)
        wire.add("ActivityTaskCompleted", scheduledEventId=scheduled, startedEventId=0)
    elif case == "two_closes":
        wire.add("WorkflowExecutionCompleted", decisionTaskCompletedEventId=completed)
        wire.add("WorkflowExecutionFailed", decisionTaskCompletedEventId=completed)
    elif case == "closed_twice_activity":
        scheduled = wire.run_activity("a", completed)
        wire.add("ActivityTaskFailed", scheduledEventId=scheduled, startedEventId=scheduled + 1)
    elif case == "wrong_started_id":
        scheduled = wire.schedule("a", completed)
        wire.add("ActivityTaskStarted", scheduledEventId=scheduled)
        wire.add("ActivityTaskCompleted", scheduledEventId=scheduled, startedEventId=4)
    elif case == "timer_never_started":
        wire.add("TimerFired", timerId="nope", startedEventId=3)
    elif case == "decision_unknown":
        wire.add("DecisionTaskStarted", scheduledEventId=77)
    else:
        wire.add("WorkflowExecutionSignaled", signalName="s")
    with pytest.raises(HistoryIntegrityError) as caught:
        fold(wire.events)
    error = caught.value
    assert error.event_id == wire.events[-1]["eventId"]
    assert error.event_type == wire.events[-1]["eventType"]
    assert (error.entity, error.state) == (entity, state_name)
    assert rule in error.rule
    assert str(error.event_id) in str(error) and entity in str(error)


def test_event_ids_must_follow_on() -> None:
    wire = started_wire()
    wire.decide()
    with pytest.raises(HistoryIntegrityError, match="events 2..2 are missing"):
        fold([wire.events[0], wire.events[2]])
    state = fold(wire.events)
    with pytest.raises(HistoryIntegrityError, match="already applied"):
        state.apply(wire.events[1])


def test_missing_required_attribute_is_an_integrity_error() -> None:
    wire = started_wire()
    completed = wire.decide()
    wire.add("ActivityTaskScheduled", activityType={"name": "a", "version": "1"}, decisionTaskCompletedEventId=completed)
    with pytest.raises(HistoryIntegrityError, match=r"activityTaskScheduledEventAttributes\.activityId is missing"):
        fold(wire.events)
    wire.events[-1] = {"eventId": wire.events[-1]["eventId"], "eventType": "TimerFired", "eventTimestamp": 1.0}
    with pytest.raises(HistoryIntegrityError, match="has no timerFiredEventAttributes"):
        fold(wire.events)
    with pytest.raises(HistoryError, match="integer eventId and an eventType"):
        ExecutionState().apply({"eventType": "WorkflowExecutionStarted"})


def test_unknown_event_types_are_skipped_by_the_fold() -> None:
    wire = started_wire()
    wire.add("WorkflowExecutionUpdated", anything="x")
    wire.decide()
    state = fold(wire.events)
    assert state.last_event_id == 5 and state.is_open


def test_apply_accepts_typed_events_and_copies_are_independent() -> None:
    wire = started_wire()
    completed = wire.decide()
    wire.schedule("a", completed)
    typed = [parse_event(raw) for raw in wire.events]
    state = ExecutionState().apply_all(typed[:-1])
    snapshot = state.copy()
    state.apply(typed[-1])
    assert "a" in state.activities and "a" not in snapshot.activities
    assert snapshot != state and snapshot == fold(wire.events[:-1])
    record = state.activities["a"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        record.status = "completed"  # type: ignore[misc]


def test_children_lambdas_and_external_requests() -> None:
    wire = started_wire()
    completed = wire.decide()
    child = {"name": "child", "version": "1"}
    initiated = wire.add("StartChildWorkflowExecutionInitiated", workflowId="kid", workflowType=child, input="i",
                         taskList={"name": "t"}, childPolicy="TERMINATE", decisionTaskCompletedEventId=completed)
    started = wire.add("ChildWorkflowExecutionStarted", workflowExecution={"workflowId": "kid", "runId": "r1"},
                       workflowType=child, initiatedEventId=initiated)
    wire.add("ChildWorkflowExecutionCompleted", workflowExecution={"workflowId": "kid", "runId": "r1"},
             workflowType=child, initiatedEventId=initiated, startedEventId=started, result="kid-result")
    lam = wire.add("LambdaFunctionScheduled", id="l", name="fn", input="1", decisionTaskCompletedEventId=completed)
    lam_started = wire.add("LambdaFunctionStarted", scheduledEventId=lam)
    wire.add("LambdaFunctionFailed", scheduledEventId=lam, startedEventId=lam_started, reason="err")
    signal = wire.add("SignalExternalWorkflowExecutionInitiated", workflowId="other", signalName="s",
                      decisionTaskCompletedEventId=completed)
    wire.add("ExternalWorkflowExecutionSignaled", workflowExecution={"workflowId": "other", "runId": "r"},
             initiatedEventId=signal)
    cancel = wire.add("RequestCancelExternalWorkflowExecutionInitiated", workflowId="gone",
                      decisionTaskCompletedEventId=completed)
    wire.add("RequestCancelExternalWorkflowExecutionFailed", workflowId="gone", initiatedEventId=cancel,
             cause="UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION", decisionTaskCompletedEventId=completed)
    state = fold(wire.events)
    kid = state.children["kid"]
    assert (kid.status, kid.run_id, kid.result, kid.input) == ("completed", "r1", "kid-result", "i")
    assert (state.lambdas["l"].status, state.lambdas["l"].reason) == ("failed", "err")
    assert state.external_signals[signal].status == "signaled"
    assert (state.external_cancel_requests[cancel].status, state.external_cancel_requests[cancel].cause) == (
        "failed", "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION")
    assert state.open_children == {} and state.open_lambdas == {}


def test_lifecycle_tables_are_data_and_reject_closed_to_started() -> None:
    assert ACTIVITY[("scheduled", "ActivityTaskStarted")] == "started"
    assert ("completed", "ActivityTaskStarted") not in ACTIVITY
    assert set(TABLES) >= {"activity", "timer", "child workflow", "decision task", "execution"}


def test_activity_row_layout_matches_the_record() -> None:
    from swfkit.history import fold_tasks

    names = [field.name for field in dataclasses.fields(ActivityState)]
    for constant in ("ID", "STATUS", "TYPE", "INPUT", "CONTROL", "TASK_LIST", "SCHEDULED", "STARTED", "CLOSED",
                     "IDENTITY", "CANCEL_REQUESTED", "ATTEMPTS"):
        index = getattr(fold_tasks, constant)
        expected = {"ID": "activity_id", "TYPE": "activity_type", "SCHEDULED": "scheduled_event_id",
                    "STARTED": "started_event_id", "CLOSED": "closed_event_id",
                    "CANCEL_REQUESTED": "cancel_requested_event_id"}.get(constant, constant.lower())
        assert names[index] == expected


@pytest.mark.parametrize("event_type, attributes", [
    ("StartChildWorkflowExecutionFailed", {"workflowId": "kid", "workflowType": {"name": "c", "version": "1"},
                                           "initiatedEventId": 99, "cause": "WORKFLOW_ALREADY_RUNNING"}),
    ("SignalExternalWorkflowExecutionFailed", {"workflowId": "w", "initiatedEventId": 98,
                                               "cause": "UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION"}),
    ("ActivityTaskCompleted", {"scheduledEventId": 2, "startedEventId": 3}),
])
def test_a_refused_event_leaves_the_state_as_it_was(event_type: str, attributes: dict) -> None:
    wire = started_wire()
    completed = wire.decide()
    wire.add(event_type, decisionTaskCompletedEventId=completed, **attributes)
    state = fold(wire.events[:-1])
    snapshot = state.copy()
    with pytest.raises(HistoryIntegrityError):
        state.apply(wire.events[-1])
    assert state == snapshot and state.decision_failures == []
