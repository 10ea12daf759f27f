"""What an activity handler is: ``@activity``, the ``ActivityDefinition`` it attaches, and how a
handler's return value becomes SWF's answer. Shared by ``Worker`` and ``AsyncWorker``."""
from __future__ import annotations

import datetime
import json
from dataclasses import dataclass, field
from typing import Any, Callable, Dict, Optional, Tuple, TypeVar

from ..spec.limits import MAX_DATA_LENGTH, OFFLOAD_HINT
from .failures import cut
from .registration import ACTIVITY_TIMEOUT_DEFAULTS, ActivityTypeRegistration, Timeout

__all__ = ["ActivityDefinition", "activity", "make_definition", "check_options", "completed_outcome",
           "timeout_seconds", "ATTRIBUTE"]

F = TypeVar("F", bound=Callable[..., Any])
#: The attribute ``@activity`` sets on the function it marks.
ATTRIBUTE = "_swfkit_activity"


@dataclass(frozen=True)
class ActivityDefinition:
    """A callable bound to an activity type, with how to call it and its registration defaults."""

    func: Callable[..., Any] = field(compare=False)
    registration: ActivityTypeRegistration
    pass_task: bool = False
    heartbeat_interval: Optional[float] = None
    is_method: bool = False

    @property
    def key(self) -> Tuple[str, str]:
        return (self.registration.name, self.registration.version)


def make_definition(func: Callable[..., Any], name: Optional[str], version: str, pass_task: bool,
                    heartbeat_interval: Optional[float], is_method: bool, defaults: Dict[str, Any]) -> ActivityDefinition:
    """The definition of ``func`` as activity type (name or ``func.__name__``, version), its unset
    timeouts filled from ``ACTIVITY_TIMEOUT_DEFAULTS``."""
    check_options(heartbeat_interval, defaults)
    timeouts = {key: value for key, value in ACTIVITY_TIMEOUT_DEFAULTS.items() if defaults.get(key) is None}
    registration = ActivityTypeRegistration(name or func.__name__, str(version), **dict(defaults, **timeouts))
    return ActivityDefinition(func, registration, pass_task, heartbeat_interval, is_method)


def check_options(heartbeat_interval: Optional[float], defaults: Dict[str, Any]) -> None:
    """Refuse a non-positive heartbeat interval and arguments that are not registration defaults."""
    if heartbeat_interval is not None and heartbeat_interval <= 0:
        raise ValueError("activity: heartbeat_interval: must be > 0 seconds, got %r" % (heartbeat_interval,))
    unknown = (set(defaults) - set(ActivityTypeRegistration.__dataclass_fields__)) | ({"name", "version"} & set(defaults))
    if unknown:
        raise TypeError("activity: unexpected arguments %s (expected: %s)" % (
            ", ".join(sorted(unknown)), ", ".join(sorted(set(ActivityTypeRegistration.__dataclass_fields__) - {"name", "version"}))))


def activity(name: Optional[str] = None, version: str = "1", *, pass_task: bool = False,
             heartbeat_interval: Optional[float] = None, **defaults: Any) -> Callable[[F], F]:
    """Mark a method of a ``Worker`` subclass as the handler of activity type (name, version).

    Args:
        name: the activity type's name (default: the method's name).
        version: its version.
        pass_task: call with the ``ActivityTask`` instead of its input (for heartbeats / cancellation).
        heartbeat_interval: seconds between background heartbeats (default: heartbeat_timeout / 3).
        **defaults: the type's registration defaults: description, task_list, task_priority,
            schedule_to_start_timeout, start_to_close_timeout, schedule_to_close_timeout, heartbeat_timeout.
            A timeout left unset is registered as in ``ACTIVITY_TIMEOUT_DEFAULTS`` (start to close
            3600 s, the others ``"NONE"``); a task list left unset, as the worker's task list.
    """
    check_options(heartbeat_interval, defaults)

    def mark(func: F) -> F:
        setattr(func, ATTRIBUTE, make_definition(func, name, version, pass_task, heartbeat_interval, True, defaults))
        return func
    return mark


def completed_outcome(value: Any, offload: bool = False) -> Tuple[str, Any]:
    """("completed", text) for a return value, or ("failed", (reason, details)) if it cannot be sent
    (``offload``: a codec will offload a long result, so length is no reason)."""
    if value is None or isinstance(value, str):
        text = value
    else:
        try:
            text = json.dumps(value, separators=(",", ":"))
        except (TypeError, ValueError) as err:
            return ("failed", ("ResultNotSerializable",
                               cut("the activity returned %s, which is neither a str nor JSON-serializable: %s"
                                   % (type(value).__name__, err), MAX_DATA_LENGTH)))
    if text is not None and len(text) > MAX_DATA_LENGTH and not offload:
        return ("failed", ("ResultTooLarge", "the activity's result is %d characters; SWF allows at most %d: %s"
                           % (len(text), MAX_DATA_LENGTH, OFFLOAD_HINT)))
    return ("completed", text)


def timeout_seconds(timeout: Timeout) -> Optional[float]:
    """A registration timeout in seconds (None for ``"NONE"`` or unset)."""
    if isinstance(timeout, datetime.timedelta):
        return timeout.total_seconds()
    if isinstance(timeout, (int, float)) and not isinstance(timeout, bool):
        return float(timeout)
    if isinstance(timeout, str) and timeout.isdigit():
        return float(timeout)
    return None
