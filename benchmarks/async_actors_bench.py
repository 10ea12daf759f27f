"""One AsyncWorker process against four sync Worker processes, on I/O-bound activities.

N activities (1,000; --quick: 200) that each wait 50 ms (an HTTP call to another service, say),
all scheduled at once in one workflow, are run by

  - one process with ``AsyncWorker(max_concurrent=100)`` (``await asyncio.sleep(0.05)``), then
  - ``Worker.run(processes=4)``, four sync worker processes (``time.sleep(0.05)``),

on the same embedded server (a process of its own), in alternating rounds, in two shapes:
"direct" (the benchmark makes the first decision itself and no decider runs: timed until no
activity task is open, the workers alone) and "decider" (a sync Decider process schedules them
and completes the workflow: timed from start to close; the decider's and the server's work for
each completion share the machine with the workers). Printed: activities/s of each and their
ratio (target: async >= 5x). Usage:
    python benchmarks/async_actors_bench.py [--quick] [--activities N] [--rounds R] [--modes direct decider]
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

from actors_bench import (  # noqa: E402
    CREDENTIALS, REGION, cpu_of, cpu_seconds, layer1, server_process, wait_until_idle,
)
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


def wait_activities_done(client: Any, execution: Dict[str, str], timeout: float = 900) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        described = client.describe_workflow_execution(domain=DOMAIN, execution=execution)
        if described["openCounts"]["openActivityTasks"] == 0:
            return
        time.sleep(0.02)
    raise SystemExit("the activities of %s were not done in %ds" % (execution, timeout))


def throughput(context: Any, endpoint: str, mode: str, kind: str, count: int, args: Any, server_pid: int) -> float:
    """Activities/s of N activities run by ``kind``'s worker processes.

    ``mode`` "decider": a decider process schedules them and completes the workflow, timed from
    the workflow's start to its close. "direct": the first decision is made here (all N scheduled
    at once) and no decider runs, timed from that answer until no activity task is open: the
    workers' throughput alone.
    """
    client = layer1(endpoint)
    task_list = "%s-%s" % (mode, kind)
    processes = [context.Process(target=run_decider, args=(endpoint, task_list))] if mode == "decider" else []
    if kind.startswith("async"):
        processes.append(context.Process(target=run_async_worker, args=(endpoint, task_list, args.max_concurrent)))
        expected = len(processes)
    else:
        processes.append(context.Process(target=run_sync_workers, args=(endpoint, task_list, args.processes)))
        expected = len(processes) + args.processes  # + the pool's children
    for process in processes:
        process.start()
    workflow_id = task_list
    try:
        pids = wait_until_idle(processes, expected)
        before, server_before = cpu_of(pids), cpu_seconds(server_pid)
        if mode == "decider":
            started = time.monotonic()
            run = client.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id, task_list={"name": task_list},
                                                  workflow_type={"name": "waits", "version": "1"}, input=str(count))
            execution = {"workflowId": workflow_id, "runId": run["runId"]}
            info = wait_closed(client, execution)
        else:
            by_hand = "by-hand-" + task_list
            run = client.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id, task_list={"name": by_hand},
                                                  workflow_type={"name": "waits", "version": "1"}, input=str(count))
            execution = {"workflowId": workflow_id, "runId": run["runId"]}
            page = client.poll_for_decision_task(domain=DOMAIN, task_list={"name": by_hand})
            decider = WaitsDecider(client, task_list=task_list)
            decisions = decider.decide(decider.decision_task(page)).to_list()
            started = time.monotonic()
            client.respond_decision_task_completed(task_token=page["taskToken"], decisions=decisions)
            wait_activities_done(client, execution)
            info = {"closeStatus": "COMPLETED"}
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
    decider_pids = {processes[0].pid} if mode == "decider" else set()
    worker_cpu = sum(after[pid] - before[pid] for pid in after if pid in before and pid not in decider_pids)
    history = list(client.paginate("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution))
    completed = sum(1 for page in history for event in page["events"] if event["eventType"] == "ActivityTaskCompleted")
    if mode == "direct":
        client.terminate_workflow_execution(domain=DOMAIN, workflow_id=workflow_id, run_id=run["runId"])
    if info["closeStatus"] != "COMPLETED" or completed != count:
        raise SystemExit("%s run did not complete correctly: %s, %d activities completed" % (kind, info, completed))
    print("    (%s, %s: %.2f s; CPU per activity: workers %.2f ms, server %.2f ms)"
          % (mode, kind, elapsed, worker_cpu / count * 1000, server_cpu / count * 1000))
    return count / elapsed


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 activities, one round")
    parser.add_argument("--activities", type=int, default=None)
    parser.add_argument("--max-concurrent", type=int, default=100, help="the AsyncWorker's (default 100)")
    parser.add_argument("--processes", type=int, default=4, help="sync worker processes (default 4)")
    parser.add_argument("--rounds", type=int, default=None, help="runs per side (default 3; --quick 1)")
    parser.add_argument("--modes", nargs="+", choices=("direct", "decider"), default=["direct", "decider"],
                        help="activities scheduled directly (workers alone) and/or by a decider process")
    args = parser.parse_args(argv)
    count = args.activities or (200 if args.quick else 1000)
    rounds = args.rounds or (1 if args.quick else 3)
    os.environ.update(CREDENTIALS)
    context = multiprocessing.get_context("spawn")
    with server_process(context) as (endpoint, server_pid):
        ensure_registered(layer1(endpoint), DOMAIN, workflow_types=[WORKFLOW], activity_types=[ACTIVITY])
        print("throughput: %d activities of %.0f ms each; %d rounds each (alternating)"
              % (count, WAIT_SECONDS * 1000, rounds))
        labels = {"async": "1 AsyncWorker process, max_concurrent=%d" % args.max_concurrent,
                  "sync": "%d sync Worker processes" % args.processes}
        titles = {"direct": "scheduled directly, no decider running (the workers alone)",
                  "decider": "with a decider process (workflow start to close)"}
        for mode in args.modes:
            rates: Dict[str, List[float]] = {"async": [], "sync": []}
            for number in range(rounds):
                for kind in ("async", "sync"):
                    rates[kind].append(throughput(context, endpoint, mode, "%s-%d" % (kind, number), count, args,
                                                  server_pid))
            print("  %s:" % titles[mode])
            for kind in ("async", "sync"):
                print("    %-42s: best %7.1f, median %7.1f activities/s"
                      % (labels[kind], max(rates[kind]), statistics.median(rates[kind])))
            print("    ratio async/sync: best %.2fx, median %.2fx (target >= 5x)"
                  % (max(rates["async"]) / max(rates["sync"]),
                     statistics.median(rates["async"]) / statistics.median(rates["sync"])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
