"""AsyncWorker against the embedded server: concurrency, heartbeats, cancellation, failures, drain, hooks."""
from __future__ import annotations

import asyncio
import logging
import threading
import time
from typing import Any, List, Optional

import pytest

pytest.importorskip("aiohttp")

from async_runs import (  # noqa: E402
    DOMAIN, WORK, activity_type, async_client, attributes, decide_by_hand, events, of_type, register, running,
    start_with_activities, wait_for,
)
from polls_out import PollsOut  # noqa: E402
from swfkit.actors import AsyncWorker, activity  # noqa: E402
from swfkit.actors.async_worker import WORKER_STOPPED  # noqa: E402
from swfkit.actors.task_interceptors import ActorInterceptor, PollOutcome, TaskInfo, TaskOutcome  # noqa: E402
from swfkit.layer1 import Layer1  # noqa: E402
from swfkit.layer1.call_interceptors import CallInterceptor, CallOutcome  # noqa: E402


class Napper(AsyncWorker):
    """Coroutine activities that sleep; counts how many are in flight at once."""

    domain, task_list = DOMAIN, WORK

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.in_flight = 0
        self.most_in_flight = 0
        self.started = 0

    @activity("nap", "1")
    async def nap(self, input: Optional[str]) -> str:
        self.in_flight += 1
        self.started += 1
        self.most_in_flight = max(self.most_in_flight, self.in_flight)
        try:
            await asyncio.sleep(float(input or 0))
        finally:
            self.in_flight -= 1
        return "slept %s" % input


class GatedNapper(Napper):
    """The first ``gate`` activities wait (up to 5 s) until all of them are in flight before their
    sleep: filling 50 slots takes ~50 polls (4 out at once), which on a loaded machine can outlast
    a 0.1 s sleep, so without the gate reaching 50 at once would be luck, not proof. (Still needed
    with 4 pollers: with two CPU-bound processes beside it, the maximum came out at 27-47 in 3 of
    6 runs without the gate, 1 of 6 with one poller; the test's server shares the process.)"""

    gate = 50

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.all_in = asyncio.Event()
        self.arrived = 0

    @activity("nap", "1")
    async def nap(self, input: Optional[str]) -> str:
        self.arrived += 1
        if self.arrived == self.gate:
            self.all_in.set()
        elif self.arrived < self.gate:
            try:
                await asyncio.wait_for(self.all_in.wait(), 5)
            except asyncio.TimeoutError:
                pass
        return await Napper.nap(self, input)


def test_200_sleeping_activities_run_50_at_a_time(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("nap"))
    execution = start_with_activities(swf, "concurrency", [("a%d" % i, "nap", "0.1") for i in range(200)])

    async def main() -> Any:
        async with async_client(swf_endpoint) as client:
            worker = GatedNapper(client, max_concurrent=50)
            started = time.monotonic()
            handled = await worker.run(stop_after_tasks=200, signals=())
            return worker, handled, time.monotonic() - started

    worker, handled, elapsed = asyncio.run(main())
    assert handled == 200
    history = events(swf, execution)
    assert len(of_type(history, "ActivityTaskCompleted")) == 200
    # Concurrency, proven twice: 50 coroutines were inside their sleep at the same moment (the
    # bound, never more), and the wall time is far from the 20 s of one at a time. 200 x 0.1 s in
    # batches of 50 is 0.4 s of sleeping; the bound (1 s per 50) leaves room for polls, answers
    # and a loaded 2-core machine.
    assert worker.most_in_flight == 50
    assert elapsed < 4.0, "200 activities of 0.1 s with 50 in flight took %.2fs" % elapsed


@pytest.mark.parametrize("max_concurrent, stop_after_tasks, expected",
                         [(1, None, 1), (3, None, 3), (8, None, 4), (8, 5, 1)])
def test_several_polls_are_out_at_once_but_never_more_than_free_slots(
        swf_endpoint: str, max_concurrent: int, stop_after_tasks: Optional[int], expected: int) -> None:
    register(Layer1(endpoint_url=swf_endpoint, region="us-east-1"))
    polls = PollsOut()
    with running(swf_endpoint, lambda client: Napper(client, max_concurrent=max_concurrent),
                 client_options={"interceptors": [polls]}, stop_after_tasks=stop_after_tasks):
        wait_for(lambda: polls.most >= expected, 10, "%d polls out at once" % expected)
        time.sleep(2.5)  # more than a round of the test server's 2 s long polls
    assert polls.most == expected  # max_pollers = 4 bounds it; with stop_after_tasks, one poll


class Holder(AsyncWorker):
    """``hold`` keeps its slot until the test releases every task."""

    domain, task_list = DOMAIN, WORK

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.release = threading.Event()
        self.holding = 0

    @activity("hold", "1")
    async def hold(self, input: Optional[str]) -> str:
        self.holding += 1
        while not self.release.is_set():
            await asyncio.sleep(0.02)
        return input or ""


