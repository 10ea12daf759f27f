"""Hooks around every call a client sends: for metrics and tracing, not a framework.

An interceptor is any object with the two methods of ``CallInterceptor`` (subclass it and override
what you need). ``Layer1(interceptors=[...])`` and ``AsyncLayer1(interceptors=[...])`` call
``before_call`` once per operation, before validation and the first attempt, and ``after_call``
once when the call has ended (retries are inside one call), with what ``before_call`` returned.
Both run on the calling thread (event loop); they must be quick and must not raise: an exception
from an interceptor is logged and ignored, never the caller's.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any, Mapping, Optional, Sequence, Tuple

log = logging.getLogger("swfkit.layer1.call_interceptors")

__all__ = ["CallInterceptor", "CallOutcome", "interceptors_tuple", "notify_before", "notify_after"]


@dataclass(frozen=True)
class CallOutcome:
    """How one call ended.

    Attributes:
        operation: the API name, e.g. ``"PollForActivityTask"``.
        duration: seconds from ``before_call`` to the end, retries and backoff included.
        attempts: requests sent (0 when validation refused the input).
        fault: SWF's fault code (``"UnknownResourceFault"``, ``"ThrottlingException"``), or
            ``"ValidationError"`` / ``"TransportError"`` for what never got an answer; None on success.
        error: the exception the caller gets, or None.
    """

    operation: str
    duration: float
    attempts: int
    fault: Optional[str] = None
    error: Optional[BaseException] = None


class CallInterceptor:
    """Base class of client interceptors: both methods do nothing."""

    def before_call(self, operation: str, params: Mapping[str, Any]) -> Any:
        """Called before ``operation`` is validated and sent; the return value is handed to ``after_call``."""
        return None

    def after_call(self, outcome: CallOutcome, state: Any) -> None:
        """Called once when the call ended (returned or raised)."""


def interceptors_tuple(interceptors: Optional[Sequence[Any]]) -> Tuple[Any, ...]:
    """Check ``interceptors`` (each needs ``before_call`` and ``after_call``) and freeze them."""
    if interceptors is None:
        return ()
    if isinstance(interceptors, (str, bytes)) or not hasattr(interceptors, "__iter__"):
        raise TypeError("interceptors: expected a sequence of interceptors, got %r" % (interceptors,))
    frozen = tuple(interceptors)
    for interceptor in frozen:
        if not callable(getattr(interceptor, "before_call", None)) or not callable(getattr(interceptor, "after_call", None)):
            raise TypeError("interceptors: %r has no before_call/after_call (subclass "
                            "swfkit.layer1.call_interceptors.CallInterceptor)" % (interceptor,))
    return frozen


def notify_before(interceptors: Tuple[Any, ...], operation: str, params: Mapping[str, Any]) -> Tuple[Any, ...]:
    """Call each ``before_call``; return their states, in order."""
    states = []
    for interceptor in interceptors:
        try:
            states.append(interceptor.before_call(operation, params))
        except Exception:
            log.exception("interceptor %r failed in before_call(%s); ignored", interceptor, operation)
            states.append(None)
    return tuple(states)


def notify_after(interceptors: Tuple[Any, ...], states: Tuple[Any, ...], outcome: CallOutcome) -> None:
    """Call each ``after_call`` with its own state, in reverse order (the first one wraps the others)."""
    for interceptor, state in zip(reversed(interceptors), reversed(states)):
        try:
            interceptor.after_call(outcome, state)
        except Exception:
            log.exception("interceptor %r failed in after_call(%s); ignored", interceptor, outcome.operation)
