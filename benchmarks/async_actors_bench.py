"""One AsyncWorker process against four sync Worker processes, on I/O-bound activities.

One workflow of N activities (1,000; --quick: 200) that each wait 50 ms (an HTTP call to another
service, say), scheduled at once by a sync Decider in a process of its own and completed when all
are done; the activities are run by

  - one process with ``AsyncWorker(max_concurrent=100)`` (``await asyncio.sleep(0.05)``), then
  - ``Worker.run(processes=4)``, four sync worker processes (``time.sleep(0.05)``),

on the same embedded server (a process of its own), in alternating rounds. Printed: activities/s
of each, and their ratio (target: async >= 5x). Usage:
    python benchmarks/async_actors_bench.py [--quick] [--activities N] [--rounds R]
"""
from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import signal
import statistics
import sys
import time
from typing import Any, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from actors_bench import CREDENTIALS, REGION, cpu_of, cpu_seconds, layer1, serve, wait_until_idle  # noqa: E402
from swfkit.actors import (  # noqa: E402
    ActivityTypeRegistration, AsyncWorker, Decider, DecisionTask, Worker, WorkflowTypeRegistration, activity,
    ensure_registered,
)
from swfkit.decisions import Decisions  # noqa: E402

DOMAIN = "async-bench"
WAIT_SECONDS = 0.05
WORKFLOW = WorkflowTypeRegistration("waits", "1", execution_start_to_close_timeout=3600,
                                    task_start_to_close_timeout=600, child_policy="TERMINATE")
ACTIVITY = ActivityTypeRegistration("wait", "1", start_to_close_timeout=600, schedule_to_start_timeout="NONE",
                                    schedule_to_close_timeout="NONE", heartbeat_timeout="NONE")


class WaitsDecider(Decider):
    """Schedules N ``wait`` activities at once, completes with their count when all completed."""

    domain = DOMAIN

    def decide(self, task: DecisionTask) -> Decisions:
        decisions = Decisions()
        count = int(task.input or 0)
        if not task.state.activities:
            for index in range(count):
                decisions.schedule_activity_task("a%d" % index, ("wait", "1"), task_list="work-" + self.task_list,
                                                 input=str(index))
        elif task.state.open_activity_count == 0:
            done = sum(1 for record in task.state.activities.values() if record.status == "completed")
            if done == count:
                decisions.complete_workflow_execution(result=str(done))
        return decisions


class SyncWaiter(Worker):
    domain = DOMAIN

    @activity("wait", "1")
    def wait(self, input: Optional[str]) -> str:
        time.sleep(WAIT_SECONDS)
        return input or ""


class AsyncWaiter(AsyncWorker):
    domain = DOMAIN

    @activity("wait", "1")
    async def wait(self, input: Optional[str]) -> str:
        await asyncio.sleep(WAIT_SECONDS)
        return input or ""


def wait_closed(client: Any, execution: Dict[str, str], timeout: float = 900) -> Dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = client.describe_workflow_execution(domain=DOMAIN, execution=execution)["executionInfo"]
        if info["executionStatus"] == "CLOSED":
            return info
        time.sleep(0.02)
    raise SystemExit("workflow %s did not close in %ds" % (execution, timeout))


def run_decider(endpoint: str, task_list: str) -> None:
    WaitsDecider(layer1(endpoint), task_list=task_list).run()


def run_sync_workers(endpoint: str, task_list: str, processes: int) -> None:
    sys.exit(SyncWaiter(layer1(endpoint), task_list="work-" + task_list).run(processes=processes, shutdown_timeout=30))


def run_async_worker(endpoint: str, task_list: str, max_concurrent: int) -> None:
    from swfkit.layer1 import AsyncLayer1

    async def main() -> None:
        async with AsyncLayer1(endpoint_url=endpoint, region=REGION) as client:
            await AsyncWaiter(client, task_list="work-" + task_list, max_concurrent=max_concurrent).run()

    asyncio.run(main())