def test_a_busy_worker_keeps_no_poll_out_and_takes_no_task_it_cannot_start(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("hold"))
    execution = start_with_activities(swf, "busy", [("h%d" % i, "hold", str(i)) for i in range(6)])
    polls = PollsOut()
    with running(swf_endpoint, lambda client: Holder(client, max_concurrent=2),
                 client_options={"interceptors": [polls]}) as loop:
        worker = loop.actors[0]
        wait_for(lambda: worker.holding == 2, 10, "two tasks held")
        time.sleep(1.0)  # pollers free to poll would take a third task meanwhile
        assert polls.out == 0  # every slot is a task's: no poll holds one
        assert len(of_type(events(swf, execution), "ActivityTaskStarted")) == 2
        worker.release.set()
        wait_for(lambda: len(of_type(events(swf, execution), "ActivityTaskCompleted")) == 6, 20, "all 6 completed")
    assert worker.holding == 6


class Canceller(AsyncWorker):
    domain, task_list = DOMAIN, WORK

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.running = threading.Event()
        self.cancelled_inside = threading.Event()

    @activity("long", "1", heartbeat_interval=0.1)
    async def long(self, input: Optional[str]) -> str:
        self.running.set()
        try:
            await asyncio.sleep(30)
        except asyncio.CancelledError:
            self.cancelled_inside.set()
            raise
        return "not canceled"


def test_a_cancel_request_raises_cancelled_error_inside_and_is_answered_canceled(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("long"))
    execution = start_with_activities(swf, "cancel", [("victim", "long", None)])
    with running(swf_endpoint, lambda client: Canceller(client, max_concurrent=5)) as loop:
        worker = loop.actors[0]
        assert worker.running.wait(10)
        swf.signal_workflow_execution(domain=DOMAIN, workflow_id="cancel", signal_name="cancel-it")
        decide_by_hand(swf, [{"decisionType": "RequestCancelActivityTask",
                              "requestCancelActivityTaskDecisionAttributes": {"activityId": "victim"}}],
                       "decide-cancel")
        wait_for(lambda: bool(of_type(events(swf, execution), "ActivityTaskCanceled")), what="ActivityTaskCanceled")
    assert worker.cancelled_inside.is_set()
    history = events(swf, execution)
    assert not of_type(history, "ActivityTaskCompleted") and not of_type(history, "ActivityTaskFailed")


class Heartbeating(AsyncWorker):
    domain, task_list = DOMAIN, WORK

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.answers: List[Any] = []

    @activity("steady", "1", pass_task=True, heartbeat_timeout=1)
    async def steady(self, task: Any) -> str:
        for step in range(5):
            task.set_progress("step %d" % step)  # sent by the background heartbeats
            await asyncio.sleep(0.5)
        self.answers.append(await task.heartbeat("done"))  # a coroutine's own heartbeat is awaited
        return "steady"


@activity(pass_task=True)
def plain_heartbeat(task: Any) -> str:
    """A plain function (run in a thread): its heartbeat waits for the answer."""
    answer = task.heartbeat("from a thread")
    return "%s %s" % (threading.current_thread() is threading.main_thread(), answer)


class Counting(CallInterceptor):
    def __init__(self) -> None:
        self.heartbeats = 0

    def after_call(self, outcome: CallOutcome, state: Any) -> None:
        if outcome.operation == "RecordActivityTaskHeartbeat" and outcome.fault is None:
            self.heartbeats += 1


def test_heartbeats_keep_a_task_alive_past_its_heartbeat_timeout(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf)
    counting = Counting()

    async def registered() -> None:  # the types as the worker declares them (heartbeat timeout 1 s)
        async with async_client(swf_endpoint) as client:
            await Heartbeating(client, activities=[plain_heartbeat]).ensure_registered()

    asyncio.run(registered())
    execution = start_with_activities(swf, "heartbeats", [("h", "steady", None), ("p", "plain_heartbeat", None)])

    async def main() -> Heartbeating:
        async with async_client(swf_endpoint, interceptors=[counting]) as client:
            worker = Heartbeating(client, max_concurrent=5, activities=[plain_heartbeat])
            await worker.run(stop_after_tasks=2, signals=())
            return worker

    worker = asyncio.run(main())
    history = events(swf, execution)
    assert not of_type(history, "ActivityTaskTimedOut")
    results = sorted(attributes(e)["result"] for e in of_type(history, "ActivityTaskCompleted"))
    assert results == ["False False", "steady"]
    assert worker.answers == [False]
    # 2.5 s with a heartbeat timeout of 1 s: every 1/3 s in the background, plus the two explicit ones
    assert counting.heartbeats >= 6


