"""Automatic continue-as-new: a long workflow starts a fresh run by itself, carrying its state.

A workflow class with a ``checkpoint()``/``restore(state)`` pair opts in. Once a run's history
holds ``continue_as_new_after`` events (``@workflow``'s argument, default 10,000, far below SWF's
25,000), the next decision that ends with the code waiting is a candidate:

- with activities, timers or children still open, nothing new is sent (the run drains: their
  outcomes must land in this run's history, not be lost);
- once nothing is open, the decision continues as new instead, with the original arguments and
  ``checkpoint()``'s value; the new run calls ``restore(state)`` before ``run``.

What the code asked for in that last decision is dropped, not sent: the new run asks again. So
``checkpoint()`` must describe the state as of the results taken so far (a loop counter advanced
after ``result()``, a running total...), and ``run`` must resume from what ``restore`` set.
"""
from __future__ import annotations

from typing import Any, Dict, Mapping, Optional, Tuple

from swfkit.actors.trace_fields import TRACE_FIELD
from swfkit.futures.serializers import _dumps, decode_args

__all__ = ["RESTORE_KEY", "DEFAULT_AFTER", "enabled", "decode_input", "encode_input"]

#: The key of a continued run's input that holds the checkpoint.
RESTORE_KEY = "swfkit_restore"
#: Default ``continue_as_new_after``: room below SWF's 25,000 events for the run to drain.
DEFAULT_AFTER = 10_000
NOTHING = object()


def enabled(workflow_class: Any) -> bool:
    """Whether the class has the ``checkpoint``/``restore`` pair."""
    return callable(getattr(workflow_class, "checkpoint", None)) and callable(getattr(workflow_class, "restore", None))


def decode_input(serializer: Any, text: Optional[str], restorable: bool) -> Tuple[Tuple[Any, ...], Dict[str, Any], Any]:
    """``(args, kwargs, state)`` of a run's input; ``state`` is ``NOTHING`` unless continued with one."""
    if restorable and text:
        value = serializer.loads(text)
        if isinstance(value, dict) and set(value) - {TRACE_FIELD} == {"args", "kwargs", RESTORE_KEY}:
            return tuple(value["args"]), dict(value["kwargs"]), value[RESTORE_KEY]
    args, kwargs = decode_args(serializer, text)
    return args, kwargs, NOTHING


def encode_input(serializer: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any], state: Any,
                 trace: Optional[Mapping[str, str]] = None) -> str:
    """The next run's input: the original arguments and the checkpoint (and the run's trace field).

    Raises:
        ValidationError: the checkpoint is not serializable or too long (names ``checkpoint()``).
    """
    value: Dict[str, Any] = {"args": list(args), "kwargs": dict(kwargs), RESTORE_KEY: state}
    if trace is not None:
        value[TRACE_FIELD] = dict(trace)
    return _dumps(serializer, value, "checkpoint()", "state")
