"""Futures layer benchmark: replay a workflow whose history holds N completed activities and
produce the next decision (fold the raw events + replay ``run``), against simpleflow's executor
on the same history, in the same run.

    python benchmarks/futures_bench.py            # N = 1,000 / 5,000 / 20,000

simpleflow is installed into a throwaway venv under /tmp (reused if already there); if it cannot
be installed or driven, its lines are skipped with a message. The history is the same for both
(same events, each library's own activity ids and input encoding). Prints times, the speed-up
ratio (simpleflow / swfkit) and swfkit's time per event at each size (flat = linear). "warm" is the
same decision when the previous decision's folded state is cached, as swfkit.actors.Decider does.

Times are CPU time of the measuring process (``time.process_time``), best of REPEATS, so that
other processes competing for the machine's cores distort them less than wall-clock time.
"""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from swfkit import futures  # noqa: E402
from swfkit.history import History  # noqa: E402

SIZES = (1_000, 5_000, 20_000)
VENV = pathlib.Path(tempfile.gettempdir()) / "swfkit-futures-bench-venv"
REPEATS = 7


@futures.activity(name="inc", task_list="bench")
def inc(x: int) -> int:
    return x + 1


@futures.workflow(name="bench_map", task_list="bench")
class BenchMap:
    def run(self, n: int) -> int:
        fs = [self.submit(inc, i) for i in range(n)]
        total = sum(f.result() for f in fs)
        return self.submit(inc, total).result()


def event_adder(events: List[Dict[str, Any]]) -> Callable[..., int]:
    """``add(event_type, **attributes)``: append the next wire event to ``events``; returns its id."""
    def add(event_type: str, **attributes: Any) -> int:
        key = event_type[0].lower() + event_type[1:] + "EventAttributes"
        events.append({"eventId": len(events) + 1, "eventType": event_type,
                       "eventTimestamp": 1_700_000_000.0 + len(events) / 1000.0, key: attributes})
        return len(events)
    return add


def make_history(n: int, activity_id: Callable[[int], str], type_name: str, encode_input: Callable[[int], str],
                 workflow_input: str) -> List[Dict[str, Any]]:
    """n activities scheduled by the first decision, all completed, then the next decision task started."""
    events: List[Dict[str, Any]] = []
    add = event_adder(events)

    add("WorkflowExecutionStarted", workflowType={"name": "bench_map", "version": "1"}, taskList={"name": "bench"},
        childPolicy="TERMINATE", input=workflow_input, executionStartToCloseTimeout="3600",
        taskStartToCloseTimeout="30")
    scheduled = add("DecisionTaskScheduled", taskList={"name": "bench"})
    started = add("DecisionTaskStarted", scheduledEventId=scheduled, identity="bench")
    completed = add("DecisionTaskCompleted", scheduledEventId=scheduled, startedEventId=started)
    ids = [add("ActivityTaskScheduled", activityId=activity_id(i + 1), activityType={"name": type_name, "version": "1"},
               input=encode_input(i), taskList={"name": "bench"}, decisionTaskCompletedEventId=completed,
               startToCloseTimeout="300", scheduleToStartTimeout="300", scheduleToCloseTimeout="300",
               heartbeatTimeout="300")
           for i in range(n)]
    for i, scheduled_id in enumerate(ids):
        started_id = add("ActivityTaskStarted", scheduledEventId=scheduled_id, identity="w")
        add("ActivityTaskCompleted", scheduledEventId=scheduled_id, startedEventId=started_id, result=str(i + 1))
    scheduled = add("DecisionTaskScheduled", taskList={"name": "bench"})
    add("DecisionTaskStarted", scheduledEventId=scheduled, identity="bench")
    return events


