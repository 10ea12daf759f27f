"""Benchmark the embedded SWF server against baselines measured in the same run.

    python benchmarks/server_bench.py [--quick]

1. Sequential poll+respond activity round trips/s through boto3: swfkit server vs moto's
   ThreadedMotoServer (both in this process, same client settings).      target >= 5x moto
2. Per-call overhead of DescribeDomain vs a trivial stdlib http.server answering fixed JSON,
   over a raw keep-alive connection and through boto3.                   target <= 2x the floor
3. Wake latency of a waiting PollForDecisionTask when a task is scheduled: p50/p99.  target p99 <= 20 ms;
   lateness of one-second timers (server timestamps).                      target <= 50 ms
4. Memory: a server subprocess (SQLite file) holding N closed executions x 1,000 events: VmRSS/VmHWM
   (target < 200 MB at 1,000 executions), then paging one 24,000-event history through boto3.

Each section prints its numbers and a ratio; nothing here asserts (targets are for the report).
"""
from __future__ import annotations

import argparse
import http.client
import http.server
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from typing import Any, Callable, Dict, List, Tuple

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

REGION = "us-east-1"
CREDS = {"aws_access_key_id": "bench", "aws_secret_access_key": "bench"}
HEADERS = {"Content-Type": "application/x-amz-json-1.0"}
WF = {"name": "wf", "version": "1"}
ACT = {"name": "act", "version": "1"}


def boto_client(endpoint_url: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client("swf", endpoint_url=endpoint_url, region_name=REGION,
                                          config=Config(read_timeout=70, retries={"max_attempts": 0}), **CREDS)


class Raw:
    """A minimal keep-alive JSON client (the floor a client can reach; no signing)."""

    def __init__(self, endpoint_url: str) -> None:
        host, port = endpoint_url.rsplit("/", 1)[-1].split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=70)

    def __call__(self, operation: str, body: Dict[str, Any]) -> Dict[str, Any]:
        self.conn.request("POST", "/", json.dumps(body),
                          dict(HEADERS, **{"X-Amz-Target": "SimpleWorkflowService." + operation}))
        response = self.conn.getresponse()
        data = response.read()
        if response.status != 200:
            raise RuntimeError(f"{operation}: {response.status} {data[:200]!r}")
        return json.loads(data) if data.strip() else {}

    def close(self) -> None:
        self.conn.close()


