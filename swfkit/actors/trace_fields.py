"""The ``trace`` field of a futures input envelope: W3C trace context from the starter to the activities.

A futures workflow's input is a JSON list of arguments, or an envelope
``{"args": [...], "kwargs": {...}}``. A starter that runs under a span adds the span's context::

    {"args": [3], "trace": {"traceparent": "00-<32 hex trace id>-<16 hex span id>-<2 hex flags>",
                            "tracestate": "vendor=value"}}

(``tracestate`` optional; both as in the W3C Trace Context headers of the same names). The
futures decider copies the workflow's field into the inputs of the activities and child workflows
it schedules, and a tracing interceptor on a worker or decider reads it to parent its task spans.

This module is pure (no OpenTelemetry, no I/O): the actors' tracing interceptor, the futures layer
and the command line all read and write the field through it, so no layer needs one above it.
"""
from __future__ import annotations

import json
import re
from typing import Any, Dict, Mapping, Optional

__all__ = ["TRACE_FIELD", "checked_trace", "trace_of_input", "with_trace", "trace_from_environment"]

#: The envelope's key holding the trace context.
TRACE_FIELD = "trace"
#: The longest ``traceparent`` / ``tracestate`` accepted (OpenTelemetry's own limits).
MAX_TRACEPARENT_LENGTH = 512
MAX_TRACESTATE_LENGTH = 512

_TRACEPARENT = re.compile(r"([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-.*)?\Z")
_QUICK_MARK = '"%s"' % TRACE_FIELD


def checked_trace(value: Any) -> Optional[Dict[str, str]]:
    """``value`` as a trace field (``traceparent`` and, if any, ``tracestate``), or None if it is not one.

    A traceparent must follow W3C Trace Context: version ``00`` exactly
    ``00-{trace id: 32 hex}-{parent id: 16 hex}-{flags: 2 hex}`` (lower case, ids not all zeros);
    a later version may append ``-...``; version ``ff`` is invalid. A tracestate that is not a str
    of at most 512 characters is dropped (the traceparent alone still counts).

    Returns:
        A new dict with only those two keys (in that order), or None.
    """
    if not isinstance(value, Mapping):
        return None
    traceparent = value.get("traceparent")
    if not isinstance(traceparent, str) or len(traceparent) > MAX_TRACEPARENT_LENGTH:
        return None
    match = _TRACEPARENT.match(traceparent)
    if match is None:
        return None
    version, trace_id, span_id, _, rest = match.groups()
    if version == "ff" or (version == "00" and rest) or trace_id == "0" * 32 or span_id == "0" * 16:
        return None
    trace = {"traceparent": traceparent}
    tracestate = value.get("tracestate")
    if isinstance(tracestate, str) and tracestate and len(tracestate) <= MAX_TRACESTATE_LENGTH:
        trace["tracestate"] = tracestate
    return trace


def trace_of_input(text: Optional[str]) -> Optional[Dict[str, str]]:
    """The trace field of a wire input (an activity's or a workflow's), or None.

    Only JSON envelopes carry one: a list, a plain value, an offloaded payload reference, text that
    is not JSON or an invalid field all give None (never an error: tracing must not fail a task).
    """
    if not text or _QUICK_MARK not in text or text.lstrip()[:1] != "{":
        return None  # the common cases cost a substring search, no parsing
    try:
        value = json.loads(text)
    except ValueError:
        return None
    if not isinstance(value, dict) or not ({"args", "kwargs"} & value.keys()):
        return None
    return checked_trace(value.get(TRACE_FIELD))


def with_trace(text: Optional[str], trace: Mapping[str, str]) -> str:
    """The JSON input ``text`` with ``trace`` as its envelope's trace field (for starters that hold
    the input as text, like the command line).

    ``None`` or empty: no arguments; a list: the positional arguments; an envelope (a dict of
    ``args``/``kwargs``/``trace``): kept, its trace replaced; any other value: the one argument.

    Raises:
        ValueError: ``text`` is not JSON, or ``trace`` is not a valid trace field.
    """
    checked = checked_trace(trace)
    if checked is None:
        raise ValueError("not a W3C trace context (traceparent 00-<32 hex>-<16 hex>-<2 hex>): %r" % (trace,))
    value = json.loads(text) if text else []
    if isinstance(value, list):
        envelope: Dict[str, Any] = {"args": value}
    elif isinstance(value, dict) and value and value.keys() <= {"args", "kwargs", TRACE_FIELD} \
            and ({"args", "kwargs"} & value.keys()):
        envelope = {key: item for key, item in value.items() if key != TRACE_FIELD}
    else:
        envelope = {"args": [value]}
    envelope[TRACE_FIELD] = checked
    return json.dumps(envelope, separators=(",", ":"))


def trace_from_environment(environ: Mapping[str, str]) -> Optional[Dict[str, str]]:
    """The trace context in ``TRACEPARENT`` / ``TRACESTATE`` (OpenTelemetry's environment carrier
    for processes started from a traced one), or None when ``TRACEPARENT`` is unset.

    Raises:
        ValueError: ``TRACEPARENT`` is set but is not a valid traceparent.
    """
    traceparent = environ.get("TRACEPARENT")
    if not traceparent:
        return None
    trace = checked_trace({"traceparent": traceparent.strip(), "tracestate": environ.get("TRACESTATE", "").strip()})
    if trace is None:
        raise ValueError("TRACEPARENT: not a W3C traceparent (00-<32 hex trace id>-<16 hex span id>-<2 hex flags>): %r"
                         % traceparent)
    return trace
