"""``swfkit workflow ...``: start, list, inspect, signal, cancel and terminate executions."""
from __future__ import annotations

import argparse
import json
import sys
import time
import uuid
from typing import Any, Dict, List, Optional

from swfkit import exceptions
from swfkit.cli import connection
from swfkit.cli.actor_commands import positive_int
from swfkit.cli.failure_lines import EXIT_FAULT, UsageError
from swfkit.cli.payload_options import label_references, offload_input, read_input, resolve_references
from swfkit.cli.rendering import emit, emit_fields, print_json, type_label, wants_json, when
from swfkit.cli.event_lines import event_rows


def json_text(value: Optional[str], option: str) -> Optional[str]:
    """Check that ``value`` is JSON and return it unchanged (SWF carries it as a string).

    Raises:
        UsageError: naming the option and where the JSON breaks.
    """
    if value is None:
        return None
    try:
        json.loads(value)
    except ValueError as error:
        raise UsageError("%s: not valid JSON: %s" % (option, error)) from None
    return value


def find_execution(swf: Any, domain: str, workflow_id: str, run_id: Optional[str]) -> Dict[str, str]:
    """The execution to act on: the given run, else the open run, else the latest closed run."""
    if run_id:
        return {"workflowId": workflow_id, "runId": run_id}
    window = {"oldestDate": 0}
    for operation in ("list_open_workflow_executions", "list_closed_workflow_executions"):
        answer = getattr(swf, operation)(domain=domain, start_time_filter=window,
                                         execution_filter={"workflowId": workflow_id}, maximum_page_size=1)
        infos = answer.get("executionInfos", [])
        if infos:
            execution: Dict[str, str] = infos[0]["execution"]
            return execution
    # Not found is SWF's answer (exit 1), as signal/cancel/terminate get it from SWF itself.
    raise exceptions.UnknownResourceFault("Unknown execution: no run of workflow id %r in domain %s"
                                          % (workflow_id, domain), operation="ListClosedWorkflowExecutions")


# Options that only mean something on an SWF endpoint: refused with --local rather than ignored.
_SERVER_ONLY_OPTIONS = (("workflow_id", "--workflow-id"), ("task_list", "--task-list"), ("tag", "--tag"),
                        ("execution_timeout", "--execution-timeout"), ("task_timeout", "--task-timeout"),
                        ("child_policy", "--child-policy"), ("trace", "--trace"))


def traced_input(text: Optional[str]) -> Optional[str]:
    """``--trace``: ``text`` as a futures input envelope carrying the trace context of ``TRACEPARENT``
    and ``TRACESTATE`` (W3C Trace Context, as a traced parent process passes it on).

    Raises:
        UsageError: ``TRACEPARENT`` is unset or not a traceparent.
    """
    import os

    from swfkit.actors.trace_fields import trace_from_environment, with_trace

    try:
        trace = trace_from_environment(os.environ)
    except ValueError as error:
        raise UsageError("--trace: %s" % error) from None
    if trace is None:
        raise UsageError("--trace: TRACEPARENT is not set (the W3C traceparent of the span to continue, e.g. "
                         "00-<32 hex trace id>-<16 hex span id>-01)")
    return with_trace(text, trace)


def workflow_start(args: argparse.Namespace) -> int:
    """``swfkit workflow start NAME VERSION`` on the endpoint, or ``--local MODULE:CLASS`` in-process."""
    if args.local:
        return workflow_start_local(args)
    if args.version is None:
        raise UsageError("workflow start: VERSION is missing: give NAME VERSION (or --local MODULE:CLASS to run a "
                         "futures workflow in this process)")
    domain = connection.domain(args)
    workflow_id = args.workflow_id or "%s-%s" % (args.name, uuid.uuid4().hex[:12])
    input = json_text(read_input(args.input, "--input"), "--input")
    if args.trace:
        input = traced_input(input)
    with connection.make_client(args) as swf:
        answer = swf.start_workflow_execution(
            domain=domain, workflow_id=workflow_id, workflow_type={"name": args.name, "version": args.version},
            input=offload_input(input, "StartWorkflowExecution"),
            task_list={"name": args.task_list} if args.task_list else None,
            execution_start_to_close_timeout=args.execution_timeout, task_start_to_close_timeout=args.task_timeout,
            child_policy=args.child_policy, tag_list=args.tag or None)
    result = {"workflowId": workflow_id, "runId": answer.get("runId")}
    if wants_json(args):
        print_json(result)
    else:
        print("started %s run %s" % (workflow_id, result["runId"]))
    return 0


