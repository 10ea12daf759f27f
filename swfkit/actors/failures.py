"""Turning an activity's or a decider's exception into SWF's ``reason`` and ``details``.

SWF refuses a ``reason`` over 256 characters and ``details`` over 32,768 (2,048 for heartbeats);
rather than have the respond call rejected (and the failure lost), texts are cut to fit and end
with a visible marker so a reader knows there was more.
"""
from __future__ import annotations

import builtins
import traceback
from typing import Optional, Tuple

from ..spec.limits import MAX_DATA_LENGTH, MAX_LIMITED_DATA_LENGTH, MAX_REASON_LENGTH

#: Appended to any text swfkit had to cut.
TRUNCATION_MARKER = "…[truncated]"

__all__ = ["TRUNCATION_MARKER", "cut", "exception_reason", "failure_of", "cut_heartbeat_details"]


def cut(text: Optional[str], limit: int) -> Optional[str]:
    """``text`` unchanged if it fits in ``limit`` characters, else its head plus the marker."""
    if text is None or len(text) <= limit:
        return text
    return text[: max(limit - len(TRUNCATION_MARKER), 0)] + TRUNCATION_MARKER


def exception_reason(exc: BaseException) -> str:
    """The exception's type: ``ValueError`` for builtins and swfkit's own, ``package.module.Name`` otherwise."""
    kind = type(exc)
    if kind.__module__ == builtins.__name__ or kind.__module__.startswith("swfkit."):
        return kind.__qualname__
    return "%s.%s" % (kind.__module__, kind.__qualname__)


def failure_of(exc: BaseException) -> Tuple[str, str]:
    """``(reason, details)`` for a failure: the exception type and its traceback, cut to SWF's limits."""
    details = "".join(traceback.format_exception(type(exc), exc, exc.__traceback__))
    return cut(exception_reason(exc), MAX_REASON_LENGTH) or "", cut(details, MAX_DATA_LENGTH) or ""


def cut_heartbeat_details(details: Optional[str]) -> Optional[str]:
    """Heartbeat details cut to SWF's 2,048 characters."""
    return cut(details, MAX_LIMITED_DATA_LENGTH)
