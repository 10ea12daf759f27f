"""Property: folding a history page by page onto earlier states equals folding it at once."""
from __future__ import annotations

import random
from typing import Any, Dict, List

from hypothesis import given, settings
from hypothesis import strategies as st

from history_wire import Wire
from swfkit.history import ExecutionState, History, fold

ACTIONS = ["schedule", "schedule", "start", "complete", "fail", "time_out", "cancel", "timer", "fire",
           "cancel_timer", "signal", "marker", "child", "child_start", "child_close", "decide"]


def simulate(actions: List[str]) -> List[Dict[str, Any]]:
    """A valid history driven by ``actions`` (impossible actions are skipped)."""
    wire = Wire()
    wire.start()
    completed = wire.decide()
    scheduled: Dict[str, int] = {}     # activity id -> scheduled event id (not started)
    started: Dict[str, tuple] = {}     # activity id -> (scheduled, started)
    timers: Dict[str, int] = {}
    children: Dict[str, int] = {}      # initiated, not started
    running: Dict[str, tuple] = {}     # child id -> (initiated, started)
    counter = 0
    for action in actions:
        counter += 1
        if action == "decide":
            completed = wire.decide()
        elif action == "schedule":
            activity_id = "a%d" % (counter % 5)  # ids come back: attempts
            if activity_id not in scheduled and activity_id not in started:
                scheduled[activity_id] = wire.schedule(activity_id, completed, input="i%d" % counter)
        elif action == "start" and scheduled:
            activity_id, event_id = next(iter(scheduled.items()))
            del scheduled[activity_id]
            started[activity_id] = (event_id, wire.add("ActivityTaskStarted", scheduledEventId=event_id))
        elif action in ("complete", "fail", "time_out") and started:
            activity_id, (sched, start) = next(iter(started.items()))
            del started[activity_id]
            if action == "complete":
                wire.add("ActivityTaskCompleted", scheduledEventId=sched, startedEventId=start, result="r%d" % counter)
            elif action == "fail":
                wire.add("ActivityTaskFailed", scheduledEventId=sched, startedEventId=start, reason="x")
            else:
                wire.add("ActivityTaskTimedOut", scheduledEventId=sched, startedEventId=start, timeoutType="HEARTBEAT")
        elif action == "cancel" and scheduled:
            activity_id, event_id = next(iter(scheduled.items()))
            del scheduled[activity_id]
            request = wire.add("ActivityTaskCancelRequested", activityId=activity_id, decisionTaskCompletedEventId=completed)
            wire.add("ActivityTaskCanceled", scheduledEventId=event_id, startedEventId=0,
                     latestCancelRequestedEventId=request)
        elif action == "timer":
            timer_id = "t%d" % (counter % 3)
            if timer_id not in timers:
                timers[timer_id] = wire.add("TimerStarted", timerId=timer_id, startToFireTimeout="5",
                                            decisionTaskCompletedEventId=completed)
        elif action in ("fire", "cancel_timer") and timers:
            timer_id, event_id = timers.popitem()
            if action == "fire":
                wire.add("TimerFired", timerId=timer_id, startedEventId=event_id)
            else:
                wire.add("TimerCanceled", timerId=timer_id, startedEventId=event_id, decisionTaskCompletedEventId=completed)
        elif action == "signal":
            wire.add("WorkflowExecutionSignaled", signalName="s%d" % (counter % 2), input=str(counter))
        elif action == "marker":
            wire.add("MarkerRecorded", markerName="m", details=str(counter), decisionTaskCompletedEventId=completed)
        elif action == "child":
            workflow_id = "c%d" % (counter % 3)
            if workflow_id not in children and workflow_id not in running:
                children[workflow_id] = wire.add(
                    "StartChildWorkflowExecutionInitiated", workflowId=workflow_id, workflowType={"name": "c", "version": "1"},
                    taskList={"name": "t"}, childPolicy="TERMINATE", decisionTaskCompletedEventId=completed)
        elif action == "child_start" and children:
            workflow_id, initiated = children.popitem()
            running[workflow_id] = (initiated, wire.add(
                "ChildWorkflowExecutionStarted", workflowExecution={"workflowId": workflow_id, "runId": "r"},
                workflowType={"name": "c", "version": "1"}, initiatedEventId=initiated))
        elif action == "child_close" and running:
            workflow_id, (initiated, start) = running.popitem()
            wire.add("ChildWorkflowExecutionCompleted", workflowExecution={"workflowId": workflow_id, "runId": "r"},
                     workflowType={"name": "c", "version": "1"}, initiatedEventId=initiated, startedEventId=start)
    return wire.events


# Hypothesis keeps drawn lists short; a seeded walk gives histories long enough to matter.
def _walk(seed: int, length: int) -> List[str]:
    rng = random.Random(seed)
    return [rng.choice(ACTIONS) for _ in range(length)]


ACTION_WALKS = st.builds(_walk, st.integers(min_value=0, max_value=2**32), st.integers(min_value=0, max_value=150))


@settings(max_examples=60, deadline=None)
@given(actions=st.one_of(st.lists(st.sampled_from(ACTIONS), max_size=40), ACTION_WALKS),
       cuts=st.lists(st.floats(min_value=0.0, max_value=1.0), min_size=1, max_size=4))
def test_folding_pages_onto_earlier_states_equals_folding_at_once(actions: List[str], cuts: List[float]) -> None:
    events = simulate(actions)
    whole = fold(events)
    assert whole.last_event_id == len(events)
    bounds = sorted({int(cut * len(events)) for cut in cuts} | {0, len(events)})
    pages = [events[start:end] for start, end in zip(bounds, bounds[1:])]

    in_place = ExecutionState()
    pure = ExecutionState()
    for page in pages:
        in_place.apply_all(page)
        before = pure.copy()
        pure = fold(page, pure)
        assert before == fold(events[:before.last_event_id])  # fold(…, state) leaves state alone
    assert in_place == whole and pure == whole

    previous = fold(events[:bounds[-2]]) if len(bounds) > 2 else ExecutionState()
    from_pages = History.from_pages({"events": page} for page in pages)
    assert from_pages.fold(previous) == whole  # a whole new history onto the last state
    assert from_pages.fold() == whole


@settings(max_examples=30, deadline=None)
@given(actions=ACTION_WALKS)
def test_open_counts_match_the_records(actions: List[str]) -> None:
    state = fold(simulate(actions))
    assert state.open_activity_count == sum(1 for a in state.activities.values() if a.is_open)
    assert set(state.open_timers) == {t for t, timer in state.timers.items() if timer.is_open}
    assert set(state.open_children) == {c for c, child in state.children.items() if child.is_open}
    for activity in state.activities.values():
        assert all(not attempt.is_open for attempt in activity.attempts)
