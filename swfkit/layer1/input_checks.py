"""Client-side validation of an operation's input against SWF's model (``swfkit.spec.SHAPES``).

Each shape compiles once into a checking function. A check returns the value to send: the same
object unless the shape holds a timestamp, which goes on the wire as botocore sends it (epoch
seconds). Errors travel as ``_Invalid`` carrying the path segments innermost first, so the happy
path never builds a path string.
"""
from __future__ import annotations

import calendar
import datetime
from typing import Any, Callable, Dict, FrozenSet, List, Mapping, Optional, Tuple, Union

from swfkit.exceptions import ValidationError
from swfkit.spec import OPERATIONS, SHAPES

Check = Callable[[Any], Any]

_TYPE_NAMES = {"string": "a string", "integer": "an integer", "long": "an integer", "boolean": "a bool",
               "structure": "a dict", "list": "a list", "timestamp": "a datetime or epoch seconds"}


class _Invalid(Exception):
    def __init__(self, rule: str, segment: Union[str, int, None] = None) -> None:
        self.rule = rule
        self.segments: List[Union[str, int]] = [] if segment is None else [segment]


def _wrong_type(shape_type: str, value: Any) -> _Invalid:
    return _Invalid("must be %s, not %s" % (_TYPE_NAMES[shape_type], type(value).__name__))


def _string(shape: Mapping[str, Any]) -> Check:
    low, high, enum = shape.get("min", 0), shape.get("max"), shape.get("enum")
    allowed = frozenset(enum) if enum else None
    choices = ", ".join(enum) if enum else ""
    top = high if high is not None else float("inf")

    def check(value: Any) -> Any:
        if allowed is None:
            if value.__class__ is str and low <= len(value) <= top:  # the common case, first
                return value
        elif value.__class__ is str and value in allowed:
            return value
        if not isinstance(value, str):
            raise _wrong_type("string", value)
        if allowed is not None:
            if value not in allowed:
                raise _Invalid("must be one of %s, got %r" % (choices, value))
        elif len(value) < low:
            raise _Invalid("length must be at least %d, got %d" % (low, len(value)))
        elif len(value) > top:
            raise _Invalid("length must be at most %d, got %d" % (top, len(value)))  # top == high here
        return value
    return check


def _integer(shape: Mapping[str, Any]) -> Check:
    low, high = shape.get("min"), shape.get("max")

    def check(value: Any) -> Any:
        if type(value) is not int and (not isinstance(value, int) or isinstance(value, bool)):
            raise _wrong_type("integer", value)
        if low is not None and value < low:
            raise _Invalid("must be at least %d, got %d" % (low, value))
        if high is not None and value > high:
            raise _Invalid("must be at most %d, got %d" % (high, value))
        return value
    return check


def _boolean(shape: Mapping[str, Any]) -> Check:
    def check(value: Any) -> Any:
        if not isinstance(value, bool):
            raise _wrong_type("boolean", value)
        return value
    return check


def epoch_seconds(value: Any) -> Union[int, float]:
    """A timestamp as current botocore serializes it for SWF: seconds since the epoch (UTC).

    Whole seconds go out as an integer, anything finer as a float kept to the microsecond
    (computed in integers, rounded once, as botocore does). Naive datetimes are taken as UTC.
    """
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            moment = value.astimezone(datetime.timezone.utc)
        else:
            moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = datetime.datetime.fromtimestamp(value, datetime.timezone.utc)
    else:
        raise _wrong_type("timestamp", value)
    seconds = calendar.timegm(moment.timetuple())
    if moment.microsecond:
        return (seconds * 10**6 + moment.microsecond) / 10**6
    return seconds


def _timestamp(shape: Mapping[str, Any]) -> Check:
    def check(value: Any) -> Any:
        try:
            return epoch_seconds(value)
        except (OverflowError, OSError, ValueError):
            raise _Invalid("is out of range for a timestamp: %r" % (value,)) from None
    return check


