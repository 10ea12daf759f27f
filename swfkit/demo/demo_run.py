"""``swfkit demo``: one fan-out/fan-in execution, end to end, with live progress and a summary.

Without an endpoint it starts the embedded server on a temporary database and uses dummy
credentials, so it needs no AWS account or configuration. The decider and the workers run in
actors process pools (1 and ``workers`` processes) supervised from threads of this process; the
pools forward their log records here. All of them are stopped before the demo returns.
"""
from __future__ import annotations

import json
import logging
import os
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, TextIO

from swfkit.demo import fan_out
from swfkit.demo.event_lines import event_rows, render_table
from swfkit.demo.live_progress import Progress, ProgressDisplay, read_progress
from swfkit.exceptions import SWFError

log = logging.getLogger("swfkit.demo")

LOCAL_CREDENTIALS = {"aws_access_key_id": "swfkit-demo", "aws_secret_access_key": "swfkit-demo-secret"}
LOCAL_REGION = "us-east-1"


class DemoFailed(SWFError):
    """The demo execution did not complete as expected (or a demo process died)."""


@dataclass(frozen=True)
class DemoOptions:
    """What ``swfkit demo`` runs.

    Attributes:
        client_options: keyword arguments for ``Layer1`` when ``endpoint_url`` is set (region,
            profile, credentials); ignored for the embedded server, which gets dummies.
        endpoint_url: an SWF endpoint; None starts the embedded server.
        domain: the domain, registered if needed.
        activities: how many ``square`` activities to fan out.
        workers: worker processes in the pool.
        work_ms: pretend work per activity, in milliseconds.
        last_events: how many of the history's last events to print.
        timeout: seconds before the demo gives up on the execution.
    """

    client_options: Dict[str, Any] = field(default_factory=dict)
    endpoint_url: Optional[str] = None
    domain: str = fan_out.DOMAIN
    activities: int = 100
    workers: int = 4
    work_ms: int = 10
    last_events: int = 10
    timeout: float = 120.0


# -- the processes ----------------------------------------------------------------------------

class ActorPool:
    """An actor's process pool (``actor.run(processes=N)``) supervised from a thread of this process.

    The pool starts its children with *spawn* and, on :meth:`stop`, lets them finish their
    current long poll and task before they exit (killed after ``shutdown_timeout``).
    """

    def __init__(self, actor: Any, processes: int, shutdown_timeout: float) -> None:
        self.actor = actor
        self.processes = processes
        self.exit_code: Optional[int] = None
        self.error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._supervise, args=(shutdown_timeout,),
                                        name="swfkit-demo-%s-pool" % type(actor).__name__)

    def _supervise(self, shutdown_timeout: float) -> None:
        try:
            self.exit_code = self.actor.run(processes=self.processes, shutdown_timeout=shutdown_timeout)
        except BaseException as error:  # reported by the demo's watch loop, not lost in a thread
            self.error = error

    def start(self) -> None:
        """Start the supervising thread (which starts the processes)."""
        self._thread.start()

    @property
    def running(self) -> bool:
        """True while the pool supervises its processes."""
        return self._thread.is_alive()

    def stop(self, timeout: float) -> None:
        """Stop polling, wait for the processes to finish and exit (at most ``timeout`` seconds)."""
        self.actor.stop()
        if self._thread.ident is not None:
            self._thread.join(timeout)


# -- the run ----------------------------------------------------------------------------------

def _history(swf: Any, domain: str, execution: Dict[str, str]) -> List[Dict[str, Any]]:
    events: List[Dict[str, Any]] = []
    for page in swf.paginate("GetWorkflowExecutionHistory", domain=domain, execution=execution):
        events.extend(page.get("events", []))
    return events


def _summary(progress: Progress, events: List[Dict[str, Any]], options: DemoOptions, wall: float,
             execution: Dict[str, str]) -> List[str]:
    start = events[0].get("eventTimestamp", 0) if events else 0
    close = progress.close_event.get("eventTimestamp", start) if progress.close_event else start
    duration = max(float(close) - float(start), 1e-6)
    # Throughput over the activities' own span (first scheduled to last completed), so the
    # processes' start-up and the wait for the timer and the signal do not count.
    scheduled = [e["eventTimestamp"] for e in events if e.get("eventType") == "ActivityTaskScheduled"]
    completed = [e["eventTimestamp"] for e in events if e.get("eventType") == "ActivityTaskCompleted"]
    span = max(float(max(completed)) - float(min(scheduled)), 1e-6) if scheduled and completed else 0.0
    lines = ["",
             "workflow:    %s (run %s) %s" % (execution["workflowId"], execution["runId"], progress.close_status),
             "activities:  %d completed, %d retried, %d worker processes" % (progress.completed, progress.retried, options.workers),
             "timer:       %s" % progress.timer,
             "signal:      %s" % ("received" if progress.signaled else "missing"),
             "events:      %d" % progress.events,
             "elapsed:     %.2f s in the workflow, %.2f s in all" % (duration, wall),
             "throughput:  %.1f activities/s (%d activities in %.2f s, first scheduled to last completed)" % (
                 progress.completed / span if span else 0.0, progress.completed, span)]
    attributes = (progress.close_event or {}).get("workflowExecutionCompletedEventAttributes", {})
    if "result" in attributes:
        lines.append("result:      %s (expected sum %d)" % (attributes["result"], fan_out.expected_result(options.activities)))
    lines += ["", "last %d events:" % min(options.last_events, len(events)),
              render_table(["ID", "TIME", "EVENT", "DETAILS"], event_rows(events[-options.last_events:]))]
    return lines


