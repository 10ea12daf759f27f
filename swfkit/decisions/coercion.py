"""Python values at the surface → SWF's wire values, picked by the member's model shape.

``timedelta``/``int`` timeouts become strings of seconds, ``(name, version)`` tuples become type
dicts, a task-list name becomes ``{"name": ...}``, ``int`` priorities become strings. Anything
already in wire form passes through unchanged (the rules module checks it afterwards). A value of
the wrong Python type is a ``ValidationError`` naming the path, never a ``TypeError``.
"""
from __future__ import annotations

from datetime import timedelta
from collections.abc import Mapping
from typing import Any, Callable, Dict

from swfkit.decisions.rules import fail
from swfkit.spec import SHAPES


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def to_timeout(value: Any, path: str) -> Any:
    """``timedelta`` or ``int`` seconds → ``"60"``; strings (digits or ``"NONE"``) pass through."""
    if isinstance(value, timedelta):
        if value.microseconds:
            raise fail(path, "must be a whole number of seconds (%r has a fraction)" % value)
        value = value.days * 86_400 + value.seconds
    if _is_int(value):
        if value < 0:
            raise fail(path, "must be at least 0 seconds")
        return str(value)
    if isinstance(value, str):
        return value
    raise fail(path, "must be int seconds, a timedelta, a string of seconds or 'NONE', not %s"
               % type(value).__name__)


def to_priority(value: Any, path: str) -> Any:
    """``int`` or an integer string → SWF's canonical string (``"+5"`` → ``"5"``)."""
    if _is_int(value):
        return str(value)
    if isinstance(value, str):
        body = value[1:] if value[:1] in "+-" else value
        if body.isdigit() and body.isascii() and len(body) <= 10:
            return str(int(value))
        return value  # left for the rules to refuse with the range message
    raise fail(path, "must be an int or a string holding one, not %s" % type(value).__name__)


def to_type(value: Any, path: str) -> Any:
    """``(name, version)``, ``{"name", "version"}`` or an object with ``.name``/``.version`` → dict."""
    if isinstance(value, Mapping):
        return dict(value)
    if isinstance(value, (tuple, list)):
        if len(value) != 2:
            raise fail(path, "must be a (name, version) pair, got %d items" % len(value))
        return {"name": value[0], "version": value[1]}
    name, version = getattr(value, "name", None), getattr(value, "version", None)
    if isinstance(name, str) and isinstance(version, str):
        return {"name": name, "version": version}
    raise fail(path, "must be a (name, version) pair or a {'name': ..., 'version': ...} dict, not %s"
               % type(value).__name__)


def to_task_list(value: Any, path: str) -> Any:
    """``"name"`` or ``{"name": ...}`` → ``{"name": ...}``."""
    if isinstance(value, str):
        return {"name": value}
    if isinstance(value, Mapping):
        return dict(value)
    raise fail(path, "must be a task list name or a {'name': ...} dict, not %s" % type(value).__name__)


def to_tag_list(value: Any, path: str) -> Any:
    """Any list or tuple of tags → list; a bare string is refused (it is not a list of tags)."""
    if isinstance(value, (list, tuple)):
        return list(value)
    raise fail(path, "must be a list of tags, not %s" % type(value).__name__)


#: How each model shape is coerced; shapes not listed (strings) pass through as given.
COERCIONS: Dict[str, Callable[[Any, str], Any]] = {
    "DurationInSeconds": to_timeout,
    "DurationInSecondsOptional": to_timeout,
    "TaskPriority": to_priority,
    "ActivityType": to_type,
    "WorkflowType": to_type,
    "TaskList": to_task_list,
    "TagList": to_tag_list,
}


#: Attributes shape → {member: its coercion}, only for members that have one.
_BY_SHAPE: Dict[str, Dict[str, Callable[[Any, str], Any]]] = {}


def _coercions_of(shape_name: str) -> Dict[str, Callable[[Any, str], Any]]:
    found = _BY_SHAPE.get(shape_name)
    if found is None:
        members = SHAPES[shape_name]["members"]
        found = _BY_SHAPE[shape_name] = {member: COERCIONS[shape] for member, shape in members.items()
                                         if shape in COERCIONS}
    return found


def coerce_attributes(shape_name: str, key: str, values: Mapping[str, Any]) -> Dict[str, Any]:
    """Wire-form attributes from Python values; ``None`` means "not sent".

    Args:
        shape_name: the attributes shape, e.g. ``ScheduleActivityTaskDecisionAttributes``.
        key: the attributes key, used in error paths.
        values: camelCase member → Python value.
    """
    coercions = _coercions_of(shape_name)
    wire: Dict[str, Any] = {}
    for member, value in values.items():
        if value is None:
            continue
        coerce = coercions.get(member)
        wire[member] = value if coerce is None else coerce(value, key + "." + member)
    return wire
