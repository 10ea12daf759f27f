"""``swfkit workflow tasks|profile|timeline|stuck|restart``: what an operator asks about executions.

The analysis is ``swfkit.history``'s (``execution_timeline``, ``profile_execution``,
``diagnose_stuck``): pure functions of the history this module fetches. ``add_commands`` also
registers the top-level ``activity rerun``, ``replay`` and ``standalone`` commands, which live in
their own modules.
"""
from __future__ import annotations

import argparse
import re
import time
from typing import Any, Dict, List, Optional, Tuple

from swfkit.cli import connection
from swfkit.cli.failure_lines import UsageError
from swfkit.cli.rendering import emit, print_json, type_label, wants_json, when
from swfkit.history.collection_pause import collection_paused

__all__ = ["add_workflow_commands", "add_commands", "fetch_history", "parse_duration"]

_UNITS = {"": 1, "s": 1, "m": 60, "min": 60, "h": 3600, "d": 86400}


def parse_duration(text: str) -> float:
    """argparse type: ``90``, ``90s``, ``15m``, ``2h``, ``1d`` (or ``1h30m``) as seconds.

    Raises:
        argparse.ArgumentTypeError: anything else.
    """
    parts = re.findall(r"(\d+(?:\.\d+)?)\s*(min|[smhd]?)", text.strip().lower())
    if not parts or re.sub(r"(\d+(?:\.\d+)?)\s*(min|[smhd]?)", "", text.strip().lower()).strip():
        raise argparse.ArgumentTypeError("expected a duration like 90s, 15m, 2h or 1d, got %r" % text)
    return sum(float(number) * _UNITS[unit] for number, unit in parts)


def fetch_history(swf: Any, domain: str, workflow_id: str, run_id: Optional[str]) -> Dict[str, Any]:
    """The execution (``run_id``, else the open run, else the latest closed run) and all its events.

    Returns:
        ``{"execution": {workflowId, runId}, "events": [...]}``.
    """
    from swfkit.cli.execution_commands import find_execution

    execution = find_execution(swf, domain, workflow_id, run_id)
    events: List[Dict[str, Any]] = []
    for page in swf.paginate("GetWorkflowExecutionHistory", domain=domain, execution=execution):
        events.extend(page.get("events", []))
    return {"execution": execution, "events": events}


def _load(args: argparse.Namespace) -> Dict[str, Any]:
    with connection.make_client(args) as swf:
        return fetch_history(swf, connection.domain(args), args.workflow_id, args.run_id)


def _seconds(value: float) -> str:
    return "%.3f" % value


def workflow_tasks(args: argparse.Namespace) -> int:
    """``swfkit workflow tasks ID``: one row per activity, child workflow, timer and Lambda function."""
    from swfkit.history import execution_timeline

    fetched = _load(args)
    with collection_paused():  # the events are freed once read, before the collector runs again
        return _print_tasks(args, fetched, execution_timeline(fetched.pop("events")))


def _print_tasks(args: argparse.Namespace, fetched: Dict[str, Any], timeline: Any) -> int:
    if wants_json(args):
        print_json([task.to_dict() for task in timeline.tasks])
        return 0
    # Dates by the second, each made once: the tasks of an execution share a few thousand seconds
    # (``x.get(k) or x.setdefault(k, ...)`` makes the text only when it is missing).
    dates: Dict[int, str] = {}
    rows: List[Tuple[str, ...]] = []
    add = rows.append
    for task in timeline.tasks:
        kind, task_id, name, attempts, state_time = task
        last = attempts[-1]  # fields by index below: TaskAttempt(_, state, scheduled, _, _, identity, _)
        since, scheduled = int(state_time), int(attempts[0][2])
        if len(attempts) == 1:  # the usual task: its one attempt's worker, if one started it
            identity, count = last[5] or "", "1"
        else:
            identity, count = last[5] or task.identity or "", str(len(attempts))
        add((kind, name, task_id, last[1], dates.get(since) or dates.setdefault(since, when(since)),
             dates.get(scheduled) or dates.setdefault(scheduled, when(scheduled)), count, identity))
    emit(args, None,
         ["KIND", "NAME", "ID", "STATE", "SINCE", "SCHEDULED", "ATTEMPTS", "WORKER"], rows,
         empty="(no tasks in %s run %s)" % (args.workflow_id, fetched["execution"]["runId"]))
    return 0


