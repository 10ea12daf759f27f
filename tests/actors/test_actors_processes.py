"""Process pools and the reliability cases: killed workers and deciders, SIGTERM under load."""
from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import time
from typing import Any, Callable

from conftest import running
from sample_actors import FanOutDecider, SampleWorker
from workflow_runs import attributes, events, of_type, start, wait_closed

HERE = os.path.dirname(os.path.abspath(__file__))


def wait_for(condition: Callable[[], Any], timeout: float, what: str) -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out waiting for " + what)


def read_pid(path: str) -> int:
    with open(path) as handle:
        return int(handle.read())


def test_sigkill_worker_mid_activity_is_retried_and_completes_once(registered: Any, endpoint: str,
                                                                   tmp_path: Any) -> None:
    pid_file = str(tmp_path / "worker.pid")
    worker = SampleWorker(registered)  # a client that already made calls: pickled into the children
    with running(FanOutDecider(registered)), running(worker, processes=1, shutdown_timeout=10):
        execution = start(registered, "kill-worker", {"count": 1, "activity": ["hang_once", "1"], "heartbeat": 1,
                                                      "input": {"pid_file": pid_file}})
        wait_for(lambda: os.path.exists(pid_file) and os.path.getsize(pid_file), 30, "the activity to start")
        killed = read_pid(pid_file)
        assert killed != os.getpid()
        os.kill(killed, signal.SIGKILL)
        info = wait_closed(registered, execution, timeout=30)
    history = events(registered, execution)
    assert info["closeStatus"] == "COMPLETED"
    timed_out = of_type(history, "ActivityTaskTimedOut")
    assert [attributes(e)["timeoutType"] for e in timed_out] == ["HEARTBEAT"]
    assert len(of_type(history, "ActivityTaskScheduled")) == 2
    assert len(of_type(history, "ActivityTaskCompleted")) == 1
    assert len(of_type(history, "WorkflowExecutionCompleted")) == 1
    result = json.loads(attributes(history[-1])["result"])
    assert len(result) == 1 and result[0].startswith("done by ") and result[0] != "done by %d" % killed
    # the pool restarted the killed process, and the restarted one did the work
    started = [json.loads(attributes(e)["identity"])["pid"] for e in of_type(history, "ActivityTaskStarted")]
    assert started[0] == killed and started[1] != killed


def test_sigkill_decider_mid_decision_then_a_second_decider_completes(registered: Any, endpoint: str,
                                                                      tmp_path: Any) -> None:
    hang_file = str(tmp_path / "decider.pid")
    decider = FanOutDecider(registered)
    with running(decider, processes=1, shutdown_timeout=10), running(SampleWorker(registered)):
        execution = start(registered, "kill-decider", {"count": 2, "activity": ["double", "1"], "input": 4,
                                                       "hang_file": hang_file}, task_start_to_close="2")
        wait_for(lambda: os.path.exists(hang_file) and os.path.getsize(hang_file), 30, "the decider to hang")
        killed = read_pid(hang_file)
        os.kill(killed, signal.SIGKILL)
        info = wait_closed(registered, execution, timeout=30)
    history = events(registered, execution)
    assert info["closeStatus"] == "COMPLETED"
    assert [attributes(e)["timeoutType"] for e in of_type(history, "DecisionTaskTimedOut")] == ["START_TO_CLOSE"]
    deciders = [json.loads(attributes(e)["identity"])["pid"] for e in of_type(history, "DecisionTaskStarted")]
    assert deciders[0] == killed and killed not in deciders[1:]
    assert len(of_type(history, "WorkflowExecutionCompleted")) == 1
    assert [json.loads(r)["value"] for r in json.loads(attributes(history[-1])["result"])] == [8, 8]


WORKER_POOL = """
import sys
sys.path.insert(0, {here!r})
from sample_actors import SampleWorker
from swfkit.layer1 import Layer1
sys.exit(SampleWorker(Layer1(endpoint_url={endpoint!r}, region="us-east-1")).run(processes=2, shutdown_timeout=20))
"""


