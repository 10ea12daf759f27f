"""The timeline, profile and stuck diagnosis are pure functions of a history (no server here)."""
from __future__ import annotations

import json
import pathlib
from typing import Any, Dict, List

import pytest

from swfkit.history import History, diagnose_stuck, execution_timeline, profile_execution

HISTORIES = pathlib.Path(__file__).resolve().parent.parent / "histories"


class Events:
    """A tiny history writer: ``add(type, at, **attributes)`` returns the event id."""

    def __init__(self) -> None:
        self.events: List[Dict[str, Any]] = []

    def add(self, event_type: str, at: float, **attributes: Any) -> int:
        event_id = len(self.events) + 1
        key = event_type[0].lower() + event_type[1:] + "EventAttributes"
        self.events.append({"eventId": event_id, "eventType": event_type, "eventTimestamp": 1000.0 + at,
                            key: attributes})
        return event_id

    def start(self) -> "Events":
        self.add("WorkflowExecutionStarted", 0, workflowType={"name": "wf", "version": "1"}, taskList={"name": "d"},
                 childPolicy="TERMINATE", executionStartToCloseTimeout="600", taskStartToCloseTimeout="10")
        return self

    def decision(self, at: float, *, timed_out: bool = False) -> int:
        scheduled = self.add("DecisionTaskScheduled", at, taskList={"name": "d"}, startToCloseTimeout="10")
        started = self.add("DecisionTaskStarted", at, scheduledEventId=scheduled, identity="decider")
        if timed_out:
            return self.add("DecisionTaskTimedOut", at + 10, scheduledEventId=scheduled, startedEventId=started,
                            timeoutType="START_TO_CLOSE")
        return self.add("DecisionTaskCompleted", at + 0.5, scheduledEventId=scheduled, startedEventId=started)

    def activity(self, activity_id: str, completed: int, at: float, start: float, end: float,
                 outcome: str = "ActivityTaskCompleted") -> int:
        scheduled = self.add("ActivityTaskScheduled", at, activityId=activity_id,
                             activityType={"name": "work", "version": "1"}, taskList={"name": "w"},
                             decisionTaskCompletedEventId=completed)
        started = self.add("ActivityTaskStarted", start, scheduledEventId=scheduled, identity="worker-7")
        extra = {"timeoutType": "START_TO_CLOSE"} if outcome == "ActivityTaskTimedOut" else {}
        extra.update({"reason": "boom"} if outcome == "ActivityTaskFailed" else {})
        return self.add(outcome, end, scheduledEventId=scheduled, startedEventId=started, **extra)


def test_tasks_attempts_states_and_marks() -> None:
    h = Events().start()
    done = h.decision(1)
    h.activity("a", done, 1.5, 2, 5, "ActivityTaskFailed")
    h.activity("a", done, 6, 7, 9)                           # the retry: a second attempt of the same id
    h.activity("b", done, 1.5, 3, 4, "ActivityTaskTimedOut")
    timer = h.add("TimerStarted", 2, timerId="t1", startToFireTimeout="3", decisionTaskCompletedEventId=done)
    h.add("TimerFired", 5, timerId="t1", startedEventId=timer)
    h.add("WorkflowExecutionSignaled", 5.5, signalName="go")
    h.add("MarkerRecorded", 6, markerName="m", decisionTaskCompletedEventId=done)
    h.add("ActivityTaskScheduled", 9.5, activityId="c", activityType={"name": "work", "version": "1"},
          taskList={"name": "w"}, decisionTaskCompletedEventId=done)
    timeline = execution_timeline(h.events)
    tasks = {task.task_id: task for task in timeline.tasks}
    assert [t.task_id for t in timeline.tasks] == ["a", "b", "t1", "c"]
    assert (tasks["a"].state, tasks["a"].attempt_count, tasks["a"].identity) == ("completed", 2, "worker-7")
    assert tasks["a"].attempts[0].detail == "boom" and tasks["a"].scheduled_time == 1001.5
    assert (tasks["b"].outcome, tasks["b"].last.detail) == ("timed_out", "START_TO_CLOSE")
    assert (tasks["t1"].kind, tasks["t1"].outcome, tasks["t1"].state_time) == ("timer", "completed", 1005.0)
    assert (tasks["c"].outcome, tasks["c"].closed_time) == ("open", None)
    assert [m.kind for m in timeline.marks] == ["decision", "signal", "marker"]
    assert timeline.close_status is None and timeline.end_time == 1009.5 and timeline.workflow_type == "wf/1"
    # typed events give the same timeline as wire dicts
    assert execution_timeline(History.from_events(h.events)) == timeline


