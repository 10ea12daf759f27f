"""Python values at the surface, SWF's wire forms underneath: durations, days, dates, task lists."""
from __future__ import annotations

import datetime
from typing import Any, Dict, Mapping, Optional, Tuple, Union

from swfkit.exceptions import ValidationError
from swfkit.spec.limits import MAX_TIMEOUT_SECONDS, TIMEOUT_PATTERN

#: SWF's "no limit" for a timeout (and "not retained" for a domain's retention).
UNLIMITED = "NONE"

Duration = Union[datetime.timedelta, int, str]
TaskList = Union[str, Mapping[str, str]]
TypeRef = Union[Tuple[str, str], Mapping[str, str]]


def duration_to_wire(value: Optional[Duration], operation: str, field: str) -> Optional[str]:
    """``timedelta``/whole seconds/digit string/``"NONE"`` → SWF's seconds string (``None`` stays)."""
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        seconds = value.total_seconds()
        if seconds != int(seconds):
            raise ValidationError(operation, field, "must be whole seconds, got %r" % value)
        value = int(seconds)
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError(operation, field, "must be a timedelta, whole seconds or 'NONE', got %r" % (value,))
    text = str(value)
    if not TIMEOUT_PATTERN.match(text) or (text != UNLIMITED and int(text) > MAX_TIMEOUT_SECONDS):
        raise ValidationError(operation, field, "must be 0..%d seconds or 'NONE', got %r" % (MAX_TIMEOUT_SECONDS, value))
    return text


def duration_from_wire(value: Optional[str]) -> Union[datetime.timedelta, str, None]:
    """SWF's seconds string → ``timedelta``; ``"NONE"`` stays ``"NONE"``; absent → ``None``."""
    if value is None or value == UNLIMITED:
        return value
    return datetime.timedelta(seconds=int(value))


def days_to_wire(value: Union[int, datetime.timedelta, str], operation: str) -> str:
    """A retention period (whole days, a whole-day ``timedelta`` or ``"NONE"``) → SWF's days string."""
    if isinstance(value, datetime.timedelta):
        if value.seconds or value.microseconds:
            raise ValidationError(operation, "workflowExecutionRetentionPeriodInDays", "must be whole days, got %r" % value)
        value = value.days
    if value == UNLIMITED:
        return UNLIMITED
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 90:
        raise ValidationError(operation, "workflowExecutionRetentionPeriodInDays", "must be 0..90 days or 'NONE', got %r" % (value,))
    return str(value)


def timestamp_from_wire(value: Optional[float]) -> Optional[datetime.datetime]:
    """Epoch seconds from SWF → aware UTC ``datetime``."""
    if value is None:
        return None
    return datetime.datetime.fromtimestamp(value, datetime.timezone.utc)


def task_list_to_wire(value: Optional[TaskList]) -> Optional[Dict[str, str]]:
    """``"main"`` or ``{"name": "main"}`` → ``{"name": "main"}``."""
    if value is None:
        return None
    if isinstance(value, str):
        return {"name": value}
    return dict(value)


def task_list_from_wire(value: Optional[Mapping[str, str]]) -> Optional[str]:
    return None if value is None else value.get("name")


def priority_to_wire(value: Optional[Union[int, str]]) -> Optional[str]:
    return None if value is None else str(value)


def priority_from_wire(value: Optional[str]) -> Optional[int]:
    return None if value is None else int(value)


def type_to_wire(value: Any) -> Dict[str, str]:
    """A ``WorkflowType``/``ActivityType``, ``(name, version)`` or wire dict → ``{"name", "version"}``."""
    if hasattr(value, "name") and hasattr(value, "version"):
        return {"name": value.name, "version": value.version}
    if isinstance(value, tuple):
        return {"name": value[0], "version": value[1]}
    return dict(value)


def drop_none(**params: Any) -> Dict[str, Any]:
    """Keyword arguments without the ``None`` ones (not sent)."""
    return {key: value for key, value in params.items() if value is not None}
