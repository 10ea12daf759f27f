"""``Future``: the outcome of something a workflow asked for, as the history tells it; ``wait``.

A future is resolved from the history the moment it is created (the whole history is known when
a decision is replayed). What workflow code may *see* is gated by the replay position: the
decision task up to which the code has consumed results. ``done``, ``result()`` and ``wait`` all
answer as of that position, so replaying the same history always takes the same path.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable, List, NamedTuple, Optional, Tuple, Union

from swfkit.futures.errors import CancelledError, WorkflowUsageError

__all__ = ["Future", "wait", "ALL", "FIRST_COMPLETED", "ALL_COMPLETED", "DoneAndNotDone"]

ALL = ALL_COMPLETED = "ALL_COMPLETED"
FIRST_COMPLETED = "FIRST_COMPLETED"

PENDING, SUCCEEDED, FAILED, CANCELLED = "pending", "succeeded", "failed", "cancelled"


class Future:
    """The eventual result of an activity, child workflow, timer or signal.

    Attributes:
        id: the activity id, child workflow id, timer id or signal name behind it.
        kind: "activity", "child", "timer", "signal" or "external_signal".
        attempts: how many attempts the history records (activities; retries included).
    """

    __slots__ = ("_ctx", "id", "kind", "_status", "_value", "_error", "_event_id", "attempts", "_canceller",
                 "workflow_id", "run_id")

    def __init__(self, ctx: Any, kind: str, id: str) -> None:
        self._ctx = ctx
        self.kind = kind
        self.id = id
        self._status = PENDING
        self._value: Any = None
        self._error: Optional[BaseException] = None
        self._event_id = 0
        self.attempts = 0
        self._canceller: Optional[Callable[["Future"], bool]] = None
        self.workflow_id: Optional[str] = None  # children: their execution
        self.run_id: Optional[str] = None

    # -- resolution, by the replay engine ---------------------------------------------------------
    def _succeed(self, value: Any, event_id: int) -> "Future":
        self._status, self._value, self._event_id = SUCCEEDED, value, event_id
        return self

    def _fail(self, error: BaseException, event_id: int) -> "Future":
        self._status, self._error, self._event_id = FAILED, error, event_id
        return self

    def _cancel(self, event_id: int) -> "Future":
        self._status, self._event_id = CANCELLED, event_id
        self._error = CancelledError("%s %s was cancelled" % (self.kind, self.id))
        return self

    @property
    def _resolved(self) -> bool:
        return self._status is not PENDING

    # -- what workflow code sees --------------------------------------------------------------------
    @property
    def done(self) -> bool:
        """Whether the outcome is known at this point of the workflow (never blocks)."""
        return self._status is not PENDING and self._event_id <= self._ctx.position

    @property
    def cancelled(self) -> bool:
        """Whether the future was cancelled (and that is known at this point)."""
        return self._status is CANCELLED and self.done

    def result(self) -> Any:
        """The value; blocks the decision (ends it) if the history does not have it yet.

        Raises:
            CancelledError: the future was cancelled.
            FutureError: the activity/child failed (``ActivityFailed``, ``ChildWorkflowFailed``...).
        """
        if self._status is PENDING:
            self._ctx.block(self)
        ctx = self._ctx
        if self._event_id > ctx.position or ctx._handlers:  # (inlined _take: the replay's hot path)
            ctx.advance(self._event_id)
        if self._error is not None:
            raise self._error
        return self._value

    def exception(self) -> Optional[BaseException]:
        """The error of an unsuccessful outcome, None on success; blocks like ``result()``.

        Raises:
            CancelledError: the future was cancelled (there is no outcome to report).
        """
        self._take()
        if self._status is CANCELLED:
            raise self._error  # type: ignore[misc]  # set (a CancelledError) together with CANCELLED
        return self._error

    def cancel(self) -> bool:
        """Cancel: RequestCancelActivityTask for an activity, a cancel request for a child, CancelTimer
        for a timer (a submission not yet sent is simply dropped). False if already done."""
        self._ctx.check_usable("Future.cancel")
        if self.done:
            return self._status is CANCELLED
        if self._canceller is None or not self._canceller(self):
            return False
        self._cancel(0)
        return True

    def _take(self) -> None:
        if self._status is PENDING:
            self._ctx.block(self)
        self._ctx.advance(self._event_id)

    def __repr__(self) -> str:
        state = self._status if self.done or self._status is PENDING else PENDING
        return "<Future %s %s %s>" % (self.kind, self.id, state)


class DoneAndNotDone(NamedTuple):
    """``wait``'s answer: the futures done and not done, each in the order given."""

    done: List[Future]
    not_done: List[Future]


def _flatten(fs: Tuple[Union[Future, Iterable[Future]], ...]) -> List[Future]:
    futures: List[Future] = []
    for item in fs:
        if isinstance(item, Future):
            futures.append(item)
        elif hasattr(item, "__iter__"):
            for inner in item:
                if not isinstance(inner, Future):
                    raise WorkflowUsageError("wait: expected futures, got %r" % (inner,))
                futures.append(inner)
        else:
            raise WorkflowUsageError("wait: expected futures, got %r" % (item,))
    return futures


def wait(*fs: Union[Future, Iterable[Future]], return_when: str = ALL) -> DoneAndNotDone:
    """Wait for futures (given one by one or as iterables).

    ``ALL``: every one done (blocks the decision otherwise). ``FIRST_COMPLETED``: at least one;
    the ``done`` list then holds every future whose outcome was known in the decision where the
    first one became known — the same on every replay.
    """
    futures = _flatten(fs)
    if return_when not in (ALL, FIRST_COMPLETED):
        raise WorkflowUsageError("wait: return_when must be ALL or FIRST_COMPLETED, got %r" % (return_when,))
    if not futures:
        return DoneAndNotDone([], [])
    ctx = futures[0]._ctx
    pending = [f for f in futures if f._status is PENDING]
    if return_when == ALL:
        if pending:
            ctx.block(pending[0])
        ctx.advance(max(f._event_id for f in futures))
    else:
        resolved = [f._event_id for f in futures if f._status is not PENDING]
        if not resolved:
            ctx.block(pending[0])
        ctx.advance(min(resolved))
    done = [f for f in futures if f.done]
    return DoneAndNotDone(done, [f for f in futures if not f.done])
