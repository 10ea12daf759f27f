"""``swfkit standalone``: run one workflow execution from start to finish, deciders and workers included.

What simpleflow's ``standalone`` does, without an AWS account by default: with no endpoint
configured it starts the embedded server (in memory, in this process); it registers the types,
runs a decider on a task list of its own (unique to this run) and the workers, starts the
execution, shows progress on stderr, prints the result, and stops everything before it returns:
exit 0 when the workflow completed, 1 with the failure otherwise.

Targets: a futures ``@workflow`` class (``MODULE:Workflow``; the workers run the ``@activity``
functions its module defines or imports, each on a task list of this run's own named after the
one it declares), or ``--decider MODULE:CLASS --worker MODULE:CLASS`` (the decider's first
``workflow_types`` entry is started; the worker polls its class's task list, else ``<decider task
list>-activities``).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
import uuid
from typing import Any, Dict, Iterator, List, Optional, Tuple

from swfkit.cli import connection
from swfkit.cli.execution_commands import json_text
from swfkit.cli.failure_lines import EXIT_FAULT, UsageError
from swfkit.cli.rendering import print_json, wants_json

DEFAULT_DOMAIN = "swfkit-standalone"
_SHUTDOWN = 10.0


@contextlib.contextmanager
def _endpoint(args: argparse.Namespace) -> Iterator[Dict[str, Any]]:
    """Layer1 options: the configured endpoint, else an embedded server living as long as the block."""
    if connection.endpoint_url(args):
        yield connection.client_options(args)
        return
    from swfkit.server import SWFServer

    server = SWFServer(db=None, poll_timeout=1.0)  # short polls: actors stop within a second
    server.start()
    try:
        print("swfkit: embedded SWF server at %s" % server.endpoint_url, file=sys.stderr)
        yield {"endpoint_url": server.endpoint_url}  # loopback: region and credentials default (layer1.endpoints)
    finally:
        server.stop()


class _OwnActivityTaskLists:
    """The decider's client in a futures run: its activity tasks go to this run's own task lists.

    A futures workflow schedules each activity on the task list the activity declares. A
    standalone run must not share those lists (with another standalone run, or with workers
    deployed on the same domain), so its workers poll ``<declared list>-<run suffix>`` and this
    client moves each ScheduleActivityTask decision there as the decider answers. The futures
    layer is untouched: the history records the list the task really went to, and the replay
    checks compare decision types and ids, not task lists.
    """

    def __init__(self, layer1: Any, routes: Dict[str, str]) -> None:
        self.layer1 = layer1
        self.routes = routes  # declared task list -> this run's

    def __getattr__(self, name: str) -> Any:
        layer1 = self.__dict__.get("layer1")
        if layer1 is None or name.startswith("__"):  # unpickling: not built yet
            raise AttributeError(name)
        return getattr(layer1, name)

    def respond_decision_task_completed(self, **params: Any) -> Any:
        """``Layer1.respond_decision_task_completed`` with the activity task lists rerouted."""
        params["decisions"] = [self._routed(decision) for decision in params.get("decisions") or ()]
        return self.layer1.respond_decision_task_completed(**params)

    def _routed(self, decision: Dict[str, Any]) -> Dict[str, Any]:
        attributes = decision.get("scheduleActivityTaskDecisionAttributes") or {}
        task_list = attributes.get("taskList") or {}
        name = task_list.get("name")
        route = self.routes.get(name) if isinstance(name, str) else None
        if route is None:
            return decision
        return dict(decision, scheduleActivityTaskDecisionAttributes=dict(attributes, taskList=dict(task_list,
                                                                                                   name=route)))


def _futures_actors(args: argparse.Namespace, layer1: Any, domain: str, task_list: str) -> Tuple[Any, List[Any]]:
    from swfkit.actors import Worker
    from swfkit.cli.actor_commands import load_target, module_activities

    target = load_target(args.workflow_class)
    if not callable(getattr(target, "swfkit_decider", None)):
        raise UsageError("%s: not a futures @workflow class (no swfkit_decider); for Decider/Worker subclasses use "
                         "--decider MODULE:CLASS --worker MODULE:CLASS" % args.workflow_class)
    default_list = getattr(getattr(target, "swfkit_definition", None), "activity_task_list", None)
    suffix = task_list.rsplit("-", 1)[1]
    routes: Dict[str, str] = {}
    by_list: Dict[str, Any] = {}
    for act in module_activities(sys.modules[target.__module__]):
        declared = act.swfkit_activity.task_list or default_list
        if declared is None:
            raise UsageError("%s: activity %s declares no task list (nor does the workflow's activity_task_list)"
                             % (args.workflow_class, act.swfkit_activity.name))
        worker = by_list.get(declared)
        if worker is None:
            routes[declared] = "%s-%s" % (declared, suffix)
            worker = by_list[declared] = Worker(layer1, domain, routes[declared])
        act.register(worker)
    decider = target.swfkit_decider(_OwnActivityTaskLists(layer1, routes), domain=domain, task_list=task_list,
                                    identity=None)
    return decider, list(by_list.values())


def _class_actors(args: argparse.Namespace, layer1: Any, domain: str, task_list: str) -> Tuple[Any, List[Any]]:
    from swfkit.actors import Decider, Worker
    from swfkit.cli.actor_commands import load_class

    decider_class = load_class(args.decider, Decider)
    decider = decider_class(layer1, domain, task_list)
    if not decider.workflow_types:
        raise UsageError("%s: declare workflow_types (the workflow type to start)" % args.decider)
    workers = []
    for spec in args.worker or []:
        worker_class = load_class(spec, Worker)
        worker_list = getattr(worker_class, "task_list", None) or "%s-activities" % task_list
        workers.append(worker_class(layer1, domain, worker_list))
    return decider, workers


def _progress(events: List[Dict[str, Any]]) -> Tuple[str, Optional[Dict[str, Any]]]:
    from swfkit.history import execution_timeline

    timeline = execution_timeline(events)
    counts: Dict[str, int] = {}
    for task in timeline.tasks:
        counts[task.outcome] = counts.get(task.outcome, 0) + 1
    line = "%d events, %d tasks: %s" % (timeline.event_count, len(timeline.tasks),
                                        ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())) or "none yet")
    close = events[-1] if timeline.close_status else None
    return line, close


def standalone(args: argparse.Namespace) -> int:
    """``swfkit standalone``: 0 when the workflow completed, 1 with its failure."""
    from swfkit.actors import ensure_registered
    from swfkit.demo.demo_run import ActorPool
    from swfkit.layer1 import Layer1

    if (args.workflow_class is None) == (args.decider is None):
        raise UsageError("standalone: give MODULE:Workflow (futures) or --decider MODULE:CLASS, not both")
    if args.decider is None and args.worker:
        raise UsageError("standalone: --worker goes with --decider; a futures workflow's activities are found in "
                         "its module")
    input_json = json_text(args.input, "--input")
    domain = getattr(args, "domain", None) or os.environ.get("SWF_DOMAIN") or DEFAULT_DOMAIN
    task_list = "swfkit-standalone-%s" % uuid.uuid4().hex[:12]
    pools: List[Any] = []
    with _endpoint(args) as options:
        swf = Layer1(**options)
        build = _futures_actors if args.workflow_class else _class_actors
        decider, workers = build(args, swf, domain, task_list)
        registration = decider.workflow_types[0]
        ensure_registered(swf, domain, workflow_types=decider.workflow_types,
                          activity_types=[t for w in workers for t in w.activity_types()],
                          description="swfkit standalone")
        workflow_id = "%s-%s" % (registration.name, task_list.rsplit("-", 1)[1])
        execution: Optional[Dict[str, str]] = None
        try:
            pools.append(ActorPool(decider, None, _SHUTDOWN))
            pools += [ActorPool(worker, args.processes, _SHUTDOWN) for worker in workers]
            for pool in pools:
                pool.start()
            answer = swf.start_workflow_execution(
                domain=domain, workflow_id=workflow_id,
                workflow_type={"name": registration.name, "version": registration.version},
                task_list={"name": task_list}, input=input_json, execution_start_to_close_timeout=str(int(args.timeout)),
                task_start_to_close_timeout="30", child_policy="TERMINATE")
            execution = {"workflowId": workflow_id, "runId": answer["runId"]}
            print("swfkit: started %s run %s (domain %s, decider task list %s)" % (
                workflow_id, execution["runId"], domain, task_list), file=sys.stderr)
            close = _watch(swf, domain, execution, args.timeout, pools)
        finally:
            for pool in pools:
                pool.actor.stop()
            for pool in pools:
                pool.stop(_SHUTDOWN + 5.0)
            if execution is not None and not _closed(swf, domain, execution):
                swf.terminate_workflow_execution(domain=domain, workflow_id=execution["workflowId"],
                                                 run_id=execution["runId"], reason="swfkit standalone stopped")
    return _report(args, close, execution)


def _closed(swf: Any, domain: str, execution: Dict[str, str]) -> bool:
    info = swf.describe_workflow_execution(domain=domain, execution=execution)["executionInfo"]
    return bool(info.get("executionStatus") == "CLOSED")


def _watch(swf: Any, domain: str, execution: Dict[str, str], timeout: float, pools: List[Any]) -> Dict[str, Any]:
    """Show progress on stderr until the execution closes; return its closing event."""
    deadline = time.monotonic() + timeout
    shown = ""
    while True:
        events: List[Dict[str, Any]] = []
        for page in swf.paginate("GetWorkflowExecutionHistory", domain=domain, execution=execution):
            events.extend(page.get("events", []))
        line, close = _progress(events)
        if line != shown:
            print("swfkit: %s" % line, file=sys.stderr)
            shown = line
        if close is not None:
            return close
        for pool in pools:
            if not pool.running:
                raise UsageError("standalone: the %s stopped (%s)" % (type(pool.actor).__name__,
                                                                     pool.error or "exit code %s" % pool.exit_code))
        if time.monotonic() > deadline:
            raise UsageError("standalone: the execution did not close within %.0f s (--timeout)" % timeout)
        time.sleep(0.3)


def _report(args: argparse.Namespace, close: Dict[str, Any], execution: Dict[str, str]) -> int:
    kind = close["eventType"]
    attributes = close.get(kind[0].lower() + kind[1:] + "EventAttributes") or {}
    status = kind.replace("WorkflowExecution", "").lower() or "closed"
    if wants_json(args):
        print_json({"status": status, "execution": execution, "result": attributes.get("result"), "reason": attributes.get("reason"),
                    "details": attributes.get("details")})
    elif kind == "WorkflowExecutionCompleted":
        print("null" if attributes.get("result") is None else attributes["result"])
    if kind == "WorkflowExecutionCompleted":
        return 0
    lines = [line.strip() for line in str(attributes.get("details") or "").splitlines() if line.strip()]
    why = attributes.get("reason") or attributes.get("timeoutType") or attributes.get("cause") or status
    sys.stdout.flush()
    print("swfkit: workflow %s: %s%s" % (status, " ".join(str(why).split()), " (%s)" % lines[-1][:200] if lines else ""),
          file=sys.stderr)
    return EXIT_FAULT


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``standalone`` to ``commands`` (a subparsers action)."""
    from swfkit.cli.actor_commands import positive_int

    parser = commands.add_parser("standalone", parents=[common], help="run one execution end to end with its "
                                 "decider and workers (embedded server unless an endpoint is set)",
                                 description=__doc__.split("\n\n")[1].replace("\n", " "))
    parser.add_argument("workflow_class", metavar="MODULE:WORKFLOW", nargs="?", help="a futures @workflow class")
    parser.add_argument("--decider", metavar="MODULE:CLASS", help="a swfkit.actors.Decider subclass")
    parser.add_argument("--worker", metavar="MODULE:CLASS", action="append", help="a Worker subclass (repeatable)")
    parser.add_argument("--input", help="the workflow input, as JSON")
    parser.add_argument("--processes", type=positive_int, default=None,
                        help="worker processes per task list (default: a worker thread in this process)")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds (default 300)")
    parser.set_defaults(handler=standalone)
