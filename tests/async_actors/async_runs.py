"""Helpers of the async actors tests: registration, executions scheduled by hand, actors on a loop of their own.

(Not a conftest: tests/actors has one, and two conftest modules in one run clash.)
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import threading
import time
from typing import Any, Callable, Dict, Iterator, List, Optional, Sequence, Tuple

from swfkit.actors import ActivityTypeRegistration, WorkflowTypeRegistration, ensure_registered
from swfkit.layer1 import AsyncLayer1, Layer1

DOMAIN = "async-actors"
WORK = "work"
DECISIONS = "decisions"
WORKFLOW = WorkflowTypeRegistration("flow", "1", task_list=DECISIONS, execution_start_to_close_timeout=600,
                                    task_start_to_close_timeout=30, child_policy="TERMINATE")


def register(swf: Layer1, *activity_types: ActivityTypeRegistration) -> None:
    """The tests' domain, workflow type and ``activity_types``."""
    ensure_registered(swf, DOMAIN, workflow_types=[WORKFLOW], activity_types=activity_types)


def activity_type(name: str, **timeouts: Any) -> ActivityTypeRegistration:
    options: Dict[str, Any] = dict(start_to_close_timeout=60, schedule_to_start_timeout="NONE",
                                   schedule_to_close_timeout="NONE", heartbeat_timeout="NONE")
    options.update(timeouts)
    return ActivityTypeRegistration(name, "1", task_list=WORK, **options)


def start(swf: Layer1, workflow_id: str, input: Optional[str] = None, task_list: str = DECISIONS) -> Dict[str, str]:
    run = swf.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id, input=input,
                                       workflow_type={"name": WORKFLOW.name, "version": WORKFLOW.version},
                                       task_list={"name": task_list})
    return {"workflowId": workflow_id, "runId": run["runId"]}


def decide_by_hand(swf: Layer1, decisions: List[Dict[str, Any]], task_list: str) -> None:
    """Take the next decision task of ``task_list`` and answer it with ``decisions``."""
    task = swf.poll_for_decision_task(domain=DOMAIN, task_list={"name": task_list})
    assert task.get("taskToken"), "no decision task on %s" % task_list
    swf.respond_decision_task_completed(task_token=task["taskToken"], decisions=decisions)


def schedule(activity_id: str, name: str, input: Optional[str] = None, **attributes: Any) -> Dict[str, Any]:
    """A ScheduleActivityTask decision of type (name, "1") on the work task list."""
    fields = {"activityId": activity_id, "activityType": {"name": name, "version": "1"},
              "taskList": {"name": WORK}}
    if input is not None:
        fields["input"] = input
    fields.update(attributes)
    return {"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": fields}


def start_with_activities(swf: Layer1, workflow_id: str, activities: Sequence[Tuple[str, str, Optional[str]]]) -> Dict[str, str]:
    """An execution whose first decision (made here) schedules ``activities`` (id, type name, input)."""
    task_list = "decide-" + workflow_id
    execution = start(swf, workflow_id, task_list=task_list)
    decide_by_hand(swf, [schedule(*activity) for activity in activities], task_list)
    return execution


def events(swf: Layer1, execution: Dict[str, str]) -> List[Dict[str, Any]]:
    found: List[Dict[str, Any]] = []
    for page in swf.paginate("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution):
        found.extend(page.get("events", []))
    return found


def of_type(all_events: List[Dict[str, Any]], event_type: str) -> List[Dict[str, Any]]:
    return [e for e in all_events if e["eventType"] == event_type]


def attributes(event: Dict[str, Any]) -> Dict[str, Any]:
    return event.get(event["eventType"][0].lower() + event["eventType"][1:] + "EventAttributes", {})


def wait_for(condition: Callable[[], bool], timeout: float = 20.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError("%s not met after %.0fs" % (what, timeout))
        time.sleep(0.02)


def wait_closed(swf: Layer1, execution: Dict[str, str], timeout: float = 30.0) -> Dict[str, Any]:
    info: Dict[str, Any] = {}

    def closed() -> bool:
        info.update(swf.describe_workflow_execution(domain=DOMAIN, execution=execution)["executionInfo"])
        return info["executionStatus"] == "CLOSED"
    wait_for(closed, timeout, "execution %s closed" % execution["workflowId"])
    return info


def async_client(endpoint: str, **options: Any) -> AsyncLayer1:
    return AsyncLayer1(endpoint_url=endpoint, region="us-east-1", **options)


class LoopThread:
    """Actors' ``run()`` on an event loop in a thread of its own, while the test drives SWF from its thread."""

    def __init__(self) -> None:
        self.actors: List[Any] = []
        self.results: List[Any] = []
        self.error: Optional[BaseException] = None
        self.thread: Optional[threading.Thread] = None


@contextlib.contextmanager
def running(endpoint: str, *makers: Callable[[AsyncLayer1], Any], client_options: Optional[Dict[str, Any]] = None,
            **run_options: Any) -> Iterator[LoopThread]:
    """Build each actor with a client of its own (``maker(client)``, the client built with
    ``client_options``) and ``await actor.run(**run_options)`` them together on a loop in a thread;
    on the way out ``stop()`` them and join (each must return)."""
    state = LoopThread()
    built = threading.Event()

    async def main() -> None:
        clients = [async_client(endpoint, **(client_options or {})) for _ in makers]
        try:
            state.actors = [maker(client) for maker, client in zip(makers, clients)]
            built.set()
            state.results = list(await asyncio.gather(*(actor.run(**run_options) for actor in state.actors)))
        finally:
            built.set()
            for client in clients:
                await client.aclose()

    def target() -> None:
        try:
            asyncio.run(main())
        except BaseException as err:  # re-raised in the test's thread
            state.error = err

    state.thread = threading.Thread(target=target, daemon=True, name="async-actors")
    state.thread.start()
    built.wait(10)
    try:
        yield state
    finally:
        for actor in state.actors:
            actor.stop()
        state.thread.join(30)
        assert not state.thread.is_alive(), "the async actors did not stop"
    if state.error is not None:
        raise state.error


def json_input(value: Any) -> str:
    return json.dumps(value)
