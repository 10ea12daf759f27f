"""The base of every typed history event, the generic event, and wire timestamp conversion.

The 54 concrete classes live in ``swfkit.history.events`` (generated from SWF's model).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, ClassVar, Dict, Mapping, Optional, Tuple, Type

from swfkit.exceptions import HistoryError

_UTC = timezone.utc
_fromtimestamp = datetime.fromtimestamp


def to_datetime(value: Any, *, where: str = "eventTimestamp") -> datetime:
    """Convert a wire timestamp to an aware UTC ``datetime``.

    Accepts what SWF sends (epoch seconds, int or float), what botocore hands out (``datetime``;
    a naive one is taken as UTC) and ISO-8601 text.

    Raises:
        swfkit.exceptions.HistoryError: the value is none of those; the message names ``where``.
    """
    kind = type(value)
    if kind is float or kind is int:
        return _fromtimestamp(value, _UTC)
    if isinstance(value, datetime):
        return value.astimezone(_UTC) if value.tzinfo is not None else value.replace(tzinfo=_UTC)
    if isinstance(value, str):
        try:
            return _fromtimestamp(float(value), _UTC)
        except ValueError:
            pass
        try:
            return to_datetime(datetime.fromisoformat(value.replace("Z", "+00:00")), where=where)
        except ValueError:
            pass
    raise HistoryError("%s: expected epoch seconds, ISO-8601 text or a datetime, got %r" % (where, value))


def event_header(raw: Mapping[str, Any]) -> Tuple[int, str, datetime]:
    """Read ``(eventId, eventType, eventTimestamp)`` of a wire event, checking their types.

    Raises:
        swfkit.exceptions.HistoryError: a member is missing or has the wrong type.
    """
    if not isinstance(raw, Mapping):
        raise HistoryError("a history event must be a dict, got %s" % type(raw).__name__)
    event_id = raw.get("eventId")
    if type(event_id) is not int:
        raise HistoryError("eventId: expected an integer, got %r (event %r)" % (event_id, _short(raw)))
    event_type = raw.get("eventType")
    if type(event_type) is not str:
        raise HistoryError("eventType of event %d: expected a string, got %r" % (event_id, event_type))
    if "eventTimestamp" not in raw:
        raise HistoryError("eventTimestamp of event %d (%s) is missing" % (event_id, event_type))
    timestamp = to_datetime(raw["eventTimestamp"], where="eventTimestamp of event %d" % event_id)
    return event_id, event_type, timestamp


def missing_member(raw: Mapping[str, Any], cls: Type["HistoryEvent"], member: str) -> HistoryError:
    """The error for an event that lacks a member SWF's model requires."""
    return HistoryError("event %s (%s): %s.%s is missing; SWF's model requires it" % (
        raw.get("eventId"), raw.get("eventType"), cls.ATTRIBUTES_KEY, member))


def attributes_key(event_type: str) -> str:
    """The wire key of an event type's attributes: ``ActivityTaskScheduled`` ->
    ``activityTaskScheduledEventAttributes``."""
    return event_type[:1].lower() + event_type[1:] + "EventAttributes"


def _short(raw: Mapping[str, Any]) -> str:
    text = repr(dict(raw))
    return text if len(text) <= 120 else text[:117] + "..."


@dataclass(frozen=True, slots=True)
class HistoryEvent:
    """One event of a workflow execution's history.

    Attributes:
        event_id: the event's id, 1-based and contiguous within a run.
        event_type: SWF's name for the type, e.g. ``ActivityTaskScheduled``.
        event_timestamp: when SWF recorded it, an aware UTC ``datetime``.
        raw: the wire dict the event was read from (not copied; do not mutate it).
    """

    event_id: int
    event_type: str
    event_timestamp: datetime
    raw: Mapping[str, Any] = field(compare=False, repr=False)

    #: Wire key of the attributes member, e.g. ``activityTaskScheduledEventAttributes``.
    ATTRIBUTES_KEY: ClassVar[Optional[str]] = None
    #: ``(python_field, wire_member)`` pairs of the attributes, in model order.
    WIRE_NAMES: ClassVar[Tuple[Tuple[str, str], ...]] = ()

    if TYPE_CHECKING:  # every concrete class defines it; declared for the checker only (no runtime change)
        @classmethod
        def from_raw(cls, raw: Mapping[str, Any]) -> "HistoryEvent":
            ...

    @property
    def attributes(self) -> Optional[Mapping[str, Any]]:
        """The wire attributes dict of the event (``None`` when it has none)."""
        return self.raw.get(self.ATTRIBUTES_KEY) if self.ATTRIBUTES_KEY else None

    def to_dict(self) -> Dict[str, Any]:
        """Rebuild the wire dict from the fields (timestamps as epoch seconds; members that are
        ``None`` are left out, as SWF does)."""
        out: Dict[str, Any] = {"eventId": self.event_id, "eventType": self.event_type,
                               "eventTimestamp": self.event_timestamp.timestamp()}
        if self.ATTRIBUTES_KEY is not None:
            attributes = {}
            for name, member in self.WIRE_NAMES:
                value = getattr(self, name)
                if value is not None:
                    attributes[member] = value
            out[self.ATTRIBUTES_KEY] = attributes
        return out


@dataclass(frozen=True, slots=True)
class UnknownEvent(HistoryEvent):
    """An event whose type SWF's model (as swfkit knows it) does not list; kept, never dropped.

    Attributes:
        attributes_key: the wire key its attributes would have (``lowerFirst(eventType)`` +
            ``EventAttributes``).
        unknown_attributes: the attributes dict found under that key, if any.
    """

    attributes_key: str = ""
    unknown_attributes: Optional[Mapping[str, Any]] = None

    @classmethod
    def from_raw(cls, raw: Mapping[str, Any]) -> "UnknownEvent":
        """Build the generic event from its wire dict."""
        event_id, event_type, timestamp = event_header(raw)
        key = attributes_key(event_type)
        return cls(event_id, event_type, timestamp, raw, key, raw.get(key))

    @property
    def attributes(self) -> Optional[Mapping[str, Any]]:
        """The wire attributes dict found under ``attributes_key``."""
        return self.unknown_attributes

    def to_dict(self) -> Dict[str, Any]:
        """Rebuild the wire dict: the header plus every other member of ``raw`` as it was."""
        out: Dict[str, Any] = {"eventId": self.event_id, "eventType": self.event_type,
                               "eventTimestamp": self.event_timestamp.timestamp()}
        for key, value in self.raw.items():
            if key not in out:
                out[key] = value
        return out