def _list(shape: Mapping[str, Any]) -> Check:
    item_check, converts = compile_shape(shape["member"])
    low, high = shape.get("min", 0), shape.get("max")

    def check(value: Any) -> Any:
        if not isinstance(value, (list, tuple)):
            raise _wrong_type("list", value)
        if len(value) < low:
            raise _Invalid("must hold at least %d items, got %d" % (low, len(value)))
        if high is not None and len(value) > high:
            raise _Invalid("must hold at most %d items, got %d" % (high, len(value)))
        out: Optional[List[Any]] = [] if converts else None
        for index, item in enumerate(value):
            try:
                checked = item_check(item)
            except _Invalid as invalid:
                invalid.segments.append(index)
                raise
            if out is not None:
                out.append(checked)
        return value if out is None else out
    return check


def _structure(shape: Mapping[str, Any]) -> Check:
    checks: Dict[str, Check] = {}
    converting = set()
    for name, member_shape in shape["members"].items():
        checks[name], member_converts = compile_shape(member_shape)
        if member_converts:
            converting.add(name)
    required = tuple(shape.get("required", ()))
    expected = ", ".join(sorted(checks))

    def check(value: Any) -> Any:
        if not isinstance(value, dict):
            raise _wrong_type("structure", value)
        copied = False
        for name, item in value.items():
            member_check = checks.get(name)
            if member_check is None:
                raise _Invalid("unknown member (expected one of: %s)" % expected, name)
            try:
                checked = member_check(item)
            except _Invalid as invalid:
                invalid.segments.append(name)
                raise
            if checked is not item:
                if not copied:  # never modify the caller's dict
                    value, copied = dict(value), True
                value[name] = checked
        for name in required:
            if name not in value:
                raise _Invalid("is required", name)
        return value
    return check


_COMPILERS = {"string": _string, "integer": _integer, "long": _integer, "boolean": _boolean,
              "timestamp": _timestamp, "list": _list, "structure": _structure}
_COMPILED: Dict[str, Tuple[Check, bool]] = {}


def _converts(shape_name: str, seen: FrozenSet[str] = frozenset()) -> bool:
    """Whether a value of this shape may need converting for the wire (holds a timestamp)."""
    shape = SHAPES[shape_name]
    if shape["type"] == "timestamp":
        return True
    if shape_name in seen:
        return False
    seen = seen | {shape_name}
    if shape["type"] == "list":
        return _converts(shape["member"], seen)
    if shape["type"] == "structure":
        return any(_converts(member, seen) for member in shape["members"].values())
    return False


def compile_shape(shape_name: str) -> Tuple[Check, bool]:
    """The check for a shape and whether it may convert values (memoised)."""
    compiled = _COMPILED.get(shape_name)
    if compiled is None:
        shape = SHAPES[shape_name]
        compiled = (_COMPILERS[shape["type"]](shape), _converts(shape_name))
        _COMPILED[shape_name] = compiled
    return compiled


def render_path(segments: List[Union[str, int]]) -> str:
    """``['activityId', 'scheduleActivityTaskDecisionAttributes', 3, 'decisions']`` →
    ``decisions[3].scheduleActivityTaskDecisionAttributes.activityId``."""
    text = ""
    for segment in reversed(segments):
        if isinstance(segment, int):
            text += "[%d]" % segment
        else:
            text += ("." if text else "") + segment
    return text


def input_check(operation: str) -> Callable[[Mapping[str, Any]], Dict[str, Any]]:
    """A function validating an operation's parameters and returning the body to send.

    Raises:
        ValidationError: naming the operation, the field path and the rule.
    """
    if operation not in OPERATIONS:
        raise ValidationError(operation, "", "unknown operation (expected one of the %d SWF operations)" % len(OPERATIONS))
    check, _ = compile_shape(OPERATIONS[operation]["input"])

    def validate(params: Mapping[str, Any]) -> Dict[str, Any]:
        try:
            return check(params)  # type: ignore[no-any-return]
        except _Invalid as invalid:
            raise ValidationError(operation, render_path(invalid.segments), invalid.rule) from None
    return validate
