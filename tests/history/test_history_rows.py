"""The cheap raw reads of ExecutionState: ``activity_rows`` (+ ``ActivityRow`` positions),
``is_activity_open`` and ``decision_started_event_ids`` agree with the record views they shortcut."""
from __future__ import annotations

import dataclasses

import pytest

from history_wire import Wire, golden
from swfkit.history import ActivityRow, ActivityState, ExecutionState, History, fold


def test_activity_row_positions_are_the_activity_state_fields() -> None:
    names = [field.name for field in dataclasses.fields(ActivityState)]
    assert ActivityRow.LENGTH == len(names)
    for index, name in enumerate(names):
        assert getattr(ActivityRow, name.upper()) == index, name


def _retried_then_completed() -> Wire:
    wire = Wire()
    wire.start()
    completed = wire.decide()
    first = wire.schedule("a1", completed, input="one")
    started = wire.add("ActivityTaskStarted", scheduledEventId=first, identity="w-1")
    wire.add("ActivityTaskFailed", scheduledEventId=first, startedEventId=started, reason="Boom", details="trace")
    completed = wire.decide()
    second = wire.schedule("a1", completed, input="two")
    started = wire.add("ActivityTaskStarted", scheduledEventId=second, identity="w-2")
    wire.add("ActivityTaskCompleted", scheduledEventId=second, startedEventId=started, result="42")
    wire.schedule("open-one", completed, input="x")
    return wire


def test_activity_rows_read_what_the_records_say() -> None:
    wire = _retried_then_completed()
    state = fold(wire.events)
    rows = state.activity_rows
    assert sorted(rows) == ["a1", "open-one"] and len(rows) == 2 and rows.get("nope") is None
    row = rows["a1"]
    assert len(row) == ActivityRow.LENGTH
    assert (row[ActivityRow.STATUS], row[ActivityRow.INPUT], row[ActivityRow.RESULT], row[ActivityRow.IDENTITY]) \
        == ("completed", "two", "42", "w-2")
    assert row[ActivityRow.ACTIVITY_TYPE] == {"name": "a", "version": "1"}
    record = state.activities["a1"]
    assert ActivityState.from_row(row) == record
    assert record.attempt == len(row[ActivityRow.ATTEMPTS]) + 1 == 2
    (earlier,) = row[ActivityRow.ATTEMPTS]
    assert (earlier[ActivityRow.STATUS], earlier[ActivityRow.REASON], earlier[ActivityRow.INPUT]) == ("failed", "Boom", "one")
    assert rows["open-one"][ActivityRow.STATUS] == "scheduled"


def test_activity_rows_is_a_read_only_live_view() -> None:
    wire = Wire()
    wire.start()
    completed = wire.decide()
    scheduled = wire.schedule("a1", completed)
    state = History.from_events(wire.events).fold()
    rows = state.activity_rows
    with pytest.raises(TypeError):
        rows["a1"] = ("forged",)  # type: ignore[index]
    assert rows["a1"][ActivityRow.STATUS] == "scheduled"
    state.apply({"eventId": len(wire.events) + 1, "eventType": "ActivityTaskStarted",
                 "activityTaskStartedEventAttributes": {"scheduledEventId": scheduled, "identity": "w"}})
    assert rows["a1"][ActivityRow.STATUS] == "started"  # the view follows the fold
    assert ExecutionState().activity_rows == {}


def test_is_activity_open_matches_open_activities() -> None:
    state = fold(_retried_then_completed().events)
    assert state.is_activity_open("open-one") and not state.is_activity_open("a1")
    assert not state.is_activity_open("never-scheduled")
    assert {a for a in state.activities if state.is_activity_open(a)} == set(state.open_activities)


@pytest.mark.parametrize("name", ["activity_round_trip", "cancellations", "child_workflows", "signals",
                                  "failures_and_timeouts", "continue_as_new_run1"])
def test_decision_started_event_ids_match_the_decision_task_records(name: str) -> None:
    state = History.from_events(golden(name)).fold()
    expected = sorted(task.started_event_id for task in state.decision_tasks.values() if task.started_event_id)
    assert expected, "the golden history %s has started decision tasks" % name
    assert state.decision_started_event_ids() == expected
    events = golden(name)
    assert expected == [e["eventId"] for e in events if e["eventType"] == "DecisionTaskStarted"]


def test_decision_started_event_ids_skip_a_task_not_started_yet() -> None:
    wire = Wire()
    wire.start()
    wire.decide()                                           # started at event 3
    scheduled = wire.add("DecisionTaskScheduled", taskList={"name": "deciders"})
    state = fold(wire.events)
    assert state.decision_started_event_ids() == [3]
    started = wire.add("DecisionTaskStarted", scheduledEventId=scheduled)
    state.apply(wire.events[-1])
    assert state.decision_started_event_ids() == [3, started]
    assert ExecutionState().decision_started_event_ids() == []
