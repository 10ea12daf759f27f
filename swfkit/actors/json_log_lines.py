"""Log records as JSON lines: one object per line, with the ids of the task being handled.

A ``logging.Formatter`` for the application to put on its handler (the library configures no
logging; ``swfkit ... --log-format json`` does it for the command)::

    handler = logging.StreamHandler()
    handler.setFormatter(JsonLinesFormatter())
    logging.getLogger().addHandler(handler)

Each line has ``time`` (UTC, ISO 8601 with milliseconds), ``level``, ``logger`` and ``message``;
while an actor handles a task (``swfkit.actors.task_log_context``), also ``domain``, ``task_list``,
``workflow_id``, ``run_id``, ``started_event_id`` and, for an activity task, ``activity_id`` and
``activity_type``, for a decision task, ``workflow_type`` and ``scheduled_event_id``; a record
with an exception has ``exception`` (its traceback text). Messages are taken as the handler's
filters left them, so a filter that masks secrets masks them here too.
"""
from __future__ import annotations

import datetime
import json
import logging
from typing import Any, Dict

from .task_log_context import RECORD_ATTRIBUTE, current_task_fields

__all__ = ["JsonLinesFormatter"]

_BASE_KEYS = ("time", "level", "logger", "message")


class JsonLinesFormatter(logging.Formatter):
    """Formats each record as one JSON object on one line (see the module's docstring)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: Dict[str, Any] = {
            "time": _utc_text(record.created),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        # Ids put on the record where it was made (pool children, queue handlers), else this context's.
        fields = getattr(record, RECORD_ATTRIBUTE) if hasattr(record, RECORD_ATTRIBUTE) else current_task_fields()
        if fields:
            for key, value in fields.items():
                if key not in _BASE_KEYS:
                    entry[key] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str, ensure_ascii=False)


def _utc_text(created: float) -> str:
    moment = datetime.datetime.fromtimestamp(created, datetime.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + "%03dZ" % (moment.microsecond // 1000)