def run_demo(options: DemoOptions, out: Optional[TextIO] = None) -> int:
    """Run the demo; return 0 when the execution completed with the right sum.

    Args:
        options: what to run.
        out: where progress and the summary go (default: ``sys.stdout`` at call time).

    Raises:
        DemoFailed: the execution did not close in time, or a demo process died.
        SWFError: the endpoint refused or could not be reached.
    """
    out = out if out is not None else sys.stdout
    begun = time.monotonic()
    server, workdir = None, None
    pools: List[ActorPool] = []
    # Stopping waits for the current long poll: 1 s on the embedded server, up to 60 s on SWF.
    shutdown = 10.0 if options.endpoint_url is None else 75.0
    try:
        if options.endpoint_url is None:
            from swfkit.server import SWFServer

            workdir = tempfile.TemporaryDirectory(prefix="swfkit-demo-")
            database = os.path.join(workdir.name, "demo.sqlite3")
            server = SWFServer(db=database, poll_timeout=1.0)
            server.start()
            client_options = dict(LOCAL_CREDENTIALS, region=LOCAL_REGION, endpoint_url=server.endpoint_url)
            print("embedded SWF server at %s (database %s)" % (server.endpoint_url, database), file=out)
            interval = 0.2
        else:
            client_options = dict(options.client_options, endpoint_url=options.endpoint_url)
            print("SWF endpoint %s" % options.endpoint_url, file=out)
            interval = 2.0  # stay well under the service's throttling
        from swfkit.actors import ensure_registered
        from swfkit.layer1 import Layer1

        swf = Layer1(**client_options)
        ensure_registered(swf, options.domain, workflow_types=[fan_out.WORKFLOW_TYPE],
                          activity_types=[fan_out.ACTIVITY_TYPE], description="swfkit demo")
        suffix = uuid.uuid4().hex[:10]
        # Task lists of this run only: nothing else polls them, nothing is left on them after.
        decider_list, worker_list = "%s-%s" % (fan_out.DECIDER_TASK_LIST, suffix), "%s-%s" % (fan_out.WORKER_TASK_LIST, suffix)
        # Fresh clients: the pools pickle the actors, and a used Layer1 may not pickle (requests.md).
        decider = fan_out.FanOutDecider(Layer1(**client_options), options.domain, decider_list)
        worker = fan_out.SquareWorker(Layer1(**client_options), options.domain, worker_list)
        pools += [ActorPool(decider, 1, shutdown), ActorPool(worker, options.workers, shutdown)]
        for pool in pools:
            pool.start()
        print("domain %s: 1 decider process and %d worker processes" % (options.domain, options.workers), file=out)
        workflow_id = "fan-out-%s" % suffix
        started = swf.start_workflow_execution(
            domain=options.domain, workflow_id=workflow_id,
            workflow_type={"name": fan_out.WORKFLOW_NAME, "version": fan_out.WORKFLOW_VERSION},
            task_list={"name": decider_list}, input=fan_out.workflow_input(options.activities, options.work_ms, worker_list),
            execution_start_to_close_timeout=str(int(options.timeout) + 60), task_start_to_close_timeout="30",
            child_policy="TERMINATE")
        execution = {"workflowId": workflow_id, "runId": started["runId"]}
        print("started %s: %d activities, a %d s timer and an %r signal" % (
            workflow_id, options.activities, fan_out.TIMER_SECONDS, fan_out.SIGNAL_NAME), file=out)
        progress = _watch(swf, options, execution, ProgressDisplay(out), interval, pools)
        events = _history(swf, options.domain, execution)
        progress = read_progress(events, options.activities)
        _stop_all(pools, shutdown)
        for line in _summary(progress, events, options, time.monotonic() - begun, execution):
            print(line, file=out)
        return _verdict(progress, options)
    finally:
        _stop_all(pools, shutdown)
        if server is not None:
            server.stop()
        if workdir is not None:
            workdir.cleanup()


def _watch(swf: Any, options: DemoOptions, execution: Dict[str, str], display: ProgressDisplay,
           interval: float, pools: List[ActorPool]) -> Progress:
    """Show progress until the execution closes; send the signal once half the work is done."""
    deadline = time.monotonic() + options.timeout
    signaled = False
    while True:
        progress = read_progress(_history(swf, options.domain, execution), options.activities)
        display.show(progress)
        if progress.closed:
            display.finish(progress)
            return progress
        if not signaled and progress.completed * 2 >= options.activities:
            swf.signal_workflow_execution(domain=options.domain, workflow_id=execution["workflowId"],
                                          run_id=execution["runId"], signal_name=fan_out.SIGNAL_NAME,
                                          input=json.dumps({"by": "swfkit demo"}))
            signaled = True
        for pool in pools:
            if not pool.running:
                display.finish(progress)
                raise DemoFailed("the %s pool stopped (exit code %s%s)" % (
                    type(pool.actor).__name__, pool.exit_code, ", %s" % pool.error if pool.error else ""))
        if time.monotonic() > deadline:
            display.finish(progress)
            raise DemoFailed("the execution did not close within %.0f s (%d/%d activities done)" % (
                options.timeout, progress.completed, options.activities))
        time.sleep(interval)


def _stop_all(pools: List[ActorPool], shutdown: float) -> None:
    for pool in pools:
        pool.actor.stop()  # all at once: their shutdowns overlap
    for pool in pools:
        pool.stop(shutdown + 5.0)
    pools.clear()


def _verdict(progress: Progress, options: DemoOptions) -> int:
    if progress.close_status != "COMPLETED":
        raise DemoFailed("the execution closed as %s" % progress.close_status)
    result = json.loads(progress.close_event["workflowExecutionCompletedEventAttributes"]["result"])
    if result.get("sum") != fan_out.expected_result(options.activities):
        raise DemoFailed("wrong fan-in sum %s (expected %d)" % (result.get("sum"), fan_out.expected_result(options.activities)))
    return 0
