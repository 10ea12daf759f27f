"""swfkit.history benchmark: parse + fold of a 25,000-event history (SWF's maximum).

Prints, each against a baseline measured in the same run:
1. time of json.loads + History.from_pages + fold over 25 pages of 1,000 events, / json.loads
   alone (target <= 3x);
2. simpleflow's history compilation of the same events (``History.from_event_list`` +
   ``simpleflow.history.History(...).parse()``, what its decider runs), / swfkit's
   ``History.from_pages(...).fold()`` from the same parsed dicts (target >= 10x). simpleflow is
   installed with ``python -m venv`` + pip into /tmp/swfkit-history-bench-venv (reused when it
   is already there; ``--fresh-venv`` rebuilds it); the line is skipped with a message if that fails;
3. memory kept by the folded state / memory of the parsed JSON dicts, by tracemalloc (target <= 2x);
4. folding 10 new events onto the state of the first 20,000 (in place, and the pure
   ``History.fold(previous)`` that copies the state first), against a full re-fold.

The history is synthetic but shaped like a busy decider's: decision task cycles scheduling
activities that start and complete (some fail or time out and are retried under the same id),
timers that fire, markers, and signals. Usage: python benchmarks/history_bench.py [--repeat 5]
"""
from __future__ import annotations

import argparse
import gc
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from typing import Any, Callable, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from swfkit.history import History, fold, parse_event  # noqa: E402

VENV = os.path.join(tempfile.gettempdir(), "swfkit-history-bench-venv")

TASK_LIST = {"name": "analytics-main"}
ACTIVITY_TYPES = [{"name": "fetch-report", "version": "3"}, {"name": "transform", "version": "12"},
                  {"name": "load-warehouse", "version": "1.4"}]


def synthetic_events(total: int, seed: int = 7) -> List[Dict[str, Any]]:
    """Return ``total`` wire-format events of one execution, eventIds 1..total."""
    rng = random.Random(seed)
    events: List[Dict[str, Any]] = []
    clock = [1_700_000_000.0]

    def add(event_type: str, attributes: Dict[str, Any]) -> int:
        clock[0] += rng.randint(1, 900) / 1000.0
        event_id = len(events) + 1
        key = event_type[0].lower() + event_type[1:] + "EventAttributes"
        events.append({"eventId": event_id, "eventType": event_type,
                       "eventTimestamp": round(clock[0], 3), key: attributes})
        return event_id

    add("WorkflowExecutionStarted", {
        "input": json.dumps({"customer": "c-0042", "window": ["2023-01-01", "2023-12-31"]}),
        "executionStartToCloseTimeout": "86400", "taskStartToCloseTimeout": "60",
        "childPolicy": "TERMINATE", "taskList": TASK_LIST, "taskPriority": "0",
        "workflowType": {"name": "nightly-etl", "version": "2"}, "tagList": ["etl", "nightly"]})
    open_activities: Dict[int, Dict[str, Any]] = {}   # scheduled event id -> info
    open_timers: Dict[str, int] = {}
    counter = 0
    while True:
        scheduled = add("DecisionTaskScheduled", {"taskList": TASK_LIST, "startToCloseTimeout": "60",
                                                  "taskPriority": "0"})
        started = add("DecisionTaskStarted", {"scheduledEventId": scheduled, "identity": "decider-host-1:4242"})
        completed = add("DecisionTaskCompleted", {"scheduledEventId": scheduled, "startedEventId": started,
                                                  "executionContext": "cycle-%d" % counter})
        if len(events) > total - 40:
            break
        for _ in range(rng.randint(1, 4)):
            counter += 1
            activity_id = "activity-%d" % counter
            if rng.random() < 0.1:  # a retry: an earlier (closed) activity id scheduled again
                activity_id = "activity-%d" % rng.randint(1, counter)
                if any(info["id"] == activity_id for info in open_activities.values()):
                    activity_id = "activity-%d-b" % counter
            event_id = add("ActivityTaskScheduled", {
                "activityType": rng.choice(ACTIVITY_TYPES), "activityId": activity_id,
                "input": json.dumps({"partition": counter, "rows": rng.randint(1, 10**6), "mode": "full"}),
                "control": "retry=0", "scheduleToStartTimeout": "300", "scheduleToCloseTimeout": "3600",
                "startToCloseTimeout": "1800", "heartbeatTimeout": "120", "taskList": TASK_LIST,
                "taskPriority": "0", "decisionTaskCompletedEventId": completed})
            open_activities[event_id] = {"id": activity_id}
        if rng.random() < 0.25:
            counter += 1
            timer_id = "timer-%d" % counter
            open_timers[timer_id] = add("TimerStarted", {"timerId": timer_id, "startToFireTimeout": "30",
                                                         "control": "poll", "decisionTaskCompletedEventId": completed})
        if rng.random() < 0.2:
            add("MarkerRecorded", {"markerName": "checkpoint", "details": json.dumps({"cycle": counter}),
                                   "decisionTaskCompletedEventId": completed})
        # Outside the decider: workers start and finish activities, timers fire, signals arrive.
        for scheduled_id in list(open_activities):
            info = open_activities.pop(scheduled_id)
            started_id = add("ActivityTaskStarted", {"scheduledEventId": scheduled_id,
                                                     "identity": "worker-%d:%d" % (rng.randint(1, 8), rng.randint(1000, 9999))})
            roll = rng.random()
            if roll < 0.9:
                add("ActivityTaskCompleted", {"scheduledEventId": scheduled_id, "startedEventId": started_id,
                                              "result": json.dumps({"ok": True, "rows": rng.randint(1, 10**6),
                                                                    "path": "s3://bucket/out/%s.parquet" % info["id"]})})
            elif roll < 0.96:
                add("ActivityTaskFailed", {"scheduledEventId": scheduled_id, "startedEventId": started_id,
                                           "reason": "TransientError", "details": "connection reset by peer"})
            else:
                add("ActivityTaskTimedOut", {"scheduledEventId": scheduled_id, "startedEventId": started_id,
                                             "timeoutType": "HEARTBEAT", "details": "42%"})
        for timer_id in list(open_timers):
            if rng.random() < 0.8:
                add("TimerFired", {"timerId": timer_id, "startedEventId": open_timers.pop(timer_id)})
        if rng.random() < 0.15:
            add("WorkflowExecutionSignaled", {"signalName": "progress", "input": json.dumps({"at": counter})})
    completed = events[-1]["eventId"]
    for timer_id, started_id in list(open_timers.items()):
        add("TimerCanceled", {"timerId": timer_id, "startedEventId": started_id,
                              "decisionTaskCompletedEventId": completed})
    while len(events) < total - 1:
        add("MarkerRecorded", {"markerName": "padding", "details": "x", "decisionTaskCompletedEventId": completed})
    add("WorkflowExecutionCompleted", {"result": json.dumps({"status": "done"}),
                                       "decisionTaskCompletedEventId": completed})
    return events


