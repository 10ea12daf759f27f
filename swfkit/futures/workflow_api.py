"""``Workflow``: the methods workflow code calls on ``self`` (``@workflow`` mixes them in).

Each method hands the request to the replay context bound to the instance for one decision (or
one local step); outside a replay there is no context and the methods say so.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping, Optional, Union

from swfkit.futures.errors import WorkflowUsageError
from swfkit.futures.future import Future

if TYPE_CHECKING:  # replay imports this module
    from swfkit.futures.replay import ReplayContext

__all__ = ["Workflow"]


class Workflow:
    """Base of workflow classes (optional: ``@workflow`` adds it). Implement ``run``."""

    _swfkit_context: Optional[ReplayContext] = None

    def run(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover - overridden
        """The workflow: its return value completes the execution, an exception fails it."""
        raise NotImplementedError("%s must implement run(self, ...)" % type(self).__name__)

    @property
    def _ctx(self) -> ReplayContext:
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

    @classmethod
    def swfkit_decider(cls, layer1: Any, *, domain: str, task_list: Optional[str] = None,
                       identity: Optional[str] = None) -> Any:
        """A ``FuturesDecider`` for this workflow (the CLI's ``swfkit decider start module:Name``)."""
        from swfkit.futures.futures_decider import FuturesDecider

        return FuturesDecider(layer1, [cls], domain=domain, task_list=task_list, identity=identity)

    @classmethod
    def swfkit_run_local(cls, input_json: Optional[str] = None) -> Optional[str]:
        """Run in-process from a wire input; the wire result (``swfkit workflow start --local``).

        Raises:
            WorkflowFailed: the workflow failed.
        """
        from swfkit.futures.local import run_local_wire

        return run_local_wire(cls, input_json)

    @classmethod
    def swfkit_replay(cls, history: Any, *, workflow_id: str = "replay", run_id: str = "replay") -> Any:
        """Replay a recorded history, its events or a file path (``swfkit replay module:Name``): a
        ``ReplayReport``."""
        from swfkit.futures.replayer import load_history, replay_history

        events = load_history(history) if isinstance(history, str) else history
        return replay_history(cls, events, workflow_id=workflow_id, run_id=run_id)
