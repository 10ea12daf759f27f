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
from typing import Any, Dict, Iterator, Mapping, Optional

__all__ = ["current_task_fields", "task_fields", "activity_task_fields", "decision_task_fields",
           "TaskFieldsFilter", "RECORD_ATTRIBUTE"]

#: The attribute ``TaskFieldsFilter`` sets on log records.
RECORD_ATTRIBUTE = "swfkit_task"

_current: "contextvars.ContextVar[Optional[Mapping[str, Any]]]" = contextvars.ContextVar("swfkit_task", default=None)


def current_task_fields() -> Optional[Mapping[str, Any]]:
    """The ids of the task handled in this context, or None outside a task."""
    return _current.get()


@contextlib.contextmanager
def task_fields(fields: Mapping[str, Any]) -> Iterator[None]:
    """While inside, ``current_task_fields()`` returns ``fields`` (in this context only)."""
    token = _current.set(fields)
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
                         scheduled_event_id: Optional[int] = None) -> Dict[str, Any]:
    """The ids of a decision task from its first page (``PollForDecisionTask``'s answer).

    Args:
        domain, task_list: where the task was polled.
        page: the poll's answer.
        scheduled_event_id: the DecisionTaskScheduled event id, once the history was read.

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
    if scheduled_event_id is not None:
        fields["scheduled_event_id"] = scheduled_event_id
    return fields


class TaskFieldsFilter(logging.Filter):
    """Sets ``record.swfkit_task`` to the current task's ids (or None) on every record it sees.

    Put it on a handler that formats records later or elsewhere (a ``QueueHandler``); a
    ``JsonLinesFormatter`` on an ordinary handler reads the context itself.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, RECORD_ATTRIBUTE):
            fields = _current.get()
            setattr(record, RECORD_ATTRIBUTE, dict(fields) if fields is not None else None)
        return True
