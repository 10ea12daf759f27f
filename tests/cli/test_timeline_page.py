"""The timeline page's geometry, from a made-up history: where each bar starts and how wide it is,
the same whether a row takes the page's quick path (one attempt, a short label) or the general one."""
from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

from swfkit.cli.timeline_page import CHART_WIDTH, LABEL_WIDTH, render_timeline_page
from swfkit.history import execution_timeline

START = 1_700_000_000.0


def _event(event_id: int, kind: str, at: float, **attributes: Any) -> Dict[str, Any]:
    key = kind[0].lower() + kind[1:] + "EventAttributes"
    return {"eventId": event_id, "eventType": kind, "eventTimestamp": START + at, key: attributes}


def _activity(first_id: int, activity_id: str, scheduled: float, started: float, closed: float) -> List[Dict[str, Any]]:
    kind = {"name": "work", "version": "1"}
    return [_event(first_id, "ActivityTaskScheduled", scheduled, activityId=activity_id, activityType=kind),
            _event(first_id + 1, "ActivityTaskStarted", started, scheduledEventId=first_id, identity="w"),
            _event(first_id + 2, "ActivityTaskCompleted", closed, scheduledEventId=first_id)]


def _bars(page: str) -> Dict[str, List[Tuple[str, str, str]]]:
    """Task id -> its bars as (class, x, width), in page order."""
    bars: Dict[str, List[Tuple[str, str, str]]] = {}
    for group in re.findall(r'<g class="task" .*?</g></g>', page, re.S):
        task_id = re.search(r'data-id="([^"]*)"', group).group(1)  # type: ignore[union-attr]
        bars[task_id] = re.findall(r'<rect class="(wait|run)" [^>]*?x="([^"]*)" [^>]*?width="([^"]*)"', group)
    return bars


def test_bars_start_and_end_where_the_scale_puts_them_on_either_path() -> None:
    long_id = "x" * 60  # a label past 48 characters: the general path
    events = [_event(1, "WorkflowExecutionStarted", 0.0, workflowType={"name": "wf", "version": "1"})]
    events += _activity(2, "quick", 1.0, 2.0, 4.0)
    events += _activity(5, long_id, 1.0, 2.0, 4.0)
    events += _activity(8, "instant", 5.0, 5.0, 5.0)  # no waiting part, a minimum-width running part
    events.append(_event(11, "WorkflowExecutionCompleted", 10.0))
    page = render_timeline_page(execution_timeline(events), title="t")
    per_second = CHART_WIDTH / 10.0
    expected = [("wait", "%.1f" % (LABEL_WIDTH + 1 * per_second), "%.1f" % per_second),
                ("run", "%.1f" % (LABEL_WIDTH + 2 * per_second), "%.1f" % (2 * per_second))]
    bars = _bars(page)
    assert bars["quick"] == expected
    assert bars[long_id] == expected
    assert bars["instant"] == [("run", "%.1f" % (LABEL_WIDTH + 5 * per_second), "1.5")]


def test_rows_are_placed_one_under_another() -> None:
    events = [_event(1, "WorkflowExecutionStarted", 0.0)]
    for number in range(3):
        events += _activity(2 + 3 * number, "a%d" % number, number, number + 0.5, number + 1)
    page = render_timeline_page(execution_timeline(events), title="t")
    tops = [int(top) for top in re.findall(r'<g class="task" transform="translate\(0 (\d+)\)"', page)]
    assert len(tops) == 3 and tops[1] - tops[0] == tops[2] - tops[1] == 18  # 18-pixel rows up to 200 tasks
    assert re.search(r'<rect class="stripes" x="0" y="%d\.0"' % tops[0], page)  # the shading starts at row one


def test_times_out_of_order_take_the_general_path() -> None:
    """A hand-edited history whose task starts before it was scheduled still draws (no negative width)."""
    events = [_event(1, "WorkflowExecutionStarted", 0.0)]
    events += _activity(2, "odd", 3.0, 2.0, 4.0)
    events.append(_event(5, "WorkflowExecutionCompleted", 10.0))
    page = render_timeline_page(execution_timeline(events), title="t")
    [(kind, x, width)] = _bars(page)["odd"]
    assert kind == "run" and float(x) == LABEL_WIDTH + 2 * CHART_WIDTH / 10 and float(width) > 0
