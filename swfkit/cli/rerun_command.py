"""``swfkit activity rerun WORKFLOW_ID --activity-id A [--run-id R] [MODULE]``: debug an activity.

Runs that activity's function in this process with the input its history recorded, and prints its
result (exit 0) or its traceback (exit 1). The function is found the way ``worker start`` finds
it: a module of futures ``@activity`` functions, ``MODULE:CLASS`` of a ``swfkit.actors.Worker``
subclass, or (no MODULE) the activity type's name read as ``module.function``.

Offloaded payloads: ``rerun_activity`` takes a ``decode`` function applied to the recorded input
before the call (identity by default); the command passes ``payload_decoder()``, which fetches an
offloaded input back from its store.
"""
from __future__ import annotations

import argparse
import sys
import traceback
from typing import Any, Callable, Dict, List, Mapping, Optional, Tuple

from swfkit.cli import connection
from swfkit.cli.failure_lines import EXIT_FAULT, UsageError
from swfkit.cli.rendering import print_json, wants_json

__all__ = ["recorded_activity", "rerun_activity", "payload_decoder"]


def _identity(text: Optional[str]) -> Optional[str]:
    return text


def payload_decoder() -> Callable[[Optional[str]], Optional[str]]:
    """How recorded inputs are decoded before a rerun: an offloaded payload is fetched back from
    the store its reference names (``swfkit.payloads``; other text is unchanged)."""
    from swfkit.cli.payload_options import payload_reader

    return payload_reader()


def recorded_activity(events: List[Mapping[str, Any]], activity_id: str) -> Dict[str, Any]:
    """The latest ActivityTaskScheduled attributes of ``activity_id`` (plus its outcome, if any).

    Raises:
        UsageError: the history never scheduled that activity id (names the ids it has).
    """
    found: Optional[Dict[str, Any]] = None
    scheduled_id = 0
    ids: List[str] = []
    for raw in events:
        kind = raw.get("eventType")
        if kind == "ActivityTaskScheduled":
            a = raw["activityTaskScheduledEventAttributes"]
            ids.append(a["activityId"])
            if a["activityId"] == activity_id:
                found, scheduled_id = dict(a, outcome="scheduled"), raw["eventId"]
        elif found is not None and kind in ("ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskTimedOut",
                                            "ActivityTaskCanceled"):
            a = raw[kind[0].lower() + kind[1:] + "EventAttributes"]
            if a.get("scheduledEventId") == scheduled_id:
                found["outcome"] = kind
    if found is None:
        known = sorted(set(ids))
        raise UsageError("activity rerun: no activity %r in this history (it has %s)" % (
            activity_id, ", ".join(known[:10]) + (" ..." if len(known) > 10 else "") if known else "none"))
    return found


def _worker_for(spec: Optional[str], activity_type: Mapping[str, Any], layer1: Any) -> Any:
    """A ``Worker`` that knows ``activity_type`` (``layer1`` is never used: it does not poll)."""
    import types

    from swfkit.actors import Worker
    from swfkit.cli.actor_commands import load_target, module_activities

    name = str(activity_type.get("name", ""))
    if not spec and "." not in name:
        raise UsageError("activity rerun: the activity type %r does not name module.function: give the MODULE of "
                         "its @activity functions (or MODULE:CLASS of its Worker)" % name)
    target = load_target(spec if spec else name, modules=bool(spec))
    if isinstance(target, types.ModuleType):
        worker = Worker(layer1, "rerun", "rerun")
        for act in module_activities(target):
            act.register(worker)
        return worker
    if isinstance(target, type) and issubclass(target, Worker):
        return target(layer1, "rerun", "rerun")
    if spec is None and callable(target):  # the type name was module.function
        worker = Worker(layer1, "rerun", "rerun")
        handler = getattr(target, "register", None)
        if callable(handler) and hasattr(target, "swfkit_activity"):
            handler(worker)
        else:
            worker.register(target, name=name, version=str(activity_type.get("version", "")))
        return worker
    raise UsageError("%s: not a module of @activity functions nor a swfkit.actors.Worker subclass" % spec)


