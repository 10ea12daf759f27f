"""``decider start`` / ``worker start`` as processes: an unreachable endpoint at start-up is exit 3 in
one line after a short bounded retry (item 5); a pool's second Ctrl-C is 130 like a single
process's (item 8); SIGTERM on loopback stops an idle pool within seconds (item 4)."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Dict, Iterator

import pytest
from session_processes import REPO, bare_environment, children_of, leftover_processes


@pytest.fixture
def env(tmp_path: Any) -> Dict[str, str]:
    return dict(bare_environment(tmp_path), SWF_DOMAIN="starts")


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.parametrize("kind, spec", [("decider", "swfkit.demo.fan_out:FanOutDecider"),
                                        ("worker", "swfkit.demo.fan_out:SquareWorker")])
def test_unreachable_endpoint_at_start_up_is_3_in_one_line(env: Dict[str, str], kind: str, spec: str) -> None:
    url = "http://127.0.0.1:%d" % _closed_port()
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-m", "swfkit", kind, "start", spec, "--processes", "2",
                           "--endpoint-url", url], env=env, cwd=REPO, capture_output=True, text=True, timeout=60)
    assert done.returncode == 3
    assert done.stderr.splitlines() == [
        "swfkit: cannot reach the SWF endpoint %s (DescribeDomain): Connection refused; check --endpoint-url / "
        "AWS_ENDPOINT_URL_SWF" % url]
    assert time.monotonic() - started < 30  # bounded: the client's few attempts, not forever


@pytest.fixture
def endpoint() -> Iterator[str]:
    from swfkit.layer1 import Layer1
    from swfkit.server import running

    with running(db=None, poll_timeout=60.0) as url:  # swfkit server's default long poll
        Layer1(endpoint_url=url).register_domain(name="starts", workflow_execution_retention_period_in_days="1")
        yield url


def _pool(env: Dict[str, str], endpoint: str) -> "subprocess.Popen[str]":
    process = subprocess.Popen([sys.executable, "-m", "swfkit", "worker", "start", "swfkit.demo.fan_out:SquareWorker",
                                "--processes", "2", "--endpoint-url", endpoint, "--log-level", "INFO"],
                               env=env, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    deadline = time.monotonic() + 60
    assert process.stderr is not None
    polling = 0
    while polling < 2 and time.monotonic() < deadline:
        line = process.stderr.readline()
        polling += " polling starts/" in line
    assert polling == 2, "the pool's processes never polled"
    time.sleep(0.5)
    return process


def _finish(process: "subprocess.Popen[str]") -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
    process.communicate()
    assert leftover_processes(process.pid) == []


def test_sigterm_stops_an_idle_pool_on_loopback_quickly(env: Dict[str, str], endpoint: str) -> None:
    process = _pool(env, endpoint)
    try:
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - started < 5
    finally:
        _finish(process)


def test_a_second_ctrl_c_of_a_pool_is_130(env: Dict[str, str], endpoint: str) -> None:
    process = _pool(env, endpoint)
    try:
        children = children_of(process.pid)
        assert len(children) == 2, children
        for pid in children:  # frozen: the first Ctrl-C cannot end them, so the second one is needed
            os.kill(pid, signal.SIGSTOP)
        process.send_signal(signal.SIGINT)
        time.sleep(1.0)
        assert process.poll() is None
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 130
    finally:
        _finish(process)


def test_server_on_a_non_loopback_host_warns_and_accepts_the_common_options(env: Dict[str, str]) -> None:
    server = subprocess.Popen([sys.executable, "-m", "swfkit", "server", "--host", "0.0.0.0", "--json",
                               "--domain", "ignored"], env=env, cwd=REPO, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        assert server.stdout is not None and server.stderr is not None
        assert server.stdout.readline().startswith("http://0.0.0.0:")
        warning = server.stderr.readline()
        assert warning.startswith("swfkit: warning: --host 0.0.0.0 lets other machines reach this server")
        assert "--verify-signatures" in warning
        server.send_signal(signal.SIGTERM)
        assert server.wait(15) == 0
    finally:
        _finish(server)
