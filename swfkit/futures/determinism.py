"""The determinism guard: replayed code must ask for what the history recorded at the same id."""
from __future__ import annotations

from typing import Any, Mapping, Optional

from swfkit.exceptions import NonDeterministicWorkflowError

__all__ = ["mismatch", "check_same"]


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 200 else text[:197] + "..."


def mismatch(event_id: int, what: str, recorded: Any, requested: Any) -> NonDeterministicWorkflowError:
    """The error for code that asks for ``requested`` where event ``event_id`` recorded ``recorded``.

    The instance carries ``event_id``, ``what``, ``recorded`` (history side) and ``requested``
    (code side).
    """
    return NonDeterministicWorkflowError(
        "non-deterministic workflow: event %d recorded %s %s, but the code now asks for %s; "
        "a workflow must make the same requests in the same order on every replay (deploy changes as a "
        "new workflow version)" % (event_id, what, _short(recorded), _short(requested)),
        event_id=event_id, what=what, recorded=recorded, requested=requested)


def check_same(event_id: int, what: str, recorded: Any, requested: Any) -> None:
    """Raise ``mismatch`` unless ``recorded == requested``."""
    if recorded != requested:
        raise mismatch(event_id, what, recorded, requested)


def type_of(wire_type: Optional[Mapping[str, Any]]) -> Any:
    """``(name, version)`` of a wire type dict (None stays None)."""
    if wire_type is None:
        return None
    return (wire_type.get("name"), wire_type.get("version"))
