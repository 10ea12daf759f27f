"""Flows benchmark, on the embedded server, in one run:

1. A layered DAG of 500 steps (25 layers of 20; each step depends on two steps of the layer
   before) run as a flow, against the same DAG written directly with futures (each step's
   activity submitted once its two predecessors' results are in). Same work: 500 activities of
   the same no-op function, the same decider/worker threads and server; RUNS runs of each,
   alternating, the best of each compared. Printed: each total time
   (from the WorkflowExecutionStarted event to the close event, so actor start-up and shut-down are
   left out), the ratio flow / futures (target <= 1.2), and each decider's median CPU per decision
   (thread CPU time of ``Decider.handle``: history pages, fold, replay, answer).
2. ``FlowState`` of a failed 500-step run (one step of layer 12 fails; its descendants are
   skipped) — history fetch + fold — against fetching that history alone (best of REPEATS each,
   interleaved): the ratio (target <= 2).

    python benchmarks/flows_bench.py [LAYERS] [WIDTH]

The server runs in this process (its threads share the interpreter with the actors: both sides
pay the same). On a shared machine the numbers move; the ratios are what to compare.
"""
from __future__ import annotations

import json
import pathlib
import statistics
import sys
import threading
import time
from typing import Any, Dict, List, Tuple

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1]))

from swfkit import flows, futures  # noqa: E402
from swfkit.actors import Worker, ensure_registered  # noqa: E402
from swfkit.layer1 import Layer1  # noqa: E402
from swfkit.server import running  # noqa: E402

DOMAIN = "flows-bench"
TASK_LIST = "bench-actions"
WORKERS = 4
REPEATS = 15
RUNS = 4
FAIL = {"step": ""}


@futures.activity(task_list=TASK_LIST, start_to_close_timeout=300)
def noop(context: Any, *rest: Any) -> int:
    step = flows.action_log().step
    if step == FAIL["step"]:
        raise RuntimeError("failing %s on purpose" % step)
    return 1


def step_name(layer: int, i: int) -> str:
    return "s%02d_%02d" % (layer, i)


def parents(layer: int, i: int, width: int) -> List[str]:
    return [] if layer == 0 else sorted({step_name(layer - 1, i), step_name(layer - 1, (i + 1) % width)})


def layered_flow(layers: int, width: int) -> flows.Flow:
    return flows.Flow("bench", [flows.Step(step_name(layer, i), noop, depends_on=parents(layer, i, width))
                                for layer in range(layers) for i in range(width)],
                      task_list="bench-decisions", activity_task_list=TASK_LIST)


@futures.workflow(name="bench_dag", task_list="bench-direct-decisions", activity_task_list=TASK_LIST,
                  execution_start_to_close_timeout=3600)
class DirectDAG:
    """The same DAG with futures only: each step submitted once its predecessors' results are in."""

    def run(self, layers: int, width: int) -> int:
        done: Dict[str, Any] = {}
        for layer in range(layers):
            for i in range(width):
                for parent in parents(layer, i, width):
                    done[parent].result()
                done[step_name(layer, i)] = self.submit(noop, {}, step_name(layer, i))
        return sum(f.result() for f in done.values())


def client(url: str) -> Layer1:
    return Layer1(endpoint_url=url, region="us-east-1", aws_access_key_id="bench", aws_secret_access_key="bench")


class Actors:
    """A decider (its ``handle`` timed in thread CPU) and WORKERS worker threads."""

    def __init__(self, decider: Any, workers: List[Worker]) -> None:
        self.decider, self.workers, self.cpu = decider, workers, []
        handle = decider.handle

        def timed(task: Any) -> None:
            before = time.thread_time()
            handle(task)
            self.cpu.append(time.thread_time() - before)
        decider.handle = timed
        self.threads = [threading.Thread(target=a.run, daemon=True) for a in [decider, *workers]]

    def __enter__(self) -> "Actors":
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc: Any) -> None:
        for actor in [self.decider, *self.workers]:
            actor.stop()
        for thread in self.threads:
            thread.join(60)


def elapsed(events: List[Dict[str, Any]]) -> float:
    return float(events[-1]["eventTimestamp"]) - float(events[0]["eventTimestamp"])


