"""AsyncDecider against the embedded server: end to end with AsyncWorker, history pages, errors, hooks."""
from __future__ import annotations

import asyncio
import json
from typing import Any, Dict, List, Optional

import pytest

pytest.importorskip("aiohttp")

from async_runs import (  # noqa: E402
    DECISIONS, DOMAIN, WORK, activity_type, async_client, attributes, events, of_type, register, start,
    wait_closed,
)
from swfkit.actors import AsyncDecider, AsyncWorker, DecisionTask, activity  # noqa: E402
from swfkit.actors.task_interceptors import ActorInterceptor, PollOutcome, TaskInfo, TaskOutcome  # noqa: E402
from swfkit.decisions import Decisions  # noqa: E402
from swfkit.layer1 import Layer1  # noqa: E402


class FanOut(AsyncDecider):
    """Schedules ``input`` activities, completes with the sum of their results (a coroutine decide)."""

    domain, task_list = DOMAIN, DECISIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: List[DecisionTask] = []

    async def decide(self, task: DecisionTask) -> Decisions:
        await asyncio.sleep(0)  # a real coroutine: may await other services
        self.seen.append(task)
        decisions = Decisions()
        count = int(task.input or 0)
        activities = task.state.activities
        if not activities:
            for index in range(count):
                decisions.schedule_activity_task("a%d" % index, ("double", "1"), task_list=WORK, input=str(index))
        elif task.state.open_activity_count == 0:
            decisions.complete_workflow_execution(
                result=str(sum(int(record.result) for record in activities.values())))
        return decisions


class Doubler(AsyncWorker):
    domain, task_list = DOMAIN, WORK

    @activity("double", "1")
    async def double(self, input: Optional[str]) -> str:
        await asyncio.sleep(0.05)
        return str(2 * int(input or 0))


class Recorder(ActorInterceptor):
    def __init__(self) -> None:
        self.polls: List[PollOutcome] = []
        self.started: List[TaskInfo] = []
        self.closed: List[Any] = []

    def poll_finished(self, poll: PollOutcome) -> None:
        self.polls.append(poll)

    def task_started(self, task: TaskInfo) -> Any:
        self.started.append(task)
        return task.started_event_id

    def task_closed(self, task: TaskInfo, outcome: TaskOutcome, state: Any) -> None:
        self.closed.append((task, outcome, state))


def run_together(endpoint: str, *actors_of: Any, until: Any) -> List[Any]:
    """Build the actors (each with a client of its own), run them on one loop until ``until()`` is true."""
    async def main() -> List[Any]:
        clients = [async_client(endpoint) for _ in actors_of]
        actors = [make(client) for make, client in zip(actors_of, clients)]
        runs = [asyncio.ensure_future(actor.run(signals=())) for actor in actors]
        try:
            while not await asyncio.to_thread(until):
                await asyncio.sleep(0.05)
        finally:
            for actor in actors:
                actor.stop()
            await asyncio.gather(*runs)
            for client in clients:
                await client.aclose()
        return actors

    return asyncio.run(main())


def closed(swf: Layer1, execution: Dict[str, str]) -> Any:
    return lambda: swf.describe_workflow_execution(
        domain=DOMAIN, execution=execution)["executionInfo"]["executionStatus"] == "CLOSED"


def test_async_decider_and_worker_run_a_workflow_end_to_end(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("double"))
    execution = start(swf, "e2e", input="20")
    recorder = Recorder()
    decider, worker = run_together(swf_endpoint, lambda c: FanOut(c, interceptors=[recorder]),
                                   lambda c: Doubler(c, max_concurrent=20), until=closed(swf, execution))
    info = wait_closed(swf, execution)
    assert info["closeStatus"] == "COMPLETED"
    history = events(swf, execution)
    assert attributes(history[-1])["result"] == str(sum(2 * i for i in range(20)))
    first, last = decider.seen[0], decider.seen[-1]
    assert first.previous_started_event_id == 0 and first.started_event_id == 3
    assert len(last.history) == last.started_event_id  # every page, folded
    # interceptors: one task_started / task_closed per decision task, with its own state back
    assert len(recorder.started) == len(recorder.closed) == len(of_type(history, "DecisionTaskCompleted"))
    for task_info, outcome, state in recorder.closed:
        assert outcome.result == "completed" and state == task_info.started_event_id
        assert outcome.wait_time is not None and outcome.wait_time >= 0
        assert task_info.kind == "decision" and task_info.workflow_id == "e2e"
        assert task_info.type_name == "flow" and task_info.task["taskToken"]
    assert all(poll.kind == "decision" for poll in recorder.polls)
    assert sum(poll.got_task for poll in recorder.polls) == len(recorder.started)


class PlainFanOut(FanOut):
    """The same decisions from a plain function (it runs in a thread of the executor)."""

    def decide(self, task: DecisionTask) -> Decisions:  # type: ignore[override]
        return asyncio.run(FanOut.decide(self, task))  # its own loop: this is a worker thread


