"""``Decision``: one validated, immutable decision, and its exact wire form."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Dict

from swfkit.decisions.rules import check_attributes, fail
from swfkit.spec import DECISION_ATTRIBUTES

#: The decisions that close the execution; at most one per response, and it must come last.
CLOSE_DECISION_TYPES = frozenset({
    "CompleteWorkflowExecution",
    "FailWorkflowExecution",
    "CancelWorkflowExecution",
    "ContinueAsNewWorkflowExecution",
})


def _thaw(value: Any) -> Any:
    # Checked attributes hold only str, MappingProxyType and tuple (rules.check_shape).
    kind = type(value)
    if kind is MappingProxyType:
        return {key: _thaw(item) for key, item in value.items()}
    if kind is tuple:
        return [_thaw(item) for item in value]
    return value


def _hashable(value: Any) -> Any:
    if isinstance(value, Mapping):
        return tuple(sorted((key, _hashable(item)) for key, item in value.items()))
    if isinstance(value, tuple):
        return tuple(_hashable(item) for item in value)
    return value


@dataclass(frozen=True)
class Decision:
    """One decision of a ``RespondDecisionTaskCompleted`` request, checked against SWF's rules.

    Build it with the builders (``schedule_activity_task(...)``) rather than by hand; constructing
    it directly takes the wire form of the attributes and validates them the same way.

    Attributes:
        decision_type: SWF's decision type, e.g. ``"ScheduleActivityTask"``.
        attributes: the attributes in wire form (camelCase keys, strings), read-only.

    Raises:
        ValidationError: on construction, naming ``<attributesKey>.<member>`` and the rule.
    """

    decision_type: str
    attributes: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Validated and copied read-only in one walk: later changes to the caller's dict do not leak in.
        object.__setattr__(self, "attributes", check_attributes(self.decision_type, self.attributes)[1])

    def __hash__(self) -> int:
        return hash((self.decision_type, _hashable(self.attributes)))

    @property
    def attributes_key(self) -> str:
        """The wire key of the attributes, e.g. ``scheduleActivityTaskDecisionAttributes``."""
        return DECISION_ATTRIBUTES[self.decision_type][0]

    @property
    def is_close(self) -> bool:
        """Whether this decision closes the execution (complete, fail, cancel, continue as new)."""
        return self.decision_type in CLOSE_DECISION_TYPES

    def to_dict(self) -> Dict[str, Any]:
        """The exact wire dict SWF expects, a fresh copy on each call.

        >>> Decision("CompleteWorkflowExecution", {"result": "42"}).to_dict()
        {'decisionType': 'CompleteWorkflowExecution', 'completeWorkflowExecutionDecisionAttributes': {'result': '42'}}
        """
        return {"decisionType": self.decision_type, self.attributes_key: _thaw(self.attributes)}

    @classmethod
    def from_dict(cls, wire: Any) -> "Decision":
        """Read (and validate) a decision in wire form, e.g. one built by another SWF library.

        Raises:
            ValidationError: the dict is not a decision SWF would accept.
        """
        if not isinstance(wire, Mapping):
            raise fail("", "a decision must be a dict, not %s" % type(wire).__name__)
        decision_type = wire.get("decisionType")
        if decision_type is None:
            raise fail("decisionType", "is required")
        entry = DECISION_ATTRIBUTES.get(decision_type) if isinstance(decision_type, str) else None
        if entry is None:
            raise fail("decisionType", "must be one of %s" % ", ".join(DECISION_ATTRIBUTES))
        for key in wire:
            if key != "decisionType" and key != entry[0]:
                raise fail(str(key), "is not allowed in a %s decision (only %s)" % (decision_type, entry[0]))
        attributes = wire.get(entry[0])
        return cls(decision_type, {} if attributes is None else attributes)
