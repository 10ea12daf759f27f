"""The replay engine: run a workflow's ``run()`` against an ``ExecutionState``, collect the decisions.

Every decision task replays ``run`` from the start. Each request (``submit``, ``timer``...) gets a
deterministic id and is looked up in the history: what the history has is resolved at once, what
it lacks becomes a decision. ``result()`` on an outcome the history does not hold yet raises
``ExecutionBlocked`` (internal): the decision ends there, and everything asked for before that
point goes out in one response. Returning completes the execution, raising fails it.
"""
from __future__ import annotations

import bisect
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Tuple

from swfkit.actors.failures import cut, failure_of
from swfkit.decisions import (
    Decision,
    cancel_workflow_execution,
    complete_workflow_execution,
    continue_as_new_workflow_execution,
    fail_workflow_execution,
)
from swfkit.exceptions import NonDeterministicWorkflowError, PayloadError
from swfkit.futures import continuation, ids
from swfkit.futures.close_hooks import run_hook
from swfkit.history.collection_pause import collection_paused
from swfkit.futures.definitions import definition_of
from swfkit.futures.determinism import mismatch
from swfkit.futures.errors import (
    ContinueAsNewRequested,
    ExecutionBlocked,
    FailRequested,
    WorkflowUsageError,
)
from swfkit.futures.recorded_values import RecordedValues
from swfkit.futures.workflow_requests import Requests
from swfkit.futures.scheduling import DecisionBuffer
from swfkit.futures.serializers import decode_value, encode_args, encode_value
from swfkit.futures.trace_context import workflow_trace
from swfkit.spec.limits import MAX_DATA_LENGTH, MAX_OPEN_ACTIVITIES, MAX_REASON_LENGTH, MAX_REQUEST_BYTES

__all__ = ["ReplayOutcome", "replay", "ReplayContext"]


@dataclass(frozen=True)
class ReplayOutcome:
    """What one replay decided.

    Attributes:
        decisions: the decisions to send, in order.
        status: "blocked" (waiting for the history), "completed", "failed", "continued_as_new",
            "canceled", or "closed" (the execution was already closed: nothing to decide).
        result: the serialized result (completed) or new input (continued_as_new).
        reason, details: of a failure.
        error: the exception ``run`` raised, if it did.
        queued, deferred: activities waiting for a free slot / decisions left for the next response.
    """

    decisions: Tuple[Decision, ...]
    status: str
    result: Optional[str] = None
    reason: Optional[str] = None
    details: Optional[str] = None
    error: Optional[BaseException] = None
    queued: int = 0
    deferred: int = 0