def test_a_plain_decide_runs_in_a_thread_and_reads_every_page(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("double"))
    execution = start(swf, "pages", input="12")
    # 5 events per page, whole history each time: every decision task spans several pages
    decider, _ = run_together(swf_endpoint, lambda c: PlainFanOut(c, maximum_page_size=5, incremental_history=False),
                              lambda c: Doubler(c, max_concurrent=4), until=closed(swf, execution))
    assert wait_closed(swf, execution)["closeStatus"] == "COMPLETED"
    assert all(len(task.history) == task.started_event_id for task in decider.seen)
    assert max(task.started_event_id for task in decider.seen) > 30


class OneStep(FanOut):
    """Decides one task and stops: the next decision is another decider's (another process, say)."""

    full_reads = 0

    async def decide(self, task: DecisionTask) -> Decisions:
        decisions = await FanOut.decide(self, task)
        self.stop()
        return decisions

    async def _full_events(self, execution: Dict[str, str], started: int) -> List[Any]:
        type(self).full_reads += 1
        return await super()._full_events(execution, started)


def test_a_decider_new_to_a_run_reads_its_whole_history(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("double"))
    start(swf, "newcomer", input="3")

    async def main() -> List[DecisionTask]:
        seen: List[DecisionTask] = []
        async with async_client(swf_endpoint) as client:
            first = OneStep(client)
            await first.run(signals=())
            seen += first.seen
            worker = Doubler(client)
            await worker.run(stop_after_tasks=3, signals=())
            second = OneStep(client)  # no cached run: the poll's partial page must be completed
            await second.run(signals=())
            seen += second.seen
        return seen

    seen = asyncio.run(main())
    assert len(seen) == 2 and OneStep.full_reads == 1  # the second decider's only
    later = seen[1]
    assert later.previous_started_event_id > 0
    assert len(later.history) == later.started_event_id
    assert [e.event_type for e in later.history][:2] == ["WorkflowExecutionStarted", "DecisionTaskScheduled"]
    assert len(later.state.activities) == 3


class Broken(AsyncDecider):
    domain, task_list = DOMAIN, DECISIONS

    async def decide(self, task: DecisionTask) -> Decisions:
        raise KeyError("no such thing")


def test_on_decide_error_fail_fails_the_execution_with_the_reason(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf)
    execution = start(swf, "broken")
    recorder = Recorder()

    async def main() -> None:
        async with async_client(swf_endpoint) as client:
            await Broken(client, on_decide_error="fail", interceptors=[recorder]).run(stop_after_tasks=1, signals=())

    asyncio.run(main())
    info = wait_closed(swf, execution)
    assert info["closeStatus"] == "FAILED"
    failed = attributes(events(swf, execution)[-1])
    assert failed["reason"] == "KeyError" and "no such thing" in failed["details"]
    (_, outcome, _), = recorder.closed
    assert outcome.result == "failed" and outcome.reason == "KeyError" and isinstance(outcome.error, KeyError)


def test_async_ensure_registered_registers_the_workflow_types(swf_endpoint: str) -> None:
    from swfkit.actors import WorkflowTypeRegistration

    class Registering(FanOut):
        workflow_types = [WorkflowTypeRegistration("registered-async", "2", task_list=DECISIONS)]

    async def main() -> None:
        async with async_client(swf_endpoint) as client:
            decider = Registering(client)
            await decider.ensure_registered()
            await decider.ensure_registered()  # idempotent

    asyncio.run(main())
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    described = swf.describe_workflow_type(domain=DOMAIN, workflow_type={"name": "registered-async", "version": "2"})
    assert described["typeInfo"]["status"] == "REGISTERED"
    assert json.loads(json.dumps(described))["configuration"]["defaultTaskList"] == {"name": DECISIONS}


class BigInputs(AsyncDecider):
    """Schedules one activity whose input is over SWF's 32 KB, completes with its (long) result."""

    domain, task_list = DOMAIN, DECISIONS

    async def decide(self, task: DecisionTask) -> Decisions:
        decisions = Decisions()
        record = task.state.activities.get("big")
        if record is None:
            decisions.schedule_activity_task("big", ("echo_length", "1"), task_list=WORK, input=task.input * 2)
        elif record.status == "completed":
            decisions.complete_workflow_execution(result=task.decode(record.result))
        return decisions


async def echo_length(input: Optional[str]) -> str:
    await asyncio.sleep(0)
    return "%d:%s" % (len(input or ""), input)


def test_payloads_over_swf_limits_go_through_the_store(swf_endpoint: str, tmp_path: Any) -> None:
    from swfkit.payloads import FileStore, Payloads

    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("echo_length"))
    codec = Payloads(FileStore(tmp_path / "store"))
    big = "x" * 40_000
    execution = start(swf, "payloads", input=codec.encode("StartWorkflowExecution.input", big))
    run_together(swf_endpoint, lambda c: BigInputs(c, payloads=codec),
                 lambda c: AsyncWorker(c, DOMAIN, WORK, payloads=codec, activities=[echo_length]),
                 until=closed(swf, execution))
    history = events(swf, execution)
    sent = attributes(of_type(history, "ActivityTaskCompleted")[0])["result"]
    assert codec.is_reference(sent)  # 80 KB: offloaded by the worker (in a thread)
    assert codec.decode(attributes(history[-1])["result"]) == "80000:" + big * 2
