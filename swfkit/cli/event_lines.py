"""One readable line per history event, and the plain-text table every command prints (also used by ``swfkit demo``)."""
from __future__ import annotations

import datetime
from typing import Any, Dict, Iterable, List, Sequence

# The attributes worth showing first, in this order, when an event carries them.
_KEY_FIELDS = ("activityId", "timerId", "signalName", "markerName", "workflowId", "timeoutType",
               "cause", "reason", "startToFireTimeout", "result", "input", "details")
_MAX_VALUE = 40


def _attributes(event: Dict[str, Any]) -> Dict[str, Any]:
    for key, value in event.items():
        if key.endswith("EventAttributes") and isinstance(value, dict):
            return value
    return {}


def _short(value: Any) -> str:
    if isinstance(value, dict):
        value = value.get("name", value) if set(value) <= {"name", "version"} else value
    text = " ".join(str(value).split())
    return text if len(text) <= _MAX_VALUE else text[: _MAX_VALUE - 1] + "…"


def event_summary(event: Dict[str, Any]) -> str:
    """The event's notable attributes as ``key=value`` pairs (ids, names, causes, results)."""
    attributes = _attributes(event)
    parts = ["%s=%s" % (key, _short(attributes[key])) for key in _KEY_FIELDS if attributes.get(key) not in (None, "")]
    if "activityType" in attributes:
        parts.insert(0, "activityType=%s" % _short(attributes["activityType"]))
    return " ".join(parts)


def event_time(event: Dict[str, Any]) -> str:
    """The event's timestamp as ``HH:MM:SS.mmm`` UTC (the wire carries epoch seconds)."""
    stamp = event.get("eventTimestamp")
    if isinstance(stamp, (int, float)):
        moment = datetime.datetime.fromtimestamp(stamp, tz=datetime.timezone.utc)
        return moment.strftime("%H:%M:%S.") + "%03d" % (moment.microsecond // 1000)
    return str(stamp or "")


def event_rows(events: Iterable[Dict[str, Any]]) -> List[List[str]]:
    """Rows ``[id, time, type, summary]`` for a table of history events."""
    return [[str(event.get("eventId", "")), event_time(event), str(event.get("eventType", "")), event_summary(event)]
            for event in events]


def render_table(headers: List[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-aligned columns separated by two spaces, with a header line (no trailing spaces)."""
    table = [tuple(headers)]
    table += map(tuple, rows)
    widths = [max(map(len, column)) for column in zip(*table)]
    # One format for every line, applied by map: thousands of rows (workflow tasks) cost one % each.
    line = "  ".join("%%-%ds" % width for width in widths)
    return "\n".join(map(str.rstrip, map(line.__mod__, table)))
