"""The ``swfkit`` command as separate processes: server, decider, worker pool and admin commands.

The environment is a fresh machine's (no AWS variables or files): a loopback endpoint is all the
command needs.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from session_processes import REPO, bare_environment, leftover_processes


@pytest.fixture
def bare_env(tmp_path):
    return bare_environment(tmp_path)


@pytest.fixture
def server_url(bare_env):
    """``swfkit server`` in a subprocess; stopped with SIGTERM, which must exit 0."""
    server = subprocess.Popen([sys.executable, "-m", "swfkit", "server", "--poll-timeout", "1"], env=bare_env,
                              cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        url = server.stdout.readline().strip()
        assert url.startswith("http://127.0.0.1:"), server.stderr.read() if not url else url
        yield url
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            assert server.wait(15) == 0
        finally:
            if server.poll() is None:
                os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def swfkit(env, *argv, timeout=30):
    done = subprocess.run([sys.executable, "-m", "swfkit", *argv], env=env, cwd=REPO, capture_output=True,
                          text=True, timeout=timeout)
    assert "Traceback" not in done.stderr
    return done


def test_server_admin_decider_worker_pool_as_processes(server_url, bare_env) -> None:
    env = dict(bare_env, AWS_ENDPOINT_URL_SWF=server_url, SWF_DOMAIN="cli-e2e")
    assert swfkit(env, "domain", "register").returncode == 0
    # registered here (the actors' --register below then finds them and is a no-op)
    assert swfkit(env, "type", "register", "workflow", "fan-out-fan-in", "1", "--execution-timeout", "600",
                  "--task-timeout", "30", "--child-policy", "TERMINATE").returncode == 0
    actors = [subprocess.Popen([sys.executable, "-m", "swfkit", kind, "start", spec, "--register", "--task-list", task_list]
                               + extra, env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
              for kind, spec, task_list, extra in (
                  ("decider", "swfkit.demo.fan_out:FanOutDecider", "cli-decisions", []),
                  ("worker", "swfkit.demo.fan_out:SquareWorker", "cli-activities", ["--processes", "2"]))]
    try:
        workflow_input = json.dumps({"count": 6, "work_ms": 0, "task_list": "cli-activities"})
        started = swfkit(env, "workflow", "start", "fan-out-fan-in", "1", "--workflow-id", "w1",
                         "--task-list", "cli-decisions", "--input", workflow_input, "--json")
        assert started.returncode == 0, started.stderr
        assert json.loads(started.stdout)["workflowId"] == "w1"
        assert swfkit(env, "workflow", "signal", "w1", "approve", "--input", "{}").returncode == 0
        deadline = time.monotonic() + 40
        while True:
            info = json.loads(swfkit(env, "workflow", "info", "w1", "--json").stdout)
            if info["executionInfo"]["executionStatus"] == "CLOSED":
                break
            assert time.monotonic() < deadline, info
            time.sleep(0.3)
        assert info["executionInfo"]["closeStatus"] == "COMPLETED"
        last = swfkit(env, "workflow", "history", "w1", "--last", "1")
        assert "WorkflowExecutionCompleted" in last.stdout and '"sum": 55' in last.stdout
        types = swfkit(env, "type", "list")
        assert "fan-out-fan-in/1" in types.stdout and "square/1" in types.stdout
    finally:
        for actor in actors:
            actor.send_signal(signal.SIGTERM)  # stop after the current poll (1 s here) and task
        codes = []
        for actor in actors:
            try:
                codes.append(actor.wait(30))
            finally:
                if actor.poll() is None:
                    os.killpg(actor.pid, signal.SIGKILL)
                actor.communicate()
    assert codes == [0, 0]
    for actor in actors:
        assert leftover_processes(actor.pid) == [], "left processes behind"


def test_unknown_domain_over_the_wire(server_url, bare_env) -> None:
    done = swfkit(dict(bare_env, AWS_ENDPOINT_URL_SWF=server_url), "workflow", "list", "--domain", "nope")
    assert done.returncode == 1
    assert done.stderr.count("\n") == 1 and done.stderr.startswith("swfkit: not found: ")


def test_version_and_help(bare_env) -> None:
    assert swfkit(bare_env, "--version").stdout.strip() == "swfkit 0.1.0"
    usage = swfkit(bare_env, "--help").stdout
    for command in ("server", "demo", "domain", "type", "workflow", "decider", "worker"):
        assert command in usage
