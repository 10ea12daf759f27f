"""Worker(threads=N): N activity tasks in flight per process, against the embedded server."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from typing import Any, Callable, Dict, List

import pytest

from conftest import running
from sample_actors import CancelDecider, DOMAIN, FanOutDecider, GatherWorker, SampleWorker
from polls_out import PollsOut
from swfkit.actors import Worker
from workflow_runs import attributes, events, of_type, start, wait_closed


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def started_files(log_dir: str) -> List[str]:
    return [n for n in os.listdir(log_dir) if n.startswith("started-")]


class Returning:
    """Runs ``worker.run(**options)`` in a thread and keeps what it returned."""

    def __init__(self, worker: Worker, **options: Any) -> None:
        self.worker, self.result = worker, None
        self.thread = threading.Thread(target=self._run, kwargs=options, daemon=True)
        self.thread.start()

    def _run(self, **options: Any) -> None:
        self.result = self.worker.run(**options)


@pytest.mark.parametrize("threads", [4])
def test_threads_run_n_tasks_at_once_and_never_more(registered: Any, tmp_path: Any, threads: int) -> None:
    GatherWorker.reset()
    worker = GatherWorker(registered, threads=threads)
    with running(FanOutDecider(registered)), running(worker):
        # each activity waits until `threads` of them have started: only N in flight at once lets them finish
        execution = start(registered, "gather", {"count": 2 * threads, "activity": ["sleepy", "1"], "attempts": 1,
                                                 "input": {"log_dir": str(tmp_path), "gather": threads}})
        info = wait_closed(registered, execution, timeout=40)
    assert info["closeStatus"] == "COMPLETED", [e["eventType"] for e in events(registered, execution)]
    assert GatherWorker.max_in_flight == threads
    assert sorted(json.loads(attributes(events(registered, execution)[-1])["result"])) == sorted(
        "gathered %d" % i for i in range(2 * threads))


def test_a_task_is_taken_only_when_a_thread_is_free(registered: Any, tmp_path: Any) -> None:
    release = str(tmp_path / "release")
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    with running(FanOutDecider(registered)), running(GatherWorker(registered, threads=2)):
        execution = start(registered, "free-threads", {"count": 4, "activity": ["sleepy", "1"], "attempts": 1,
                                                       "input": {"log_dir": str(log_dir), "release": release}})
        wait_for(lambda: len(started_files(str(log_dir))) >= 2, 20, "two activities to start")
        time.sleep(1.5)  # three poll rounds of the test server: a worker polling regardless would take more
        assert len(of_type(events(registered, execution), "ActivityTaskStarted")) == 2
        assert len(started_files(str(log_dir))) == 2
        open(release, "w").close()
        info = wait_closed(registered, execution, timeout=30)
    assert info["closeStatus"] == "COMPLETED"
    assert len(of_type(events(registered, execution), "ActivityTaskStarted")) == 4


def test_stop_drains_the_tasks_in_flight_then_returns(registered: Any, tmp_path: Any) -> None:
    release = str(tmp_path / "release")
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    worker = GatherWorker(registered, threads=3)
    with running(FanOutDecider(registered)):
        execution = start(registered, "drain", {"count": 5, "activity": ["sleepy", "1"], "attempts": 1,
                                                "input": {"log_dir": str(log_dir), "release": release}})
        run = Returning(worker)
        wait_for(lambda: len(started_files(str(log_dir))) >= 3, 20, "three activities to start")
        worker.stop()
        time.sleep(0.5)
        assert run.thread.is_alive(), "run() returned with tasks in flight"
        open(release, "w").close()
        run.thread.join(30)
        assert not run.thread.is_alive()
        history = events(registered, execution)
        assert run.result == 3
        assert len(of_type(history, "ActivityTaskStarted")) == 3
        assert len(of_type(history, "ActivityTaskCompleted")) == 3  # answered before run() returned
        assert of_type(history, "ActivityTaskTimedOut") == []
        with running(GatherWorker(registered, threads=2)):
            info = wait_closed(registered, execution, timeout=30)
    assert info["closeStatus"] == "COMPLETED"


def test_stop_after_tasks_takes_no_more_than_that(registered: Any) -> None:
    with running(FanOutDecider(registered)):
        execution = start(registered, "enough", {"count": 5, "activity": ["double", "1"], "input": 1})
        run = Returning(SampleWorker(registered, threads=2), stop_after_tasks=3)
        run.thread.join(30)
        assert not run.thread.is_alive() and run.result == 3
        history = events(registered, execution)
        assert len(of_type(history, "ActivityTaskStarted")) == 3
        assert len(of_type(history, "ActivityTaskCompleted")) == 3
        with running(SampleWorker(registered)):
            wait_closed(registered, execution)


def test_heartbeats_and_cancellation_in_threads_mode(registered: Any) -> None:
    with running(CancelDecider(registered)), running(SampleWorker(registered, threads=3)):
        execution = start(registered, "cancel-threads", {})
        wait_for(lambda: of_type(events(registered, execution), "ActivityTaskStarted"), 10, "the activity to start")
        time.sleep(0.3)  # a few background heartbeats (every 0.1 s) before the request
        registered.signal_workflow_execution(domain=DOMAIN, workflow_id="cancel-threads", signal_name="cancel")
        info = wait_closed(registered, execution)
    history = events(registered, execution)
    assert info["closeStatus"] == "COMPLETED"
    assert attributes(history[-1])["result"] == "canceled: stopped at your request"
    assert of_type(history, "ActivityTaskCanceled") and of_type(history, "ActivityTaskTimedOut") == []


def test_processes_times_threads_are_all_in_flight(registered: Any, tmp_path: Any) -> None:
    worker = GatherWorker(registered, threads=2)
    with running(FanOutDecider(registered)), running(worker, processes=2, shutdown_timeout=10):
        execution = start(registered, "pool-threads", {"count": 4, "activity": ["sleepy", "1"], "attempts": 1,
                                                       "input": {"log_dir": str(tmp_path), "gather": 4}})
        info = wait_closed(registered, execution, timeout=60)
    history = events(registered, execution)
    assert info["closeStatus"] == "COMPLETED", [e["eventType"] for e in history]
    pids = {json.loads(attributes(e)["identity"])["pid"] for e in of_type(history, "ActivityTaskStarted")}
    assert len(pids) == 2 and os.getpid() not in pids


@pytest.mark.parametrize("threads", [0, -1, 1.5, True, "2"])
def test_threads_must_be_a_positive_int(registered: Any, threads: Any) -> None:
    with pytest.raises(ValueError, match="threads"):
        Worker(registered, DOMAIN, "workers", threads=threads)


def test_a_threaded_worker_pickles_without_its_threads(registered: Any) -> None:
    import pickle

    copy: Dict[str, Any] = pickle.loads(pickle.dumps(SampleWorker(registered, threads=3))).__dict__
    assert copy["threads"] == 3 and copy["_activity_threads"] is None


THREADED_WORKER = """
import sys
sys.path.insert(0, {here!r})
from sample_actors import GatherWorker
from swfkit.layer1 import Layer1
handled = GatherWorker(Layer1(endpoint_url={endpoint!r}, region="us-east-1"), threads=3).run()
print(handled)
"""


def _threaded_worker(endpoint: str) -> "subprocess.Popen[str]":
    here = os.path.dirname(os.path.abspath(__file__))
    return subprocess.Popen([sys.executable, "-c", THREADED_WORKER.format(here=here, endpoint=endpoint)],
                            stdout=subprocess.PIPE, text=True)


def test_sigterm_finishes_the_tasks_in_flight_then_exits(registered: Any, endpoint: str, tmp_path: Any) -> None:
    release = str(tmp_path / "release")
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    with running(FanOutDecider(registered)):
        execution = start(registered, "sigterm-threads", {"count": 5, "activity": ["sleepy", "1"], "attempts": 1,
                                                          "input": {"log_dir": str(log_dir), "release": release}})
        process = _threaded_worker(endpoint)
        try:
            wait_for(lambda: len(started_files(str(log_dir))) >= 3, 30, "three activities to start")
            process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert process.poll() is None, "the worker exited with tasks in flight"
            open(release, "w").close()
            out, _ = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
        assert process.returncode == 0 and out.split() == ["3"]
        history = events(registered, execution)
        assert len(of_type(history, "ActivityTaskStarted")) == len(of_type(history, "ActivityTaskCompleted")) == 3


def test_a_second_sigterm_exits_at_once(registered: Any, endpoint: str, tmp_path: Any) -> None:
    log_dir = tmp_path / "log"
    log_dir.mkdir()
    with running(FanOutDecider(registered)):
        start(registered, "impatient-threads", {"count": 2, "activity": ["sleepy", "1"], "attempts": 1,
                                                "input": {"log_dir": str(log_dir), "release": str(tmp_path / "never"),
                                                          "timeout": 60}})
        process = _threaded_worker(endpoint)
        try:
            wait_for(lambda: len(started_files(str(log_dir))) >= 2, 30, "both activities to start")
            process.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert process.poll() is None  # the first signal waits for the running activities
            process.send_signal(signal.SIGTERM)
            assert process.wait(10) == 143  # 128 + SIGTERM
        finally:
            if process.poll() is None:
                process.kill()


def test_threads_get_a_connection_each(registered: Any, tmp_path: Any, caplog: Any) -> None:
    caplog.set_level(logging.WARNING, logger="urllib3")
    GatherWorker.reset()
    narrow = registered.copy(pool_size=1)
    worker = GatherWorker(narrow, threads=8)
    with running(FanOutDecider(registered)), running(worker):
        for round_number in range(3):  # 8 tasks finishing together: 8 answers at once
            log_dir = tmp_path / str(round_number)
            log_dir.mkdir()
            execution = start(registered, "wide-%d" % round_number, {
                "count": 8, "activity": ["sleepy", "1"], "attempts": 1, "input": {"log_dir": str(log_dir), "gather": 8}})
            info = wait_closed(registered, execution, timeout=40)
            assert info["closeStatus"] == "COMPLETED"
    assert GatherWorker.max_in_flight == 8
    assert [r.getMessage() for r in caplog.records if "pool is full" in r.getMessage()] == []
    assert worker.layer1 is narrow  # the caller's client again after run()


def test_threads_default_to_the_class_attribute(registered: Any) -> None:
    class Wide(Worker):
        domain, task_list, threads = DOMAIN, "workers", 6

    assert Wide(registered).threads == 6 and Wide(registered, threads=2).threads == 2
    assert Worker(registered, DOMAIN, "workers").threads == 1


def test_a_thread_survives_what_escapes_a_task(caplog: Any) -> None:
    from swfkit.actors.activity_threads import ActivityThreads

    done: List[str] = []

    def run(task: str) -> None:
        if task == "exit":
            raise SystemExit(3)  # an activity calling sys.exit()
        done.append(task)

    threads = ActivityThreads(1, run)
    stop = threading.Event()
    for task in ("exit", "next"):
        assert threads.take_slot(stop)
        threads.submit(task)
    threads.wait()
    threads.close()
    assert done == ["next"] and threads.in_flight == 0
    assert any("left to time out" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("threads, expected", [(1, 1), (3, 3), (8, 4)])
def test_several_polls_are_out_at_once_but_never_more_than_threads(registered: Any, endpoint: str,
                                                                   threads: int, expected: int) -> None:
    from swfkit.layer1 import Layer1

    polls = PollsOut()
    worker = SampleWorker(Layer1(endpoint_url=endpoint, region="us-east-1", interceptors=[polls]), threads=threads)
    with running(worker):
        wait_for(lambda: polls.most >= expected, 10, "%d polls out at once" % expected)
        time.sleep(1.2)  # a few more rounds of the test server's 0.5 s long polls
    assert polls.most == expected  # max_pollers = 4 bounds it
