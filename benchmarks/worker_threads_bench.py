"""Worker(threads=N) against one task at a time, and the cost of the actor hooks, on the embedded server.

1. I/O-bound throughput: one workflow of N activities (200; --quick: 100) that each wait 50 ms
   (time.sleep, standing for a call to another service), run by a decider process and ONE worker
   process, first with ``threads=1`` then with ``threads=T`` (20); activities/s and their ratio
   (the bound is T, less the single poller's round trips).
2. Hook cost per activity task: ``Worker.handle`` on a stub client (no network), CPU microseconds
   per task without interceptors and with ``TaskMetrics`` counting into a registry.

The server runs in its own process. Usage:
    python benchmarks/worker_threads_bench.py [--quick] [--activities N] [--threads T]
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import signal
import sys
import time
from typing import Any, Dict, List, Optional

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from actors_bench import (  # noqa: E402
    ACTIVITY, CREDENTIALS, DOMAIN, WORKFLOW, FanOutDecider, layer1, server_process, square, wait_closed,
    wait_until_idle,
)
from swfkit.actors import ActivityTask, Worker, activity, ensure_registered  # noqa: E402

#: Seconds each I/O-bound activity waits.
WAIT = 0.05


class WaitingWorker(Worker):
    domain = DOMAIN

    @activity("square", "1")
    def square(self, input: Optional[str]) -> str:
        time.sleep(WAIT)
        return str(square(int(input or 0)))


def run_decider(endpoint: str, task_list: str) -> None:
    FanOutDecider(layer1(endpoint), task_list=task_list).run()


def run_worker(endpoint: str, task_list: str, threads: int) -> None:
    WaitingWorker(layer1(endpoint), task_list="work-" + task_list, threads=threads).run()


def throughput(context: Any, endpoint: str, name: str, count: int, threads: int) -> float:
    """Activities/s of one N-activity workflow run by a decider process and one worker process."""
    client = layer1(endpoint)
    processes = [context.Process(target=run_decider, args=(endpoint, name)),
                 context.Process(target=run_worker, args=(endpoint, name, threads))]
    for process in processes:
        process.start()
    wait_until_idle(processes, len(processes))
    started = time.monotonic()
    run = client.start_workflow_execution(domain=DOMAIN, workflow_id=name, workflow_type={"name": "fanout", "version": "1"},
                                          task_list={"name": name}, input=str(count))
    info = wait_closed(client, {"workflowId": name, "runId": run["runId"]})
    elapsed = time.monotonic() - started
    for process in processes:
        os.kill(process.pid, signal.SIGTERM)
    for process in processes:
        process.join(60)
        if process.is_alive():
            process.kill()
    if info["closeStatus"] != "COMPLETED":
        raise SystemExit("%s did not complete: %s" % (name, info))
    print("    (%s: %.2f s elapsed)" % (name, elapsed))
    return count / elapsed


class _StubClient:
    """What ``Worker.handle`` calls, answering at once."""

    def respond_activity_task_completed(self, **params: Any) -> Dict[str, Any]:
        return {}


class _Quick(Worker):
    domain, task_list = DOMAIN, "stub"

    @activity("square", "1")
    def square(self, input: Optional[str]) -> str:
        return input or ""


def hook_cost(tasks: int, interceptors: List[Any]) -> float:
    """CPU seconds per ``handle`` of a task that returns at once, answers sent inline."""
    worker = _Quick(_StubClient(), pipelined_answers=False, payloads=False, interceptors=interceptors)
    task = ActivityTask("token", "a1", {"name": "square", "version": "1"}, "7",
                        {"workflowId": "w", "runId": "r"}, 5)
    for _ in range(200):  # warm-up
        worker.handle(task)
    best = float("inf")
    for _ in range(5):
        started = time.process_time()
        for _ in range(tasks):
            worker.handle(task)
        best = min(best, (time.process_time() - started) / tasks)
    return best


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="100 activities")
    parser.add_argument("--activities", type=int, default=None)
    parser.add_argument("--threads", type=int, default=20)
    args = parser.parse_args(argv)
    count = args.activities or (100 if args.quick else 200)
    os.environ.update(CREDENTIALS)
    context = multiprocessing.get_context("spawn")
    with server_process(context) as (endpoint, server_pid):
        ensure_registered(layer1(endpoint), DOMAIN, workflow_types=[WORKFLOW], activity_types=[ACTIVITY])
        print("I/O-bound throughput: %d activities of %.0f ms each, 1 decider + 1 worker process"
              % (count, WAIT * 1000))
        single = throughput(context, endpoint, "threads-1", count, 1)
        threaded = throughput(context, endpoint, "threads-%d" % args.threads, count, args.threads)
        print("  threads=1 : %7.1f activities/s (bound: %.0f)" % (single, 1 / WAIT))
        print("  threads=%-2d: %7.1f activities/s" % (args.threads, threaded))
        print("  ratio threads=%d / threads=1: %.1fx (bound %dx)" % (args.threads, threaded / single, args.threads))
    from swfkit.actors.metrics_interceptors import TaskMetrics

    tasks = 2000 if args.quick else 10_000
    bare = hook_cost(tasks, [])
    metered = hook_cost(tasks, [TaskMetrics()])
    print("hook cost: Worker.handle of a task returning at once, stub client (best of 5 x %d)" % tasks)
    print("  no interceptors   : %6.1f us CPU per task" % (bare * 1e6))
    print("  TaskMetrics       : %6.1f us CPU per task" % (metered * 1e6))
    print("  ratio TaskMetrics / none: %.2fx" % (metered / bare))
    return 0


if __name__ == "__main__":
    sys.exit(main())