def swfkit_seconds(n: int) -> Dict[str, float]:
    events = make_history(n, lambda k: "%d-inc" % k, "inc", lambda i: "[%d]" % i, "[%d]" % n)
    best = {"total": float("inf"), "fold": 0.0, "replay": 0.0}
    for _ in range(REPEATS):
        t0 = time.process_time()
        state = History.from_events(events).fold()
        t1 = time.process_time()
        outcome = futures.replay(BenchMap, state, workflow_id="bench", run_id="run")
        t2 = time.process_time()
        if t2 - t0 < best["total"]:
            best = {"total": t2 - t0, "fold": t1 - t0, "replay": t2 - t1}
    # Warm: what swfkit.actors.Decider does between decisions of one run: it keeps the state folded at
    # the previous decision and folds only the new events (here the last completion and the new task).
    previous = History.from_events(events[:-3]).fold()
    warm = float("inf")
    for _ in range(REPEATS):
        t0 = time.process_time()
        state = History.from_events(events).fold(previous)
        futures.replay(BenchMap, state, workflow_id="bench", run_id="run")
        warm = min(warm, time.process_time() - t0)
    best["warm"] = warm
    (decision,) = outcome.decisions
    expected = str(n * (n + 1) // 2)
    assert decision.decision_type == "ScheduleActivityTask" and decision.attributes["input"] == "[%s]" % expected, \
        decision.to_dict()
    best["events"] = len(events)
    return best


DRIVER = r'''
import json, sys, time, logging
logging.disable(logging.CRITICAL)
from simpleflow import Workflow, activity, futures
from simpleflow.swf.executor import Executor
from simpleflow.swf.mapper.models.domain import Domain
from simpleflow.swf.mapper.models.history.base import History
from simpleflow.swf.mapper.responses import Response

@activity.with_attributes(name="inc", task_list="bench", version="1")
def inc(x):
    return x + 1

class BenchMap(Workflow):
    name = "bench_map"; version = "1"; task_list = "bench"
    def run(self, n):
        fs = [self.submit(inc, i) for i in range(n)]
        futures.wait(*fs)
        total = sum(f.result for f in fs)
        final = self.submit(inc, total)
        futures.wait(final)
        return final.result

events = json.load(open(sys.argv[1]))
n, repeats = int(sys.argv[2]), int(sys.argv[3])
best = float("inf")
for _ in range(repeats):
    t0 = time.process_time()
    history = History.from_event_list(events)
    out = Executor(Domain("bench"), BenchMap).replay(Response(history=history, execution=None))
    best = min(best, time.process_time() - t0)
(decision,) = out.decisions
attributes = decision["scheduleActivityTaskDecisionAttributes"]
assert json.loads(attributes["input"])["args"] == [n * (n + 1) // 2], decision
print(json.dumps({"seconds": best}))
'''


def simpleflow_python() -> Optional[str]:
    """The venv's python with simpleflow importable, installing it if needed; None (and a message) if not."""
    python = VENV / "bin" / "python"
    check = [str(python), "-c", "import simpleflow.swf.executor"]
    if python.exists() and subprocess.run(check, capture_output=True).returncode == 0:
        return str(python)
    print("installing simpleflow into %s ..." % VENV, flush=True)
    try:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, capture_output=True, timeout=120)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "simpleflow"], check=True, capture_output=True,
                       timeout=600)
        subprocess.run(check, check=True, capture_output=True, timeout=60)
    except (subprocess.SubprocessError, OSError) as err:
        stderr = getattr(err, "stderr", b"") or b""
        print("simpleflow: skipped, it could not be installed: %s %s" % (err, stderr.decode(errors="replace")[-300:]))
        return None
    return str(python)


def simpleflow_seconds(python: str, n: int) -> Optional[float]:
    events = make_history(n, lambda k: "activity-inc-%d" % k, "inc",
                          lambda i: json.dumps({"args": [i], "kwargs": {}}),
                          json.dumps({"args": [n], "kwargs": {}}))
    with tempfile.TemporaryDirectory() as tmp:
        history_file, driver = os.path.join(tmp, "history.json"), os.path.join(tmp, "driver.py")
        with open(history_file, "w") as f:
            json.dump(events, f)
        with open(driver, "w") as f:
            f.write(DRIVER)
        done = subprocess.run([python, driver, history_file, str(n), str(REPEATS)], capture_output=True, text=True,
                              timeout=1800, cwd=tmp)
    if done.returncode != 0:
        print("simpleflow: skipped at N=%d, its executor could not be driven: %s" % (n, done.stderr[-500:]))
        return None
    return json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


def main() -> int:
    python = simpleflow_python()
    print("\nreplay to the next decision (fold raw events + run the workflow), best of %d" % REPEATS)
    print("%8s %8s %12s %10s %11s %14s %10s %16s" % ("N", "events", "swfkit ms", "(fold ms)", "(replay ms)",
                                                      "simpleflow ms", "ratio", "warm ms (ratio)"))
    rows = []
    for n in SIZES:
        ours = swfkit_seconds(n)
        theirs = simpleflow_seconds(python, n) if python else None
        ratio = "%9.1fx" % (theirs / ours["total"]) if theirs else "   skipped"
        warm = "%.1f (%.1fx)" % (ours["warm"] * 1e3, theirs / ours["warm"]) if theirs else "%.1f" % (ours["warm"] * 1e3)
        print("%8d %8d %12.1f %10.1f %11.1f %14s %10s %16s" % (
            n, ours["events"], ours["total"] * 1e3, ours["fold"] * 1e3, ours["replay"] * 1e3,
            "%.1f" % (theirs * 1e3) if theirs else "skipped", ratio, warm), flush=True)
        rows.append((n, ours, theirs))
    print("\nlinearity (swfkit): time per event")
    base = rows[0][1]["total"] / rows[0][1]["events"]
    for n, ours, _ in rows:
        per_event = ours["total"] / ours["events"]
        print("  N=%6d: %.2f us/event (%.2fx the N=%d cost per event)" % (n, per_event * 1e6, per_event / base,
                                                                        rows[0][0]))
    five = [r for r in rows if r[0] == 5_000][0]
    if five[2]:
        print("\nN=5,000: swfkit is %.1fx faster than simpleflow (target >= 10x)" % (five[2] / five[1]["total"]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
