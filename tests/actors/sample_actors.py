"""Actors used by the tests (module level, so child processes can import them by name)."""
from __future__ import annotations

import json
import logging
import os
import threading
import time
from typing import Any, Dict, Optional

from swfkit.actors import ActivityCanceled, ActivityTask, Decider, DecisionTask, Worker, activity
from swfkit.decisions import Decisions

DOMAIN = "actors-tests"
DECISIONS = "deciders"
WORK = "workers"


class FanOutDecider(Decider):
    """Input: {"count": n, "activity": [name, version], "input": x, "attempts": k, timeouts...}.

    Schedules n activities ``a0..a(n-1)`` with input ``{"index": i, "input": x}``, schedules an
    activity again (same id) when it timed out or failed (up to ``attempts`` times), and completes
    with the JSON list of results once every activity completed. ``hang_file``: the first decision
    writes this process's pid there and then hangs (the test kills it).
    """

    domain = DOMAIN
    task_list = DECISIONS

    def decide(self, task: DecisionTask) -> Decisions:
        spec = json.loads(task.input or "{}")
        hang_file = spec.get("hang_file")
        if hang_file and not os.path.exists(hang_file):
            with open(hang_file, "w") as handle:
                handle.write(str(os.getpid()))
            time.sleep(120)
        decisions = Decisions()
        activities = task.state.activities
        results = []
        for index in range(spec["count"]):
            record = activities.get("a%d" % index)
            if record is None or (record.status in ("timed_out", "failed") and record.attempt < spec.get("attempts", 3)):
                decisions.schedule_activity_task(
                    "a%d" % index, tuple(spec["activity"]), task_list=spec.get("task_list", WORK),
                    input=json.dumps({"index": index, "input": spec.get("input")}),
                    start_to_close_timeout=spec.get("start_to_close", 30),
                    schedule_to_start_timeout="NONE", schedule_to_close_timeout="NONE",
                    heartbeat_timeout=spec.get("heartbeat", "NONE"))
            elif record.status == "completed":
                results.append(record.result)
            elif not record.is_open:
                decisions.fail_workflow_execution(reason="activity a%d %s" % (index, record.status),
                                                  details=record.details or record.timeout_type)
                return decisions
        if len(results) == spec["count"]:
            decisions.complete_workflow_execution(result=json.dumps(results))
        return decisions


class BrokenDecider(Decider):
    """decide() always raises."""

    domain = DOMAIN
    task_list = DECISIONS

    def decide(self, task: DecisionTask) -> Decisions:
        raise RuntimeError("decider bug for %s" % task.workflow_id)


def _argument(input: Optional[str]) -> Dict[str, Any]:
    return json.loads(input or "{}")


class SampleWorker(Worker):
    domain = DOMAIN
    task_list = WORK

    @activity("double", "1", start_to_close_timeout=30)
    def double(self, input: Optional[str]) -> Any:
        argument = _argument(input)
        return {"index": argument["index"], "value": 2 * argument["input"]}

    @activity("sleepy", "1")
    def sleepy(self, input: Optional[str]) -> str:
        argument = _argument(input)
        spec = argument["input"]
        if spec.get("log_dir"):
            with open(os.path.join(spec["log_dir"], "started-%d-%d" % (argument["index"], os.getpid())), "w"):
                pass
        time.sleep(spec["seconds"])
        return "slept %d" % argument["index"]

    @activity("hang_once", "1", pass_task=True, heartbeat_interval=0.2)
    def hang_once(self, task: ActivityTask) -> str:
        """First run writes its pid to ``pid_file`` and hangs (the test kills the process)."""
        argument = _argument(task.input)
        pid_file = argument["input"]["pid_file"]
        if not os.path.exists(pid_file):
            with open(pid_file, "w") as handle:
                handle.write(str(os.getpid()))
            time.sleep(120)
        return "done by %d" % os.getpid()

    @activity("boom", "1")
    def boom(self, input: Optional[str]) -> str:
        raise ValueError("boom " + "x" * 40_000)

    @activity("cancellable", "1", pass_task=True, heartbeat_interval=0.1)
    def cancellable(self, task: ActivityTask) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            task.set_progress("still going")
            if task.cancel_requested:
                raise ActivityCanceled("stopped at your request")
            time.sleep(0.02)
        return "never canceled"


