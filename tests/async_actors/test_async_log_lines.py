"""JSON log lines of the async actors carry the ids of the task being handled: each asyncio task its
own, even while several tasks of one worker are in flight and log in turns, and in a plain
function's executor thread."""
from __future__ import annotations

import asyncio
import io
import json
import logging
from typing import Any, Dict, List, Optional

import pytest

pytest.importorskip("aiohttp")

from async_runs import (  # noqa: E402
    DOMAIN, WORK, activity_type, async_client, attributes, events, of_type, register, start,
    start_with_activities, wait_closed,
)
from swfkit.actors import AsyncDecider, AsyncWorker, DecisionTask, activity  # noqa: E402
from swfkit.actors.task_log_context import current_task_fields  # noqa: E402
from swfkit.decisions import Decisions  # noqa: E402
from swfkit.layer1 import Layer1  # noqa: E402

user_log = logging.getLogger("user.async_activity")


def user_lines(stream: io.StringIO) -> List[Dict[str, Any]]:
    entries = [json.loads(line) for line in stream.getvalue().splitlines() if line.strip()]
    return [entry for entry in entries if entry["logger"] == user_log.name]


def started_event_ids(history: List[Dict[str, Any]]) -> Dict[str, int]:
    """activity id -> the event id of its ActivityTaskStarted."""
    scheduled = {e["eventId"]: attributes(e)["activityId"] for e in of_type(history, "ActivityTaskScheduled")}
    return {scheduled[attributes(e)["scheduledEventId"]]: e["eventId"] for e in of_type(history, "ActivityTaskStarted")}


class Talker(AsyncWorker):
    """``talk`` logs before and after waiting until every ``talk`` is in flight, so the lines of
    the two tasks interleave on the one loop; ``talk_in_thread`` is a plain function (a thread)."""

    domain, task_list = DOMAIN, WORK
    talkers = 2

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.arrived = 0
        self.all_in = asyncio.Event()

    @activity("talk", "1")
    async def talk(self, input: Optional[str]) -> str:
        user_log.info("first line of %s", input)
        self.arrived += 1
        if self.arrived == self.talkers:
            self.all_in.set()
        await asyncio.wait_for(self.all_in.wait(), 10)  # the other task logged its first line meanwhile
        await asyncio.sleep(0)
        user_log.info("last line of %s", input)
        return input or ""

    @activity("talk_in_thread", "1")
    def talk_in_thread(self, input: Optional[str]) -> str:
        user_log.info("thread line of %s", input)
        return input or ""


def test_concurrent_coroutine_activities_log_each_with_its_own_task_ids(swf_endpoint: str,
                                                                       json_lines: io.StringIO) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("talk"), activity_type("talk_in_thread"))
    execution = start_with_activities(swf, "async-json-logs", [("t0", "talk", "t0"), ("t1", "talk", "t1"),
                                                               ("p0", "talk_in_thread", "p0")])

    async def main() -> Any:
        async with async_client(swf_endpoint) as client:
            worker = Talker(client, max_concurrent=3)
            handled = await worker.run(stop_after_tasks=3, signals=())
            user_log.info("after the run")  # on the loop, outside every task
            return handled

    assert asyncio.run(main()) == 3
    assert current_task_fields() is None
    history = events(swf, execution)
    assert len(of_type(history, "ActivityTaskCompleted")) == 3
    started = started_event_ids(history)
    lines = user_lines(json_lines)
    messages = [entry["message"] for entry in lines]
    # The coroutines' lines interleave: both first lines come before either last line.
    assert sorted(messages[:2]) == ["first line of t0", "first line of t1"], messages
    assert sorted(m for m in messages if not m.startswith("thread")) == [
        "after the run", "first line of t0", "first line of t1", "last line of t0", "last line of t1"]
    for entry in lines:
        if entry["message"] == "after the run":
            assert "activity_id" not in entry and "workflow_id" not in entry
            continue
        activity_id = entry["message"].rsplit(" ", 1)[1]
        assert entry["activity_id"] == activity_id, entry
        assert entry["started_event_id"] == started[activity_id]
        assert entry["workflow_id"] == "async-json-logs" and entry["run_id"] == execution["runId"]
        assert entry["domain"] == DOMAIN and entry["task_list"] == WORK
        assert entry["activity_type"] == ("talk_in_thread/1" if activity_id == "p0" else "talk/1")
    assert [e["activity_id"] for e in lines if e["message"].startswith("thread")] == ["p0"]


class Closer(AsyncDecider):
    """Completes every workflow at its first decision, logging from a coroutine ``decide``."""

    domain, task_list = DOMAIN, "log-decisions"

    async def decide(self, task: DecisionTask) -> Decisions:
        user_log.info("deciding %s", task.workflow_id)
        await asyncio.sleep(0)
        user_log.info("decided %s", task.workflow_id)
        decisions = Decisions()
        decisions.complete_workflow_execution(result="done")
        return decisions


def test_a_coroutine_decide_logs_with_its_decision_task_ids(swf_endpoint: str, json_lines: io.StringIO) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf)
    execution = start(swf, "async-json-decide", task_list="log-decisions")

    async def main() -> int:
        async with async_client(swf_endpoint) as client:
            return await Closer(client).run(stop_after_tasks=1, signals=())

    assert asyncio.run(main()) == 1
    assert wait_closed(swf, execution)["closeStatus"] == "COMPLETED"
    task_started = of_type(events(swf, execution), "DecisionTaskStarted")[0]
    lines = user_lines(json_lines)
    assert [entry["message"] for entry in lines] == ["deciding async-json-decide", "decided async-json-decide"]
    for entry in lines:
        assert entry["workflow_id"] == "async-json-decide" and entry["run_id"] == execution["runId"]
        assert entry["workflow_type"] == "flow/1" and entry["task_list"] == "log-decisions"
        assert entry["started_event_id"] == task_started["eventId"]
        assert entry["scheduled_event_id"] == attributes(task_started)["scheduledEventId"]