def test_profile_sorts_by_running_time_and_finds_the_critical_path() -> None:
    h = Events().start()
    done = h.decision(1)
    h.activity("short", done, 1.5, 2, 3)          # waits 0.5, runs 1
    h.activity("long", done, 1.5, 4, 10)          # waits 2.5, runs 6: overlaps "short"
    done = h.decision(10)
    h.activity("last", done, 10.5, 11, 15)        # after "long": the path is long -> last
    h.decision(15)
    h.add("WorkflowExecutionCompleted", 15.5, decisionTaskCompletedEventId=h.events[-1]["eventId"])
    report = profile_execution(execution_timeline(h.events))
    assert [row.task.task_id for row in report.tasks] == ["long", "last", "short"]
    long_row = report.tasks[0]
    assert (long_row.waiting, long_row.running) == (2.5, 6.0)
    assert long_row.share == pytest.approx(6.0 / 15.5)
    assert (report.duration, report.waiting, report.running) == (15.5, 3.5, 11.0)
    assert [row.task.task_id for row in report.critical_path] == ["long", "last"]
    assert report.critical_seconds == pytest.approx(8.5 + 4.5)
    assert report.to_dict()["criticalPath"] == ["long", "last"] and report.close_status == "COMPLETED"


def test_profile_of_a_golden_history_and_of_nothing() -> None:
    events = json.loads((HISTORIES / "failures_and_timeouts.json").read_text())["events"]
    report = profile_execution(execution_timeline(events))
    assert report.close_status == "FAILED" and report.tasks
    assert all(row.waiting >= 0 and row.running >= 0 for row in report.tasks)
    empty = profile_execution(execution_timeline([]))
    assert (empty.tasks, empty.critical_path, empty.duration) == ((), (), 0.0)


def test_stuck_when_a_decider_scheduled_nothing() -> None:
    h = Events().start()
    h.decision(1)
    stuck = diagnose_stuck(h.events)
    assert stuck is not None and stuck.reason == "nothing_scheduled" and "event 4" in stuck.description
    assert stuck.idle_seconds(1011.5) == pytest.approx(10.0)


def test_stuck_when_decision_tasks_keep_timing_out() -> None:
    h = Events().start()
    for at in (1, 20, 40):
        h.decision(at, timed_out=True)
    h.add("DecisionTaskScheduled", 50, taskList={"name": "d"}, startToCloseTimeout="10")
    stuck = diagnose_stuck(h.events)
    assert stuck is not None and (stuck.reason, stuck.failing_decisions) == ("decisions_failing", 3)
    assert "timed out (START_TO_CLOSE)" in stuck.description
    assert diagnose_stuck(h.events, failing_decisions=4) is None


def test_not_stuck_while_work_is_open_or_after_close() -> None:
    h = Events().start()
    done = h.decision(1)
    h.add("ActivityTaskScheduled", 2, activityId="a", activityType={"name": "work", "version": "1"},
          taskList={"name": "w"}, decisionTaskCompletedEventId=done)
    assert diagnose_stuck(h.events) is None
    h = Events().start()
    done = h.decision(1)
    h.add("WorkflowExecutionCompleted", 2, decisionTaskCompletedEventId=done)
    assert diagnose_stuck(h.events) is None
    with pytest.raises(ValueError):
        diagnose_stuck(h.events, failing_decisions=0)
