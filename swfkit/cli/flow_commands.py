"""``swfkit flow ...``: run, recover, run-one, run-from and status of ``swfkit.flows`` flows.

``swfkit flow run|recover|run-one|run-from|status MODULE:FLOW TIMEPERIOD [STEP]`` works on the
endpoint (``--endpoint-url`` / ``AWS_ENDPOINT_URL_SWF``) with deciders and workers running elsewhere
(``swfkit flow decider`` / ``swfkit flow worker``), or ``--run-workers`` in this process;
``flow run --local`` runs the flow in this process with no endpoint. Operations print the run's
table (``--json``: its state) and exit 1 when the run failed.
"""
from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Optional

from swfkit.cli import connection
from swfkit.cli.actor_commands import load_target
from swfkit.cli.failure_lines import EXIT_FAULT, UsageError
from swfkit.cli.rendering import print_json, wants_json, when
from swfkit.cli.event_lines import render_table

OPERATIONS = {"run": "run", "recover": "recover", "run-one": "run_one", "run-from": "run_from"}


def _flow(spec: str) -> Any:
    from swfkit.flows import Flow

    target = load_target(spec)
    if not isinstance(target, Flow):
        raise UsageError("%s: %s is not a swfkit.flows.Flow (got %s)" % (spec, spec.split(":", 1)[-1],
                                                                        type(target).__name__))
    return target


def _engine(args: argparse.Namespace, *, local: bool = False) -> Any:
    from swfkit.flows import Engine

    if local:
        return Engine(max_parallel=getattr(args, "max_parallel", None), log_dir=getattr(args, "log_dir", None))
    return Engine(connection.make_client(args), connection.domain(args), getattr(args, "max_parallel", None),
                  run_workers=getattr(args, "run_workers", False), log_dir=getattr(args, "log_dir", None),
                  wait=not getattr(args, "no_wait", False), timeout=getattr(args, "timeout", None))


def _seconds(value: Optional[float]) -> str:
    if value is None:
        return ""
    return "%.1fs" % value if value < 120 else "%dm%02ds" % divmod(int(value), 60)


def show_state(args: argparse.Namespace, state: Any) -> None:
    """Print a ``FlowState``: a title line and the step table, or JSON with ``--json``."""
    if wants_json(args):
        print_json(state.to_dict())
        return
    origin = " (%s of run %s)" % (state.operation, state.continues_from) if state.continues_from else ""
    print("flow %s %s: %s%s%s" % (state.flow, state.timeperiod, state.status,
                                  " run %s" % state.run_id if state.run_id else "", origin))
    rows = [[name, step.state, when(step.started), _seconds(step.duration), str(step.attempts or ""),
             step.from_run or ""] for name, step in state.steps.items()]
    print(render_table(["STEP", "STATE", "STARTED", "DURATION", "ATTEMPTS", "RUN"], rows))
    for name, step in state.steps.items():
        if step.state == "failed" and step.reason:
            print("%s: %s" % (name, " ".join(step.reason.split())[:300]))


def _one_line_errors(handler: Any) -> Any:
    """Flow definition errors are bad input (exit 2); refusals say why in one line (exit 1)."""
    def run(args: argparse.Namespace) -> int:
        from swfkit.flows import FlowDefinitionError, FlowRefused

        try:
            return int(handler(args))
        except FlowDefinitionError as error:
            raise UsageError(str(error)) from None
        except FlowRefused as error:
            sys.stdout.flush()
            print("swfkit: %s" % " ".join(str(error).split()), file=sys.stderr)
            return EXIT_FAULT
    run.__doc__ = handler.__doc__
    return run


def flow_operation(args: argparse.Namespace) -> int:
    """``swfkit flow run|recover|run-one|run-from``."""
    operation = OPERATIONS[args.flow_action]
    local = getattr(args, "local", False)
    if local and getattr(args, "run_workers", False):
        raise UsageError("flow run --local runs everything in this process already; drop --run-workers")
    flow = _flow(args.flow)
    context = None
    if getattr(args, "context", None) is not None:
        try:
            context = json.loads(args.context)
        except ValueError as error:
            raise UsageError("--context: not valid JSON: %s" % error) from None
    engine = _engine(args, local=local)
    method = getattr(engine, operation)
    if operation == "run":
        state = method(flow, args.timeperiod, context)
    elif operation == "recover":
        state = method(flow, args.timeperiod)
    else:
        state = method(flow, args.timeperiod, args.step)
    show_state(args, state)
    if state.status not in ("completed", "running"):
        sys.stdout.flush()
        why = "steps %s" % ", ".join(state.failed_steps) if state.failed_steps else state.reason
        print("swfkit: flow %s %s %s: %s" % (flow.name, args.timeperiod, state.status, why), file=sys.stderr)
        return EXIT_FAULT
    return 0