class CancelDecider(Decider):
    """Schedules ``cancellable`` as a0; on a ``cancel`` signal requests its cancellation; completes
    with ``canceled: <details>`` (or the result) once it closed."""

    domain = DOMAIN
    task_list = DECISIONS

    def decide(self, task: DecisionTask) -> Decisions:
        decisions = Decisions()
        record = task.state.activities.get("a0")
        if record is None:
            decisions.schedule_activity_task("a0", ("cancellable", "1"), task_list=WORK, start_to_close_timeout=30,
                                             heartbeat_timeout=5, schedule_to_start_timeout="NONE",
                                             schedule_to_close_timeout="NONE")
        elif record.status == "canceled":
            decisions.complete_workflow_execution(result="canceled: %s" % record.details)
        elif record.status == "completed":
            decisions.complete_workflow_execution(result=record.result)
        elif record.is_open and not record.cancel_requested and any(s.name == "cancel" for s in task.state.signals):
            decisions.request_cancel_activity_task("a0")
        return decisions


class RecordingDecider(FanOutDecider):
    """A FanOutDecider that keeps every DecisionTask it was given (in-process tests only)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: list = []

    def decide(self, task: DecisionTask) -> Decisions:
        self.seen.append(task)
        return super().decide(task)


class GatherWorker(Worker):
    """``sleepy``/1 that proves concurrency: writes ``started-<index>-<pid>`` in ``log_dir``, then waits
    until ``gather`` such files exist (that many tasks in flight at once) or the file ``release``
    exists, and fails after ``timeout`` seconds (default 20). In this process it also counts the
    tasks in flight (``in_flight``, ``max_in_flight``)."""

    domain = DOMAIN
    task_list = WORK
    lock = threading.Lock()
    in_flight = 0
    max_in_flight = 0

    @classmethod
    def reset(cls) -> None:
        cls.in_flight = cls.max_in_flight = 0

    @activity("sleepy", "1")
    def sleepy(self, input: Optional[str]) -> str:
        argument = _argument(input)
        spec, index = argument["input"], argument["index"]
        cls = type(self)
        with cls.lock:
            cls.in_flight += 1
            cls.max_in_flight = max(cls.max_in_flight, cls.in_flight)
        try:
            log_dir = spec["log_dir"]
            with open(os.path.join(log_dir, "started-%d-%d" % (index, os.getpid())), "w"):
                pass
            deadline = time.monotonic() + spec.get("timeout", 20)
            while True:
                started = [n for n in os.listdir(log_dir) if n.startswith("started-")]
                if spec.get("gather") and len(started) >= spec["gather"]:
                    break
                if spec.get("release") and os.path.exists(spec["release"]):
                    break
                if time.monotonic() > deadline:
                    raise RuntimeError("activity %d: only %d tasks started" % (index, len(started)))
                time.sleep(0.02)
            return "gathered %d" % index
        finally:
            with cls.lock:
                cls.in_flight -= 1


class LoggingWorker(Worker):
    """``double``/1 that logs a line of its own (with ``secret`` in it, to be masked) and doubles."""

    domain = DOMAIN
    task_list = WORK

    @activity("double", "1")
    def double(self, input: Optional[str]) -> Any:
        argument = _argument(input)
        logging.getLogger("user.activity").warning("doubling %s with key %s", argument["index"],
                                                   os.environ.get("AWS_SECRET_ACCESS_KEY"))
        return {"index": argument["index"], "value": 2 * argument["input"]}
