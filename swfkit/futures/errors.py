"""The futures layer's errors, and the control-flow signals the replay engine uses internally.

::

    SWFError
    ├── FutureError                 what ``Future.result()`` raises for an unsuccessful outcome
    │   ├── ActivityFailed          the activity failed (after its retries): reason, details, attempts
    │   │   └── ActivityTimedOut    ... by timing out: timeout_type
    │   ├── ScheduleFailed          SWF refused to start it (``...Failed`` event): cause
    │   ├── ChildWorkflowFailed     the child workflow failed, timed out or was terminated
    │   ├── SignalFailed            SignalExternalWorkflowExecution failed: cause
    │   └── CancelledError          the future was cancelled
    ├── WorkflowFailed              a workflow run by ``run_local`` failed: reason, details
    ├── WorkflowUsageError          workflow code used the API wrongly (not an activity, after close...)
    ├── WorkflowDeadlock            ``run_local``: the workflow waits for something that can never come
    └── NonDeterministicWorkflowError (swfkit.exceptions) code and history disagree

``ExecutionBlocked``, ``ContinueAsNewRequested`` and ``FailRequested`` derive from
``BaseException`` so an ``except Exception`` in workflow code cannot swallow them.
"""
from __future__ import annotations

from typing import Any, Optional

from swfkit.exceptions import NonDeterministicWorkflowError, SWFError

__all__ = [
    "FutureError", "ActivityFailed", "ActivityTimedOut", "ScheduleFailed", "ChildWorkflowFailed",
    "SignalFailed", "CancelledError", "WorkflowFailed", "WorkflowUsageError", "WorkflowDeadlock",
    "NonDeterministicWorkflowError", "ExecutionBlocked", "ContinueAsNewRequested", "FailRequested",
]


class FutureError(SWFError):
    """An unsuccessful outcome of a future (``Future.exception()`` returns one of these)."""


class ActivityFailed(FutureError):
    """The activity failed on its last attempt.

    Attributes:
        activity_id: the activity's id. reason, details: what the worker reported.
        attempts: how many attempts were made (retries included).
    """

    def __init__(self, activity_id: str, reason: Optional[str], details: Optional[str], attempts: int) -> None:
        self.activity_id, self.reason, self.details, self.attempts = activity_id, reason, details, attempts
        lines = [line for line in (details or "").splitlines() if line.strip()]
        last = " (%s)" % lines[-1].strip()[:200] if lines else ""
        super().__init__("activity %s failed after %d attempt(s): %s%s" % (activity_id, attempts, reason, last))

    def __reduce__(self) -> Any:
        return (type(self), (self.activity_id, self.reason, self.details, self.attempts))


class ActivityTimedOut(ActivityFailed):
    """The activity timed out on its last attempt (``timeout_type``: START_TO_CLOSE, HEARTBEAT...)."""

    def __init__(self, activity_id: str, timeout_type: Optional[str], details: Optional[str], attempts: int) -> None:
        super().__init__(activity_id, "timed out (%s)" % timeout_type, details, attempts)
        self.timeout_type = timeout_type

    def __reduce__(self) -> Any:
        return (type(self), (self.activity_id, self.timeout_type, self.details, self.attempts))


class ScheduleFailed(FutureError):
    """SWF refused the decision behind the future (e.g. ACTIVITY_TYPE_DOES_NOT_EXIST).

    Attributes:
        target: the activity id, timer id or child workflow id. cause: SWF's cause.
    """

    def __init__(self, target: str, cause: Optional[str]) -> None:
        self.target, self.cause = target, cause
        super().__init__("SWF refused to start %s: %s" % (target, cause))

    def __reduce__(self) -> Any:
        return (type(self), (self.target, self.cause))


class ChildWorkflowFailed(FutureError):
    """The child workflow closed without completing (status: failed, timed_out, terminated)."""

    def __init__(self, workflow_id: str, status: str, reason: Optional[str] = None, details: Optional[str] = None) -> None:
        self.workflow_id, self.status, self.reason, self.details = workflow_id, status, reason, details
        super().__init__("child workflow %s %s%s" % (workflow_id, status, ": %s" % reason if reason else ""))

    def __reduce__(self) -> Any:
        return (type(self), (self.workflow_id, self.status, self.reason, self.details))


class SignalFailed(FutureError):
    """A signal this workflow sent could not be delivered (cause from SWF)."""

    def __init__(self, workflow_id: str, signal_name: str, cause: Optional[str]) -> None:
        self.workflow_id, self.signal_name, self.cause = workflow_id, signal_name, cause
        super().__init__("signal %r to %s failed: %s" % (signal_name, workflow_id, cause))

    def __reduce__(self) -> Any:
        return (type(self), (self.workflow_id, self.signal_name, self.cause))


class CancelledError(FutureError):
    """``result()`` or ``exception()`` on a cancelled future."""


class WorkflowFailed(SWFError):
    """A workflow run locally failed (``self.fail``, or failed history). Fields: reason, details."""

    def __init__(self, reason: Optional[str], details: Optional[str] = None) -> None:
        self.reason, self.details = reason, details
        super().__init__("workflow failed: %s" % reason)

    def __reduce__(self) -> Any:
        return (type(self), (self.reason, self.details))


class WorkflowUsageError(SWFError, TypeError):
    """Workflow code used the futures API wrongly; the message says what and how to fix it."""


class WorkflowDeadlock(SWFError):
    """``run_local``: the workflow waits, and no activity, timer or signal can ever wake it."""


class ExecutionBlocked(BaseException):
    """Internal: a result is not in the history yet, so this decision ends here."""


class ContinueAsNewRequested(BaseException):
    """Internal: ``self.continue_as_new(...)`` was called."""

    def __init__(self, input: Optional[str]) -> None:
        super().__init__(input)
        self.input = input


class FailRequested(BaseException):
    """Internal: ``self.fail(reason, details)`` was called."""

    def __init__(self, reason: str, details: Optional[str]) -> None:
        super().__init__(reason)
        self.reason, self.details = reason, details