async def boom(input: Optional[str]) -> str:
    await asyncio.sleep(0)
    raise ValueError("boom: %s" % input)


def test_a_failing_coroutine_is_answered_failed_with_reason_and_details(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("boom"))
    execution = start_with_activities(swf, "fails", [("f", "boom", "xyz")])

    async def main() -> None:
        async with async_client(swf_endpoint) as client:
            await AsyncWorker(client, DOMAIN, WORK, activities=[boom]).run(stop_after_tasks=1, signals=())

    asyncio.run(main())
    failed = attributes(of_type(events(swf, execution), "ActivityTaskFailed")[0])
    assert failed["reason"] == "ValueError"
    assert failed["details"].startswith("Traceback (most recent call last)")
    assert "ValueError: boom: xyz" in failed["details"] and "in boom" in failed["details"]


def test_stop_drains_the_tasks_in_flight_and_answers_each(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("nap"))
    execution = start_with_activities(swf, "drain", [("d%d" % i, "nap", "0.5") for i in range(30)])
    with running(swf_endpoint, lambda client: Napper(client, max_concurrent=20)) as loop:
        worker = loop.actors[0]
        wait_for(lambda: worker.started >= 20, what="20 activities started")
        worker.stop()
        loop.thread.join(20)
        assert not loop.thread.is_alive()
    assert loop.results == [20]  # the 20 in flight, and no task taken after the stop
    history = events(swf, execution)
    assert len(of_type(history, "ActivityTaskStarted")) == 20
    assert len(of_type(history, "ActivityTaskCompleted")) == 20  # every task taken was answered


def test_tasks_still_running_after_the_drain_timeout_are_interrupted_and_answered(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("nap"))
    execution = start_with_activities(swf, "interrupt", [("i%d" % i, "nap", "60") for i in range(3)])
    with running(swf_endpoint, lambda client: Napper(client, max_concurrent=3), drain_timeout=0.3) as loop:
        worker = loop.actors[0]
        wait_for(lambda: worker.started == 3, what="3 activities started")
        started = time.monotonic()
        worker.stop()
        loop.thread.join(20)
        assert time.monotonic() - started < 10
    failed = [attributes(e) for e in of_type(events(swf, execution), "ActivityTaskFailed")]
    assert [f["reason"] for f in failed] == [WORKER_STOPPED] * 3
    assert worker.in_flight == 0  # each coroutine was cancelled (its finally ran)


class Recorder(ActorInterceptor):
    def __init__(self) -> None:
        self.polls: List[PollOutcome] = []
        self.started: List[TaskInfo] = []
        self.closed: List[Any] = []

    def poll_finished(self, poll: PollOutcome) -> None:
        self.polls.append(poll)

    def task_started(self, task: TaskInfo) -> Any:
        self.started.append(task)
        return ("state of", task.task_id)

    def task_closed(self, task: TaskInfo, outcome: TaskOutcome, state: Any) -> None:
        self.closed.append((task, outcome, state))


class Broken(ActorInterceptor):
    def task_started(self, task: TaskInfo) -> Any:
        raise RuntimeError("an interceptor's bug is not the task's")


def test_interceptors_hear_every_poll_and_every_task(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("nap"), activity_type("boom"))
    start_with_activities(swf, "hooks", [("ok", "nap", "0.01"), ("bad", "boom", "x")])
    recorder = Recorder()

    async def main() -> None:
        async with async_client(swf_endpoint) as client:
            worker = Napper(client, interceptors=[Broken(), recorder], activities=[boom])
            await worker.run(stop_after_tasks=2, signals=())

    asyncio.run(main())
    assert sorted(info.task_id for info in recorder.started) == ["bad", "ok"]
    closed = {info.task_id: (outcome, state) for info, outcome, state in recorder.closed}
    assert closed["ok"][0].result == "completed" and closed["ok"][1] == ("state of", "ok")
    assert closed["bad"][0].result == "failed" and closed["bad"][0].reason == "ValueError"
    assert isinstance(closed["bad"][0].error, ValueError)
    assert all(outcome.run_time >= 0 and outcome.wait_time is None for outcome, _ in closed.values())
    info = recorder.started[0]
    assert (info.kind, info.domain, info.task_list, info.workflow_id) == ("activity", DOMAIN, WORK, "hooks")
    assert info.task is not None and info.started_event_id > 0
    assert [p.got_task for p in recorder.polls].count(True) == 2
    assert all(p.kind == "activity" and p.error is None for p in recorder.polls)


