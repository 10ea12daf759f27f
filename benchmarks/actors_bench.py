"""swfkit.actors against a minimal boto3 decider/worker loop, on the embedded server.

1. Throughput: one workflow of N activities (1,000; --quick: 200) run by a decider process and a
   4-process worker pool, first with swfkit's Decider/Worker, then with a minimal boto3 loop
   doing the same work; activities/s for each and their ratio (target: swfkit >= 2x).
2. Decider CPU per decision on a 10,000-event history (--quick: 3,000): the same execution is
   decided repeatedly by swfkit's Decider and by the boto3 loop; CPU seconds of the deciding
   process per decision (target: swfkit <= 20 ms).

The server runs in its own process, so the CPU measured is the client's. Usage:
    python benchmarks/actors_bench.py [--quick] [--activities N] [--workers 4]
"""
from __future__ import annotations

import argparse
import contextlib
import multiprocessing
import os
import signal
import statistics
import sys
import time
from typing import Any, Dict, Iterator, List, Optional, Tuple

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from swfkit.actors import (  # noqa: E402
    ActivityTypeRegistration, Decider, DecisionTask, Worker, WorkflowTypeRegistration, activity,
    ensure_registered,
)
from swfkit.decisions import Decisions  # noqa: E402

REGION = "us-east-1"
DOMAIN = "bench"
CREDENTIALS = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": REGION}
WORKFLOW = WorkflowTypeRegistration("fanout", "1", execution_start_to_close_timeout=3600,
                                    task_start_to_close_timeout=600, child_policy="TERMINATE")
LONG_WORKFLOW = WorkflowTypeRegistration("long", "1", execution_start_to_close_timeout=3600,
                                         task_start_to_close_timeout=600, child_policy="TERMINATE")
ACTIVITY = ActivityTypeRegistration("square", "1", start_to_close_timeout=600, schedule_to_start_timeout="NONE",
                                    schedule_to_close_timeout="NONE", heartbeat_timeout="NONE")


def layer1(endpoint: str) -> Any:
    from swfkit.layer1 import Layer1

    return Layer1(endpoint_url=endpoint, region=REGION)


def boto3_client(endpoint: str) -> Any:
    import boto3
    from botocore.config import Config

    return boto3.client("swf", endpoint_url=endpoint, region_name=REGION,
                        config=Config(read_timeout=70, retries={"max_attempts": 3}))


def square(value: int) -> int:
    """The work each activity does, identical on both sides."""
    return value * value


# -- swfkit's actors ---------------------------------------------------------------------------

class FanOutDecider(Decider):
    """Schedules N activities at once and completes with their sum when all completed."""

    domain = DOMAIN

    def decide(self, task: DecisionTask) -> Decisions:
        decisions = Decisions()
        activities = task.state.activities
        count = int(task.input or 0)
        if not activities:
            for index in range(count):
                decisions.schedule_activity_task("a%d" % index, ("square", "1"), task_list="work-" + self.task_list,
                                                 input=str(index))
            return decisions
        if task.state.open_activity_count == 0:  # the fold keeps this count: no scan while work is open
            completed = [record.result for record in activities.values() if record.status == "completed"]
            if len(completed) == count:
                decisions.complete_workflow_execution(result=str(sum(int(r) for r in completed)))
        return decisions


class SquareWorker(Worker):
    domain = DOMAIN

    @activity("square", "1")
    def square(self, input: Optional[str]) -> str:
        return str(square(int(input or 0)))


def run_swfkit_decider(endpoint: str, task_list: str) -> None:
    FanOutDecider(layer1(endpoint), task_list=task_list).run()


def run_swfkit_workers(endpoint: str, task_list: str, processes: int) -> None:
    sys.exit(SquareWorker(layer1(endpoint), task_list="work-" + task_list).run(processes=processes,
                                                                             shutdown_timeout=30))


# -- the minimal boto3 loop ---------------------------------------------------------------------

class _Stop:
    requested = False


def _stop_on_sigterm() -> None:
    signal.signal(signal.SIGTERM, lambda *_: setattr(_Stop, "requested", True))


