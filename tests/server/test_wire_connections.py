"""Issue 18 items 4-5 and issue 12 item 15: what the HTTP front holds. Bursts of connections,
dead long polls, slow and idle clients, the connection cap."""
from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from typing import Any, Dict, List

from swfkit.server import SWFServer

from conftest import make_client, raw_call

WF = {"name": "wf", "version": "1"}


def request_bytes(operation: str, body: Dict[str, Any]) -> bytes:
    data = json.dumps(body).encode()
    return (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
            b"X-Amz-Target: SimpleWorkflowService." + operation.encode() +
            b"\r\nContent-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data)


def read_answer(sock: socket.socket) -> bytes:
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = sock.recv(65536)
        if not chunk:
            break
        received += chunk
    return received


def setup_domain(endpoint: str) -> Any:
    swf = make_client(endpoint)
    swf.register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")
    swf.register_workflow_type(domain="d", name="wf", version="1", defaultTaskList={"name": "dl"},
                               defaultExecutionStartToCloseTimeout="600", defaultTaskStartToCloseTimeout="60",
                               defaultChildPolicy="TERMINATE")
    return swf


def listen_backlog(port: str) -> int:
    """The accept-queue size of a listening socket, as ``ss`` shows it (Send-Q), or -1."""
    if shutil.which("ss") is None:
        return -1
    lines = subprocess.run(["ss", "-ltnH", "sport = :" + port], capture_output=True, text=True).stdout.split()
    return int(lines[2]) if len(lines) > 2 else -1


def test_two_thousand_simultaneous_connections_none_reset() -> None:
    with SWFServer() as server:
        host, port = server.endpoint_url[len("http://"):].split(":")
        backlog = listen_backlog(port)
        assert backlog == -1 or backlog >= 2000, backlog  # a burst fits in the accept queue
        sockets: List[socket.socket] = []
        try:
            for _ in range(2000):  # all connect before any is served
                sock = socket.socket()
                sock.setblocking(False)
                sock.connect_ex((host, int(port)))
                sockets.append(sock)
            request = request_bytes("ListDomains", {"registrationStatus": "REGISTERED"})
            resets = 0
            for sock in sockets:
                sock.settimeout(30)
                try:
                    sock.sendall(request)
                except OSError:
                    resets += 1
            for sock in sockets:
                try:
                    answer = read_answer(sock)
                    if not answer.startswith(b"HTTP/1.1 200"):
                        resets += 1
                except OSError:
                    resets += 1
            assert resets == 0
        finally:
            for sock in sockets:
                sock.close()


POLLER = """
import sys, requests
requests.post(sys.argv[1] + "/", data='{"domain": "d", "taskList": {"name": "dl"}}', timeout=120,
              headers={"X-Amz-Target": "SimpleWorkflowService.PollForDecisionTask",
                       "Content-Type": "application/x-amz-json-1.0"})
"""


def wait_until(check: Any, seconds: float = 20.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "timed out waiting"
        time.sleep(0.02)


def test_a_dead_poller_never_receives_a_task() -> None:
    with SWFServer(poll_timeout=60) as server:
        swf = setup_domain(server.endpoint_url)
        key = ("us-east-1/d", "decision", "dl")
        dead = subprocess.Popen([sys.executable, "-c", POLLER, server.endpoint_url])
        wait_until(lambda: server.ctx.pollers.get(key, 0) == 1)
        dead.kill()
        dead.wait()
        got: List[Dict[str, Any]] = []
        live = threading.Thread(target=lambda: got.append(swf.poll_for_decision_task(
            domain="d", taskList={"name": "dl"})))
        live.start()
        wait_until(lambda: server.ctx.pollers.get(key, 0) == 2)  # the dead poll still waits
        started = time.monotonic()
        swf.start_workflow_execution(domain="d", workflowId="w", workflowType=WF)
        live.join(10)
        assert got and got[0].get("taskToken"), "the live poller got nothing"
        assert time.monotonic() - started < 1.0
        events = swf.get_workflow_execution_history(domain="d", execution=got[0]["workflowExecution"])["events"]
        assert [e["eventType"] for e in events].count("DecisionTaskStarted") == 1


def test_a_dead_poll_stops_waiting() -> None:
    with SWFServer(poll_timeout=60) as server:
        server.ctx.liveness_interval = 0.2
        setup_domain(server.endpoint_url)
        key = ("us-east-1/d", "decision", "dl")
        dead = subprocess.Popen([sys.executable, "-c", POLLER, server.endpoint_url])
        wait_until(lambda: server.ctx.pollers.get(key, 0) == 1)
        dead.kill()
        dead.wait()
        wait_until(lambda: server.ctx.pollers.get(key, 0) == 0, 5)  # not after the 60 s poll timeout


def test_a_slow_client_is_cut_off_but_a_long_poll_is_not() -> None:
    with SWFServer(poll_timeout=2, read_timeout=0.5) as server:
        setup_domain(server.endpoint_url)
        host, port = server.endpoint_url[len("http://"):].split(":")
        slow = socket.create_connection((host, int(port)))
        slow.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{")  # then nothing
        slow.settimeout(5)
        started = time.monotonic()
        assert slow.recv(100) == b""  # the server closed it
        assert time.monotonic() - started < 3
        slow.close()
        # a long poll longer than the read timeout is answered in full
        poll = raw_call(server.endpoint_url, "PollForDecisionTask",
                        {"domain": "d", "taskList": {"name": "dl"}}, timeout=10)
        assert poll.status_code == 200 and poll.json()["startedEventId"] == 0


def test_a_client_trickling_its_request_is_cut_off_at_the_deadline() -> None:
    with SWFServer(read_timeout=1.0) as server:
        host, port = server.endpoint_url[len("http://"):].split(":")
        slow = socket.create_connection((host, int(port)))
        slow.settimeout(0.1)
        slow.sendall(b"POST / HTTP/1.1\r\n")
        started = time.monotonic()
        closed = False
        while time.monotonic() - started < 6:  # one byte every 0.1 s: no single read waits long
            try:
                slow.sendall(b"X")
                if slow.recv(100) == b"":
                    closed = True
                    break
            except socket.timeout:
                continue
            except OSError:
                closed = True
                break
        slow.close()
        assert closed and time.monotonic() - started < 3, "the trickling request was not cut off"


def answer_time(endpoint: str) -> float:
    started = time.monotonic()
    answer = raw_call(endpoint, "ListDomains", {"registrationStatus": "REGISTERED"})
    assert answer.status_code == 200
    return time.monotonic() - started


def test_idle_connections_do_not_stop_other_clients() -> None:
    with SWFServer(idle_timeout=1.0) as server:
        host, port = server.endpoint_url[len("http://"):].split(":")
        idle = [socket.create_connection((host, int(port))) for _ in range(500)]
        try:
            times = sorted(answer_time(server.endpoint_url) for _ in range(5))
            assert times[2] < 0.05, times
            wait_until(lambda: server._httpd.active <= 1, 10)  # idle ones are closed after 1 s
            assert all(sock.recv(1) == b"" for sock in idle[:20])
        finally:
            for sock in idle:
                sock.close()


def test_past_the_connection_cap_the_answer_is_a_retryable_503() -> None:
    with SWFServer(max_connections=50, idle_timeout=1.0) as server:
        host, port = server.endpoint_url[len("http://"):].split(":")
        idle = [socket.create_connection((host, int(port))) for _ in range(50)]
        try:
            wait_until(lambda: server._httpd.active == 50)
            refused = raw_call(server.endpoint_url, "ListDomains", {"registrationStatus": "REGISTERED"})
            assert refused.status_code == 503
            assert refused.json()["__type"].endswith("#ServiceUnavailable")
            # botocore retries it; the idle connections time out meanwhile and it goes through
            import boto3
            from botocore.config import Config
            swf = boto3.client("swf", endpoint_url=server.endpoint_url, region_name="us-east-1",
                               aws_access_key_id="x", aws_secret_access_key="x",
                               config=Config(retries={"mode": "standard", "max_attempts": 10}))
            assert swf.list_domains(registrationStatus="REGISTERED")["domainInfos"] == []
        finally:
            for sock in idle:
                sock.close()
