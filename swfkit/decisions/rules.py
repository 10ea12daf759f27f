"""SWF's rules for one decision's attributes, checked before anything is sent.

The walk is driven by ``swfkit.spec.SHAPES`` (types, required members, lengths, enums) and adds the
rules the model does not carry (``swfkit.spec.limits``): identifier characters, timeouts as strings
of seconds or ``NONE`` capped at one year, task priorities in Java's int range, tag characters.

Every failure is a :class:`~swfkit.exceptions.ValidationError` whose ``path`` names the attributes
key and member (``scheduleActivityTaskDecisionAttributes.activityId``) and whose ``rule`` says
what was broken. Callers holding a list add the ``decisions[i].`` prefix (see :func:`at_index`).
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, Callable, Dict, Tuple

from swfkit.decisions.payload_offload import DEFERRABLE_SHAPES, active_encoder
from swfkit.exceptions import ValidationError
from swfkit.spec import DECISION_ATTRIBUTES, SHAPES
from swfkit.spec import limits

#: The operation decisions are sent with; every error of this package names it.
OPERATION = "RespondDecisionTaskCompleted"

#: Shapes whose strings are SWF identifiers: no ``:`` ``/`` ``|``, control characters or "arn".
#: (Marker and signal names are plain names; a Lambda function name may be an ARN.)
IDENTIFIER_SHAPES = frozenset({"Name", "Version", "ActivityId", "TimerId", "WorkflowId", "FunctionId"})
TIMEOUT_SHAPES = frozenset({"DurationInSeconds", "DurationInSecondsOptional"})
#: Members where SWF does not accept ``NONE`` (a timer must fire, an execution must end).
NO_NONE_MEMBERS = frozenset({"startToFireTimeout", "executionStartToCloseTimeout"})
#: ScheduleLambdaFunction's startToCloseTimeout is 1-900 seconds, never NONE.
LAMBDA_TIMEOUT_RANGE = (1, limits.DEFAULT_LAMBDA_START_TO_CLOSE_SECONDS)

_IDENTIFIER_RULE = "must not contain ':', '/', '|' or control characters (\\u0000-\\u001f, \\u007f-\\u009f)"


def fail(path: str, rule: str) -> ValidationError:
    """The error for ``rule`` broken at ``path`` (an attributes path, no ``decisions[i]`` prefix)."""
    return ValidationError(OPERATION, path, rule)


def at_index(error: ValidationError, index: int) -> ValidationError:
    """``error`` re-addressed inside a decision list: ``decisions[index].<path>``."""
    path = "decisions[%d].%s" % (index, error.path) if error.path else "decisions[%d]" % index
    return ValidationError(error.operation, path, error.rule)


def check_identifier(value: str, path: str) -> None:
    """SWF's identifier rule for an already length-checked string."""
    if limits.FORBIDDEN_IDENTIFIER_CHARACTERS.search(value):
        raise fail(path, _IDENTIFIER_RULE)
    if value == limits.FORBIDDEN_IDENTIFIER:
        raise fail(path, "must not be the literal string 'arn'")


def _check_timeout(value: str, path: str, member: str, in_lambda: bool) -> None:
    if in_lambda:
        low, high = LAMBDA_TIMEOUT_RANGE
        if not (value.isdigit() and value.isascii() and len(value) <= 8) or not low <= int(value) <= high:
            raise fail(path, "must be a whole number of seconds from %d to %d" % (low, high))
        return
    if not limits.TIMEOUT_PATTERN.match(value):
        raise fail(path, "must be a whole number of seconds (at most 8 digits) or 'NONE'")
    if value == "NONE":
        if member in NO_NONE_MEMBERS:
            raise fail(path, "'NONE' is not allowed here; give a number of seconds")
        return
    if int(value) > limits.MAX_TIMEOUT_SECONDS:
        raise fail(path, "must be at most %d seconds (1 year)" % limits.MAX_TIMEOUT_SECONDS)


def _check_priority(value: str, path: str) -> None:
    body = value[1:] if value[:1] in "+-" else value
    if not (body.isdigit() and body.isascii()) or len(body) > 10 \
            or not limits.TASK_PRIORITY_MIN <= int(value) <= limits.TASK_PRIORITY_MAX:
        raise fail(path, "must be an integer from %d to %d" % (limits.TASK_PRIORITY_MIN, limits.TASK_PRIORITY_MAX))


Checker = Callable[[Any, str], Any]