def setup_domain(swf: Any, domain: str) -> None:
    swf.register_domain(name=domain, workflowExecutionRetentionPeriodInDays="1")
    swf.register_workflow_type(domain=domain, name="wf", version="1", defaultTaskList={"name": "d"},
                               defaultExecutionStartToCloseTimeout="3600", defaultTaskStartToCloseTimeout="600",
                               defaultChildPolicy="TERMINATE")
    swf.register_activity_type(domain=domain, name="act", version="1", defaultTaskList={"name": "a"},
                               defaultTaskScheduleToCloseTimeout="3600", defaultTaskScheduleToStartTimeout="3600",
                               defaultTaskStartToCloseTimeout="3600", defaultTaskHeartbeatTimeout="3600")


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def subprocess_server(argv: List[str], url: str) -> "subprocess.Popen[bytes]":
    """Start a server process and wait until it answers HTTP at ``url``."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 30
    host, port = url.rsplit("/", 1)[-1].split(":")
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection(host, int(port), timeout=1)
            conn.request("GET", "/")
            conn.getresponse().read()
            conn.close()
            return proc
        except OSError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError(f"{argv[:3]} did not come up")


class RoundTrips:
    """n activities scheduled up front; ``chunk()`` times sequential poll+complete pairs through boto3."""

    def __init__(self, endpoint_url: str, n: int, chunks: int = 3) -> None:
        self.swf = boto_client(endpoint_url)
        self.domain = f"bench-{time.monotonic_ns()}"
        self.size = (n - 5) // chunks
        self.rates: List[float] = []
        setup_domain(self.swf, self.domain)
        scheduled = 0
        while scheduled < n:
            batch = min(100, n - scheduled)  # 100 activities per execution: histories stay moderate
            self.swf.start_workflow_execution(domain=self.domain, workflowId=f"rt-{scheduled}", workflowType=WF)
            task = self.swf.poll_for_decision_task(domain=self.domain, taskList={"name": "d"})
            self.swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[
                {"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
                    "activityId": f"a{i}", "activityType": ACT}} for i in range(batch)])
            scheduled += batch
        self._pairs(5)  # warm up connection pools and caches

    def _pairs(self, count: int) -> None:
        for _ in range(count):
            t = self.swf.poll_for_activity_task(domain=self.domain, taskList={"name": "a"})
            if not t.get("taskToken"):
                raise RuntimeError("ran out of tasks")
            self.swf.respond_activity_task_completed(taskToken=t["taskToken"], result="r")

    def chunk(self) -> None:
        t0 = time.perf_counter()
        self._pairs(self.size)
        self.rates.append(self.size / (time.perf_counter() - t0))

    def rate(self) -> float:
        self.swf.close()
        return statistics.median(self.rates)


def compare_round_trips(ours_url: str, moto_url: str, n_ours: int, n_moto: int) -> Tuple[float, float]:
    """Median round trips/s of both servers, their chunks interleaved so machine load hits both alike."""
    ours, moto = RoundTrips(ours_url, n_ours), RoundTrips(moto_url, n_moto)
    for _ in range(3):
        ours.chunk()
        moto.chunk()
    return ours.rate(), moto.rate()


def raw_round_trips(endpoint_url: str, n: int) -> float:
    """The same loop over a raw keep-alive connection: what the server itself costs, without boto3."""
    swf = boto_client(endpoint_url)
    domain = f"rawbench-{time.monotonic_ns()}"
    setup_domain(swf, domain)
    swf.close()
    raw = Raw(endpoint_url)
    raw("StartWorkflowExecution", {"domain": domain, "workflowId": "raw", "workflowType": WF})
    task = raw("PollForDecisionTask", {"domain": domain, "taskList": {"name": "d"}})
    raw("RespondDecisionTaskCompleted", {"taskToken": task["taskToken"], "decisions": [
        {"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
            "activityId": f"a{i}", "activityType": ACT}} for i in range(n)]})
    t0 = time.perf_counter()
    for _ in range(n):
        t = raw("PollForActivityTask", {"domain": domain, "taskList": {"name": "a"}})
        raw("RespondActivityTaskCompleted", {"taskToken": t["taskToken"], "result": "r"})
    rate = n / (time.perf_counter() - t0)
    raw.close()
    return rate


def per_call(call: Callable[[], Any], n: int) -> float:
    """Median seconds per call over n calls (after a warm-up)."""
    for _ in range(20):
        call()
    samples = []
    for _ in range(n):
        t0 = time.perf_counter()
        call()
        samples.append(time.perf_counter() - t0)
    return statistics.median(samples)


class FixedJSON(http.server.BaseHTTPRequestHandler):
    """The floor: a stdlib server that reads the body and answers a fixed DescribeDomain JSON."""

    protocol_version = "HTTP/1.1"
    wbufsize = -1  # one write per response (unbuffered headers + body would hit Nagle/delayed-ACK stalls)
    disable_nagle_algorithm = True
    body = json.dumps({"domainInfo": {"name": "d", "status": "REGISTERED",
                                      "arn": "arn:aws:swf:us-east-1:000000000000:/domain/d"},
                       "configuration": {"workflowExecutionRetentionPeriodInDays": "1"}}).encode()

    def do_POST(self) -> None:  # noqa: N802 (stdlib name)
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, *args: Any) -> None:
        pass


def wake_latency(endpoint_url: str, n: int) -> Tuple[float, float, float]:
    """Seconds from scheduling a decision task (StartWorkflowExecution sent) to the waiting poll returning."""
    swf = boto_client(endpoint_url)
    domain = f"wake-{time.monotonic_ns()}"
    setup_domain(swf, domain)
    swf.close()
    starter, poller = Raw(endpoint_url), Raw(endpoint_url)
    latencies: List[float] = []
    for i in range(n):
        returned: Dict[str, float] = {}

        def poll() -> None:
            task = poller("PollForDecisionTask", {"domain": domain, "taskList": {"name": "d"}})
            returned["t"] = time.perf_counter()
            returned["ok"] = bool(task.get("taskToken"))

        thread = threading.Thread(target=poll)
        thread.start()
        time.sleep(0.01)  # let the poll reach the server and wait
        t0 = time.perf_counter()
        starter("StartWorkflowExecution", {"domain": domain, "workflowId": f"w{i}", "workflowType": WF})
        thread.join()
        if not returned.get("ok"):
            raise RuntimeError("the waiting poll returned empty")
        latencies.append(returned["t"] - t0)
    starter.close()
    poller.close()
    latencies.sort()
    return statistics.median(latencies), latencies[int(0.99 * (len(latencies) - 1))], latencies[-1]


def timer_lag(endpoint_url: str, n: int) -> Tuple[float, float]:
    """Lateness of TimerFired (server timestamps) for n one-second timers started a few ms apart."""
    raw = Raw(endpoint_url)
    swf = boto_client(endpoint_url)
    domain = f"timers-{time.monotonic_ns()}"
    setup_domain(swf, domain)
    executions = []
    for i in range(n):
        # one task list per execution: fired timers' decision tasks must not be picked up here
        run = raw("StartWorkflowExecution", {"domain": domain, "workflowId": f"t{i}", "workflowType": WF,
                                             "taskList": {"name": f"timer-{i}"}})
        task = raw("PollForDecisionTask", {"domain": domain, "taskList": {"name": f"timer-{i}"}})
        raw("RespondDecisionTaskCompleted", {"taskToken": task["taskToken"], "decisions": [
            {"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": "t",
                                                                            "startToFireTimeout": "1"}}]})
        executions.append({"workflowId": f"t{i}", "runId": run["runId"]})
    time.sleep(1.5)
    lags = []
    for execution in executions:
        events = raw("GetWorkflowExecutionHistory", {"domain": domain, "execution": execution})["events"]
        stamps = {e["eventType"]: e["eventTimestamp"] for e in events}
        lags.append(stamps["TimerFired"] - stamps["TimerStarted"] - 1.0)
    raw.close()
    swf.close()
    lags.sort()
    return statistics.median(lags), lags[-1]


LAUNCHER = r"""
import argparse, sys
from swfkit.server import command
p = argparse.ArgumentParser(); command.add_arguments(p)
sys.exit(command.run(p.parse_args(sys.argv[1:])))
"""


def rss_mb(pid: int) -> Tuple[float, float]:
    with open(f"/proc/{pid}/status") as f:
        status = f.read()
    rss = int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    hwm = int(re.search(r"VmHWM:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]
    return rss, hwm


def memory(executions: int, db: str, page: bool = True) -> None:
    """Fill a server subprocess (``db`` file, or in memory when ``db`` is empty) and read its RSS."""
    argv = [sys.executable, "-c", LAUNCHER, "--port", "0", "--poll-timeout", "1"] + (["--db", db] if db else [])
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        endpoint_url = re.search(r"http://[\w.\-]+:\d+", line).group(0)  # type: ignore[union-attr]
        swf = boto_client(endpoint_url)
        setup_domain(swf, "mem")
        base, _ = rss_mb(proc.pid)
        raw = Raw(endpoint_url)
        markers = [{"decisionType": "RecordMarker", "recordMarkerDecisionAttributes": {
            "markerName": f"m{i}", "details": "x" * 64}} for i in range(995)]
        close = [{"decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {}}]
        t0 = time.perf_counter()
        for i in range(executions):
            raw("StartWorkflowExecution", {"domain": "mem", "workflowId": f"m{i}", "workflowType": WF})
            task = raw("PollForDecisionTask", {"domain": "mem", "taskList": {"name": "d"}, "maximumPageSize": 1})
            raw("RespondDecisionTaskCompleted", {"taskToken": task["taskToken"], "decisions": markers + close})
        fill = time.perf_counter() - t0
        rss, hwm = rss_mb(proc.pid)
        where = f"db file {os.path.getsize(db) / 1e6:.0f} MB" if db else "in-memory db (running(db=None))"
        print(f"memory: {executions} closed executions x 1,000 events ({executions * 1000:,} events) "
              f"filled in {fill:.1f} s; server RSS {rss:.0f} MB (peak {hwm:.0f} MB, idle {base:.0f} MB), "
              f"{where}; target < 200 MB: {'MET' if hwm < 200 else 'MISSED'}")
        if not page:
            swf.close()
            raw.close()
            return

        # One 24,000-event history, paged through boto3 and raw.
        t_build = time.perf_counter()
        raw("StartWorkflowExecution", {"domain": "mem", "workflowId": "big", "workflowType": WF})
        run_events = 2
        while run_events < 24_000:
            task = raw("PollForDecisionTask", {"domain": "mem", "taskList": {"name": "d"}, "maximumPageSize": 1})
            batch = min(7_000, 24_000 - run_events - 4)
            raw("RespondDecisionTaskCompleted", {"taskToken": task["taskToken"], "decisions": [
                {"decisionType": "RecordMarker", "recordMarkerDecisionAttributes": {"markerName": f"b{j}"}}
                for j in range(batch)]})
            run_events += batch + 2
            raw("SignalWorkflowExecution", {"domain": "mem", "workflowId": "big", "signalName": "more"})
            run_events += 2
        build = time.perf_counter() - t_build
        listed = swf.list_open_workflow_executions(domain="mem", startTimeFilter={"oldestDate": 0},
                                                   executionFilter={"workflowId": "big"})
        execution = listed["executionInfos"][0]["execution"]
        before, _ = rss_mb(proc.pid)
        t0 = time.perf_counter()
        count, pages, token = 0, 0, None
        while True:
            kw = {"nextPageToken": token} if token else {}
            page = swf.get_workflow_execution_history(domain="mem", execution=execution, maximumPageSize=1000, **kw)
            count += len(page["events"])
            pages += 1
            token = page.get("nextPageToken")
            if not token:
                break
        took = time.perf_counter() - t0
        t0 = time.perf_counter()
        raw_count, token = 0, None
        while True:
            body = {"domain": "mem", "execution": execution, "maximumPageSize": 1000}
            if token:
                body["nextPageToken"] = token
            page = raw("GetWorkflowExecutionHistory", body)
            raw_count += len(page["events"])
            token = page.get("nextPageToken")
            if not token:
                break
        raw_took = time.perf_counter() - t0
        after, hwm = rss_mb(proc.pid)
        print(f"paging: {count:,}-event history (built in {build:.1f} s) in {pages} pages of 1,000: boto3 "
              f"{took:.2f} s ({count / took:,.0f} events/s), raw {raw_took:.2f} s ({raw_count / raw_took:,.0f} "
              f"events/s); server RSS {before:.0f} -> {after:.0f} MB (peak {hwm:.0f} MB)")
        swf.close()
        raw.close()
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller numbers (a few seconds per section)")
    args = parser.parse_args()
    n_rt, n_moto, n_call, n_wake, n_mem = (200, 100, 300, 100, 100) if args.quick else (1000, 300, 1000, 300, 1000)
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "bench")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "bench")
    os.environ.setdefault("AWS_DEFAULT_REGION", REGION)
    import logging

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    from moto.server import ThreadedMotoServer
    from swfkit.server import SWFServer

    ours = SWFServer(None, poll_timeout=1.0).start()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    moto.start()
    moto_url = "http://%s:%d" % moto.get_host_and_port()
    floor = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FixedJSON)
    threading.Thread(target=floor.serve_forever, daemon=True).start()
    floor_url = "http://127.0.0.1:%d" % floor.server_address[1]
    try:
        ours_rate, moto_rate = compare_round_trips(ours.endpoint_url, moto_url, n_rt, n_moto)
        print(f"round trips (poll+complete, boto3, sequential, medians of 3 interleaved chunks; servers in this process): swfkit {ours_rate:,.0f}/s, "
              f"moto {moto_rate:,.0f}/s -> {ours_rate / moto_rate:.1f}x moto (target >= 5x)")
        print(f"round trips (same loop, raw keep-alive client, no boto3): swfkit "
              f"{raw_round_trips(ours.endpoint_url, min(n_rt, 1000)):,.0f}/s (the server's own cost)")
        ours_port, moto_port = free_port(), free_port()
        ours_proc = subprocess_server([sys.executable, "-c", LAUNCHER, "--port", str(ours_port), "--poll-timeout",
                                       "1"], f"http://127.0.0.1:{ours_port}")
        moto_proc = subprocess_server([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
                                      f"http://127.0.0.1:{moto_port}")
        try:
            ours_sub, moto_sub = compare_round_trips(f"http://127.0.0.1:{ours_port}",
                                                     f"http://127.0.0.1:{moto_port}", n_rt, n_moto)
        finally:
            for proc in (ours_proc, moto_proc):
                proc.terminate()
                proc.wait(timeout=10)
        print(f"round trips (same, each server in its own process): swfkit {ours_sub:,.0f}/s, moto {moto_sub:,.0f}/s "
              f"-> {ours_sub / moto_sub:.1f}x moto (target >= 5x)")

        swf = boto_client(ours.endpoint_url)
        swf.register_domain(name="calls", workflowExecutionRetentionPeriodInDays="1")
        raw_ours, raw_floor = Raw(ours.endpoint_url), Raw(floor_url)
        ours_raw = per_call(lambda: raw_ours("DescribeDomain", {"name": "calls"}), n_call)
        floor_raw = per_call(lambda: raw_floor("DescribeDomain", {"name": "calls"}), n_call)
        boto_floor = boto_client(floor_url)
        ours_boto = per_call(lambda: swf.describe_domain(name="calls"), n_call)
        floor_boto = per_call(lambda: boto_floor.describe_domain(name="calls"), n_call)
        print(f"DescribeDomain per call, raw keep-alive: swfkit {ours_raw * 1e3:.3f} ms, stdlib floor "
              f"{floor_raw * 1e3:.3f} ms -> {ours_raw / floor_raw:.2f}x floor (target <= 2x)")
        print(f"DescribeDomain per call, boto3: swfkit {ours_boto * 1e3:.3f} ms, stdlib floor "
              f"{floor_boto * 1e3:.3f} ms -> {ours_boto / floor_boto:.2f}x floor")
        raw_ours.close()
        raw_floor.close()

        p50, p99, worst = wake_latency(ours.endpoint_url, n_wake)
        print(f"waiting-poll wake latency ({n_wake} tasks): p50 {p50 * 1e3:.2f} ms, p99 {p99 * 1e3:.2f} ms, "
              f"max {worst * 1e3:.2f} ms (target p99 <= 20 ms: {'MET' if p99 <= 0.020 else 'MISSED'})")
        lag50, lag_max = timer_lag(ours.endpoint_url, 50 if args.quick else 200)
        print(f"timer lateness (1 s timers, server timestamps): p50 {lag50 * 1e3:.1f} ms, max {lag_max * 1e3:.1f} ms "
              f"(target: within 50 ms: {'MET' if lag_max <= 0.050 else 'MISSED'})")
    finally:
        ours.stop()
        moto.stop()
        floor.shutdown()
    with tempfile.TemporaryDirectory() as tmp:
        memory(n_mem, os.path.join(tmp, "bench.sqlite3"))
        memory(n_mem, "", page=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
