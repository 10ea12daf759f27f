"""Trace context from the starter to the activities, through the ``trace`` field of the input envelope.

- A workflow started with ``futures.start`` (or ``futures.workflow_input``) while an OpenTelemetry
  span is current gets ``"trace": {"traceparent": ..., "tracestate": ...}`` in its input envelope
  (``swfkit.actors.trace_fields`` defines the field; no OpenTelemetry, or no current span: no field).
- The decider copies the workflow's field, as recorded in its input, into the input of every
  activity and child workflow it schedules, and into a continue-as-new's input. The copy depends on
  the history alone (never on a span of the decider, nor on whether OpenTelemetry is installed), so
  a replay computes the same inputs and the determinism checks hold.
- ``swfkit.actors.tracing.TracingActorInterceptor`` reads the field of a task's input to parent the
  task's span.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from swfkit.actors.trace_fields import TRACE_FIELD, checked_trace
from swfkit.futures.serializers import _decoded, is_envelope

__all__ = ["workflow_trace"]


def workflow_trace(serializer: Any, text: Optional[str]) -> Optional[Dict[str, str]]:
    """The trace field of a workflow's wire input, to copy into what it schedules; None without one.

    An input the serializer cannot read, or a field that is no valid W3C trace context, gives None:
    tracing never fails a decision.
    """
    if not text:
        return None
    text = _decoded(text)  # an offloaded input (already fetched to decode the arguments)
    if TRACE_FIELD not in text:
        return None  # the common case: a substring search, no decoding
    try:
        value = serializer.loads(text)
    except ValueError:
        return None
    return checked_trace(value.get(TRACE_FIELD)) if is_envelope(value) else None
