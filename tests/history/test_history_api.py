"""The public surface of swfkit.history (pinned: other parts code against these names)."""
from __future__ import annotations

import swfkit.history
from swfkit.history import events


def test_exported_members() -> None:
    assert sorted(swfkit.history.__all__) == sorted([
        "EVENT_CLASSES", "ActivityRow", "ActivityState", "ChildState", "DecisionFailure", "DecisionTaskState", "ExecutionInfo",
        "ExecutionState", "ExternalCancelState", "ExternalSignalState", "History", "HistoryEvent", "LambdaState",
        "MarkerRecord", "SignalRecord", "TimerState", "UnknownEvent", "fold", "parse_event", "to_datetime",
        "ExecutionTimeline", "TaskAttempt", "TaskSpan", "TimelineMark", "execution_timeline", "ExecutionProfile",
        "TaskProfile", "profile_execution", "StuckExecution", "diagnose_stuck",
    ])
    for name in swfkit.history.__all__:
        assert getattr(swfkit.history, name) is not None, name
    assert len(events.__all__) == 54 + 4 and all(hasattr(events, name) for name in events.__all__)


def test_contract_names_exist() -> None:
    state = swfkit.history.ExecutionState()
    for name in ("execution", "activities", "timers", "children", "signals", "markers", "external_signals",
                 "external_cancel_requests", "lambdas", "decision_tasks", "apply", "copy", "last_event_id",
                 "open_activity_count", "open_timers", "needs_decision", "previous_started_event_id",
                 "activity_rows", "is_activity_open", "decision_started_event_ids"):
        assert hasattr(state, name), name
    for name in ("from_events", "from_pages", "for_decision_task", "for_execution", "new_events", "fold"):
        assert callable(getattr(swfkit.history.History, name)), name


def test_states_and_events_survive_pickling() -> None:
    import pickle

    from history_wire import golden

    events = golden("cancellations")
    state = swfkit.history.History.from_events(events).fold()
    assert pickle.loads(pickle.dumps(state)) == state
    event = swfkit.history.parse_event(events[4])
    assert pickle.loads(pickle.dumps(event)) == event
