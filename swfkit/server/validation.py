"""Request validation against SWF's model (swfkit.spec.SHAPES) plus the rules the model omits.

The server checks everything itself (it trusts no client-side validation): types, required
members, lengths, enums, identifier rules, timeout and priority formats. A failure raises
``ValidationException`` whose message names the member path and the rule, as SWF does.
"""
from __future__ import annotations

import re
from typing import Any, Dict

from swfkit.exceptions import ValidationException
from swfkit.spec import OPERATIONS, SHAPES
from swfkit.spec import limits

#: Shapes whose strings are SWF identifiers (no ``:`` ``/`` ``|``, control characters, "arn").
IDENTIFIER_SHAPES = frozenset({"DomainName", "Name", "WorkflowId", "ActivityId", "TimerId",
                               "Version", "VersionOptional", "FunctionId"})
#: Of those, names that also may not start or end with white space.
TRIMMED_SHAPES = frozenset({"DomainName"})
#: JSON may carry "\\ud800" escapes that are no Unicode text (and that UTF-8 cannot encode).
SURROGATES = re.compile("[\ud800-\udfff]")
PRIORITY_PATTERN = re.compile(r"[+-]?[0-9]{1,10}\Z")
TIMEOUT_SHAPES = frozenset({"DurationInSeconds", "DurationInSecondsOptional"})


def _fail(path: str, value: Any, rule: str) -> ValidationException:
    shown = repr(value)
    if len(shown) > 60:
        shown = shown[:57] + "..."
    return ValidationException("1 validation error detected: Value %s at '%s' failed to satisfy "
                               "constraint: %s" % (shown, path or "(input)", rule))


def _string(shape_name: str, shape: Dict[str, Any], value: Any, path: str, parent: str) -> None:
    if not isinstance(value, str):
        raise _fail(path, value, "Member must be a string")
    if SURROGATES.search(value):
        raise _fail(path, value, "Member must be valid Unicode (no unpaired UTF-16 surrogates)")
    if "min" in shape and len(value) < shape["min"]:
        raise _fail(path, value, "Member must have length greater than or equal to %d" % shape["min"])
    if "max" in shape and len(value) > shape["max"]:
        raise _fail(path, value, "Member must have length less than or equal to %d" % shape["max"])
    if "enum" in shape and value not in shape["enum"]:
        raise _fail(path, value, "Member must satisfy enum value set: [%s]" % ", ".join(shape["enum"]))
    if shape_name in IDENTIFIER_SHAPES or (shape_name == "Name" or parent == "TaskList"):
        if limits.FORBIDDEN_IDENTIFIER_CHARACTERS.search(value) or value == limits.FORBIDDEN_IDENTIFIER:
            raise _fail(path, value, "Member must not contain ':', '/', '|', control characters "
                                     "or be the literal string 'arn'")
        if (shape_name in TRIMMED_SHAPES or parent == "TaskList") and value != value.strip():
            raise _fail(path, value, "Member must not start or end with white space")
    if shape_name in TIMEOUT_SHAPES:
        if not limits.TIMEOUT_PATTERN.match(value):
            raise _fail(path, value, "Member must be a number of seconds (at most 8 digits) or NONE")
        if value != "NONE" and int(value) > limits.MAX_TIMEOUT_SECONDS:
            raise _fail(path, value, "Member must be at most %d seconds (one year)"
                        % limits.MAX_TIMEOUT_SECONDS)
    if shape_name == "TaskPriority":
        if not PRIORITY_PATTERN.match(value):
            raise _fail(path, value, "Member must be an integer in a string")
        if not limits.TASK_PRIORITY_MIN <= int(value) <= limits.TASK_PRIORITY_MAX:
            raise _fail(path, value, "Member must be between %d and %d"
                        % (limits.TASK_PRIORITY_MIN, limits.TASK_PRIORITY_MAX))
    if shape_name == "Tag" and not limits.TAG_PATTERN.match(value):
        raise _fail(path, value, "Member must contain only letters, digits, white space and _ . : / = + - @")


def check(shape_name: str, value: Any, path: str = "", parent: str = "") -> None:
    """Validate ``value`` against the shape ``shape_name`` or raise ValidationException."""
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if kind == "structure":
        if not isinstance(value, dict):
            raise _fail(path, value, "Member must be a structure (JSON object)")
        for member in shape.get("required", ()):
            if value.get(member) is None:
                raise ValidationException("1 validation error detected: Value null at '%s' failed to "
                                          "satisfy constraint: Member must not be null"
                                          % (path + "." + member if path else member))
        members = shape["members"]
        for key, item in value.items():
            if key in members and item is not None:
                check(members[key], item, path + "." + key if path else key, shape_name)
    elif kind == "list":
        if not isinstance(value, list):
            raise _fail(path, value, "Member must be a list (JSON array)")
        if "min" in shape and len(value) < shape["min"]:
            raise _fail(path, value, "Member must have length greater than or equal to %d" % shape["min"])
        if "max" in shape and len(value) > shape["max"]:
            raise _fail(path, value, "Member must have length less than or equal to %d" % shape["max"])
        for index, item in enumerate(value, 1):  # AWS names list members 1-based: "tags.1.member"
            where = "%s.%d.member" % (path, index)
            if item is None:
                raise _fail(where, item, "Member must not be null")
            check(shape["member"], item, where, shape_name)
    elif kind == "string":
        _string(shape_name, shape, value, path, parent)
    elif kind in ("integer", "long"):
        if isinstance(value, bool) or not isinstance(value, int):
            raise _fail(path, value, "Member must be an integer")
        if "min" in shape and value < shape["min"]:
            raise _fail(path, value, "Member must have value greater than or equal to %d" % shape["min"])
        if "max" in shape and value > shape["max"]:
            raise _fail(path, value, "Member must have value less than or equal to %d" % shape["max"])
    elif kind == "boolean":
        if not isinstance(value, bool):
            raise _fail(path, value, "Member must be a boolean")
    elif kind == "timestamp":
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value \
                or abs(value) > 1e11:
            raise _fail(path, value, "Member must be a timestamp in epoch seconds")


def validate_request(operation: str, params: Any) -> None:
    """Validate a whole request body for ``operation``."""
    check(OPERATIONS[operation]["input"], params)
