"""``swfkit replay MODULE:Workflow (WORKFLOW_ID [--run-id R] | --history FILE)``.

Replays a futures workflow against a recorded history and says "replays cleanly" (exit 0) or
names the first divergence (exit 1). Duck-typed like the other commands (the CLI never imports
``swfkit.futures``): the class's ``swfkit_replay(events, workflow_id=, run_id=)`` does the work.
"""
from __future__ import annotations

import argparse
import sys
from typing import Any

from swfkit.cli import connection
from swfkit.cli.failure_lines import EXIT_FAULT, UsageError
from swfkit.cli.rendering import print_json, wants_json


def replay(args: argparse.Namespace) -> int:
    """``swfkit replay``: 0 when the history replays cleanly, 1 with the first divergence."""
    from swfkit.cli.actor_commands import load_target
    from swfkit.cli.operator_commands import fetch_history

    if (args.workflow_id is None) == (args.history is None):
        raise UsageError("replay: give a WORKFLOW_ID to fetch or --history FILE, not both and not neither")
    target = load_target(args.workflow_class)
    if not callable(getattr(target, "swfkit_replay", None)):
        raise UsageError("%s: not a futures @workflow class (it has no swfkit_replay)" % args.workflow_class)
    if args.history is not None:
        events: Any = args.history  # the workflow's side reads the file (load_history)
        source = args.history
        ids = {"workflow_id": args.original_workflow_id or "replay", "run_id": args.run_id or "replay"}
    else:
        with connection.make_client(args) as swf:
            fetched = fetch_history(swf, connection.domain(args), args.workflow_id, args.run_id)
        events = fetched["events"]
        execution = fetched["execution"]
        source = "%s run %s" % (execution["workflowId"], execution["runId"])
        ids = {"workflow_id": execution["workflowId"], "run_id": execution["runId"]}
    report = target.swfkit_replay(events, **ids)
    if wants_json(args):
        print_json(dict(report.to_dict(), source=source))
    elif report.clean:
        print("%s replays cleanly: %s (%d decision tasks)" % (args.workflow_class, source, report.decision_tasks))
    if report.clean:
        return 0
    divergence = report.divergence
    sys.stdout.flush()
    print("swfkit: %s does not replay %s: event %d recorded %s; the code asked for %s" % (
        args.workflow_class, source, divergence.event_id, divergence.recorded, divergence.requested), file=sys.stderr)
    return EXIT_FAULT


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``replay`` to ``commands`` (a subparsers action)."""
    parser = commands.add_parser("replay", parents=[common], help="check workflow code against a recorded history",
                                 description="Replay a futures @workflow class on a recorded history (fetched, or a "
                                             "file from `swfkit workflow history --json`); exit 0 when it replays "
                                             "cleanly, 1 with the first divergence.")
    parser.add_argument("workflow_class", metavar="MODULE:WORKFLOW", help="the @workflow class (the new code)")
    parser.add_argument("workflow_id", metavar="WORKFLOW_ID", nargs="?", help="the execution to fetch")
    parser.add_argument("--run-id", help="default: the open run, else the latest closed run")
    parser.add_argument("--history", metavar="FILE", help="a saved history instead of fetching one")
    parser.add_argument("--workflow-id", dest="original_workflow_id",
                        help="with --history: the recorded execution's workflow id (child workflow ids derive from it)")
    parser.set_defaults(handler=replay)
