"""Client-side measurements of the scale benchmark (issue 18 items 6 and 7), used by ``scale_bench.py``'s
``decider`` and ``replay`` sections.

- incremental decider: CPU of one decision's history work (``decision_history``: take the run from
  the cache, add the new page, fold the new events, keep the run) at 1,000 and at 24,000 events of
  history; with a cached run it should depend only on the new events (6 here, at both sizes).
- futures replay: fold + replay to the next decision of a workflow holding N completed activities,
  per event, at 1,000 and 5,000 activities.

Times are CPU time of this process (``time.process_time``): the median of a run of decisions\nfor the decider, the best of REPEATS for the replay.
"""
from __future__ import annotations

import pathlib
import statistics
import sys
import time
from typing import Any, Dict, List, Tuple

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

from swfkit import futures  # noqa: E402
from swfkit.actors.decision_history import RunCache, decision_history  # noqa: E402
from swfkit.history import History  # noqa: E402
from futures_bench import event_adder  # noqa: E402

REPEATS = 7


def step_history(n_events: int) -> List[Dict[str, Any]]:
    """A run that completed one activity per decision: ~n_events events, ending with a DecisionTaskStarted."""
    events: List[Dict[str, Any]] = []
    add = event_adder(events)

    add("WorkflowExecutionStarted", workflowType={"name": "steps", "version": "1"}, taskList={"name": "d"},
        childPolicy="TERMINATE", input="0", executionStartToCloseTimeout="3600", taskStartToCloseTimeout="30")
    scheduled = add("DecisionTaskScheduled", taskList={"name": "d"})
    started = add("DecisionTaskStarted", scheduledEventId=scheduled, identity="decider")
    number = 0
    while len(events) + 6 <= n_events:
        number += 1
        completed = add("DecisionTaskCompleted", scheduledEventId=scheduled, startedEventId=started)
        activity = add("ActivityTaskScheduled", activityId="a%d" % number, activityType={"name": "step", "version": "1"},
                       input=str(number), taskList={"name": "w"}, decisionTaskCompletedEventId=completed,
                       startToCloseTimeout="60", scheduleToStartTimeout="60", scheduleToCloseTimeout="120",
                       heartbeatTimeout="NONE")
        activity_started = add("ActivityTaskStarted", scheduledEventId=activity, identity="worker")
        add("ActivityTaskCompleted", scheduledEventId=activity, startedEventId=activity_started, result=str(number))
        scheduled = add("DecisionTaskScheduled", taskList={"name": "d"})
        started = add("DecisionTaskStarted", scheduledEventId=scheduled, identity="decider")
    return events


def _task(events: List[Dict[str, Any]], first: int, previous: int) -> Dict[str, Any]:
    return {"taskToken": "t", "workflowExecution": {"workflowId": "w", "runId": "r"},
            "workflowType": {"name": "steps", "version": "1"}, "startedEventId": events[-1]["eventId"],
            "previousStartedEventId": previous, "events": events[first - 1:]}


def incremental_decision_seconds(n_events: int, decisions: int = 60) -> Tuple[float, int]:
    """Median CPU time of one incremental decision once the run holds ~n_events; and the new events
    each decision folded. The run is read in full once, then ``decisions`` decisions follow in a row,
    each bringing one activity's events (as a decider sees them in steady state)."""
    events = step_history(n_events + 6 * decisions)
    starts = [event["eventId"] for event in events if event["eventType"] == "DecisionTaskStarted"]
    starts = starts[-decisions - 1:]
    times = []
    cache = RunCache()
    decision_history(None, _task(events[:starts[0]], 1, 0), {}, cache, "d")
    pages = [_task(events[:started], previous + 1, previous) for previous, started in zip(starts, starts[1:])]
    for page, started in zip(pages, starts[1:]):
        t0 = time.process_time()
        history, state = decision_history(None, page, {}, cache, "d")
        times.append(time.process_time() - t0)
        assert state.last_event_id == started and len(history.raw_events) == started
    return statistics.median(times), starts[-1] - starts[-2]


def replay_seconds(n: int) -> Tuple[float, int]:
    """Best CPU time of fold + replay to the next decision with n completed activities; and the events."""
    from futures_bench import BenchMap, make_history

    events = make_history(n, lambda k: "%d-inc" % k, "inc", lambda i: "[%d]" % i, "[%d]" % n)
    best = float("inf")
    for _ in range(REPEATS):
        t0 = time.process_time()
        state = History.from_events(events).fold()
        outcome = futures.replay(BenchMap, state, workflow_id="bench", run_id="run")
        best = min(best, time.process_time() - t0)
    (decision,) = outcome.decisions
    assert decision.attributes["input"] == "[%d]" % (n * (n + 1) // 2)
    return best, len(events)
