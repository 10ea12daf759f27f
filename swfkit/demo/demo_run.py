"""``swfkit demo``: one fan-out/fan-in execution, end to end, with live progress and a summary.

Without an endpoint it starts the embedded server on a temporary database and uses dummy
credentials, so it needs no AWS account or configuration. The decider and the workers run in
actors process pools (1 and ``workers`` processes) supervised from threads of this process; the
pools forward their log records here. All of them are stopped before the demo returns.
"""
from __future__ import annotations

import contextlib
import json
import logging
import os
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Dict, Iterator, List, Optional, TextIO, cast

from swfkit.demo import fan_out
from swfkit.demo.demo_summary import DemoSummary, summarize
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
        json: print the summary as one JSON object on ``out`` (progress then goes to stderr).
    """

    client_options: Dict[str, Any] = field(default_factory=dict)
    endpoint_url: Optional[str] = None
    domain: str = fan_out.DOMAIN
    activities: int = 100
    workers: int = 4
    work_ms: int = 10
    last_events: int = 10
    timeout: float = 120.0
    json: bool = False


# -- the processes ----------------------------------------------------------------------------

class ActorPool:
    """An actor's process pool (``actor.run(processes=N)``) supervised from a thread of this process.

    The pool starts its children with *spawn* and, on :meth:`stop`, lets them finish their
    current long poll and task before they exit (killed after ``shutdown_timeout``).
    """

    def __init__(self, actor: Any, processes: Optional[int], shutdown_timeout: float) -> None:
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


@contextlib.contextmanager
def _endpoint(options: DemoOptions, chatter: TextIO) -> Iterator[Dict[str, Any]]:
    """Layer1 options for the chosen endpoint; without one, an embedded server on a temporary database."""
    if options.endpoint_url is not None:
        print("SWF endpoint %s" % options.endpoint_url, file=chatter)
        yield dict(options.client_options, endpoint_url=options.endpoint_url)
        return
    from swfkit.server import SWFServer

    with tempfile.TemporaryDirectory(prefix="swfkit-demo-") as workdir:
        database = os.path.join(workdir, "demo.sqlite3")
        server = SWFServer(db=database, poll_timeout=1.0)  # short polls: the pools stop within a second
        server.start()
        try:
            print("embedded SWF server at %s (database %s)" % (server.endpoint_url, database), file=chatter)
            yield dict(LOCAL_CREDENTIALS, region=LOCAL_REGION, endpoint_url=server.endpoint_url)
        finally:
            server.stop()


def run_demo(options: DemoOptions, out: Optional[TextIO] = None) -> int:
    """Run the demo; return 0 when the execution completed with the right sum.

    Args:
        options: what to run.
        out: where progress and the summary go (default: ``sys.stdout`` at call time).

    Raises:
        DemoFailed: the execution did not close in time, or a demo process died.
        SWFError: the endpoint refused or could not be reached.
    """
    from swfkit.actors import ensure_registered
    from swfkit.layer1 import Layer1

    out = out if out is not None else sys.stdout
    chatter = sys.stderr if options.json else out  # progress never mixes with the JSON
    begun = time.monotonic()
    remote = options.endpoint_url is not None
    # Stopping waits for the current long poll: 1 s on the embedded server, up to 60 s on SWF.
    shutdown, interval = (75.0, 2.0) if remote else (10.0, 0.2)  # remote: stay under throttling
    pools: List[ActorPool] = []
    with _endpoint(options, chatter) as client_options:
        swf = Layer1(**client_options)
        execution: Optional[Dict[str, str]] = None
        progress: Optional[Progress] = None
        try:
            ensure_registered(swf, options.domain, workflow_types=[fan_out.WORKFLOW_TYPE],
                              activity_types=[fan_out.ACTIVITY_TYPE], description="swfkit demo")
            suffix = uuid.uuid4().hex[:10]
            # Task lists of this run only: nothing else polls them, nothing is left on them after.
            decider_list = "%s-%s" % (fan_out.DECIDER_TASK_LIST, suffix)
            worker_list = "%s-%s" % (fan_out.WORKER_TASK_LIST, suffix)
            pools += [ActorPool(fan_out.FanOutDecider(swf, options.domain, decider_list), 1, shutdown),
                      ActorPool(fan_out.SquareWorker(swf, options.domain, worker_list), options.workers, shutdown)]
            for pool in pools:
                pool.start()
            print("domain %s: 1 decider process and %d worker processes" % (options.domain, options.workers),
                  file=chatter)
            workflow_id = "fan-out-%s" % suffix
            started = swf.start_workflow_execution(
                domain=options.domain, workflow_id=workflow_id,
                workflow_type={"name": fan_out.WORKFLOW_NAME, "version": fan_out.WORKFLOW_VERSION},
                task_list={"name": decider_list},
                input=fan_out.workflow_input(options.activities, options.work_ms, worker_list),
                execution_start_to_close_timeout=str(int(options.timeout) + 60), task_start_to_close_timeout="10",
                child_policy="TERMINATE")
            execution = {"workflowId": workflow_id, "runId": started["runId"]}
            print("started %s: %d activities, a %d s timer and an %r signal" % (
                workflow_id, options.activities, fan_out.TIMER_SECONDS, fan_out.SIGNAL_NAME), file=chatter)
            progress = _watch(swf, options, execution, ProgressDisplay(chatter), interval, pools)
            events = _history(swf, options.domain, execution)
            progress = read_progress(events, options.activities)
            if remote:
                print("stopping the decider and workers: their current long polls may take up to 60 s to return",
                      file=chatter)
            _stop_all(pools, shutdown)
            summary = summarize(events, progress, execution=execution, workers=options.workers,
                                expected_sum=fan_out.expected_result(options.activities),
                                wall_seconds=time.monotonic() - begun, last_events=options.last_events)
            _report(summary, options, out)
            return _verdict(progress, options)
        finally:
            _stop_all(pools, shutdown)
            if execution is not None and (progress is None or not progress.closed):
                _terminate(swf, options.domain, execution)


def _terminate(swf: Any, domain: str, execution: Dict[str, str]) -> None:
    """Leave no open execution behind on a failed or interrupted run (best effort, logged)."""
    try:
        swf.terminate_workflow_execution(domain=domain, workflow_id=execution["workflowId"],
                                         run_id=execution["runId"], reason="swfkit demo stopped early")
    except SWFError as error:
        log.warning("could not terminate %s: %s", execution["workflowId"], error)


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


def _report(summary: DemoSummary, options: DemoOptions, out: TextIO) -> None:
    if options.json:
        json.dump(summary.to_dict(), out, indent=2, sort_keys=True)
        out.write("\n")
    else:
        out.write("\n" + "\n".join(summary.lines()) + "\n")
    out.flush()


def _stop_all(pools: List[ActorPool], shutdown: float) -> None:
    for pool in pools:
        pool.actor.stop()  # all at once: their shutdowns overlap
    for pool in pools:
        pool.stop(shutdown + 5.0)
    pools.clear()


def _verdict(progress: Progress, options: DemoOptions) -> int:
    if progress.close_status != "COMPLETED":
        raise DemoFailed("the execution closed as %s" % progress.close_status)
    close_event = cast(Dict[str, Any], progress.close_event)  # set with close_status
    result = json.loads(close_event["workflowExecutionCompletedEventAttributes"]["result"])
    if result.get("sum") != fan_out.expected_result(options.activities):
        raise DemoFailed("wrong fan-in sum %s (expected %d)" % (result.get("sum"), fan_out.expected_result(options.activities)))
    return 0