def rerun_activity(recorded: Mapping[str, Any], worker: Any, *, workflow_execution: Mapping[str, str],
                   decode: Callable[[Optional[str]], Optional[str]] = _identity) -> Tuple[bool, Any]:
    """Run the recorded activity through ``worker.do`` in this process.

    Args:
        recorded: from ``recorded_activity``.
        worker: a ``swfkit.actors.Worker`` knowing the activity type.
        workflow_execution: the execution the task belongs to (the task's ``workflow_execution``).
        decode: applied to the recorded input first (offloaded payloads).
    Returns:
        ``(True, result)`` or ``(False, formatted traceback)``.
    """
    from swfkit.actors import ActivityTask

    task = ActivityTask.from_response({"taskToken": "swfkit-activity-rerun", "activityId": recorded["activityId"],
                                       "activityType": recorded["activityType"],
                                       "input": decode(recorded.get("input")),
                                       "workflowExecution": dict(workflow_execution)})
    try:
        return True, worker.do(task)
    except Exception:  # the point of a rerun: show the activity's own failure in full
        return False, traceback.format_exc()


def activity_rerun(args: argparse.Namespace) -> int:
    """``swfkit activity rerun``: print the result (exit 0) or the traceback (exit 1)."""
    from swfkit.cli.operator_commands import fetch_history

    with connection.make_client(args) as swf:
        fetched = fetch_history(swf, connection.domain(args), args.workflow_id, args.run_id)
        recorded = recorded_activity(fetched["events"], args.activity_id)
        worker = _worker_for(args.module, recorded["activityType"], swf)
    ok, value = rerun_activity(recorded, worker, workflow_execution=fetched["execution"], decode=payload_decoder())
    if wants_json(args):
        print_json({"activityId": args.activity_id, "activityType": recorded["activityType"],
                    "recordedOutcome": recorded["outcome"], "ok": ok, "result" if ok else "traceback": value})
    elif ok:
        print("null" if value is None else value)
    if ok:
        return 0
    sys.stdout.flush()
    if not wants_json(args):
        sys.stderr.write(value)
    print("swfkit: activity %s (%s/%s) failed when rerun (recorded: %s)" % (
        args.activity_id, recorded["activityType"].get("name"), recorded["activityType"].get("version"),
        recorded["outcome"]), file=sys.stderr)
    return EXIT_FAULT


class _IntermixedParser(argparse.ArgumentParser):
    """Takes positionals after options too (``rerun ID --activity-id A MODULE``): plain argparse
    gives the optional MODULE up once the options start."""

    _mixing = False

    def parse_known_args(self, args: Any = None, namespace: Any = None) -> Any:
        if self._mixing:  # parse_known_intermixed_args calls back here
            return super().parse_known_args(args, namespace)
        self._mixing = True
        try:
            return self.parse_known_intermixed_args(args, namespace)
        finally:
            self._mixing = False


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``activity rerun`` to ``commands`` (a subparsers action)."""
    top = commands.add_parser("activity", help="debug activities: rerun one in this process")
    actions = top.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_IntermixedParser)
    parser = actions.add_parser("rerun", parents=[common], help="run an activity again here with its recorded input")
    parser.add_argument("workflow_id", metavar="WORKFLOW_ID")
    parser.add_argument("module", metavar="MODULE", nargs="?",
                        help="a module of @activity functions or MODULE:CLASS of a Worker subclass (default: the "
                             "activity type name read as module.function)")
    parser.add_argument("--activity-id", required=True, help="the activity to rerun (its latest attempt)")
    parser.add_argument("--run-id", help="default: the open run, else the latest closed run")
    parser.set_defaults(handler=activity_rerun)
