"""The command's side of offloaded payloads (``swfkit.payloads``).

- ``--input @file.json`` reads the input from a file (``@-``: standard input);
- inputs over SWF's limit are offloaded when ``SWFKIT_PAYLOAD_STORE`` is set, and refused with
  the field, the length, the limit and how to enable offload when it is not, before any call;
- ``workflow history`` labels references with their size; ``--resolve`` fetches them (it needs no
  store configured: a reference names where its value is).
"""
from __future__ import annotations

import sys
from typing import Any, Callable, Dict, List, Optional

from swfkit.cli.failure_lines import UsageError

__all__ = ["read_input", "offload_input", "label_references", "resolve_references", "payload_reader", "human_size"]


def read_input(value: Optional[str], option: str) -> Optional[str]:
    """``value``, or the contents of the file it names with a leading ``@`` (``@-``: stdin).

    Raises:
        UsageError: the file cannot be read (named with the option).
    """
    if value is None or not value.startswith("@"):
        return value
    path = value[1:]
    try:
        if path == "-":
            return sys.stdin.read()
        with open(path, encoding="utf-8") as source:
            return source.read()
    except (OSError, UnicodeDecodeError) as error:
        raise UsageError("%s: cannot read %s: %s" % (option, path, error)) from None


def offload_input(text: Optional[str], operation: str) -> Optional[str]:
    """``text`` ready to send as ``operation``'s input: offloaded over the limit when a store is
    configured; a ``ValidationError`` saying how to offload it when none is."""
    if text is None or len(text) <= 1024:  # far under any limit: nothing to import or check
        return text
    from swfkit.payloads import Payloads, check_fits

    payloads = Payloads.from_environment()
    if payloads is None:
        check_fits(operation, {"input": text})
        return text
    return payloads.encode(operation + ".input", text)


def human_size(size: int) -> str:
    """``5242880`` -> ``5.0 MiB``."""
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return ("%d %s" % (value, unit)) if unit == "B" else "%.1f %s" % (value, unit)
        value /= 1024
    return "%d B" % size  # pragma: no cover - the loop always returns


def _map_attributes(events: List[Dict[str, Any]], change: Any) -> List[Dict[str, Any]]:
    result = []
    for event in events:
        copy = dict(event)
        for key, value in event.items():
            if key.endswith("EventAttributes") and isinstance(value, dict):
                copy[key] = {member: change(item, event.get("eventId", 0)) for member, item in value.items()}
        result.append(copy)
    return result


def label_references(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events with each reference shown as ``[offloaded 5.0 MiB] swfkit+s3://...`` (size first,
    so a shortened column still shows it)."""
    from swfkit.payloads import parse_reference

    def label(value: Any, event_id: int) -> Any:
        reference = parse_reference(value) if isinstance(value, str) else None
        return value if reference is None else "[offloaded %s] %s" % (human_size(reference.size), reference.url)
    return _map_attributes(events, label)


def payload_reader() -> Callable[..., Optional[str]]:
    """``decode(text, event_id=0)``: ``text`` with a reference replaced by the value it names
    (fetched). It needs no store configured: a reference names where its value is."""
    from swfkit.payloads import FileStore, Payloads

    return (Payloads.from_environment() or Payloads(FileStore("/"))).decode


def resolve_references(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The events with each reference replaced by the value it names (fetched)."""
    decode = payload_reader()

    def resolve(value: Any, event_id: int) -> Any:
        return decode(value, event_id=event_id) if isinstance(value, str) else value
    return _map_attributes(events, resolve)
