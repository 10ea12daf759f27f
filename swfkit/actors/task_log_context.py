"""The ids of the task being handled, for log lines: a context variable the actors set per task.

While a Worker runs an activity task (or a Decider decides), ``current_task_fields()`` returns the
task's ids: domain, task list, workflow id, run id, activity id and type (or workflow type),
started and scheduled event ids where known. A context variable, not a thread-local, so it follows
the task into the threads the actor starts for it (heartbeats, the answer) and into asyncio tasks;
log lines written by the activity's own code carry the ids too.

Formatting is the application's: ``swfkit.actors.json_log_lines.JsonLinesFormatter`` writes these
fields; ``TaskFieldsFilter`` copies them onto each record where it is created (needed when records
are formatted elsewhere, e.g. the parent of a process pool), as ``record.swfkit_task``.
"""
from __future__ import annotations

import contextlib
import contextvars
import logging
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Tuple

__all__ = ["current_task_fields", "task_fields", "enter_task", "leave_task", "activity_task_fields",
           "decision_task_fields", "TaskFieldsFilter", "RECORD_ATTRIBUTE"]

#: The attribute ``TaskFieldsFilter`` sets on log records.
RECORD_ATTRIBUTE = "swfkit_task"

# What the actors set per task is the builder of the fields and its arguments, not the fields: a
# task's fields are only built when a log line asks for them, so a task nobody logs about costs a
# tuple and a set (the actors' hot path pays that for every task).
_Entry = Tuple[Callable[..., Mapping[str, Any]], Tuple[Any, ...]]
_current: "contextvars.ContextVar[Optional[_Entry]]" = contextvars.ContextVar("swfkit_task", default=None)


def current_task_fields() -> Optional[Mapping[str, Any]]:
    """The ids of the task handled in this context (a new dict), or None outside a task."""
    entry = _current.get()
    if entry is None:
        return None
    builder, arguments = entry
    return builder(*arguments)


def enter_task(builder: Callable[..., Mapping[str, Any]], *arguments: Any) -> "contextvars.Token[Any]":
    """From now on in this context, ``current_task_fields()`` is ``builder(*arguments)``; give the
    result to ``leave_task`` when the task is done (the actors' cheap form of ``task_fields``)."""
    return _current.set((builder, arguments))


def leave_task(token: "contextvars.Token[Any]") -> None:
    """Undo the ``enter_task`` that returned ``token``."""
    _current.reset(token)


@contextlib.contextmanager
def task_fields(fields: Mapping[str, Any]) -> Iterator[None]:
    """While inside, ``current_task_fields()`` returns (a copy of) ``fields``, in this context only."""
    token = _current.set((dict, (fields,)))
    try:
        yield
    finally:
        _current.reset(token)


def activity_task_fields(domain: str, task_list: str, task: Any) -> Dict[str, Any]:
    """The ids of an ``ActivityTask`` (its scheduled event id is not in the poll answer: left out).

    Args:
        domain, task_list: where the task was polled.
        task: the ``ActivityTask``.

    Returns:
        A new dict: domain, task_list, workflow_id, run_id, activity_id, activity_type, started_event_id.
    """
    activity_type = task.activity_type or {}
    return {"domain": domain, "task_list": task_list, "workflow_id": task.workflow_id, "run_id": task.run_id,
            "activity_id": task.activity_id,
            "activity_type": "%s/%s" % (activity_type.get("name"), activity_type.get("version")),
            "started_event_id": task.started_event_id}


def decision_task_fields(domain: str, task_list: str, page: Mapping[str, Any],
                         decision_task: Any = None) -> Dict[str, Any]:
    """The ids of a decision task from its first page (``PollForDecisionTask``'s answer).

    Args:
        domain, task_list: where the task was polled.
        page: the poll's answer.
        decision_task: the ``DecisionTask`` once the history was read (for the scheduled event id).

    Returns:
        A new dict: domain, task_list, workflow_id, run_id, workflow_type, started_event_id
        (and scheduled_event_id when given).
    """
    execution = page.get("workflowExecution") or {}
    workflow_type = page.get("workflowType") or {}
    fields: Dict[str, Any] = {
        "domain": domain, "task_list": task_list, "workflow_id": execution.get("workflowId"),
        "run_id": execution.get("runId"),
        "workflow_type": "%s/%s" % (workflow_type.get("name"), workflow_type.get("version")),
        "started_event_id": int(page.get("startedEventId") or 0)}
    if decision_task is not None:
        try:
            started = decision_task.history[decision_task.started_event_id]
            fields["scheduled_event_id"] = int(started.scheduled_event_id)
        except Exception:  # a history too odd to say: the ids are for log lines, not worth failing over
            pass
    return fields


class TaskFieldsFilter(logging.Filter):
    """Sets ``record.swfkit_task`` to the current task's ids (or None) on every record it sees.

    Put it on a handler that formats records later or elsewhere (a ``QueueHandler``); a
    ``JsonLinesFormatter`` on an ordinary handler reads the context itself.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, RECORD_ATTRIBUTE):
            setattr(record, RECORD_ATTRIBUTE, current_task_fields())
        return True