def synthetic_pages(total: int = 25_000, page_size: int = 1000, seed: int = 7) -> List[str]:
    """The history as JSON texts of GetWorkflowExecutionHistory pages of ``page_size`` events."""
    events = synthetic_events(total, seed)
    pages = []
    for start in range(0, len(events), page_size):
        page: Dict[str, Any] = {"events": events[start:start + page_size]}
        if start + page_size < len(events):
            page["nextPageToken"] = "token-%d" % (start + page_size)
        pages.append(json.dumps(page))
    return pages


def best_of(repeat: int, run: Callable[[], Any]) -> float:
    """Fastest of ``repeat`` runs, in seconds (a collection first, so runs start alike)."""
    best = float("inf")
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    return best


def retained(build: Callable[[], Any]) -> int:
    """Bytes still allocated after ``build()`` returned, its result kept alive (tracemalloc)."""
    gc.collect()
    tracemalloc.start()
    kept = build()
    gc.collect()
    size = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    del kept
    return size


SIMPLEFLOW_SCRIPT = r"""
import gc, json, sys, time
from simpleflow.history import History
from simpleflow.swf.mapper.models.history.base import History as MapperHistory
pages = [json.loads(text) for text in json.load(open(sys.argv[1]))]
events = [event for page in pages for event in page["events"]]
best = float("inf")
for _ in range(int(sys.argv[2])):
    gc.collect()
    started = time.perf_counter()
    history = History(MapperHistory.from_event_list(events))
    history.parse()
    best = min(best, time.perf_counter() - started)
try:  # the mapper's History.compile(), the other "compilation" simpleflow has
    MapperHistory.from_event_list(events).compile()
    compiled = "ok"
except Exception as error:
    compiled = "%s: %s" % (type(error).__name__, error)
print(json.dumps({"seconds": best, "activities": len(history.activities), "compile": compiled}))
"""