def workflow_start_local(args: argparse.Namespace) -> int:
    """Run a futures ``@workflow`` class in this process (no endpoint) and print its result.

    Duck-typed (the CLI never imports ``swfkit.futures``): the class's ``swfkit_run_local(input)``
    returns the wire result; a failed run raises an ``SWFError`` with ``reason``/``details``.
    Prints the result JSON (``null`` for no result); ``--json``: ``{"status", "result"}``. A failed
    workflow prints one line on stderr and exits 1 (``--json`` also prints reason and details).
    """
    from swfkit.cli.actor_commands import load_target

    spec = args.name
    if args.version is not None:
        raise UsageError("workflow start --local: takes MODULE:CLASS only, got an extra argument %r" % args.version)
    given = [option for attribute, option in _SERVER_ONLY_OPTIONS if getattr(args, attribute, None)]
    if given:
        raise UsageError("workflow start --local: %s only apply on an SWF endpoint; drop %s"
                         % (", ".join(given), "it" if len(given) == 1 else "them"))
    input_json = json_text(read_input(args.input, "--input"), "--input")
    target = load_target(spec)
    if not callable(getattr(target, "swfkit_run_local", None)):
        raise UsageError("%s: %s is not a futures @workflow class (it has no swfkit_run_local)"
                         % (spec, spec.split(":", 1)[1] if ":" in spec else spec.rpartition(".")[2]))
    try:
        result = target.swfkit_run_local(input_json)
    except exceptions.SWFError as error:
        if not hasattr(error, "reason"):
            raise  # a usage or validation error: the usual one line
        return _local_failure(args, spec, error)
    if wants_json(args):
        print_json({"status": "completed", "result": _decoded(result)})
    else:
        print("null" if result is None else result)
    return 0


def _decoded(result: Any) -> Any:
    """The workflow's result, which the futures layer gives as JSON text, as a value (so ``--json``
    does not encode it twice); text that is not JSON stays text."""
    if not isinstance(result, str):
        return result
    try:
        return json.loads(result)
    except ValueError:
        return result


def _local_failure(args: argparse.Namespace, spec: str, error: exceptions.SWFError) -> int:
    reason, details = getattr(error, "reason", None), getattr(error, "details", None)
    cause = error.__cause__
    if cause is not None:  # the workflow's own exception says it best
        why = "%s: %s" % (type(cause).__name__, cause) if str(cause) else type(cause).__name__
    else:
        lines = [line.strip() for line in str(details or "").splitlines() if line.strip()]
        why = "%s%s" % (reason or "failed", " (%s)" % lines[-1][:200] if lines and lines[-1] != reason else "")
    if wants_json(args):
        print_json({"status": "failed", "reason": reason, "details": details})
    sys.stdout.flush()
    print("swfkit: workflow %s failed: %s" % (spec, " ".join(why.split())), file=sys.stderr)
    return EXIT_FAULT