def _compile_string(shape_name: str, shape: Mapping[str, Any], member: str, parent: str) -> Checker:
    low, high, enum = shape.get("min", 0), shape.get("max"), shape.get("enum")
    allowed = frozenset(enum) if enum else None
    choices = ", ".join(enum) if enum else ""
    timeout = shape_name in TIMEOUT_SHAPES
    in_lambda = parent == "ScheduleLambdaFunctionDecisionAttributes"
    identifier = shape_name in IDENTIFIER_SHAPES
    trimmed = identifier and parent == "TaskList"
    priority, tag = shape_name == "TaskPriority", shape_name == "Tag"
    deferrable = shape_name in DEFERRABLE_SHAPES
    hint = ": " + limits.OFFLOAD_HINT if shape_name in ("Data", "LimitedData") else ""

    def check(value: Any, path: str) -> Any:
        if type(value) is not str and not isinstance(value, str):
            raise fail(path, "must be a str, not %s" % type(value).__name__)
        if timeout:  # its own message covers the 8-character limit
            _check_timeout(value, path, member, in_lambda)
            return value
        size = len(value)
        if size < low:
            raise fail(path, "must not be empty" if low == 1 else "length must be at least %d" % low)
        if high is not None and size > high:
            if deferrable and active_encoder() is not None:
                return value  # the codec offloads (or cuts) it when the decisions are sent
            raise fail(path, "length must be at most %d (is %d)%s" % (high, size, hint))
        if allowed is not None and value not in allowed:
            raise fail(path, "must be one of %s" % choices)
        if identifier:
            check_identifier(value, path)
            if trimmed and value != value.strip():
                raise fail(path, "must not start or end with white space")
        elif priority:
            _check_priority(value, path)
        elif tag and not limits.TAG_PATTERN.match(value):
            raise fail(path, "may hold only letters, digits, white space and _ . : / = + - @")
        return value
    return check


def _compile_structure(shape_name: str, shape: Mapping[str, Any]) -> Checker:
    checkers = {name: _checker(member_shape, name, shape_name) for name, member_shape in shape["members"].items()}
    required = tuple(shape.get("required", ()))

    def check(value: Any, path: str) -> Any:
        if type(value) is not dict and not isinstance(value, Mapping):
            raise fail(path, "must be a dict, not %s" % type(value).__name__)
        for name in required:
            if value.get(name) is None:
                raise fail("%s.%s" % (path, name), "is required")
        frozen = {}
        for name, item in value.items():
            member_check = checkers.get(name) if type(name) is str else None
            if member_check is None:
                raise fail("%s.%s" % (path, name), "is not an attribute SWF knows here")
            if item is not None:  # None means "not sent"
                frozen[name] = member_check(item, path + "." + name)
        return MappingProxyType(frozen)
    return check


def _compile_list(shape_name: str, shape: Mapping[str, Any], member: str) -> Checker:
    item_check = _checker(shape["member"], member, shape_name)
    high = shape.get("max")

    def check(value: Any, path: str) -> Any:
        if not isinstance(value, (list, tuple)):
            raise fail(path, "must be a list, not %s" % type(value).__name__)
        if high is not None and len(value) > high:
            raise fail(path, "must hold at most %d items (has %d)" % (high, len(value)))
        return tuple(item_check(item, "%s[%d]" % (path, index)) for index, item in enumerate(value))
    return check


_CHECKERS: Dict[Tuple[str, str, str], Checker] = {}


def _checker(shape_name: str, member: str = "", parent: str = "") -> Checker:
    """The compiled checker of a shape (as a member of ``parent``), built once and cached."""
    key = (shape_name, member, parent)
    found = _CHECKERS.get(key)
    if found is None:
        shape = SHAPES[shape_name]
        kind = shape["type"]  # the decision shapes hold only strings, structures and lists
        if kind == "string":
            found = _compile_string(shape_name, shape, member, parent)
        elif kind == "structure":
            found = _compile_structure(shape_name, shape)
        else:
            found = _compile_list(shape_name, shape, member)
        _CHECKERS[key] = found
    return found


def check_shape(value: Any, shape_name: str, path: str, member: str = "", parent: str = "") -> Any:
    """Check ``value`` against the model shape ``shape_name`` and SWF's extra rules.

    Returns:
        a read-only copy: dicts as ``MappingProxyType`` without ``None`` members, lists as tuples.

    Raises:
        ValidationError: naming ``path`` (extended with member names and list indexes) and the rule.
    """
    return _checker(shape_name, member, parent)(value, path)


def check_attributes(decision_type: Any, attributes: Any) -> Tuple[str, Mapping[str, Any]]:
    """Check one decision's attributes.

    Args:
        decision_type: one of SWF's 13 decision types, e.g. ``"ScheduleActivityTask"``.
        attributes: the attributes dict (wire form: camelCase keys, strings).

    Returns:
        the attributes key and a read-only copy of the attributes (see :func:`check_shape`).

    Raises:
        ValidationError: path ``decisionType`` for an unknown type, else ``<attributesKey>.<member>``.
    """
    entry = DECISION_ATTRIBUTES.get(decision_type) if isinstance(decision_type, str) else None
    if entry is None:
        raise fail("decisionType", "must be one of %s" % ", ".join(DECISION_ATTRIBUTES))
    key, shape_name = entry
    return key, check_shape(attributes, shape_name, key)
