"""Where the actors meet the payload codec (``swfkit.payloads``): one seam per direction.

- which codec an actor uses: the one given, else ``SWFKIT_PAYLOAD_STORE``'s (``payloads=False``:
  none); ``swfkit.payloads`` is imported only when offload is configured;
- the activity's input is decoded before its handler runs (a missing object fails the task);
- an activity task's answer is encoded just before it is sent; a store that still fails after
  its retries turns the answer into ``RespondActivityTaskFailed`` naming the store error, so a
  task is never completed with a dangling reference;
- a decider's events are decoded lazily (``PayloadEvent``): only the members code reads are fetched.
"""
from __future__ import annotations

import dataclasses
import logging
import os
from typing import Any, Tuple

from ..exceptions import PayloadError
from .failures import failure_of

log = logging.getLogger("swfkit.actors.worker")

__all__ = ["resolve_payloads", "decoded_task", "encode_outcome", "PayloadEvent"]

#: The members of typed events that carry payloads (their Python names).
PAYLOAD_EVENT_FIELDS = frozenset({"input", "result", "details", "control", "execution_context"})
_ANSWERS = {"completed": ("RespondActivityTaskCompleted", "result"),
            "canceled": ("RespondActivityTaskCanceled", "details")}


def resolve_payloads(payloads: Any) -> Any:
    """The codec an actor uses: ``payloads`` itself, None for ``False``, else the environment's."""
    if payloads is False:
        return None
    if payloads is not None:
        return payloads
    if not (os.environ.get("SWFKIT_PAYLOAD_STORE") or "").strip():
        return None  # the common case costs no import
    from ..payloads import Payloads

    return Payloads.from_environment()


def decoded_task(payloads: Any, task: Any) -> Any:
    """``task`` with its input decoded (raises ``PayloadError`` when the reference cannot be read)."""
    if task.input is None or not payloads.is_reference(task.input):
        return task
    return dataclasses.replace(task, input=payloads.decode(task.input))


def encode_outcome(payloads: Any, kind: str, payload: Any) -> Tuple[str, Any]:
    """The answer ``(kind, payload)`` with its payloads offloaded; a store failure becomes a failure."""
    try:
        if kind == "failed":
            sent = payloads.encode_attributes("RespondActivityTaskFailed", {"reason": payload[0], "details": payload[1]})
            return kind, (sent["reason"], sent.get("details"))
        if kind in _ANSWERS:
            operation, member = _ANSWERS[kind]
            return kind, payloads.encode("%s.%s" % (operation, member), payload)
    except PayloadError as err:
        log.error("could not store the %s answer's payload; failing the task instead: %s", kind, err)
        return "failed", failure_of(err)
    return kind, payload


class PayloadEvent:
    """A typed history event whose payload members are decoded when first read.

    Everything else is the event's own (``isinstance`` sees the event's class).
    """

    __slots__ = ("_event", "_payloads", "_decoded")

    def __init__(self, event: Any, payloads: Any) -> None:
        self._event = event
        self._payloads = payloads
        self._decoded: dict = {}

    @property  # type: ignore[misc]  # isinstance() consults __class__
    def __class__(self) -> Any:
        return type(self._event)

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._event, name)
        if name in PAYLOAD_EVENT_FIELDS and isinstance(value, str):
            if name not in self._decoded:
                self._decoded[name] = self._payloads.decode(value, event_id=self._event.event_id)
            return self._decoded[name]
        return value

    def __repr__(self) -> str:
        return repr(self._event)

    def __eq__(self, other: object) -> bool:
        return bool(self._event == (other._event if isinstance(other, PayloadEvent) else other))

    def __hash__(self) -> int:
        return hash(self._event)