def simpleflow_python(fresh: bool) -> Optional[str]:
    """A python with simpleflow importable, in a throwaway venv; None (with a message) if impossible."""
    python = os.path.join(VENV, "bin", "python")
    if not fresh and os.path.exists(python) and subprocess.call(
            [python, "-c", "import simpleflow.history"], stderr=subprocess.DEVNULL) == 0:
        return python
    try:
        subprocess.run([sys.executable, "-m", "venv", "--clear", VENV], check=True, capture_output=True, timeout=300)
        subprocess.run([python, "-m", "pip", "install", "--quiet", "simpleflow"], check=True, capture_output=True,
                       timeout=600)
    except (subprocess.SubprocessError, OSError) as error:
        detail = getattr(error, "stderr", b"") or b""
        print("  simpleflow: skipped, could not install it into %s: %s %s" % (
            VENV, error, detail.decode(errors="replace")[-300:]))
        return None
    return python


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=5, help="runs per measurement (best is kept)")
    parser.add_argument("--fresh-venv", action="store_true", help="rebuild the simpleflow venv")
    parser.add_argument("--no-simpleflow", action="store_true", help="skip the simpleflow comparison")
    args = parser.parse_args()
    repeat = args.repeat

    pages = synthetic_pages()
    parsed = [json.loads(text) for text in pages]
    events = [event for page in parsed for event in page["events"]]
    kinds: Dict[str, int] = {}
    for event in events:
        kinds[event["eventType"]] = kinds.get(event["eventType"], 0) + 1
    print("history: %d events in %d pages, %.1f MB of JSON; %s" % (
        len(events), len(pages), sum(map(len, pages)) / 1e6,
        ", ".join("%s %d" % item for item in sorted(kinds.items(), key=lambda item: -item[1])[:6])))
    state = History.from_pages(parsed).fold()
    assert state.last_event_id == len(events) and state.execution.close_status == "COMPLETED"

    # 1. parse + fold against json.loads
    loads = best_of(repeat, lambda: [json.loads(text) for text in pages])
    total = best_of(repeat, lambda: History.from_pages([json.loads(text) for text in pages]).fold())
    fold_only = best_of(repeat, lambda: History.from_pages(parsed).fold())
    typed = best_of(max(1, repeat // 2), lambda: [parse_event(event) for event in events])
    print("1. json.loads of the pages:                 %8.1f ms" % (loads * 1e3))
    print("   json.loads + History + fold:             %8.1f ms   ratio %.2fx  (target <= 3x)  %s" % (
        total * 1e3, total / loads, "OK" if total / loads <= 3 else "MISSED"))
    print("   (History + fold from parsed dicts:       %8.1f ms; every event typed eagerly: %.1f ms)" % (
        fold_only * 1e3, typed * 1e3))

    # 2. simpleflow
    if args.no_simpleflow:
        print("2. simpleflow: skipped (--no-simpleflow)")
    else:
        python = simpleflow_python(args.fresh_venv)
        if python is not None:
            with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
                json.dump(pages, handle)
            try:
                output = subprocess.run([python, "-c", SIMPLEFLOW_SCRIPT, handle.name, str(max(1, repeat // 2))],
                                        check=True, capture_output=True, text=True, timeout=900)
                answer = json.loads(output.stdout.strip().splitlines()[-1])
                simpleflow = answer["seconds"]
                print("2. simpleflow History(from_event_list).parse(): %8.1f ms; swfkit History.fold(): %.1f ms"
                      % (simpleflow * 1e3, fold_only * 1e3))
                print("   ratio simpleflow / swfkit %.1fx  (target >= 10x)  %s" % (
                    simpleflow / fold_only, "OK" if simpleflow / fold_only >= 10 else "MISSED"))
                print("   (simpleflow's History.compile() on the same events: %s)" % answer["compile"])
            except (subprocess.SubprocessError, ValueError, KeyError) as error:
                print("2. simpleflow: skipped, it failed on the history: %s %s" % (
                    error, (getattr(error, "stderr", "") or "")[-400:]))
            finally:
                os.unlink(handle.name)

    # 3. memory
    json_bytes = retained(lambda: [json.loads(text) for text in pages])
    state_bytes = retained(lambda: History.from_pages([json.loads(text) for text in pages]).fold())
    history_bytes = retained(lambda: (lambda h: (h, h.fold()))(History.from_pages([json.loads(text) for text in pages])))
    print("3. parsed JSON dicts: %.1f MB; folded state alone: %.1f MB  ratio %.2fx  (target <= 2x)  %s" % (
        json_bytes / 1e6, state_bytes / 1e6, state_bytes / json_bytes, "OK" if state_bytes <= 2 * json_bytes else "MISSED"))
    print("   (History kept with its state: %.1f MB = %.2fx the dicts)" % (history_bytes / 1e6, history_bytes / json_bytes))

    # 4. ten new events onto an existing state
    cut = 20_000
    base = fold(events[:cut])
    new = events[cut:cut + 10]
    copies = [base.copy() for _ in range(50)]
    timings = []
    for copy in copies:
        started = time.perf_counter()
        copy.apply_all(new)
        timings.append(time.perf_counter() - started)
    assert copies[0] == fold(events[:cut + 10])
    in_place = statistics.median(timings)
    history = History.from_events(events[:cut + 10])
    history.raw_events  # read the pages: only the fold is timed
    pure = best_of(repeat, lambda: history.fold(base))
    refold = best_of(repeat, lambda: History.from_events(events[:cut + 10]).fold())
    print("4. 10 new events onto a %d-event state: in place %.1f us, History.fold(previous) %.2f ms "
          "(copies the state); full re-fold %.1f ms  ratio re-fold / in place %.0fx" % (
              cut, in_place * 1e6, pure * 1e3, refold * 1e3, refold / in_place))
    return 0


if __name__ == "__main__":
    sys.exit(main())
