"""The poller limit: at most 1,000 concurrent long polls per task list, then LimitExceededFault.

The server runs in its own process with 30 s long polls: opening 1,000 connections takes seconds
here, and every poll must still be waiting when the 1,001st arrives.
"""
from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time

import pytest
import requests

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
HEADERS = {"Content-Type": "application/x-amz-json-1.0"}


@pytest.fixture
def server_process():  # type: ignore[no-untyped-def]
    proc = subprocess.Popen([sys.executable, "-m", "swfkit", "server", "--port", "0", "--poll-timeout", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        match = re.search(r"http://[\d.]+:\d+", proc.stdout.readline())  # type: ignore[union-attr]
        assert match, "the server did not print its endpoint"
        proc.url = match.group(0)  # type: ignore[attr-defined]
        yield proc
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]


@pytest.fixture
def server_url(server_process):  # type: ignore[no-untyped-def]
    return server_process.url


def _threads(pid: int) -> int:
    """The process's thread count (Linux), or -1 where /proc cannot tell."""
    try:
        with open("/proc/%d/status" % pid) as status:
            return next(int(line.split()[1]) for line in status if line.startswith("Threads:"))
    except (OSError, StopIteration, ValueError):
        return -1


def _wait_for_threads(pid: int, count: int, deadline: float) -> None:
    """Wait until the server has ``count`` threads: a connection gets its thread when accepted, so
    on a loaded machine 1,000 of them take seconds, not a fixed pause."""
    while 0 <= _threads(pid) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def _call(url: str, operation: str, body: dict) -> requests.Response:  # type: ignore[type-arg]
    return requests.post(url + "/", data=json.dumps(body), timeout=40,
                         headers=dict(HEADERS, **{"X-Amz-Target": "SimpleWorkflowService." + operation}))


def test_more_than_1000_pollers_on_one_list_are_refused(server_process):  # type: ignore[no-untyped-def]
    server_url = server_process.url
    assert _call(server_url, "RegisterDomain", {"name": "d", "workflowExecutionRetentionPeriodInDays": "1"}).ok
    body = json.dumps({"domain": "d", "taskList": {"name": "crowded"}}).encode()
    request = (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
               b"X-Amz-Target: SimpleWorkflowService.PollForActivityTask\r\nContent-Length: %d\r\n\r\n"
               % len(body)) + body
    host, port = server_url.rsplit("/", 1)[-1].split(":")
    waiting = []
    threads_before = _threads(server_process.pid)
    try:
        for _ in range(1000):
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(request)
            waiting.append(sock)
        # Every poll on a thread of its own, then a moment for the last ones to register (where
        # /proc cannot count threads, a longer pause instead).
        # (A few short of 1,000: the RegisterDomain connection's thread may end meanwhile.)
        _wait_for_threads(server_process.pid, threads_before + 995, time.monotonic() + 60)
        time.sleep(0.5 if threads_before >= 0 else 3.0)
        extra = _call(server_url, "PollForActivityTask", {"domain": "d", "taskList": {"name": "crowded"}})
        assert extra.status_code == 400, extra.text
        assert extra.json()["__type"].rsplit("#", 1)[-1] == "LimitExceededFault" and extra.json()["message"]
        described = _call(server_url, "DescribeDomain", {"name": "d"})
        assert described.status_code == 200  # other calls are unaffected
    finally:
        for sock in waiting:
            sock.close()