def test_sigterm_worker_pool_under_load_loses_no_task(registered: Any, endpoint: str, tmp_path: Any) -> None:
    log_dir = str(tmp_path)
    count = 12
    with running(FanOutDecider(registered)):
        execution = start(registered, "sigterm", {"count": count, "activity": ["sleepy", "1"],
                                                  "input": {"seconds": 0.6, "log_dir": log_dir}})
        pool = subprocess.Popen([sys.executable, "-c", WORKER_POOL.format(here=HERE, endpoint=endpoint)])
        try:
            def three_started() -> bool:
                assert pool.poll() is None, "the worker pool exited early"
                return len([n for n in os.listdir(log_dir) if n.startswith("started-")]) >= 3

            wait_for(three_started, 30, "activities to start in the pool")
            pool.send_signal(signal.SIGTERM)
            assert pool.wait(30) == 0
        finally:
            if pool.poll() is None:
                pool.kill()
        history = events(registered, execution)
        started = of_type(history, "ActivityTaskStarted")
        closed = of_type(history, "ActivityTaskCompleted")
        # everything the pool started, it finished and reported; nothing timed out
        assert 3 <= len(started) < count
        assert len(closed) == len(started)
        assert of_type(history, "ActivityTaskTimedOut") == []
        with running(SampleWorker(registered)):
            info = wait_closed(registered, execution, timeout=30)
    history = events(registered, execution)
    assert info["closeStatus"] == "COMPLETED"
    assert len(of_type(history, "ActivityTaskCompleted")) == count
    assert sorted(json.loads(attributes(history[-1])["result"])) == sorted("slept %d" % i for i in range(count))


def test_pool_runs_tasks_in_child_processes_and_stops_cleanly(registered: Any, caplog: Any) -> None:
    caplog.set_level(logging.INFO, logger="swfkit.actors")
    worker = SampleWorker(registered)  # a client that already made calls: pickled into the children
    with running(FanOutDecider(registered)), running(worker, processes=2, shutdown_timeout=10) as thread:
        execution = start(registered, "pool", {"count": 8, "activity": ["double", "1"], "input": 1})
        wait_closed(registered, execution, timeout=30)
    assert not thread.is_alive()
    pids = {json.loads(attributes(e)["identity"])["pid"] for e in of_type(events(registered, execution),
                                                                         "ActivityTaskStarted")}
    assert os.getpid() not in pids and 1 <= len(pids) <= 2
    # the children's log records reached this process's logging configuration
    polling = [r for r in caplog.records if r.getMessage().startswith("worker polling actors-tests/workers")]
    assert polling and all(r.process != os.getpid() for r in polling)
    assert pids <= {r.process for r in polling}


def test_a_second_sigterm_stops_the_pool_at_once(registered: Any, endpoint: str, tmp_path: Any) -> None:
    log_dir = str(tmp_path)
    with running(FanOutDecider(registered)):
        start(registered, "impatient", {"count": 2, "activity": ["sleepy", "1"],
                                        "input": {"seconds": 30, "log_dir": log_dir}})
        pool = subprocess.Popen([sys.executable, "-c", WORKER_POOL.format(here=HERE, endpoint=endpoint)])
        try:
            wait_for(lambda: len(os.listdir(log_dir)) >= 2, 30, "both activities to start")
            pool.send_signal(signal.SIGTERM)
            time.sleep(0.5)
            assert pool.poll() is None           # the first signal waits for the running activities
            pool.send_signal(signal.SIGTERM)
            began = time.monotonic()
            assert pool.wait(10) == 143           # 128 + SIGTERM, as a single process exits
            assert time.monotonic() - began < 5
        finally:
            if pool.poll() is None:
                pool.kill()
    for name in os.listdir(log_dir):           # the children are gone too
        pid = int(name.rsplit("-", 1)[1])
        wait_for(lambda: not os.path.exists("/proc/%d" % pid) or open("/proc/%d/stat" % pid).read().split()[2] == "Z",
                 5, "child %d to exit" % pid)


def test_a_pool_that_cannot_poll_stops_with_the_reason(registered: Any, caplog: Any) -> None:
    from swfkit.actors.actor import FatalPollError
    from swfkit.actors.pool import FATAL_EXIT_CODE
    import pytest

    with pytest.raises(FatalPollError, match="no-such-domain"):
        SampleWorker(registered, domain="no-such-domain").run()
    began = time.monotonic()
    assert SampleWorker(registered, domain="no-such-domain").run(processes=2) == FATAL_EXIT_CODE
    assert time.monotonic() - began < 20
    assert "UnknownResourceFault" in caplog.text and "stopping the pool" in caplog.text