class ReplayContext(Requests):
    """One replay of one workflow class on one state (see ``replay``)."""

    def __init__(self, workflow_class: Any, state: Any, *, workflow_id: str, run_id: str,
                 max_open_activities: int = MAX_OPEN_ACTIVITIES, max_request_bytes: int = MAX_REQUEST_BYTES,
                 max_decisions: Optional[int] = None,
                 event_times: Optional[Callable[[int], Any]] = None) -> None:
        self.workflow_class = workflow_class
        self.definition = definition_of(workflow_class)
        self.serializer = self.definition.serializer
        self.state = state
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.buffer = DecisionBuffer(state.open_activity_count, max_open_activities=max_open_activities,
                                     max_request_bytes=max_request_bytes, max_decisions=max_decisions)
        # The decision tasks' DecisionTaskStarted ids: the points at which code saw the history.
        self.boundaries = state.decision_started_event_ids()
        self.current = self.boundaries[-1] if self.boundaries else state.last_event_id
        self.position = self.boundaries[0] if self.boundaries else state.last_event_id
        self.closed = False
        self.instance: Any = None
        self._signal_cursor = 0
        self._handlers = bool(self.definition.signal_handlers)
        #: event id -> its time (a datetime or epoch seconds), for ``now()``; None: not known.
        self.event_times = event_times
        self.recorded = RecordedValues(self)
        self.value: Any = None
        self._args: Tuple[Any, ...] = ()
        self._kwargs: Dict[str, Any] = {}
        Requests.__init__(self)

    # -- the replay position ------------------------------------------------------------------------
    def advance(self, event_id: int) -> None:
        """Code took an outcome recorded at ``event_id``: move to the decision that first saw it and
        hand the signals received up to there to their handlers."""
        if event_id > self.position:
            index = bisect.bisect_left(self.boundaries, event_id)
            self.position = self.boundaries[index] if index < len(self.boundaries) else event_id
        if self._handlers:
            self._deliver_signals(self.position)

    def block(self, future: Any) -> None:
        """``future`` is not in the history yet: end this decision (after delivering every signal)."""
        self._deliver_signals(self.current)
        raise ExecutionBlocked(future.id)

    def _deliver_signals(self, up_to: int) -> None:
        handlers = self.definition.signal_handlers
        if not handlers or self.instance is None:
            return
        signals = self.state.signals
        while self._signal_cursor < len(signals) and signals[self._signal_cursor].event_id <= up_to:
            signal = signals[self._signal_cursor]
            self._signal_cursor += 1
            method = handlers.get(signal.name)
            if method is not None:
                getattr(self.instance, method)(decode_value(self.serializer, signal.input, lenient=True))

    def check_usable(self, where: str) -> None:
        """Refuse API calls once ``run`` has finished (they would be lost or corrupt the history)."""
        if self.closed:
            raise WorkflowUsageError("%s: workflow %s already finished this decision (it returned, failed or "
                                     "continued as new); nothing can be submitted after that"
                                     % (where, self.definition.name))

    @property
    def cancel_requested(self) -> bool:
        return bool(self.state.execution and self.state.execution.cancel_requested)

    # -- close requests -------------------------------------------------------------------------------
    def continue_as_new(self, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> None:
        self.check_usable("continue_as_new")
        raise ContinueAsNewRequested(encode_args(self.serializer, args, kwargs, "continue_as_new", self.trace))

    def fail(self, reason: str, details: Optional[str]) -> None:
        self.check_usable("fail")
        if not isinstance(reason, str):
            raise WorkflowUsageError("fail: reason must be a str, got %r" % (reason,))
        if details is not None and not isinstance(details, str):
            details = encode_value(self.serializer, details, "fail", "details")
        raise FailRequested(reason, details)

    # -- running ----------------------------------------------------------------------------------------
    def run(self) -> ReplayOutcome:
        """Replay ``run`` once and return the decisions.

        Raises:
            NonDeterministicWorkflowError: the code asked for something else than the history holds.
        """
        execution = self.state.execution
        if execution is None or execution.status != "open":
            return ReplayOutcome((), "closed")
        self.trace = workflow_trace(self.serializer, execution.input)
        if execution.cancel_requested and not self.definition.handles_cancel:
            return self._cancel()
        # The cyclic GC is paused while ``run`` replays: a replay allocates a burst of short-lived
        # futures next to a large, long-lived state, and full collections rescanning that state made
        # replaying 20,000 activities 2.5x slower per activity than 1,000. Reference counting still frees
        # everything as usual; collection resumes (if it was on) as soon as the replay ends.
        with collection_paused():
            close, outcome = self._run(execution.input)
        waiting = close is None  # run itself waits (a hook waiting for its clean-ups is no safe point)
        close, outcome = run_hook(self, close, outcome, self.value)
        self._check_all_claimed()
        if waiting:
            close, outcome = self._continue_if_long(outcome)
        decisions = self.buffer.finish(close, self.current, ids.wake_timer_id(self.current))
        if close is None or not decisions or decisions[-1] is not close:
            status = "blocked"
        else:
            status = outcome.pop("status")
        return ReplayOutcome(tuple(decisions), status, queued=self.buffer.queued, deferred=self.buffer.deferred,
                             **{k: v for k, v in outcome.items() if k != "status"})

    def _cancel(self) -> ReplayOutcome:
        """A cancel request cancels the execution (after the ``on_canceled`` hook's clean-up, if any)."""
        close: Optional[Decision] = cancel_workflow_execution(details="cancel requested")
        if callable(getattr(self.workflow_class, "on_canceled", None)):
            self.instance = self.workflow_class()
            self.instance._swfkit_context = self
            close, _ = run_hook(self, close, {"status": "canceled"})
        decisions = self.buffer.finish(close, self.current, ids.wake_timer_id(self.current))
        status = "canceled" if close is not None and decisions and decisions[-1] is close else "blocked"
        if close is not None and close.decision_type != "CancelWorkflowExecution":  # the hook failed
            status = "failed"
        return ReplayOutcome(tuple(decisions), status, queued=self.buffer.queued, deferred=self.buffer.deferred)

    def _continue_if_long(self, outcome: Dict[str, Any]) -> Tuple[Optional[Decision], Dict[str, Any]]:
        """Past ``continue_as_new_after`` events, a waiting run drains, then continues as new."""
        limit = self.definition.continue_as_new_after
        if not limit or self.state.last_event_id < limit or not continuation.enabled(self.workflow_class) \
                or self.instance is None:
            return None, outcome
        self.buffer.clear()  # new work waits for the next run
        if self.state.has_open_work:
            return None, outcome
        text = continuation.encode_input(self.serializer, self._args, self._kwargs, self.instance.checkpoint(),
                                         self.trace)
        return self._continue_as_new_decision(text), {"status": "continued_as_new", "result": text}

    def _continue_as_new_decision(self, input: Optional[str]) -> Decision:
        registration = self.definition.registration
        return continue_as_new_workflow_execution(
            input=input, task_list=registration.task_list,
            execution_start_to_close_timeout=registration.execution_start_to_close_timeout,
            task_start_to_close_timeout=registration.task_start_to_close_timeout,
            child_policy=registration.child_policy)

    def _check_all_claimed(self) -> None:
        """Every activity, child and timer the history holds was decided by an earlier replay, which
        this one must have re-reached: one the code no longer asks for means the code changed."""
        state = self.state
        unclaimed = []
        claimed = self._claimed_activities
        for activity_id in [activity_id for activity_id in state.activities if activity_id not in claimed]:
            record = state.activities[activity_id]  # records are built only for the (rare) unclaimed ids
            unclaimed.append((record.scheduled_event_id or record.closed_event_id, "activity", activity_id))
        unclaimed += [(record.initiated_event_id or record.closed_event_id, "child workflow", workflow_id)
                      for workflow_id, record in state.children.items() if workflow_id not in self._claimed_children]
        unclaimed += [(record.started_event_id or record.closed_event_id, "timer", timer_id)
                      for timer_id, record in state.timers.items()
                      if timer_id.startswith("timer-") and timer_id not in self._claimed_timers]
        if unclaimed:
            event_id, kind, ident = min(unclaimed)
            raise mismatch(event_id, "the %s" % kind, ident, "nothing (the code no longer asks for it)")

    def _run(self, input: Optional[str]) -> Tuple[Optional[Decision], Dict[str, Any]]:
        name = self.definition.name
        try:
            try:
                args, kwargs, restored = continuation.decode_input(
                    self.serializer, input, continuation.enabled(self.workflow_class))
            except ValueError as err:
                raise WorkflowUsageError("workflow %s: its input does not decode: %s" % (name, err)) from None
            self._args, self._kwargs = args, kwargs
            self.instance = self.workflow_class()
            self.instance._swfkit_context = self
            if restored is not continuation.NOTHING:
                self.instance.restore(restored)
            value = self.value = self.instance.run(*args, **kwargs)
            result = encode_value(self.serializer, value, "workflow %s" % name, "result")
        except ExecutionBlocked:
            return None, {}
        except ContinueAsNewRequested as request:
            return self._continue_as_new_decision(request.input), {"status": "continued_as_new",
                                                                   "result": request.input}
        except FailRequested as request:
            reason, details = cut(request.reason, MAX_REASON_LENGTH), cut(request.details, MAX_DATA_LENGTH)
            return fail_workflow_execution(reason=reason, details=details), \
                {"status": "failed", "reason": reason, "details": details}
        except (NonDeterministicWorkflowError, PayloadError):
            raise  # the code or the store is at fault, not the workflow: the decision task is retried
        except Exception as exc:  # the workflow's own failure: fail the execution, never lose it
            reason, details = failure_of(exc)
            return fail_workflow_execution(reason=reason, details=details), \
                {"status": "failed", "reason": reason, "details": details, "error": exc}
        finally:
            self.closed = True
        return complete_workflow_execution(result=result), {"status": "completed", "result": result}


def replay(workflow_class: Any, state: Any, *, workflow_id: str, run_id: str, **limits: Any) -> ReplayOutcome:
    """Replay ``workflow_class`` on ``state`` (a folded ``ExecutionState``) and decide.

    Args:
        workflow_class: an ``@workflow`` class.
        state: the execution's state up to the decision task's DecisionTaskStarted event.
        workflow_id, run_id: the execution (used for child workflow ids).
        **limits: ``max_open_activities``, ``max_request_bytes``, ``max_decisions``.

    Raises:
        NonDeterministicWorkflowError: the code disagrees with the history (names the event and both sides).
        WorkflowUsageError: ``workflow_class`` is not an ``@workflow`` class.
    """
    return ReplayContext(workflow_class, state, workflow_id=workflow_id, run_id=run_id, **limits).run()