def history(swf: Layer1, execution: Dict[str, str]) -> List[Dict[str, Any]]:
    found: List[Dict[str, Any]] = []
    for page in swf.paginate("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution):
        found.extend(page["events"])
    return found


def run_flow(url: str, flow: flows.Flow, timeperiod: str) -> Tuple[flows.FlowState, List[float], Any]:
    engine = flows.Engine(client(url), DOMAIN)
    engine.backend.prepare(flow)
    workers = [w for _ in range(WORKERS) for w in flows.flow_workers(flow, client(url), DOMAIN)]
    with Actors(flows.flow_decider(flow, client(url), DOMAIN), workers) as actors:
        state = engine.run(flow, timeperiod)
    return state, actors.cpu, engine


def run_direct(url: str, layers: int, width: int) -> Tuple[List[Dict[str, Any]], List[float]]:
    swf = client(url)
    ensure_registered(swf, DOMAIN, workflow_types=[DirectDAG.swfkit_definition.registration],
                      activity_types=[noop.swfkit_activity])
    workers = []
    for _ in range(WORKERS):
        worker = Worker(client(url), DOMAIN, TASK_LIST)
        noop.register(worker)
        workers.append(worker)
    with Actors(futures.FuturesDecider(client(url), [DirectDAG], domain=DOMAIN), workers) as actors:
        run_id = swf.start_workflow_execution(domain=DOMAIN, workflow_id="direct-%d" % time.time_ns(),
                                              workflow_type={"name": "bench_dag", "version": "1"},
                                              input=json.dumps([layers, width]))["runId"]
        execution = {"workflowId": "", "runId": run_id}
        while True:
            info = swf.list_closed_workflow_executions(domain=DOMAIN, start_time_filter={"oldestDate": 0},
                                                       type_filter={"name": "bench_dag"})["executionInfos"]
            match = [i["execution"] for i in info if i["execution"]["runId"] == run_id]
            if match:
                execution = match[0]
                break
            time.sleep(0.2)
    events = history(swf, execution)
    assert events[-1]["eventType"] == "WorkflowExecutionCompleted", events[-1]
    return events, actors.cpu


def _seconds(values: List[float]) -> str:
    return "/".join("%.2f" % v for v in values)


def main() -> None:
    layers = int(sys.argv[1]) if len(sys.argv) > 1 else 25
    width = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    steps = layers * width
    flow = layered_flow(layers, width)
    with running(db=None, poll_timeout=1.0) as url:
        swf = client(url)
        print("layered DAG: %d steps (%d layers of %d), %d worker threads, embedded server in this process"
              % (steps, layers, width, WORKERS))
        flow_times: List[float] = []
        direct_times: List[float] = []
        flow_cpu: List[float] = []
        direct_cpu: List[float] = []
        run_flow(url, layered_flow(2, width), "warm-up")  # registration and first-use costs, both sides
        run_direct(url, 2, width)
        for attempt in range(RUNS):  # best of RUNS each, the order alternating: the machine is shared
            for side in ("flow", "direct") if attempt % 2 == 0 else ("direct", "flow"):
                if side == "flow":
                    state, cpu, engine = run_flow(url, flow, "t1-%d" % attempt)
                    assert state.status == "completed", state.reason
                    flow_events = history(swf, {"workflowId": state.workflow_id, "runId": state.run_id})
                    flow_times.append(elapsed(flow_events))
                    flow_cpu.extend(cpu)
                else:
                    direct_events, cpu = run_direct(url, layers, width)
                    direct_times.append(elapsed(direct_events))
                    direct_cpu.extend(cpu)
        flow_time, direct_time = min(flow_times), min(direct_times)
        print("flow:    best %6.2f s of %s, %5d events, %4d decisions, decider CPU/decision median %5.1f ms"
              % (flow_time, _seconds(flow_times), len(flow_events), len(flow_cpu) // RUNS,
                 statistics.median(flow_cpu) * 1000))
        print("futures: best %6.2f s of %s, %5d events, %4d decisions, decider CPU/decision median %5.1f ms"
              % (direct_time, _seconds(direct_times), len(direct_events), len(direct_cpu) // RUNS,
                 statistics.median(direct_cpu) * 1000))
        print("ratio flow / futures total time: %.2fx (target <= 1.2)" % (flow_time / direct_time))

        FAIL["step"] = step_name(layers // 2, 0)
        failed, _, _ = run_flow(url, flow, "t2")
        assert failed.status == "failed" and failed.failed_steps == [FAIL["step"]], failed.failed_steps
        execution = {"workflowId": failed.workflow_id, "runId": failed.run_id}
        fetch, fold, fold_alone = [], [], []
        for _ in range(REPEATS):
            started = time.perf_counter()
            events = history(swf, execution)
            fetch.append(time.perf_counter() - started)
            started = time.perf_counter()
            again = engine.backend.state_of(flow, "t2", execution)
            fold.append(time.perf_counter() - started)
            started = time.perf_counter()
            flows.fold_flow(flow, events, timeperiod="t2", workflow_id=failed.workflow_id, run_id=failed.run_id)
            fold_alone.append(time.perf_counter() - started)
        assert again.failed_steps == failed.failed_steps
        skipped = sum(1 for s in again.steps.values() if s.state == "skipped")
        print("failed run: %d events, %d steps skipped; fetch alone %.1f ms, FlowState (fetch + fold) %.1f ms, "
              "fold alone %.1f ms (best of %d)" % (len(events), skipped, min(fetch) * 1000, min(fold) * 1000,
                                                    min(fold_alone) * 1000, REPEATS))
        print("ratio FlowState / fetch alone: %.2fx (target <= 2)" % (min(fold) / min(fetch)))


if __name__ == "__main__":
    main()