def workflow_profile(args: argparse.Namespace) -> int:
    """``swfkit workflow profile ID``: waiting and running time per task, totals, the critical path."""
    from swfkit.history import execution_timeline, profile_execution

    fetched = _load(args)
    with collection_paused():
        return _print_profile(args, fetched, profile_execution(execution_timeline(fetched.pop("events"))))


def _print_profile(args: argparse.Namespace, fetched: Dict[str, Any], report: Any) -> int:
    if wants_json(args):
        print_json(dict(report.to_dict(), execution=fetched["execution"]))
        return 0
    # Each distinct number formatted once: thousands of tasks share a few thousand durations.
    texts: Dict[float, str] = {}
    shares: Dict[float, str] = {}
    rows = [(task.task_id, task.name, task.attempts[-1].state, str(len(task.attempts)),
             texts.get(waiting) or texts.setdefault(waiting, "%.3f" % waiting),
             texts.get(running) or texts.setdefault(running, "%.3f" % running),
             shares.get(share) or shares.setdefault(share, "%.1f%%" % (100 * share)))
            for task, waiting, running, share in report.tasks]
    emit(args, None, ["ID", "NAME", "STATE", "ATTEMPTS", "WAITING S", "RUNNING S", "SHARE"], rows, empty="(no tasks)")
    print("total: %s s, %s (%d tasks: %s s waiting, %s s running)" % (
        _seconds(report.duration), report.close_status or "still open", len(report.tasks), _seconds(report.waiting),
        _seconds(report.running)))
    if report.critical_path:
        print("critical path: %s (%s s of the %s s)" % (" -> ".join(row.task.task_id for row in report.critical_path),
                                                        _seconds(report.critical_seconds), _seconds(report.duration)))
    return 0


def workflow_timeline(args: argparse.Namespace) -> int:
    """``swfkit workflow timeline ID --html FILE``: write the execution's Gantt chart page."""
    from swfkit.cli.timeline_page import render_timeline_page
    from swfkit.history import execution_timeline

    fetched = _load(args)
    execution = fetched["execution"]
    with collection_paused():
        timeline = execution_timeline(fetched.pop("events"))
        page = render_timeline_page(timeline, title="%s (run %s)" % (execution["workflowId"], execution["runId"]),
                                    subtitle="domain %s" % connection.domain(args))
        tasks, events = len(timeline.tasks), timeline.event_count
        del timeline  # freed while paused: its tens of thousands of tuples then need no collection pass
    with open(args.html, "w", encoding="utf-8") as out:
        out.write(page)
    if wants_json(args):
        print_json({"file": args.html, "tasks": tasks, "execution": execution})
    else:
        print("wrote %s (%d tasks, %d events)" % (args.html, tasks, events))
    return 0


def workflow_stuck(args: argparse.Namespace) -> int:
    """``swfkit workflow stuck``: open executions that nothing will move, one line each saying why."""
    from swfkit.history import diagnose_stuck

    domain = connection.domain(args)
    now = time.time()
    found: List[Dict[str, Any]] = []
    with connection.make_client(args) as swf:
        for page in swf.paginate("ListOpenWorkflowExecutions", domain=domain, start_time_filter={"oldestDate": 0}):
            for info in page.get("executionInfos", []):
                execution = info["execution"]
                events: List[Dict[str, Any]] = []
                for history in swf.paginate("GetWorkflowExecutionHistory", domain=domain, execution=execution):
                    events.extend(history.get("events", []))
                stuck = diagnose_stuck(events, failing_decisions=args.failing_decisions)
                if stuck is None or stuck.idle_seconds(now) < (args.older_than or 0):
                    continue
                found.append(dict(stuck.to_dict(), execution=execution, workflowType=info.get("workflowType"),
                                  idleSeconds=round(stuck.idle_seconds(now), 3)))
    rows = [[item["execution"]["workflowId"], item["execution"]["runId"], type_label(item.get("workflowType")),
             "%.0f s" % item["idleSeconds"], "%s: %s" % (item["reason"], item["description"])] for item in found]
    emit(args, found, ["WORKFLOW ID", "RUN ID", "TYPE", "IDLE", "WHY"], rows,
         empty="(no stuck executions in %s)" % domain)
    return 0


