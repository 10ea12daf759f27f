"""``Workflow``: the methods workflow code calls on ``self`` (``@workflow`` mixes them in).

Each method hands the request to the replay context bound to the instance for one decision (or
one local step); outside a replay there is no context and the methods say so.

This module imports nothing above it: the replay context is typed by a protocol, and the
CLI's hooks (``swfkit_decider``, ``swfkit_run_local``) are set on ``Workflow`` by the package's
``__init__``, which sits above ``futures_decider`` and ``local``. So ``definitions`` (which needs
``Workflow``) and the modules that need ``definitions`` form no import circle.
"""
from __future__ import annotations

import random
from datetime import datetime
from typing import Any, Callable, ClassVar, Dict, Iterable, List, Mapping, Optional, Protocol, Tuple, Union

from swfkit.futures.errors import WorkflowUsageError
from swfkit.futures.future import Future
from swfkit.futures.recorded_values import RecordedValues

__all__ = ["Workflow"]


class ReplayAPI(Protocol):
    """What ``Workflow`` needs of the replay context (``replay.ReplayContext`` provides it)."""

    workflow_id: str
    run_id: str
    recorded: RecordedValues

    @property
    def cancel_requested(self) -> bool: ...  # pragma: no cover - protocol

    def submit(self, target: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Future: ...  # pragma: no cover

    def map(self, act: Any, items: Any, max_parallel: Optional[int], where: str,
            star: bool = False) -> List[Future]: ...  # pragma: no cover

    def timer(self, seconds: Any) -> Future: ...  # pragma: no cover

    def wait_signal(self, name: str) -> Future: ...  # pragma: no cover

    def signal(self, execution: Any, name: str, input: Any) -> Future: ...  # pragma: no cover

    def record_marker(self, name: str, details: Any) -> None: ...  # pragma: no cover

    def continue_as_new(self, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None: ...  # pragma: no cover

    def fail(self, reason: str, details: Optional[str]) -> None: ...  # pragma: no cover


class Workflow:
    """Base of workflow classes (optional: ``@workflow`` adds it). Implement ``run``."""

    _swfkit_context: Optional[ReplayAPI] = None  # the ReplayContext of the current replay
    #: ``cls.swfkit_decider(layer1, domain=..., task_list=None, identity=None)``: a ``FuturesDecider``
    #: for this workflow (the CLI's ``swfkit decider start module:Name``); set by ``swfkit.futures``.
    swfkit_decider: ClassVar[Callable[..., Any]]
    #: ``cls.swfkit_run_local(input_json)``: run in-process from a wire input, return the wire
    #: result (``swfkit workflow start --local``); set by ``swfkit.futures``.
    swfkit_run_local: ClassVar[Callable[..., Any]]

    def run(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - overridden
        """The workflow: its return value completes the execution, an exception fails it."""
        raise NotImplementedError("%s must implement run(self, ...)" % type(self).__name__)

    @property
    def _ctx(self) -> ReplayAPI:
        ctx = self._swfkit_context
        if ctx is None:
            raise WorkflowUsageError("%s: the workflow API works only while the workflow is replayed by a "
                                     "FuturesDecider or run_local" % type(self).__name__)
        return ctx

    def submit(self, target: Any, *args: Any, **kwargs: Any) -> Future:
        """Schedule an ``@activity`` or start an ``@workflow`` class as a child; returns its future.

        Raises:
            WorkflowUsageError: ``target`` is neither, or the workflow already closed.
            ValidationError: an argument is not serializable or the input is too long.
        """
        ctx = self._swfkit_context
        return (ctx if ctx is not None else self._ctx).submit(target, args, kwargs)

    def map(self, activity: Any, iterable: Iterable[Any], max_parallel: Optional[int] = None) -> List[Future]:
        """``activity(item)`` for each item: the futures in order, at most ``max_parallel`` open at once.

        Raises:
            WorkflowUsageError: ``activity`` is not an ``@activity``.
            ValidationError: a bad ``max_parallel`` or argument.
        """
        return self._ctx.map(activity, iterable, max_parallel, "map")

    def starmap(self, activity: Any, iterable: Iterable[Iterable[Any]], max_parallel: Optional[int] = None) -> List[Future]:
        """``activity(*args)`` for each ``args`` of ``iterable``; as ``map``."""
        return self._ctx.map(activity, iterable, max_parallel, "starmap", star=True)

    def patched(self, change_id: str) -> bool:
        """True where this execution reaches this point under the new code (recorded once as a
        marker), False where it passed here before the change: branch on it to change running code."""
        return self._ctx.recorded.patched(change_id)

    def deprecate_patch(self, change_id: str) -> None:
        """Replace ``patched(change_id)`` once no running execution takes the old path."""
        self._ctx.recorded.deprecate_patch(change_id)

    def side_effect(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn()`` once, record its serialized result in a marker, return the recorded value on replays."""
        return self._ctx.recorded.side_effect(fn)

    def now(self) -> datetime:
        """Deterministic workflow time: when the decision the code is at started (aware UTC)."""
        return self._ctx.recorded.now()

    def random(self) -> random.Random:
        """A ``random.Random`` seeded from this run: the same numbers on every replay."""
        return self._ctx.recorded.random()

    def timer(self, seconds: Union[int, float]) -> Future:
        """Start a timer (whole seconds, rounded up); its future succeeds with None when it fires."""
        return self._ctx.timer(seconds)

    def sleep(self, seconds: Union[int, float]) -> None:
        """Wait ``seconds`` through a timer."""
        self._ctx.timer(seconds).result()

    def wait_signal(self, name: str) -> Future:
        """The next signal ``name`` not yet claimed by an earlier ``wait_signal``; its input is the result."""
        return self._ctx.wait_signal(name)

    def signal(self, execution: Union[str, Mapping[str, str], Future], name: str, input: Any = None) -> Future:
        """Signal another execution (a workflow id, ``{"workflowId", "runId"}``, or a child's future)."""
        return self._ctx.signal(execution, name, input)

    def record_marker(self, name: str, details: Any = None) -> None:
        """Record a marker (``details``: a str as is, anything else serialized)."""
        self._ctx.record_marker(name, details)

    def continue_as_new(self, *args: Any, **kwargs: Any) -> None:
        """Close this run and start a new one of the same workflow with these arguments (never returns)."""
        self._ctx.continue_as_new(args, kwargs)

    def fail(self, reason: str, details: Optional[str] = None) -> None:
        """Fail the execution with ``reason`` (≤ 256 characters) and ``details`` (never returns)."""
        self._ctx.fail(reason, details)

    @property
    def workflow_id(self) -> str:
        """This execution's workflow id."""
        return self._ctx.workflow_id

    @property
    def run_id(self) -> str:
        """This run's id."""
        return self._ctx.run_id

    @property
    def cancel_requested(self) -> bool:
        """Whether someone asked SWF to cancel this execution (see ``@workflow(handles_cancel=...)``)."""
        return self._ctx.cancel_requested
