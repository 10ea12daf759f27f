"""Which SWF members carry payloads, and their limits, read from ``swfkit.spec`` (pure, data).

A *kind* is an operation (``RespondActivityTaskCompleted``) or a decision type
(``ScheduleActivityTask``); its payload members are those whose model shape is ``Data`` (32,768
characters) or ``LimitedData`` (2,048, heartbeat details). ``FailureReason`` members (``reason``,
256) are never offloaded: SWF's console shows them, so a long one is cut and kept whole in
``details`` instead.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Dict, Mapping, Tuple

from swfkit.exceptions import ValidationError

from swfkit.spec import DECISION_ATTRIBUTES, OPERATIONS, SHAPES
from swfkit.spec.limits import OFFLOAD_HINT

__all__ = ["PAYLOAD_FIELDS", "REASON_FIELDS", "limit_of", "OFFLOADABLE_SHAPES", "too_long", "fit_reason", "check_fits", "OFFLOAD_HINT"]

OFFLOADABLE_SHAPES = ("Data", "LimitedData")


def _members(shape_name: str, wanted: Tuple[str, ...]) -> Dict[str, int]:
    members = SHAPES[shape_name].get("members", {})
    return {name: int(SHAPES[shape]["max"]) for name, shape in members.items() if shape in wanted}


def _table(wanted: Tuple[str, ...]) -> Mapping[str, Mapping[str, int]]:
    table: Dict[str, Mapping[str, int]] = {}
    for operation, entry in OPERATIONS.items():
        found = _members(entry["input"], wanted) if entry.get("input") else {}
        if found:
            table[operation] = MappingProxyType(found)
    for decision_type, (_, shape_name) in DECISION_ATTRIBUTES.items():
        found = _members(shape_name, wanted)
        if found:
            table[decision_type] = MappingProxyType(found)
    return MappingProxyType(table)


#: kind -> {member: limit in characters} for every member SWF limits that may be offloaded.
PAYLOAD_FIELDS: Mapping[str, Mapping[str, int]] = _table(OFFLOADABLE_SHAPES)
#: kind -> {member: limit} for ``reason`` members (cut, never offloaded).
REASON_FIELDS: Mapping[str, Mapping[str, int]] = _table(("FailureReason",))
#: The limit of a payload member of no known kind.
DEFAULT_LIMIT = int(SHAPES["Data"]["max"])
#: The smallest limit of any payload member (heartbeat details).
SMALLEST_LIMIT = min(limit for members in PAYLOAD_FIELDS.values() for limit in members.values())


def limit_of(kind: str, member: str) -> int:
    """SWF's limit in characters for ``member`` of ``kind`` (``Data``'s when unknown)."""
    return PAYLOAD_FIELDS.get(kind, {}).get(member, DEFAULT_LIMIT)


#: What a cut reason ends with (the same marker ``swfkit.actors.failures`` uses).
REASON_MARKER = "…[truncated]"


def too_long(kind: str, member: str, length: int, limit: int) -> ValidationError:
    """The error for a value over SWF's limit with no store configured: field, length, limit, fix."""
    return ValidationError(kind, member, "length must be at most %d characters (is %d): %s"
                           % (limit, length, OFFLOAD_HINT))


def fit_reason(kind: str, attributes: Dict[str, Any]) -> Dict[str, Any]:
    """``attributes`` with a ``reason`` over its limit cut (marker appended) and kept whole at the head
    of ``details``: SWF shows ``reason`` in its console, so it is never offloaded."""
    for member, limit in REASON_FIELDS.get(kind, {}).items():
        reason = attributes.get(member)
        if isinstance(reason, str) and len(reason) > limit:
            attributes = dict(attributes)
            attributes[member] = reason[: limit - len(REASON_MARKER)] + REASON_MARKER
            details = attributes.get("details")
            attributes["details"] = "%s: %s%s" % (member, reason, "\n\n" + details if details else "")
    return attributes


def check_fits(kind: str, attributes: Mapping[str, Any]) -> None:
    """Raise the "too long, configure a store" ``ValidationError`` for the first payload member of
    ``kind`` over SWF's limit (the check for what is sent with no codec configured)."""
    for member, limit in PAYLOAD_FIELDS.get(kind, {}).items():
        value = attributes.get(member)
        if isinstance(value, str) and len(value) > limit:
            raise too_long(kind, member, len(value), limit)
