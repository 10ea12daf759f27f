"""Running one action on a worker (or under ``run_local``), with its log lines.

Every action is called with its own copy of the context (decoded from the task's input, so no
two actions share an object) and, for ``run(context)`` objects, on its own shallow copy of the
object (actions must be re-entrant; two steps may run the same object at once).

Log files (only when a log directory is configured): ``<dir>/<flow>/<flow>.log`` gets every line
of the flow, ``<dir>/<flow>/<step>.log`` the lines of that step. A line is
``<UTC time> [<timeperiod>] <step> <LEVEL> <message>`` for the step's own progress and
``<UTC time> [<timeperiod>] <step>.<action> <LEVEL> <message>`` for what an action logs.
"""
from __future__ import annotations

import copy
import datetime
import logging
import os
import threading
from typing import Any, Dict, Optional

__all__ = ["ActionLog", "action_log", "run_action"]

log = logging.getLogger("swfkit.flows.actions")
_current = threading.local()
_write_lock = threading.Lock()


class ActionLog:
    """What an action logs with: ``log.info("read %d rows", n)``; lines go to the flow's and the
    step's log files (when a directory is set) and to the ``swfkit.flows.actions`` logger."""

    def __init__(self, directory: Optional[str], flow: str, timeperiod: str, step: str,
                 action: Optional[str] = None) -> None:
        self.directory, self.flow, self.timeperiod, self.step, self.action = directory, flow, timeperiod, step, action
        self.source = step if action is None else "%s.%s" % (step, action)

    def for_step(self) -> "ActionLog":
        """The same log, writing the step's own lines (``step LEVEL message``)."""
        return ActionLog(self.directory, self.flow, self.timeperiod, self.step)

    def log(self, level: int, message: str, *args: Any) -> None:
        """Write one line at ``level`` (``message % args``, as ``logging`` does)."""
        text = message % args if args else message
        log.log(level, "%s %s [%s] %s", self.flow, self.source, self.timeperiod, text)
        if not self.directory:
            return
        stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")
        line = "%s [%s] %s %s %s\n" % (stamp, self.timeperiod, self.source, logging.getLevelName(level),
                                       " ".join(text.splitlines()) or "-")
        folder = os.path.join(self.directory, self.flow)
        with _write_lock:
            os.makedirs(folder, exist_ok=True)
            for name in (self.flow, self.step):
                with open(os.path.join(folder, name + ".log"), "a", encoding="utf-8") as handle:
                    handle.write(line)

    def debug(self, message: str, *args: Any) -> None:
        self.log(logging.DEBUG, message, *args)

    def info(self, message: str, *args: Any) -> None:
        self.log(logging.INFO, message, *args)

    def warning(self, message: str, *args: Any) -> None:
        self.log(logging.WARNING, message, *args)

    def error(self, message: str, *args: Any) -> None:
        self.log(logging.ERROR, message, *args)


def action_log() -> ActionLog:
    """The log of the action running in this thread (for ``futures.activity`` actions; objects
    with ``run(context)`` also get it as their ``log`` attribute). Outside an action: a log that
    only writes to the ``swfkit.flows.actions`` logger."""
    current = getattr(_current, "log", None)
    return current if current is not None else ActionLog(None, "-", "-", "-", "-")


def run_action(flow: Any, meta: Dict[str, Any], context: Any, log_dir: Optional[str]) -> Any:
    """Run the action ``meta`` names (``{"timeperiod", "step", "action"}``) of ``flow`` on ``context``.

    Returns:
        what the action returned (the activity's result).
    Raises:
        whatever the action raised (the worker reports it as the activity's failure), or KeyError
        for a step or action the flow does not have (a worker running another version of the flow).
    """
    step = flow.steps[meta["step"]]
    action = step.action(meta["action"])
    position = step.actions.index(action)
    logger = ActionLog(log_dir, flow.name, str(meta.get("timeperiod", "-")), step.name, action.name)
    step_log = logger.for_step()
    if position == 0:
        step_log.info("started")
    logger.info("%s action started", action.kind)
    previous, _current.log = getattr(_current, "log", None), logger
    try:
        if action.is_activity:
            value = action.target.func(context)
        else:
            target = copy.copy(action.target)  # re-entrant: each run on its own copy
            try:
                target.log = logger
            except AttributeError:  # a class with __slots__ or a read-only attribute: no log then
                pass
            value = target.run(context)
    except Exception as exc:
        logger.error("failed: %s: %s", type(exc).__name__, exc)
        step_log.error("failed at %s action %s", action.kind, action.name)
        raise
    finally:
        _current.log = previous
    logger.info("%s action completed", action.kind)
    if position == len(step.actions) - 1:
        step_log.info("completed")
    return value
