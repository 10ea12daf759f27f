"""``History.continuing`` (a decider's next decision of a run) and the fold's collector pause."""
from __future__ import annotations

import gc
from typing import Any, Dict, List

import pytest

from swfkit.exceptions import HistoryError
from swfkit.history import ExecutionState, History
from swfkit.history.collection_pause import collection_paused


def run_events(count: int) -> List[Dict[str, Any]]:
    """A run of ``count`` events: started, then decision tasks scheduled/started/completed in turn."""
    events: List[Dict[str, Any]] = [{"eventId": 1, "eventType": "WorkflowExecutionStarted",
                                     "workflowExecutionStartedEventAttributes": {
                                         "workflowType": {"name": "w", "version": "1"}, "taskList": {"name": "d"},
                                         "childPolicy": "TERMINATE", "taskStartToCloseTimeout": "10",
                                         "executionStartToCloseTimeout": "100"}}]
    scheduled = started = 0
    events[0]["eventTimestamp"] = 1_700_000_000.0
    while len(events) < count:
        event_id = len(events) + 1
        kind = (event_id - 2) % 3
        if kind == 0:
            scheduled = event_id
            events.append({"eventId": event_id, "eventType": "DecisionTaskScheduled",
                           "decisionTaskScheduledEventAttributes": {"taskList": {"name": "d"}}})
        elif kind == 1:
            started = event_id
            events.append({"eventId": event_id, "eventType": "DecisionTaskStarted",
                           "decisionTaskStartedEventAttributes": {"scheduledEventId": scheduled}})
        else:
            events.append({"eventId": event_id, "eventType": "DecisionTaskCompleted",
                           "decisionTaskCompletedEventAttributes": {"scheduledEventId": scheduled,
                                                                     "startedEventId": started}})
        events[-1]["eventTimestamp"] = 1_700_000_000.0 + event_id
    return events


@pytest.mark.parametrize("first_page_starts_at", [5, 4, 2])  # right after, overlapping, overlapping more
def test_continuing_shares_the_events_and_skips_those_repeated(first_page_starts_at: int) -> None:
    events = run_events(10)
    previous = History.from_events(events[:4])
    previous_state = previous.fold()
    shared = previous.raw_events
    pages = [{"events": events[first_page_starts_at - 1:7]}, {"events": events[7:]}]
    history = History.continuing(previous, pages)
    assert history.raw_events is shared  # the storage moved over, not copied
    assert [e["eventId"] for e in history.raw_events] == list(range(1, 11))
    assert [e.event_id for e in history.new_events(4)] == list(range(5, 11))
    # The previous history still holds exactly its own events, read out of the shared list on demand.
    assert [e.event_id for e in previous] == [1, 2, 3, 4]
    assert len(previous) == 4 and previous[4].event_type == "DecisionTaskCompleted"
    with pytest.raises(KeyError):
        previous[5]
    state = history.fold(previous_state, copy=False)
    assert state is previous_state and state == History.from_events(events).fold()


def test_fold_copy_false_applies_to_the_given_state_and_copy_true_leaves_it() -> None:
    events = run_events(9)
    base = History.from_events(events[:3]).fold()
    snapshot = base.copy()
    copied = History.from_events(events).fold(base)
    assert base == snapshot and copied is not base and copied.last_event_id == 9
    in_place = History.from_events(events).fold(base, copy=False)
    assert in_place is base and base == copied


def test_fold_copy_false_with_ids_not_starting_where_the_state_ends() -> None:
    events = run_events(9)
    base = History.from_events(events[:3]).fold()
    history = History.from_events(events[4:])  # starts after a gap: the fold reports it
    with pytest.raises(HistoryError):
        history.fold(base, copy=False)


def test_the_collector_does_not_run_during_a_fold_and_is_restored() -> None:
    collections: List[str] = []

    def record(phase: str, info: Dict[str, Any]) -> None:
        if phase == "start":
            collections.append("gen%d" % info["generation"])

    history = History.from_events(run_events(30_000))  # enough allocation for many collections
    history.raw_events
    gc.collect()  # counters at zero: entering the fold cannot be what triggers one
    gc.callbacks.append(record)
    try:
        assert gc.isenabled()
        history.fold()
        during = len(collections)
        assert gc.isenabled()
        with collection_paused():
            assert not gc.isenabled()
        assert gc.isenabled()
        gc.disable()
        with collection_paused():
            pass
        assert not gc.isenabled()  # left as it was found
    finally:
        gc.enable()
        gc.callbacks.remove(record)
    assert during <= 1, collections  # at most the one that runs as the collector resumes (14 when it ran)


def test_fold_state_objects_are_untouched_by_copy_true_for_many_events() -> None:
    events = run_events(300)
    state = ExecutionState()
    state.apply_raw(events[:100])
    assert History.from_events(events).fold(state).last_event_id == 300 and state.last_event_id == 100