def test_a_task_swf_no_longer_knows_is_dropped_with_a_warning(swf_endpoint: str, caplog: pytest.LogCaptureFixture) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("long"))
    execution = start_with_activities(swf, "lost", [("gone", "long", None)])
    caplog.set_level(logging.WARNING, logger="swfkit.actors")
    with running(swf_endpoint, lambda client: Canceller(client)) as loop:
        worker = loop.actors[0]
        assert worker.running.wait(10)
        swf.terminate_workflow_execution(domain=DOMAIN, workflow_id="lost", run_id=execution["runId"])
        assert worker.cancelled_inside.wait(10)  # the next heartbeat found it gone: the coroutine was stopped
    assert any("no longer known to SWF" in record.getMessage() for record in caplog.records)


def plain_sleeper(input: Optional[str]) -> str:
    time.sleep(0.3)  # blocks its thread, never the loop
    return threading.current_thread().name


def test_a_plain_function_runs_in_a_thread_and_does_not_block_the_loop(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("plain_sleeper"))
    execution = start_with_activities(swf, "plain", [("p%d" % i, "plain_sleeper", None) for i in range(4)])
    ticks: List[float] = []

    async def ticker() -> None:
        while True:
            ticks.append(time.monotonic())
            await asyncio.sleep(0.02)

    async def main() -> None:
        async with async_client(swf_endpoint) as client:
            worker = AsyncWorker(client, DOMAIN, WORK, max_concurrent=4, activities=[plain_sleeper])
            beating = asyncio.ensure_future(ticker())
            await worker.run(stop_after_tasks=4, signals=())
            beating.cancel()

    asyncio.run(main())
    results = [attributes(e)["result"] for e in of_type(events(swf, execution), "ActivityTaskCompleted")]
    assert len(results) == 4 and all(name != "MainThread" for name in results)
    gaps = [later - earlier for earlier, later in zip(ticks, ticks[1:])]
    assert max(gaps) < 0.25  # the loop kept turning while the functions slept 0.3 s in their threads


def test_bad_arguments_are_refused_by_name() -> None:
    client = Layer1(endpoint_url="http://127.0.0.1:9", region="us-east-1")
    with pytest.raises(ValueError, match="max_concurrent"):
        AsyncWorker(client, "d", "t", max_concurrent=0)
    with pytest.raises(TypeError, match=r"await actor.run\(\)"):
        AsyncWorker(client, "d", "t").run_loop()


def test_the_sync_actors_do_not_import_asyncio() -> None:
    import subprocess
    import sys

    code = "import sys, swfkit.actors; print('asyncio' in sys.modules, swfkit.actors.AsyncWorker.__name__)"
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.split() == ["False", "AsyncWorker"]  # imported when first named


def test_a_poll_refused_for_good_raises_fatal_poll_error(swf_endpoint: str) -> None:
    from swfkit.actors import FatalPollError

    async def main() -> None:
        async with async_client(swf_endpoint) as client:
            await AsyncWorker(client, "no-such-domain", WORK).run(signals=())

    with pytest.raises(FatalPollError, match="no-such-domain"):
        asyncio.run(main())


def test_a_failing_endpoint_is_retried_until_stopped(caplog: pytest.LogCaptureFixture) -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    caplog.set_level(logging.WARNING, logger="swfkit.actors")

    async def main() -> int:
        async with async_client("http://127.0.0.1:%d" % port) as client:
            worker = AsyncWorker(client, DOMAIN, WORK)
            asyncio.get_running_loop().call_later(1.8, worker.stop)
            return await worker.run(signals=())

    assert asyncio.run(main()) == 0
    retries = [r.getMessage() for r in caplog.records if "poll on %s/%s failed" % (DOMAIN, WORK) in r.getMessage()]
    assert 2 <= len(retries) <= 4  # backoff 0.5 s, then 1 s, ...: not a busy loop


async def give_up(input: Optional[str]) -> str:
    from swfkit.actors import ActivityCanceled

    await asyncio.sleep(0)
    raise ActivityCanceled("not today: %s" % input)


def test_an_activity_raising_activity_canceled_is_answered_canceled(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("give_up"))
    execution = start_with_activities(swf, "gives-up", [("g", "give_up", "rain")])

    async def main() -> None:
        async with async_client(swf_endpoint) as client:
            await AsyncWorker(client, DOMAIN, WORK, activities=[give_up]).run(stop_after_tasks=1, signals=())

    asyncio.run(main())
    canceled = of_type(events(swf, execution), "ActivityTaskCanceled")
    assert [attributes(e).get("details") for e in canceled] == ["not today: rain"]


def test_run_once_polls_once_and_answers(swf_endpoint: str) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("nap"))
    execution = start_with_activities(swf, "once", [("o", "nap", "0")])

    async def main() -> List[bool]:
        async with async_client(swf_endpoint) as client:
            worker = Napper(client)
            return [await worker.run_once(), await worker.run_once()]  # the second poll comes back empty

    assert asyncio.run(main()) == [True, False]
    assert [attributes(e)["result"] for e in of_type(events(swf, execution), "ActivityTaskCompleted")] == ["slept 0"]
