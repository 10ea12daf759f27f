"""Worker (single and threaded) and Decider tell their interceptors of every poll and task."""
from __future__ import annotations

import threading
import time
from typing import Any, List, Tuple

import pytest

from conftest import running
from sample_actors import BrokenDecider, CancelDecider, DOMAIN, FanOutDecider, SampleWorker
from swfkit.actors.task_interceptors import ActorInterceptor, PollOutcome, TaskInfo, TaskOutcome
from workflow_runs import events, of_type, start, wait_closed


class Recorder(ActorInterceptor):
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.polls: List[PollOutcome] = []
        self.started: List[TaskInfo] = []
        self.closed: List[Tuple[TaskInfo, TaskOutcome, Any]] = []

    def poll_finished(self, poll: PollOutcome) -> None:
        with self.lock:
            self.polls.append(poll)

    def task_started(self, task: TaskInfo) -> Any:
        with self.lock:
            self.started.append(task)
        return ("state", task.task_id)

    def task_closed(self, task: TaskInfo, outcome: TaskOutcome, state: Any) -> None:
        with self.lock:
            self.closed.append((task, outcome, state))


def results(recorder: Recorder, kind: str) -> List[str]:
    return sorted(outcome.result for task, outcome, _ in recorder.closed if task.kind == kind)


@pytest.mark.parametrize("threads", [1, 3])
def test_worker_and_decider_report_every_poll_and_task(registered: Any, threads: int) -> None:
    deciding, working = Recorder(), Recorder()
    decider = FanOutDecider(registered, interceptors=[deciding])
    worker = SampleWorker(registered, interceptors=[working], threads=threads)
    with running(decider), running(worker):
        execution = start(registered, "observed", {"count": 4, "activity": ["double", "1"], "input": 2})
        wait_closed(registered, execution)
        time.sleep(0.2)  # the last answer's task_closed runs just after the answer is sent
    history = events(registered, execution)
    assert results(working, "activity") == ["completed"] * len(of_type(history, "ActivityTaskCompleted")) == \
        ["completed"] * 4
    assert [t.kind for t in working.started] == ["activity"] * 4
    first = working.started[0]
    assert (first.domain, first.task_list, first.type_name, first.type_version) == (DOMAIN, "workers", "double", "1")
    assert first.workflow_id == "observed" and first.run_id == execution["runId"] and first.task_id.startswith("a")
    for task, outcome, state in working.closed:
        assert state == ("state", task.task_id) and outcome.run_time >= 0 and outcome.wait_time is None
    assert [p.got_task for p in working.polls].count(True) == 4
    assert all(p.kind == "activity" and p.error is None for p in working.polls)
    # decision tasks: one closed per DecisionTaskCompleted, with the wait SWF recorded
    assert results(deciding, "decision") == ["completed"] * len(of_type(history, "DecisionTaskCompleted"))
    for task, outcome, _ in deciding.closed:
        assert task.type_name == "fanout" and task.started_event_id == int(task.task_id)
        assert outcome.wait_time is not None and outcome.wait_time >= 0


def test_failed_and_canceled_activities_and_a_broken_decider(registered: Any) -> None:
    working, deciding = Recorder(), Recorder()
    with running(FanOutDecider(registered)), running(SampleWorker(registered, interceptors=[working])):
        execution = start(registered, "observed-boom", {"count": 1, "activity": ["boom", "1"], "attempts": 1})
        wait_closed(registered, execution)
    with running(CancelDecider(registered)), running(SampleWorker(registered, threads=2, interceptors=[working])):
        execution = start(registered, "observed-cancel", {})
        deadline = time.monotonic() + 10
        while not of_type(events(registered, execution), "ActivityTaskStarted"):
            assert time.monotonic() < deadline
            time.sleep(0.05)
        registered.signal_workflow_execution(domain=DOMAIN, workflow_id="observed-cancel", signal_name="cancel")
        wait_closed(registered, execution)
        time.sleep(0.2)
    assert results(working, "activity") == ["canceled", "failed"]
    failed = [o for _, o, _ in working.closed if o.result == "failed"][0]
    assert failed.reason == "ValueError" and isinstance(failed.error, ValueError)
    broken = BrokenDecider(registered, interceptors=[deciding])
    with running(broken):
        start(registered, "observed-broken", {"count": 1, "activity": ["double", "1"]})
        deadline = time.monotonic() + 10
        while not deciding.closed:
            assert time.monotonic() < deadline
            time.sleep(0.05)
    task, outcome, _ = deciding.closed[0]
    assert outcome.result == "failed" and outcome.reason == "RuntimeError" and task.workflow_id == "observed-broken"


def test_a_raising_interceptor_never_breaks_the_task(registered: Any) -> None:
    class Raising(ActorInterceptor):
        def poll_finished(self, poll: PollOutcome) -> None:
            raise RuntimeError("poll hook bug")

        def task_started(self, task: TaskInfo) -> Any:
            raise RuntimeError("start hook bug")

        def task_closed(self, task: TaskInfo, outcome: TaskOutcome, state: Any) -> None:
            raise RuntimeError("close hook bug")

    with running(FanOutDecider(registered, interceptors=[Raising()])), \
            running(SampleWorker(registered, interceptors=[Raising()])):
        execution = start(registered, "raising-hooks", {"count": 2, "activity": ["double", "1"], "input": 1})
        assert wait_closed(registered, execution)["closeStatus"] == "COMPLETED"


def test_a_poll_error_is_reported_and_counted(registered: Any) -> None:
    from swfkit.actors import FatalPollError
    from swfkit.actors.metrics_interceptors import TaskMetrics

    recorder, metrics = Recorder(), TaskMetrics()
    worker = SampleWorker(registered, "no-such-domain", interceptors=[recorder, metrics])
    with pytest.raises(FatalPollError):
        worker.run()
    assert len(recorder.polls) == 1 and type(recorder.polls[0].error).__name__ == "UnknownResourceFault"
    labels = ("activity", "no-such-domain", "workers")
    assert metrics.registry.value("swfkit_poll_errors_total", labels + ("UnknownResourceFault",)) == 1
    assert metrics.registry.value("swfkit_polls_total", labels + ("error",)) == 1