def boto3_decide_once(client: Any, task_list: str) -> bool:
    """Poll one decision task (every page), decide like FanOutDecider, respond."""
    pages = client.get_paginator("poll_for_decision_task").paginate(domain=DOMAIN, taskList={"name": task_list})
    events: List[Dict[str, Any]] = []
    token = None
    for page in pages:
        token = token or page.get("taskToken")
        if not token:
            return False
        events.extend(page["events"])
    count = int(events[0]["workflowExecutionStartedEventAttributes"].get("input") or 0)
    results = [e["activityTaskCompletedEventAttributes"]["result"]
               for e in events if e["eventType"] == "ActivityTaskCompleted"]
    scheduled = any(e["eventType"] == "ActivityTaskScheduled" for e in events)
    decisions: List[Dict[str, Any]] = []
    if not scheduled and count:
        decisions = [{"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
            "activityId": "a%d" % index, "activityType": {"name": "square", "version": "1"},
            "taskList": {"name": "work-" + task_list}, "input": str(index)}} for index in range(count)]
    elif count and len(results) == count:
        decisions = [{"decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {
            "result": str(sum(int(r) for r in results))}}]
    client.respond_decision_task_completed(taskToken=token, decisions=decisions)
    return True


def run_boto3_decider(endpoint: str, task_list: str) -> None:
    _stop_on_sigterm()
    client = boto3_client(endpoint)
    while not _Stop.requested:
        boto3_decide_once(client, task_list)


def run_boto3_worker(endpoint: str, task_list: str) -> None:
    _stop_on_sigterm()
    client = boto3_client(endpoint)
    while not _Stop.requested:
        task = client.poll_for_activity_task(domain=DOMAIN, taskList={"name": "work-" + task_list},
                                             identity="boto3-%d" % os.getpid())
        if task.get("taskToken"):
            client.respond_activity_task_completed(taskToken=task["taskToken"],
                                                   result=str(square(int(task.get("input") or 0))))


# -- the server, in its own process -------------------------------------------------------------

def serve(connection: Any, poll_timeout: float) -> None:
    from swfkit.server import running

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    with running(db=None, poll_timeout=poll_timeout) as url:
        connection.send(url)
        connection.recv()


@contextlib.contextmanager
def server_process(context: Any) -> Iterator[Tuple[str, int]]:
    """The embedded server in a process of its own (``context``: a multiprocessing context):
    ``(endpoint, pid)``; stopped on the way out."""
    parent, child = context.Pipe()
    server = context.Process(target=serve, args=(child, 1.0), daemon=True)
    server.start()
    try:
        yield parent.recv(), server.pid
    finally:
        parent.send("stop")
        server.join(10)
        if server.is_alive():
            server.kill()


# -- measurements --------------------------------------------------------------------------------