def workflow_list(args: argparse.Namespace) -> int:
    domain = connection.domain(args)
    params: Dict[str, Any] = {"domain": domain, "start_time_filter": {"oldestDate": time.time() - args.since_hours * 3600}}
    if args.workflow_id:
        params["execution_filter"] = {"workflowId": args.workflow_id}
    elif args.type:
        params["type_filter"] = {"name": args.type}
    elif args.tag:
        params["tag_filter"] = {"tag": args.tag}
    operations = {"open": ["ListOpenWorkflowExecutions"], "closed": ["ListClosedWorkflowExecutions"],
                  "all": ["ListOpenWorkflowExecutions", "ListClosedWorkflowExecutions"]}[args.status]
    infos: List[Dict[str, Any]] = []
    with connection.make_client(args) as swf:
        for operation in operations:
            for page in swf.paginate(operation, **params):
                infos.extend(page.get("executionInfos", []))
    rows = [[i["execution"]["workflowId"], i["execution"]["runId"], type_label(i.get("workflowType")),
             i.get("closeStatus") or i.get("executionStatus", ""), when(i.get("startTimestamp")),
             when(i.get("closeTimestamp"))] for i in infos]
    emit(args, infos, ["WORKFLOW ID", "RUN ID", "TYPE", "STATUS", "STARTED", "CLOSED"], rows,
         empty="(no %s executions in %s)" % ("" if args.status == "all" else args.status, domain))
    return 0


def workflow_info(args: argparse.Namespace) -> int:
    domain = connection.domain(args)
    with connection.make_client(args) as swf:
        execution = find_execution(swf, domain, args.workflow_id, args.run_id)
        answer = swf.describe_workflow_execution(domain=domain, execution=execution)
    info, config, counts = answer.get("executionInfo", {}), answer.get("executionConfiguration", {}), answer.get("openCounts", {})
    emit_fields(args, answer, [
        ("workflow id", execution["workflowId"]), ("run id", execution["runId"]),
        ("type", type_label(info.get("workflowType"))),
        ("status", info.get("closeStatus") or info.get("executionStatus")),
        ("started", when(info.get("startTimestamp"))), ("closed", when(info.get("closeTimestamp"))),
        ("cancel requested", info.get("cancelRequested", False)),
        ("task list", (config.get("taskList") or {}).get("name")),
        ("open activities", counts.get("openActivityTasks")), ("open timers", counts.get("openTimers")),
        ("open decision tasks", counts.get("openDecisionTasks")),
        ("open children", counts.get("openChildWorkflowExecutions")),
        ("execution context", answer.get("latestExecutionContext")),
    ])
    return 0


def workflow_history(args: argparse.Namespace) -> int:
    domain = connection.domain(args)
    events: List[Dict[str, Any]] = []
    with connection.make_client(args) as swf:
        execution = find_execution(swf, domain, args.workflow_id, args.run_id)
        for page in swf.paginate("GetWorkflowExecutionHistory", domain=domain, execution=execution):
            events.extend(page.get("events", []))
    if args.last:
        events = events[-args.last:]
    if args.resolve:
        events = resolve_references(events)
    emit(args, events, ["ID", "TIME", "EVENT", "DETAILS"], event_rows(events if args.resolve else label_references(events)),
         empty="(no events)")
    return 0


def workflow_signal(args: argparse.Namespace) -> int:
    domain = connection.domain(args)
    with connection.make_client(args) as swf:
        swf.signal_workflow_execution(domain=domain, workflow_id=args.workflow_id, run_id=args.run_id,
                                      signal_name=args.signal,
                                      input=offload_input(json_text(read_input(args.input, "--input"), "--input"),
                                                          "SignalWorkflowExecution"))
    return _done(args, "signaled", signal=args.signal)


def workflow_cancel(args: argparse.Namespace) -> int:
    domain = connection.domain(args)
    with connection.make_client(args) as swf:
        swf.request_cancel_workflow_execution(domain=domain, workflow_id=args.workflow_id, run_id=args.run_id)
    return _done(args, "cancel requested for")


def workflow_terminate(args: argparse.Namespace) -> int:
    domain = connection.domain(args)
    with connection.make_client(args) as swf:
        swf.terminate_workflow_execution(domain=domain, workflow_id=args.workflow_id, run_id=args.run_id,
                                         reason=args.reason, details=args.details, child_policy=args.child_policy)
    return _done(args, "terminated")


