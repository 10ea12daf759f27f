"""The demo workflow: fan out 100 ``square`` activities, fan in their sum.

The execution also starts a one-second timer and waits for an ``approve`` signal: it completes
once every activity has a result, the timer has fired and the signal has arrived. A failed or
timed-out activity is scheduled again (at most ``MAX_ATTEMPTS`` times in all) before the
workflow gives up and fails.

The decider and worker are module-level classes so that ``multiprocessing`` (spawn) and
``swfkit decider start swfkit.demo.fan_out:FanOutDecider`` can import them.
"""
from __future__ import annotations

import json
import time
from typing import Any, Optional, TypedDict

from swfkit.actors import ActivityTypeRegistration, Decider, WorkflowTypeRegistration, Worker, activity
from swfkit.decisions import Decisions
from swfkit.spec.limits import MAX_OPEN_ACTIVITIES

DOMAIN = "swfkit-demo"
WORKFLOW_NAME, WORKFLOW_VERSION = "fan-out-fan-in", "1"
ACTIVITY_NAME, ACTIVITY_VERSION = "square", "1"
DECIDER_TASK_LIST = "swfkit-demo-decisions"
WORKER_TASK_LIST = "swfkit-demo-activities"
TIMER_ID = "cool-down"
TIMER_SECONDS = 1
SIGNAL_NAME = "approve"
MAX_ATTEMPTS = 3
#: The most activities one demo run may have: SWF closes a history at 25,000 events, and each
#: activity costs 3 events plus its share of the decision tasks'.
MAX_ACTIVITIES = 3_000


class _ActivityTimeouts(TypedDict):
    schedule_to_start_timeout: int
    start_to_close_timeout: int
    schedule_to_close_timeout: int
    heartbeat_timeout: str


#: Activity timeouts the decider asks for (seconds): a lost worker's task comes back quickly.
ACTIVITY_TIMEOUTS: _ActivityTimeouts = {"schedule_to_start_timeout": 60, "start_to_close_timeout": 10,
                                       "schedule_to_close_timeout": 120, "heartbeat_timeout": "NONE"}

WORKFLOW_TYPE = WorkflowTypeRegistration(
    WORKFLOW_NAME, WORKFLOW_VERSION, description="swfkit demo: fan-out/fan-in of square activities",
    task_list=DECIDER_TASK_LIST, execution_start_to_close_timeout=600, task_start_to_close_timeout=30,
    child_policy="TERMINATE")
ACTIVITY_TYPE = ActivityTypeRegistration(
    ACTIVITY_NAME, ACTIVITY_VERSION, description="swfkit demo: n -> n * n", task_list=WORKER_TASK_LIST,
    **ACTIVITY_TIMEOUTS)


def activity_id(index: int) -> str:
    """The id of the ``index``-th square activity."""
    return "square-%03d" % index


def workflow_input(count: int, work_ms: int, worker_task_list: str) -> str:
    """The execution's input: how many activities, how long each works, where they go."""
    return json.dumps({"count": count, "work_ms": work_ms, "task_list": worker_task_list})


def expected_result(count: int) -> int:
    """The sum the workflow must produce: 0² + 1² + ... + (count-1)²."""
    return sum(n * n for n in range(count))


class FanOutDecider(Decider):
    """Schedules the fan-out, retries failures, and completes with the fan-in sum."""

    domain = DOMAIN
    task_list = DECIDER_TASK_LIST
    workflow_types = [WORKFLOW_TYPE]

    def decide(self, task: Any) -> Decisions:
        """Decide from the folded state alone, so any decider process can take any task.

        At most ``MAX_OPEN_ACTIVITIES`` (SWF's limit, 1,000) activities are open at once: the rest
        are scheduled as earlier ones close.
        """
        settings = json.loads(task.input or "{}")
        count, work_ms = int(settings.get("count", 100)), int(settings.get("work_ms", 0))
        worker_list = settings.get("task_list", WORKER_TASK_LIST)
        state = task.state
        decisions = Decisions()
        if TIMER_ID not in state.timers:
            decisions.start_timer(TIMER_ID, TIMER_SECONDS)
        room = MAX_OPEN_ACTIVITIES - sum(1 for entry in state.activities.values() if entry.is_open)
        total = completed = 0
        for index in range(count):
            entry = state.activities.get(activity_id(index))
            if entry is not None and entry.status == "completed":
                completed += 1
                total += json.loads(entry.result)["square"]
                continue
            if entry is not None and entry.is_open:
                continue
            if entry is not None:  # failed, timed out, canceled or could not be scheduled: retry
                attempts = len(entry.attempts) + 1  # the earlier closed attempts, plus this one
                if attempts >= MAX_ATTEMPTS:
                    given_up = Decisions()
                    given_up.fail_workflow_execution(
                        reason="activity %s gave up" % activity_id(index),
                        details="%s after %d attempts: %s" % (
                            entry.status, attempts, entry.reason or entry.timeout_type or entry.cause or ""))
                    return given_up
            if room > 0:
                self._schedule(decisions, index, work_ms, worker_list)
                room -= 1
        timer = state.timers.get(TIMER_ID)
        approved = any(signal.name == SIGNAL_NAME for signal in state.signals)
        if completed == count and timer is not None and timer.status == "fired" and approved:
            decisions.complete_workflow_execution(result=json.dumps({"count": count, "sum": total}))
        return decisions

    def execution_context(self, task: Any) -> Optional[str]:
        """How far the fan-out got, readable with ``DescribeWorkflowExecution``."""
        done = sum(1 for entry in task.state.activities.values() if entry.status == "completed")
        return json.dumps({"completed": done})

    @staticmethod
    def _schedule(decisions: Decisions, index: int, work_ms: int, worker_list: str) -> None:
        decisions.schedule_activity_task(
            activity_id(index), (ACTIVITY_NAME, ACTIVITY_VERSION), input=json.dumps({"n": index, "work_ms": work_ms}),
            task_list=worker_list, **ACTIVITY_TIMEOUTS)


class SquareWorker(Worker):
    """Answers ``square`` tasks: ``{"n": n}`` → ``{"n": n, "square": n * n}``."""

    domain = DOMAIN
    task_list = WORKER_TASK_LIST

    @activity(ACTIVITY_NAME, ACTIVITY_VERSION, description=ACTIVITY_TYPE.description, task_list=WORKER_TASK_LIST,
              **ACTIVITY_TIMEOUTS)
    def square(self, input: Optional[str]) -> str:
        """Square ``n`` after ``work_ms`` milliseconds of pretend work."""
        request = json.loads(input or "{}")
        n = int(request["n"])
        if request.get("work_ms"):
            time.sleep(request["work_ms"] / 1000.0)
        return json.dumps({"n": n, "square": n * n})