def throughput(context: Any, endpoint: str, kind: str, count: int, args: Any, server_pid: int) -> float:
    """Activities/s of one N-activity workflow run by a decider process and ``kind``'s worker processes."""
    client = layer1(endpoint)
    task_list = kind
    processes = [context.Process(target=run_decider, args=(endpoint, task_list))]
    if kind.startswith("async"):
        processes.append(context.Process(target=run_async_worker, args=(endpoint, task_list, args.max_concurrent)))
        expected = 2
    else:
        processes.append(context.Process(target=run_sync_workers, args=(endpoint, task_list, args.processes)))
        expected = 2 + args.processes  # + the pool's children
    for process in processes:
        process.start()
    try:
        pids = wait_until_idle(processes, expected)
        before, server_before = cpu_of(pids), cpu_seconds(server_pid)
        started = time.monotonic()
        run = client.start_workflow_execution(domain=DOMAIN, workflow_id=kind, task_list={"name": task_list},
                                              workflow_type={"name": "waits", "version": "1"}, input=str(count))
        info = wait_closed(client, {"workflowId": kind, "runId": run["runId"]})
        elapsed = time.monotonic() - started
        after, server_cpu = cpu_of(pids), cpu_seconds(server_pid) - server_before
    finally:
        for process in processes:
            if process.is_alive():
                os.kill(process.pid, signal.SIGTERM)
        for process in processes:
            process.join(60)
            if process.is_alive():
                process.kill()
    worker_cpu = sum(after[pid] - before[pid] for pid in after if pid in before and pid != processes[0].pid)
    history = list(client.paginate("GetWorkflowExecutionHistory", domain=DOMAIN,
                                   execution={"workflowId": kind, "runId": run["runId"]}))
    completed = sum(1 for page in history for event in page["events"] if event["eventType"] == "ActivityTaskCompleted")
    if info["closeStatus"] != "COMPLETED" or completed != count:
        raise SystemExit("%s run did not complete correctly: %s, %d activities completed" % (kind, info, completed))
    print("    (%s: %.2f s elapsed; CPU per activity: workers %.2f ms, server %.2f ms)"
          % (kind, elapsed, worker_cpu / count * 1000, server_cpu / count * 1000))
    return count / elapsed


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 activities, one round")
    parser.add_argument("--activities", type=int, default=None)
    parser.add_argument("--max-concurrent", type=int, default=100, help="the AsyncWorker's (default 100)")
    parser.add_argument("--processes", type=int, default=4, help="sync worker processes (default 4)")
    parser.add_argument("--rounds", type=int, default=None, help="runs per side (default 3; --quick 1)")
    args = parser.parse_args(argv)
    count = args.activities or (200 if args.quick else 1000)
    rounds = args.rounds or (1 if args.quick else 3)
    os.environ.update(CREDENTIALS)
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe()
    server = context.Process(target=serve, args=(child, 1.0), daemon=True)
    server.start()
    endpoint = parent.recv()
    try:
        ensure_registered(layer1(endpoint), DOMAIN, workflow_types=[WORKFLOW], activity_types=[ACTIVITY])
        print("throughput: %d activities of %.0f ms each, 1 decider process; %d rounds each (alternating)"
              % (count, WAIT_SECONDS * 1000, rounds))
        rates: Dict[str, List[float]] = {"async": [], "sync": []}
        for number in range(rounds):
            for kind in ("async", "sync"):
                rates[kind].append(throughput(context, endpoint, "%s-%d" % (kind, number), count, args, server.pid))
        labels = {"async": "1 AsyncWorker process, max_concurrent=%d" % args.max_concurrent,
                  "sync": "%d sync Worker processes" % args.processes}
        for kind in ("async", "sync"):
            print("  %-42s: best %7.1f, median %7.1f activities/s"
                  % (labels[kind], max(rates[kind]), statistics.median(rates[kind])))
        print("  ratio async/sync: best %.2fx, median %.2fx (target >= 5x)"
              % (max(rates["async"]) / max(rates["sync"]), statistics.median(rates["async"]) / statistics.median(rates["sync"])))
    finally:
        parent.send("stop")
        server.join(10)
        if server.is_alive():
            server.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main())
