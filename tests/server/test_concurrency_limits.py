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
def server_url():  # type: ignore[no-untyped-def]
    proc = subprocess.Popen([sys.executable, "-m", "swfkit", "server", "--port", "0", "--poll-timeout", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, cwd=ROOT)
    try:
        match = re.search(r"http://[\d.]+:\d+", proc.stdout.readline())  # type: ignore[union-attr]
        assert match, "the server did not print its endpoint"
        yield match.group(0)
    finally:
        proc.kill()
        proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]


def _call(url: str, operation: str, body: dict) -> requests.Response:  # type: ignore[type-arg]
    return requests.post(url + "/", data=json.dumps(body), timeout=40,
                         headers=dict(HEADERS, **{"X-Amz-Target": "SimpleWorkflowService." + operation}))


def test_more_than_1000_pollers_on_one_list_are_refused(server_url):  # type: ignore[no-untyped-def]
    assert _call(server_url, "RegisterDomain", {"name": "d", "workflowExecutionRetentionPeriodInDays": "1"}).ok
    body = json.dumps({"domain": "d", "taskList": {"name": "crowded"}}).encode()
    request = (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
               b"X-Amz-Target: SimpleWorkflowService.PollForActivityTask\r\nContent-Length: %d\r\n\r\n"
               % len(body)) + body
    host, port = server_url.rsplit("/", 1)[-1].split(":")
    waiting = []
    try:
        for _ in range(1000):
            sock = socket.create_connection((host, int(port)), timeout=10)
            sock.sendall(request)
            waiting.append(sock)
        time.sleep(0.5)  # let the last polls register before the one that must be refused
        extra = _call(server_url, "PollForActivityTask", {"domain": "d", "taskList": {"name": "crowded"}})
        assert extra.status_code == 400, extra.text
        assert extra.json()["__type"].rsplit("#", 1)[-1] == "LimitExceededFault" and extra.json()["message"]
        described = _call(server_url, "DescribeDomain", {"name": "d"})
        assert described.status_code == 200  # other calls are unaffected
    finally:
        for sock in waiting:
            sock.close()
