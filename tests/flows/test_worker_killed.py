"""A worker killed in the middle of a step: the action times out, its retry runs on another
worker, and the flow completes once."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time

import killable_flow
from flows_testing import DOMAIN, HERE, client
from session_processes import REPO
from swfkit import flows


def _wait_for(predicate, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out waiting for %s" % what
        time.sleep(0.1)


def test_worker_killed_mid_step_then_timeout_and_retry_complete_the_flow_once(swf_endpoint, tmp_path) -> None:
    swf = client(swf_endpoint)
    engine = flows.Engine(swf, DOMAIN, wait=False)
    engine.backend.prepare(killable_flow.KILLABLE)  # domain and types, before anything polls
    decider = flows.flow_decider(killable_flow.KILLABLE, client(swf_endpoint), DOMAIN)
    threads = [threading.Thread(target=decider.run, daemon=True)]
    threads[0].start()
    env = dict(os.environ, PYTHONPATH=str(REPO), AWS_ACCESS_KEY_ID="tests", AWS_SECRET_ACCESS_KEY="tests",
               AWS_DEFAULT_REGION="us-east-1")
    process = subprocess.Popen([sys.executable, "-m", "swfkit", "flow", "worker", "killable_flow:KILLABLE",
                                "--endpoint-url", swf_endpoint, "--domain", DOMAIN], cwd=str(HERE), env=env,
                               start_new_session=True)
    worker = None
    try:
        started = engine.run(killable_flow.KILLABLE, "2026120500", context={"dir": str(tmp_path)})
        assert started.status == "running"
        _wait_for(lambda: (tmp_path / "attempts").exists(), 60, "the first attempt of crunch")
        with open(tmp_path / "attempts") as handle:
            assert handle.read().split() == [str(process.pid)]  # the subprocess worker has it
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(10)
        assert engine.status(killable_flow.KILLABLE, "2026120500").steps["crunch"].state == "running"
        worker = flows.flow_workers(killable_flow.KILLABLE, client(swf_endpoint), DOMAIN)[0]
        threads.append(threading.Thread(target=worker.run, daemon=True))
        threads[-1].start()
        _wait_for(lambda: not engine.status(killable_flow.KILLABLE, "2026120500").is_open, 60, "the run to close")
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
        decider.stop()
        if worker is not None:
            worker.stop()
        for thread in threads:
            thread.join(30)
    state = engine.status(killable_flow.KILLABLE, "2026120500")
    assert state.status == "completed", state.reason
    crunch = state.steps["crunch"]
    assert crunch.state == "completed" and crunch.attempts == 2
    assert (tmp_path / "done").read_text() == "done\n"  # the step's work finished exactly once
    assert (tmp_path / "notes").read_text().split() == ["prepare", "finish"]
    events = engine.backend.events({"workflowId": state.workflow_id, "runId": state.run_id})
    kinds = [e["eventType"] for e in events]
    assert kinds.count("ActivityTaskTimedOut") == 1 and kinds.count("WorkflowExecutionCompleted") == 1
    timed_out = next(e for e in events if e["eventType"] == "ActivityTaskTimedOut")
    assert timed_out["activityTaskTimedOutEventAttributes"]["timeoutType"] == "START_TO_CLOSE"
