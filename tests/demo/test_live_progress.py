"""The demo's progress reading and display, and the event lines shared with the CLI."""
from __future__ import annotations

import io

from swfkit.demo import fan_out
from swfkit.cli.event_lines import event_rows, event_summary, render_table
from swfkit.demo.live_progress import ProgressDisplay, progress_line, read_progress


def event(event_id, event_type, **attributes):
    key = event_type[0].lower() + event_type[1:] + "EventAttributes"
    return {"eventId": event_id, "eventType": event_type, "eventTimestamp": 1700000000.25, key: attributes}


EVENTS = [
    event(1, "WorkflowExecutionStarted"),
    event(2, "ActivityTaskScheduled", activityId="square-000", activityType={"name": "square", "version": "1"}),
    event(3, "ActivityTaskScheduled", activityId="square-001", activityType={"name": "square", "version": "1"}),
    event(4, "TimerStarted", timerId=fan_out.TIMER_ID, startToFireTimeout="1"),
    event(5, "ActivityTaskCompleted", scheduledEventId=2, result='{"n": 0, "square": 0}'),
    event(6, "ActivityTaskTimedOut", scheduledEventId=3, timeoutType="START_TO_CLOSE"),
    event(7, "ActivityTaskScheduled", activityId="square-001", activityType={"name": "square", "version": "1"}),
    event(8, "TimerFired", timerId=fan_out.TIMER_ID, startedEventId=4),
    event(9, "WorkflowExecutionSignaled", signalName=fan_out.SIGNAL_NAME, input="{}"),
]


def test_read_progress_counts_what_happened() -> None:
    progress = read_progress(EVENTS, 2)
    assert (progress.scheduled, progress.completed, progress.retried) == (3, 1, 1)
    assert (progress.timer, progress.signaled, progress.events, progress.closed) == ("fired", True, 9, False)
    closed = read_progress(EVENTS + [event(10, "WorkflowExecutionCompleted", result="{}")], 2)
    assert closed.close_status == "COMPLETED" and closed.close_event["eventId"] == 10
    assert read_progress(EVENTS[:4], 2).timer == "started"
    assert read_progress([], 2).timer == "waiting"


def test_progress_line_has_a_bar_only_on_a_terminal() -> None:
    progress = read_progress(EVENTS, 2)
    plain = progress_line(progress, 1.5, tty=False)
    assert plain.startswith("1/2 activities") and "timer fired" in plain and "signal received" in plain
    assert progress_line(read_progress(EVENTS, 100), 1.5, tty=False).startswith("  1/100 activities")
    assert "(1 retried)" in plain and "[" not in plain
    terminal = progress_line(progress, 1.5, tty=True)
    assert terminal == "[#####.....] 1/2 activities, timer fired, signal received, 9 events, 1.5 s  (1 retried)"


def test_display_rewrites_one_line_on_a_terminal() -> None:
    stream = io.StringIO()
    display = ProgressDisplay(stream, tty=True)
    display.show(read_progress(EVENTS[:3], 2))
    display.show(read_progress(EVENTS, 2))
    display.finish(read_progress(EVENTS, 2))
    text = stream.getvalue()
    assert text.count("\r") == 3 and text.count("\n") == 1 and text.endswith("\n")


def test_terminal_line_never_wraps(monkeypatch) -> None:
    stream = io.StringIO()
    display = ProgressDisplay(stream, tty=True)
    monkeypatch.setattr(ProgressDisplay, "columns", staticmethod(lambda: 60))
    display.show(read_progress(EVENTS, 2))
    assert len(stream.getvalue()) == 1 + 59


def test_display_prints_plain_lines_only_on_change_otherwise() -> None:
    stream = io.StringIO()
    display = ProgressDisplay(stream, tty=False, interval=0.0)
    display.show(read_progress(EVENTS[:3], 2))
    display.show(read_progress(EVENTS[:3], 2))  # nothing changed: no line
    display.show(read_progress(EVENTS, 2))
    display.finish(read_progress(EVENTS, 2))    # nothing changed since: no line
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and "\r" not in stream.getvalue()
    assert lines[0].startswith("0/2") and lines[1].startswith("1/2")


def test_event_lines() -> None:
    assert event_summary(EVENTS[1]) == "activityType=square activityId=square-000"
    assert event_summary(EVENTS[5]) == "timeoutType=START_TO_CLOSE"
    long_result = event(5, "ActivityTaskCompleted", result="x" * 100)
    assert event_summary(long_result) == "result=" + "x" * 39 + "…"
    rows = event_rows(EVENTS[7:9])
    assert rows[0][:3] == ["8", "22:13:20.250", "TimerFired"]
    table = render_table(["ID", "EVENT"], [["8", "TimerFired"], ["10", "X"]]).splitlines()
    assert table == ["ID  EVENT", "8   TimerFired", "10  X"]


def test_summary_numbers_come_from_the_history() -> None:
    from swfkit.demo.demo_summary import summarize

    events = EVENTS + [event(10, "ActivityTaskCompleted", scheduledEventId=7, result='{"n": 1, "square": 1}'),
                       event(11, "WorkflowExecutionCompleted", result='{"count": 2, "sum": 1}')]
    for index, item in enumerate(events):
        item = dict(item)
        item["eventTimestamp"] = 100.0 + index  # event i at 100 + i seconds
        events[index] = item
    summary = summarize(events, read_progress(events, 2), execution={"workflowId": "w", "runId": "r"}, workers=3,
                        expected_sum=1, wall_seconds=20.0, last_events=2)
    assert (summary.activities, summary.retried, summary.events, summary.close_status) == (2, 1, 11, "COMPLETED")
    assert summary.workflow_seconds == 10.0 and summary.activity_seconds == 8.0  # scheduled at 101, last done at 109
    assert summary.throughput == 0.25 and summary.result == '{"count": 2, "sum": 1}'
    lines = summary.lines()
    assert lines[1] == "activities:  2 completed, 1 retried, 3 worker processes"
    assert "throughput:  0.2 activities/s (2 activities in 8.00 s, first scheduled to last completed)" in lines
    assert lines[-1].split()[:3] == ["11", "00:01:50.000", "WorkflowExecutionCompleted"]
    assert summary.to_dict()["lastEvents"][0]["eventId"] == 10
