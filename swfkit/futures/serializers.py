"""How inputs and results cross the wire: JSON by default, pluggable per activity or workflow.

A serializer is any object with ``dumps(value) -> str`` and ``loads(text) -> value``. Arguments are
encoded as a JSON list (``[1, 2]``), or ``{"args": [...], "kwargs": {...}}`` when there are keyword
arguments; on the way in, any other JSON value is taken as one positional argument (what a person
types on the command line).
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional, Protocol, Tuple

from swfkit.exceptions import ValidationError
from swfkit.spec.limits import MAX_DATA_LENGTH

__all__ = ["Serializer", "JSONSerializer", "JSON", "encode_args", "decode_args", "encode_value", "decode_value"]


class Serializer(Protocol):
    """What a serializer provides (``json`` itself qualifies)."""

    def dumps(self, value: Any) -> str: ...  # pragma: no cover - protocol

    def loads(self, text: str) -> Any: ...  # pragma: no cover - protocol


class JSONSerializer:
    """Compact JSON; refuses NaN/Infinity (not JSON) and anything ``json`` cannot encode."""

    def dumps(self, value: Any) -> str:
        """Encode ``value`` (raises TypeError/ValueError if it is not JSON-serializable)."""
        return json.dumps(value, separators=(",", ":"), allow_nan=False)

    def loads(self, text: str) -> Any:
        """Decode ``text``."""
        return json.loads(text)

    def __repr__(self) -> str:
        return "JSONSerializer()"


JSON = JSONSerializer()


def _dumps(serializer: Any, value: Any, where: str, path: str) -> str:
    try:
        text = serializer.dumps(value)
    except (TypeError, ValueError, OverflowError) as err:
        raise ValidationError(where, path, "not serializable by %r: %s" % (serializer, err)) from None
    if not isinstance(text, str):
        raise ValidationError(where, path, "serializer %r returned %s, not str" % (serializer, type(text).__name__))
    if len(text) > MAX_DATA_LENGTH:
        raise ValidationError(where, path, "serialized length must be at most %d characters (is %d)"
                              % (MAX_DATA_LENGTH, len(text)))
    return text


def encode_args(serializer: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any], where: str) -> str:
    """The wire input for a call with ``args``/``kwargs``.

    Raises:
        ValidationError: an argument is not serializable (path names it) or the input is too long.
    """
    for index, value in enumerate(args):  # find the culprit first, for a precise path
        _dumps(serializer, value, where, "args[%d]" % index)
    for key, value in kwargs.items():
        _dumps(serializer, value, where, "kwargs[%r]" % key)
    payload: Any = list(args) if not kwargs else {"args": list(args), "kwargs": dict(kwargs)}
    return _dumps(serializer, payload, where, "input")


def decode_args(serializer: Any, text: Optional[str]) -> Tuple[Tuple[Any, ...], Dict[str, Any]]:
    """``(args, kwargs)`` from a wire input (``None`` or empty: no arguments)."""
    if text is None or text == "":
        return (), {}
    value = serializer.loads(text)
    if isinstance(value, list):
        return tuple(value), {}
    if isinstance(value, dict) and value and set(value) <= {"args", "kwargs"} \
            and isinstance(value.get("args", []), list) and isinstance(value.get("kwargs", {}), dict):
        return tuple(value.get("args", [])), dict(value.get("kwargs", {}))
    return (value,), {}


def encode_value(serializer: Any, value: Any, where: str, path: str = "result") -> Optional[str]:
    """A result on the wire: ``None`` stays absent, anything else is serialized."""
    return None if value is None else _dumps(serializer, value, where, path)


def decode_value(serializer: Any, text: Optional[str], *, lenient: bool = False) -> Any:
    """A result from the wire (absent: ``None``). ``lenient``: text that does not decode is
    returned as is (signals typed by hand)."""
    if text is None:
        return None
    if not lenient:
        return serializer.loads(text)
    try:
        return serializer.loads(text)
    except ValueError:
        return text