def wait_closed(client: Any, execution: Dict[str, str], timeout: float = 900) -> Dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = client.describe_workflow_execution(domain=DOMAIN, execution=execution)["executionInfo"]
        if info["executionStatus"] == "CLOSED":
            return info
        time.sleep(0.02)
    raise SystemExit("workflow %s did not close in %ds" % (execution, timeout))


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a running process used so far (Linux /proc)."""
    with open("/proc/%d/stat" % pid) as handle:
        fields = handle.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def descendants(pid: int) -> List[int]:
    """``pid`` and every process below it (Linux /proc)."""
    found = [pid]
    try:
        for task in os.listdir("/proc/%d/task" % pid):
            with open("/proc/%d/task/%s/children" % (pid, task)) as handle:
                for child in handle.read().split():
                    found.extend(descendants(int(child)))
    except OSError:
        pass
    return found


def cpu_of(pids: List[int]) -> Dict[int, float]:
    usage = {}
    for pid in pids:
        try:
            usage[pid] = cpu_seconds(pid)
        except OSError:
            pass
    return usage


def wait_until_idle(processes: List[Any], expected: int, limit: float = 60.0) -> List[int]:
    """Wait until all ``expected`` processes exist and have finished starting (imports done, polling
    idle), so start-up costs stay out of the measurement; returns their pids."""
    deadline = time.monotonic() + limit
    while True:
        pids = [pid for process in processes for pid in descendants(process.pid)]
        before = cpu_of(pids)
        time.sleep(0.5)
        used = sum(value - before.get(pid, value) for pid, value in cpu_of(pids).items())
        if (len(pids) >= expected and used < 0.02 * len(pids)) or time.monotonic() > deadline:
            return pids


def throughput(context: Any, endpoint: str, kind: str, count: int, workers: int, server_pid: int) -> float:
    """Activities/s of one N-activity workflow run by a decider process and ``workers`` worker processes."""
    client = layer1(endpoint)
    task_list = kind
    if kind.startswith("swfkit"):
        processes = [context.Process(target=run_swfkit_decider, args=(endpoint, task_list)),
                     context.Process(target=run_swfkit_workers, args=(endpoint, task_list, workers))]
    else:
        processes = [context.Process(target=run_boto3_decider, args=(endpoint, task_list))]
        processes += [context.Process(target=run_boto3_worker, args=(endpoint, task_list)) for _ in range(workers)]
    for process in processes:
        process.start()
    expected = len(processes) + (workers if kind.startswith("swfkit") else 0)  # + the pool's children
    pids = wait_until_idle(processes, expected)
    clients_before, server_before = cpu_of(pids), cpu_seconds(server_pid)
    started = time.monotonic()
    run = client.start_workflow_execution(domain=DOMAIN, workflow_id=kind, workflow_type={"name": "fanout", "version": "1"},
                                          task_list={"name": task_list}, input=str(count))
    info = wait_closed(client, {"workflowId": kind, "runId": run["runId"]})
    elapsed = time.monotonic() - started
    clients_after, server_cpu = cpu_of(pids), cpu_seconds(server_pid) - server_before
    client_cpu = sum(clients_after[pid] - clients_before[pid] for pid in clients_after if pid in clients_before)
    decider_pid = processes[0].pid
    decider_cpu_total = clients_after.get(decider_pid, 0.0) - clients_before.get(decider_pid, 0.0)
    for process in processes:
        os.kill(process.pid, signal.SIGTERM)
    for process in processes:
        process.join(60)
        if process.is_alive():
            process.kill()
    print("    (%s: %.1f s elapsed; CPU per activity: decider %.2f ms, workers %.2f ms, server %.2f ms)"
          % (kind, elapsed, decider_cpu_total / count * 1000, (client_cpu - decider_cpu_total) / count * 1000,
             server_cpu / count * 1000))
    history = list(client.paginate("GetWorkflowExecutionHistory", domain=DOMAIN,
                                   execution={"workflowId": kind, "runId": run["runId"]}))
    last = history[-1]["events"][-1]
    decisions = sum(1 for page in history for event in page["events"] if event["eventType"] == "DecisionTaskCompleted")
    print("    (%s: %d decision tasks, %d events)" % (kind, decisions, last["eventId"]))
    expected = str(sum(square(i) for i in range(count)))
    if info["closeStatus"] != "COMPLETED" or last["workflowExecutionCompletedEventAttributes"]["result"] != expected:
        raise SystemExit("%s run did not complete correctly: %s" % (kind, info))
    return count / elapsed


def build_long_history(endpoint: str, target: int) -> Dict[str, str]:
    """An open execution of about ``target`` events: decisions of 999 markers each, woken by signals."""
    client = layer1(endpoint)
    run = client.start_workflow_execution(domain=DOMAIN, workflow_id="long", workflow_type={"name": "long", "version": "1"},
                                          task_list={"name": "long"})
    execution = {"workflowId": "long", "runId": run["runId"]}
    length = 0
    while length < target:
        task = client.poll_for_decision_task(domain=DOMAIN, task_list={"name": "long"}, maximum_page_size=1)
        length = task["startedEventId"]
        markers = min(999, max(target - length - 3, 0))
        decisions = [{"decisionType": "RecordMarker",
                      "recordMarkerDecisionAttributes": {"markerName": "m", "details": "step %d" % i}}
                     for i in range(markers)]
        client.respond_decision_task_completed(task_token=task["taskToken"], decisions=decisions)
        client.signal_workflow_execution(domain=DOMAIN, workflow_id="long", signal_name="next")
        length += markers + 2
    return execution


class CountingDecider(Decider):
    """Decides the long execution: records one marker per decision (the history keeps its size)."""

    domain = DOMAIN
    task_list = "long"

    def decide(self, task: DecisionTask) -> Decisions:
        decisions = Decisions()
        decisions.record_marker("seen", details=str(len(task.state.markers.get("m", []))))
        return decisions


def decider_cpu(endpoint: str, kind: str, decisions: int) -> Tuple[float, float]:
    """CPU seconds per decision (first, then the mean of the following ones) on the long history.

    The first decision of a process includes its imports and, for the incremental decider, the
    one full read of the run; the following ones are the steady state."""
    client = layer1(endpoint)
    decider = None
    if kind.startswith("swfkit"):
        decider = CountingDecider(layer1(endpoint), incremental_history=(kind == "swfkit"))
    boto = boto3_client(endpoint) if kind == "boto3" else None
    samples = []
    for _ in range(decisions):
        client.signal_workflow_execution(domain=DOMAIN, workflow_id="long", signal_name="next")
        before = time.process_time()
        if decider is not None:
            handled = decider.run_once()
        else:
            handled = boto3_decide_once(boto, "long")
        samples.append(time.process_time() - before)
        assert handled, "no decision task came"
    return samples[0], sum(samples[1:]) / max(len(samples) - 1, 1)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="200 activities, 3,000-event history")
    parser.add_argument("--activities", type=int, default=None)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--events", type=int, default=None)
    parser.add_argument("--decisions", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=None, help="throughput runs per side (default 3; --quick 1)")
    args = parser.parse_args(argv)
    count = args.activities or (200 if args.quick else 1000)
    args.rounds = args.rounds or (1 if args.quick else 3)
    events = args.events or (3000 if args.quick else 10_000)
    os.environ.update(CREDENTIALS)
    context = multiprocessing.get_context("spawn")
    with server_process(context) as (endpoint, server_pid):
        ensure_registered(layer1(endpoint), DOMAIN, workflow_types=[WORKFLOW, LONG_WORKFLOW], activity_types=[ACTIVITY])
        print("throughput: %d-activity workflow, 1 decider + %d worker processes, %d rounds each (alternating)"
              % (count, args.workers, args.rounds))
        rates: Dict[str, List[float]] = {"swfkit": [], "boto3": []}
        for round_number in range(args.rounds):
            for kind in ("swfkit", "boto3"):
                rates[kind].append(throughput(context, endpoint, "%s-%d" % (kind, round_number), count,
                                              args.workers, server_pid))
        for kind, label in (("swfkit", "swfkit actors"), ("boto3", "boto3 loop")):
            print("  %-13s: best %7.1f, median %7.1f activities/s" % (label, max(rates[kind]), statistics.median(rates[kind])))
        print("  ratio swfkit/boto3: best %.2fx, median %.2fx (target >= 2x)"
              % (max(rates["swfkit"]) / max(rates["boto3"]), statistics.median(rates["swfkit"]) / statistics.median(rates["boto3"])))
        execution = build_long_history(endpoint, events)
        print("decider CPU per decision, %d-event history (%d decisions each)" % (events, args.decisions))
        results = {}
        labels = {"swfkit": "swfkit Decider (incremental history, default)",
                  "swfkit-full": "swfkit Decider, incremental_history=False",
                  "boto3": "boto3 loop (paginator, every page)"}
        for kind in ("swfkit", "swfkit-full", "boto3"):
            first, mean = decider_cpu(endpoint, kind, args.decisions)
            results[kind] = mean
            print("  %-47s: first %6.1f ms, then %6.1f ms per decision" % (labels[kind], first * 1000, mean * 1000))
        print("  ratio boto3/swfkit CPU per decision: %.1fx incremental, %.1fx full read; swfkit %.1f ms "
              "(target <= 20 ms)" % (results["boto3"] / results["swfkit"], results["boto3"] / results["swfkit-full"],
                                     results["swfkit"] * 1000))
        del execution
    return 0


if __name__ == "__main__":
    sys.exit(main())
