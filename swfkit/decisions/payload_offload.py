"""Deferring payload limits to the moment decisions are sent, when an offload codec is active.

The decision builders check SWF's limits when a decision is built. With a payload codec active
(``offloading(codec)``, which the Decider sets around ``decide``), a payload member over its limit
(``Data``, ``LimitedData``) or a long ``reason`` (``FailureReason``) is accepted at build time and
``Decisions.to_list`` hands each decision's attributes to the codec, which offloads what is too
long (and cuts a long reason, keeping it whole in ``details``). This package stays pure: the codec
is any object with ``encode_attributes`` (``swfkit.payloads.Payloads``), handed in by the layers above.
"""
from __future__ import annotations

import contextlib
from contextvars import ContextVar
from types import MappingProxyType
from typing import Any, Callable, Dict, Iterator, Mapping, Optional, Protocol

from swfkit.exceptions import ValidationError
from swfkit.spec import DECISION_ATTRIBUTES, SHAPES
from swfkit.spec.limits import OFFLOAD_HINT

__all__ = ["PayloadEncoder", "offloading", "active_encoder", "DEFERRABLE_SHAPES", "check_deferred"]

#: The shapes whose length limit waits for the codec when one is active.
DEFERRABLE_SHAPES = frozenset({"Data", "LimitedData", "FailureReason"})


class PayloadEncoder(Protocol):
    """What ``Decisions`` (and the futures serializers above) need from a codec."""

    def encode_attributes(self, kind: str, attributes: Mapping[str, Any]) -> Dict[str, Any]:
        """The attributes of a decision of type ``kind`` ready to send."""

    def reference(self, kind: str, member: str, text: Optional[str]) -> Optional[str]:
        """``text``, or the reference it will be stored under when sent."""

    def decode(self, text: Optional[str], *, event_id: int = 0) -> Optional[str]:
        """The value a reference names; other text unchanged."""


_ENCODER: "ContextVar[Optional[PayloadEncoder]]" = ContextVar("swfkit_payload_encoder", default=None)


#: ``active_encoder()``: the codec of the innermost ``offloading`` block, or None. The context
#: variable's own ``get`` (a C call): the futures replay asks for it once per payload it reads.
active_encoder: "Callable[[], Optional[PayloadEncoder]]" = _ENCODER.get


@contextlib.contextmanager
def offloading(encoder: Optional[PayloadEncoder]) -> Iterator[None]:
    """Within the block, decisions built may exceed payload limits and ``to_list`` offloads them."""
    token = _ENCODER.set(encoder)
    try:
        yield
    finally:
        _ENCODER.reset(token)


def _limited_members() -> Mapping[str, Mapping[str, int]]:
    table: Dict[str, Mapping[str, int]] = {}
    for decision_type, (_, shape_name) in DECISION_ATTRIBUTES.items():
        members = {name: int(SHAPES[shape]["max"]) for name, shape in SHAPES[shape_name]["members"].items()
                   if shape in DEFERRABLE_SHAPES}
        if members:
            table[decision_type] = MappingProxyType(members)
    return MappingProxyType(table)


#: decision type -> {member: limit} for the members whose limit may be deferred.
LIMITED_MEMBERS = _limited_members()


def check_deferred(decision_type: str, attributes_key: str, attributes: Mapping[str, Any], index: int,
                   operation: str) -> None:
    """Refuse a decision built under a codec but sent without one: a member is still over its limit.

    Raises:
        ValidationError: naming ``decisions[index].<key>.<member>``, the length, the limit and the fix.
    """
    for member, limit in LIMITED_MEMBERS.get(decision_type, {}).items():
        value = attributes.get(member)
        if isinstance(value, str) and len(value) > limit:
            raise ValidationError(operation, "decisions[%d].%s.%s" % (index, attributes_key, member),
                                  "length must be at most %d (is %d): %s" % (limit, len(value), OFFLOAD_HINT))