def _done(args: argparse.Namespace, verb: str, **extra: Any) -> int:
    if wants_json(args):
        print_json(dict({"workflowId": args.workflow_id, "runId": args.run_id, "done": verb}, **extra))
    else:
        print("%s %s%s" % (verb, args.workflow_id, " run %s" % args.run_id if args.run_id else ""))
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``workflow`` and its subcommands to ``commands`` (a subparsers action)."""
    workflow = commands.add_parser("workflow", help="start, list, inspect, signal, cancel, terminate executions")
    actions = workflow.add_subparsers(dest="action", metavar="ACTION", required=True)
    parser = actions.add_parser("start", parents=[common], help="start an execution (or run one with --local)")
    parser.add_argument("name", metavar="NAME", help="workflow type name (with --local: MODULE:CLASS)")
    parser.add_argument("version", metavar="VERSION", nargs="?", help="workflow type version (not with --local)")
    parser.add_argument("--local", action="store_true",
                        help="run the futures @workflow class MODULE:CLASS in this process, no endpoint; print its result")
    parser.add_argument("--workflow-id", help="default: NAME-<random>")
    parser.add_argument("--input", help="input, as JSON (@FILE: read it from FILE; offloaded over SWF's limit "
                                        "when SWFKIT_PAYLOAD_STORE is set)")
    parser.add_argument("--task-list", help="decision task list (default: the type's)")
    parser.add_argument("--execution-timeout", help="execution start-to-close seconds")
    parser.add_argument("--task-timeout", help="decision task start-to-close seconds")
    parser.add_argument("--child-policy", choices=["TERMINATE", "REQUEST_CANCEL", "ABANDON"])
    parser.add_argument("--tag", action="append", help="a tag (repeatable, at most 5)")
    parser.add_argument("--trace", action="store_true",
                        help="futures workflows: carry the trace context of $TRACEPARENT/$TRACESTATE in the input "
                             "envelope's trace field (docs/tracing.md)")
    parser.set_defaults(handler=workflow_start)
    parser = actions.add_parser("list", parents=[common], help="list executions")
    parser.add_argument("--status", choices=["open", "closed", "all"], default="open")
    parser.add_argument("--since-hours", type=float, default=24.0, help="started at most this long ago (default 24)")
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--workflow-id")
    group.add_argument("--type", help="workflow type name")
    group.add_argument("--tag")
    parser.set_defaults(handler=workflow_list)
    for action, handler, text in (("info", workflow_info, "describe an execution"),
                                  ("history", workflow_history, "show an execution's events"),
                                  ("signal", workflow_signal, "signal an execution"),
                                  ("cancel", workflow_cancel, "request cancellation of an execution"),
                                  ("terminate", workflow_terminate, "terminate an execution")):
        parser = actions.add_parser(action, parents=[common], help=text)
        parser.add_argument("workflow_id", metavar="WORKFLOW_ID")
        if action == "signal":
            parser.add_argument("signal", metavar="SIGNAL_NAME")
            parser.add_argument("--input", help="signal input, as JSON (@FILE: read it from FILE)")
        parser.add_argument("--run-id", help="the run to act on; default: the open run" + (
            ", else the latest closed run" if action in ("info", "history") else ""))
        if action == "history":
            parser.add_argument("--last", type=positive_int, help="show only the last N events (N >= 1)")
            parser.add_argument("--resolve", action="store_true",
                                help="fetch offloaded payloads (shown as [offloaded SIZE] REFERENCE otherwise)")
        if action == "terminate":
            parser.add_argument("--reason")
            parser.add_argument("--details")
            parser.add_argument("--child-policy", choices=["TERMINATE", "REQUEST_CANCEL", "ABANDON"])
        parser.set_defaults(handler=handler)
    from swfkit.cli.operator_commands import add_workflow_commands  # tasks, profile, timeline, stuck, restart

    add_workflow_commands(actions, common)
