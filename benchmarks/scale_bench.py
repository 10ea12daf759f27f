"""Scale: does a call's cost stay flat as open executions, timers (and later histories) grow?

    python benchmarks/scale_bench.py [--quick] [--full] [--db] [--section NAME ...]

Each section measures the same work at a small and a large size in this run and prints the
ratio large/small (issue 18's targets in brackets). Server sections call the operation table
in-process (``service.call``: validation, handler, SQLite, JSON answer; no HTTP, which costs
the same at every size) and count CPU time of this process (``time.process_time``), so other
load on the machine changes the absolute numbers less than wall time would.

Sections (add one by writing a function ``(args) -> None`` and listing it in SECTIONS):

1. ``open-executions``: CPU per call at 100 and 10,000 (``--full``: also 30,000) open executions
   of one domain for StartWorkflowExecution, Signal by workflowId, Signal by runId,
   DescribeWorkflowExecution and a PollForDecisionTask that finds a task waiting.  [<= 1.5x]
2. ``open-timers``: CPU per SignalWorkflowExecution on an execution with 1,000 open timers vs
   one with none.                                                                  [<= 2x]
3. ``decider``: client CPU of one incremental decision (a cached run, 6 new events) at 1,000 and at
   24,000 events of history (measurements in ``scale_client.py``).                 [<= 2x]
4. ``replay``: futures fold + replay to the next decision, per event, at 1,000 and 5,000
   activities.                                                                     [<= 1.25x]
5. ``capacity``: a server subprocess (``swfkit server``): resident memory per open execution (in
   memory, or with ``--db`` also the file's bytes) and per waiting long poll (2,000 at once).
"""
from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))  # scale_client, futures_bench

from swfkit.server import ManualClock, SWFServer, service  # noqa: E402

WF = {"name": "wf", "version": "1"}


class Bench:
    """An in-process server with one domain and one workflow type, driven through ``service.call``."""

    def __init__(self, db: bool) -> None:
        self.tmp = tempfile.TemporaryDirectory() if db else None
        path = os.path.join(self.tmp.name, "scale.db") if self.tmp else None
        self.server = SWFServer(path, clock=ManualClock(), poll_timeout=0.01)
        self.call("RegisterDomain", name="d", workflowExecutionRetentionPeriodInDays="1")
        self.call("RegisterWorkflowType", domain="d", name="wf", version="1", defaultTaskList={"name": "dl"},
                  defaultExecutionStartToCloseTimeout="86400", defaultTaskStartToCloseTimeout="3600",
                  defaultChildPolicy="TERMINATE")
        self.started = 0

    def call(self, operation: str, **params: Any) -> Dict[str, Any]:
        status, body = service.call(self.server.ctx, operation, json.dumps(params).encode())
        if status != 200:
            raise RuntimeError("%s: %s" % (operation, body[:300]))
        return json.loads(body) if body else {}

    def start(self, prefix: str = "w") -> Dict[str, str]:
        self.started += 1
        workflow_id = "%s-%d" % (prefix, self.started)
        run_id = self.call("StartWorkflowExecution", domain="d", workflowId=workflow_id, workflowType=WF)["runId"]
        return {"workflowId": workflow_id, "runId": run_id}

    def close(self) -> None:
        self.server.stop()
        if self.tmp is not None:
            self.tmp.cleanup()


def cpu_per_call(calls: List[Callable[[], Any]], repeats: int = 5) -> float:
    """Microseconds of process CPU per call: the best of ``repeats`` passes over ``calls``
    (each pass gets its own slice, so no call repeats work another did)."""
    size = len(calls) // repeats
    best = float("inf")
    for r in range(repeats):
        batch = calls[r * size:(r + 1) * size]
        started = time.process_time()
        for call in batch:
            call()
        best = min(best, (time.process_time() - started) / len(batch))
    return best * 1e6


def ratio_line(name: str, small: float, large: float, target: float, sizes: str) -> None:
    ratio = large / small if small else float("inf")
    print("  %-34s %9.1f us %9.1f us   %5.2fx  (%s; target <= %gx)%s"
          % (name, small, large, ratio, sizes, target, "" if ratio <= target else "  OVER"))