def flow_status(args: argparse.Namespace) -> int:
    """``swfkit flow status``: the latest run as a table, ``--json``, and ``--dot FILE``."""
    from swfkit.flows import to_dot

    flow = _flow(args.flow)
    state = _engine(args).status(flow, args.timeperiod)
    if args.dot:
        with open(args.dot, "w", encoding="utf-8") as handle:
            handle.write(to_dot(state))
    show_state(args, state)
    return 0


def flow_actor(args: argparse.Namespace) -> int:
    """``swfkit flow decider|worker MODULE:FLOW``: poll in this process until SIGTERM/SIGINT."""
    from swfkit.actors import ensure_registered
    from swfkit.cli.actor_commands import check_endpoint
    from swfkit.flows import flow_decider, flow_workers, program_for

    flow = _flow(args.flow)
    domain = connection.domain(args)
    layer1 = connection.make_client(args)
    program = program_for(flow, getattr(args, "log_dir", None))
    if args.register:
        ensure_registered(layer1, domain, workflow_types=[program.workflow_class.swfkit_definition.registration],
                          activity_types=program.activity_types())
    actor: Any
    if args.flow_action == "decider":
        actor = flow_decider(flow, layer1, domain)
    else:
        lists = program.task_lists
        task_list = args.task_list or (lists[0] if len(lists) == 1 else None)
        if task_list is None:
            raise UsageError("%s: its actions use several task lists (%s); pass --task-list to pick one"
                             % (args.flow, ", ".join(lists)))
        actor = flow_workers(flow, layer1, domain, task_lists=[task_list], log_dir=args.log_dir)[0]
    check_endpoint(actor)
    if sys.stderr.isatty():
        print("swfkit: flow %s %s polling %s/%s (SIGTERM or Ctrl-C stops it)" % (
            flow.name, args.flow_action, domain, actor.task_list), file=sys.stderr, flush=True)
    actor.run()
    return 0


def _positive(text: str) -> int:
    from swfkit.cli.actor_commands import positive_int

    return positive_int(text)


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``flow`` and its subcommands to ``commands`` (a subparsers action)."""
    top = commands.add_parser("flow", help="run, recover and inspect flows (DAGs of steps) by timeperiod")
    actions = top.add_subparsers(dest="flow_action", metavar="ACTION", required=True)
    for action, text in (("run", "a fresh run of every step"),
                         ("recover", "after a failed run: run the steps that did not complete"),
                         ("run-one", "run one step again (its predecessors completed)"),
                         ("run-from", "run a step and every step derived from it again"),
                         ("status", "the latest run: table, --json, --dot FILE")):
        parser = actions.add_parser(action, parents=[common], help=text)
        parser.add_argument("flow", metavar="MODULE:FLOW", help="the swfkit.flows.Flow to work on")
        parser.add_argument("timeperiod", metavar="TIMEPERIOD", help="e.g. 2026120500")
        if action in ("run-one", "run-from"):
            parser.add_argument("step", metavar="STEP")
        if action == "status":
            parser.add_argument("--dot", metavar="FILE", help="also write the DAG, coloured by state, as Graphviz DOT")
            parser.set_defaults(handler=_one_line_errors(flow_status))
            continue
        if action == "run":
            parser.add_argument("--context", help="the context every action gets a copy of, as JSON")
            parser.add_argument("--local", action="store_true",
                                help="run in this process under run_local (no endpoint; the run is not kept)")
        parser.add_argument("--max-parallel", type=_positive, help="most steps running at once")
        parser.add_argument("--run-workers", action="store_true",
                            help="run a decider and workers in this process while the run lasts")
        parser.add_argument("--no-wait", action="store_true", help="return once the run started")
        parser.add_argument("--timeout", type=float, help="seconds to wait for the run (it goes on after)")
        parser.add_argument("--log-dir", help="directory of the action log files (with --local / --run-workers)")
        parser.set_defaults(handler=_one_line_errors(flow_operation))
    for action, text in (("decider", "decide for a flow's runs until SIGTERM/SIGINT"),
                         ("worker", "run a flow's actions until SIGTERM/SIGINT")):
        parser = actions.add_parser(action, parents=[common], help=text)
        parser.add_argument("flow", metavar="MODULE:FLOW")
        parser.add_argument("--register", action="store_true", help="register the domain and the flow's types first")
        if action == "worker":
            parser.add_argument("--task-list", help="the task list to poll (when the actions use several)")
            parser.add_argument("--log-dir", help="directory of the per flow and per step log files")
        parser.set_defaults(handler=_one_line_errors(flow_actor))