# What a restart copies from the WorkflowExecutionStarted event: attribute -> start_workflow_execution keyword.
_RESTART_FIELDS = (("workflowType", "workflow_type"), ("input", "input"), ("taskList", "task_list"),
                   ("tagList", "tag_list"), ("executionStartToCloseTimeout", "execution_start_to_close_timeout"),
                   ("taskStartToCloseTimeout", "task_start_to_close_timeout"), ("childPolicy", "child_policy"),
                   ("taskPriority", "task_priority"), ("lambdaRole", "lambda_role"))


def workflow_restart(args: argparse.Namespace) -> int:
    """``swfkit workflow restart ID``: start a new run with the same type, input, task list, tags,
    timeouts and child policy (under the same workflow id unless ``--workflow-id``)."""
    from swfkit.cli.execution_commands import find_execution

    domain = connection.domain(args)
    with connection.make_client(args) as swf:
        execution = find_execution(swf, domain, args.workflow_id, args.run_id)
        first = swf.get_workflow_execution_history(domain=domain, execution=execution, maximum_page_size=1)
        events = first.get("events", [])
        if not events or events[0].get("eventType") != "WorkflowExecutionStarted":
            raise UsageError("workflow restart: run %s of %s has no WorkflowExecutionStarted event"
                             % (execution["runId"], args.workflow_id))
        started = events[0]["workflowExecutionStartedEventAttributes"]
        options = {keyword: started[key] for key, keyword in _RESTART_FIELDS if started.get(key) not in (None, [])}
        new_id = args.new_workflow_id or execution["workflowId"]
        answer = swf.start_workflow_execution(domain=domain, workflow_id=new_id, **options)
    result = {"workflowId": new_id, "runId": answer.get("runId"), "restartedFrom": execution}
    if wants_json(args):
        print_json(result)
    else:
        print(answer.get("runId"))
    return 0


def add_workflow_commands(actions: Any, common: argparse.ArgumentParser) -> None:
    """Add ``tasks``, ``profile``, ``timeline``, ``stuck`` and ``restart`` to ``workflow``'s subparsers."""
    for action, handler, text in (("tasks", workflow_tasks, "one row per activity, child workflow, timer, Lambda"),
                                  ("profile", workflow_profile, "where the time went: waiting, running, critical path"),
                                  ("timeline", workflow_timeline, "write the execution's Gantt chart as an HTML page"),
                                  ("restart", workflow_restart, "start a new run with the same type, input and options")):
        parser = actions.add_parser(action, parents=[common], help=text)
        parser.add_argument("workflow_id", metavar="WORKFLOW_ID")
        parser.add_argument("--run-id", help="default: the open run, else the latest closed run")
        if action == "timeline":
            parser.add_argument("--html", required=True, metavar="FILE", help="the page to write")
        if action == "restart":
            parser.add_argument("--workflow-id", dest="new_workflow_id", help="the new run's workflow id "
                                "(default: the same; SWF refuses it while that execution is open)")
        parser.set_defaults(handler=handler)
    parser = actions.add_parser("stuck", parents=[common], help="open executions that nothing will move")
    parser.add_argument("--older-than", type=parse_duration, metavar="DURATION",
                        help="only those idle at least this long (90s, 15m, 2h, 1d)")
    parser.add_argument("--failing-decisions", type=int, default=3, metavar="N",
                        help="decision tasks in a row that timed out or failed to count as stuck (default 3)")
    parser.set_defaults(handler=workflow_stuck)


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``activity rerun``, ``replay`` and ``standalone`` to ``commands`` (a subparsers action)."""
    from swfkit.cli import replay_command, rerun_command, standalone_command

    rerun_command.add_commands(commands, common)
    replay_command.add_commands(commands, common)
    standalone_command.add_commands(commands, common)