def _open_execution_costs(args: argparse.Namespace, open_count: int) -> Dict[str, float]:
    bench = Bench(args.db)
    try:
        runs = [bench.start("filler") for _ in range(open_count)]
        # the same number of calls at every size; targets spread over all the open executions
        # (repeating at the small size); a poll takes one waiting task, so at most one per execution
        n = 100 if args.quick else 1000
        step = max(1, open_count // n)
        targets = [runs[(i * step) % open_count] for i in range(n)]
        costs = {
            "StartWorkflowExecution": cpu_per_call([lambda: bench.start("new") for _ in range(n)]),
            "Signal by workflowId": cpu_per_call([
                (lambda r=r: bench.call("SignalWorkflowExecution", domain="d", workflowId=r["workflowId"],
                                        signalName="s")) for r in targets]),
            "Signal by runId": cpu_per_call([
                (lambda r=r: bench.call("SignalWorkflowExecution", domain="d", workflowId=r["workflowId"],
                                        runId=r["runId"], signalName="s")) for r in targets]),
            "DescribeWorkflowExecution": cpu_per_call([
                (lambda r=r: bench.call("DescribeWorkflowExecution", domain="d", execution=r)) for r in targets]),
            "PollForDecisionTask (task waiting)": cpu_per_call([
                lambda: bench.call("PollForDecisionTask", domain="d", taskList={"name": "dl"},
                                   maximumPageSize=100) for _ in range(min(n, open_count))]),
        }
        return costs
    finally:
        bench.close()


def section_open_executions(args: argparse.Namespace) -> None:
    sizes = [100, 10000] + ([30000] if args.full else [])
    print("open executions (%s; CPU per call, in-process)" % ("--db file" if args.db else "in memory"))
    results = {size: _open_execution_costs(args, size) for size in sizes}
    for large in sizes[1:]:
        print(" %d vs %d open executions:" % (large, sizes[0]))
        for name, small in results[sizes[0]].items():
            ratio_line(name, small, results[large][name], 1.5, "%d/%d" % (large, sizes[0]))


def section_open_timers(args: argparse.Namespace) -> None:
    print("open timers (%s; CPU per SignalWorkflowExecution, in-process)"
          % ("--db file" if args.db else "in memory"))
    costs = []
    for timers in (0, 1000):
        bench = Bench(args.db)
        try:
            run = bench.start()
            task = bench.call("PollForDecisionTask", domain="d", taskList={"name": "dl"})
            bench.call("RespondDecisionTaskCompleted", taskToken=task["taskToken"], decisions=[
                {"decisionType": "StartTimer", "startTimerDecisionAttributes": {
                    "timerId": "t%d" % i, "startToFireTimeout": "3600"}} for i in range(timers)])
            n = 300 if args.quick else 1500
            costs.append(cpu_per_call([
                lambda: bench.call("SignalWorkflowExecution", domain="d", workflowId=run["workflowId"],
                                   signalName="s") for _ in range(n)]))
        finally:
            bench.close()
    ratio_line("Signal, 1,000 open timers vs none", costs[0], costs[1], 2.0, "1000/0")


def _rss_kb(pid: int) -> int:
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def _raw(endpoint: str, operation: str, body: Dict[str, Any]) -> bytes:
    data = json.dumps(body).encode()
    return (b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
            b"X-Amz-Target: SimpleWorkflowService." + operation.encode() +
            b"\r\nContent-Length: " + str(len(data)).encode() + b"\r\n\r\n" + data)


def section_capacity(args: argparse.Namespace) -> None:
    tmp = tempfile.TemporaryDirectory()
    command = [sys.executable, "-m", "swfkit.server.command", "--poll-timeout", "60"]
    if args.db:
        command += ["--db", os.path.join(tmp.name, "capacity.db")]
    server = subprocess.Popen(command, stdout=subprocess.PIPE, text=True,
                              cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    sockets: List[socket.socket] = []
    try:
        endpoint = (server.stdout.readline() if server.stdout else "").strip()
        host, port = endpoint[len("http://"):].split(":")
        conn = socket.create_connection((host, int(port)))

        def call(operation: str, **body: Any) -> None:
            conn.sendall(_raw(endpoint, operation, body))
            head = b""
            while b"\r\n\r\n" not in head:
                head += conn.recv(65536)
            length = int(head.split(b"Content-Length: ")[1].split(b"\r\n")[0])
            rest = head.split(b"\r\n\r\n", 1)[1]
            while len(rest) < length:
                rest += conn.recv(65536)

        call("RegisterDomain", name="d", workflowExecutionRetentionPeriodInDays="1")
        call("RegisterWorkflowType", domain="d", name="wf", version="1", defaultTaskList={"name": "dl"},
             defaultExecutionStartToCloseTimeout="86400", defaultTaskStartToCloseTimeout="3600",
             defaultChildPolicy="TERMINATE")
        count = 2000 if args.quick else 10000
        before = _rss_kb(server.pid)
        for number in range(count):
            call("StartWorkflowExecution", domain="d", workflowId="w%d" % number, workflowType=WF)
        after = _rss_kb(server.pid)
        line = "  %d open executions: RSS +%.1f MB, %.2f KB per execution" % (
            count, (after - before) / 1024, (after - before) / count)
        if args.db:
            size = sum(os.path.getsize(os.path.join(tmp.name, f)) for f in os.listdir(tmp.name))
            line += "; database files %.1f MB, %.2f KB per execution" % (size / 2 ** 20, size / 1024 / count)
        print("capacity (%s; a server subprocess)" % ("--db file" if args.db else "in memory"))
        print(line)
        polls = 2000
        before = _rss_kb(server.pid)
        request = _raw(endpoint, "PollForActivityTask", {"domain": "d", "taskList": {"name": "empty"}})
        for _ in range(polls):
            sock = socket.create_connection((host, int(port)))
            sock.sendall(request)
            sockets.append(sock)
        time.sleep(3)
        after = _rss_kb(server.pid)
        print("  %d waiting long polls: RSS +%.1f MB, %.1f KB per poll (one thread each)"
              % (polls, (after - before) / 1024, (after - before) / polls))
    finally:
        for sock in sockets:
            sock.close()
        server.terminate()
        server.wait(30)
        tmp.cleanup()


def section_decider(args: argparse.Namespace) -> None:
    from scale_client import incremental_decision_seconds

    print("incremental decider (client CPU of one decision: take the cached run, add the new page, fold, keep)")
    small, new = incremental_decision_seconds(1_000)
    large, _ = incremental_decision_seconds(24_000)
    ratio_line("decision, %d new events" % new, small * 1e6, large * 1e6, 2.0, "1,000 vs 24,000 events")


def section_replay(args: argparse.Namespace) -> None:
    from scale_client import replay_seconds

    print("futures replay (fold + replay to the next decision), CPU per event; sizes alternate, best of 3 rounds")
    rounds = [(replay_seconds(1_000), replay_seconds(5_000)) for _ in range(3)]
    (small, small_events), (large, large_events) = min(r[0] for r in rounds), min(r[1] for r in rounds)
    ratio_line("per event", small / small_events * 1e6, large / large_events * 1e6, 1.25,
               "1,000 vs 5,000 activities")


#: name -> section.
SECTIONS: Dict[str, Callable[[argparse.Namespace], None]] = {
    "open-executions": section_open_executions,
    "open-timers": section_open_timers,
    "decider": section_decider,
    "replay": section_replay,
    "capacity": section_capacity,
}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer calls per measurement")
    parser.add_argument("--full", action="store_true", help="also 30,000 open executions")
    parser.add_argument("--db", action="store_true", help="state in a SQLite file instead of memory")
    parser.add_argument("--section", action="append", choices=sorted(SECTIONS),
                        help="run only this section (repeatable; default: all)")
    args = parser.parse_args(argv)
    print("scale_bench: ratios large/small measured in this run (the machine may be shared: read ratios, "
          "not absolute numbers)")
    for name in args.section or list(SECTIONS):
        SECTIONS[name](args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
