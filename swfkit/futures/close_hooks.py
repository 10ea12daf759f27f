"""Lifecycle hooks: ``on_completed(result)``, ``on_failure(error)``, ``on_canceled()`` on a workflow class.

A hook is called once, in the decision where the replay first reaches the close: after ``run``
returned (or failed), or when a cancel request cancels the execution. It may submit clean-up
activities: they are scheduled in that decision, and the close decision is held back until every
one of them has closed (later decisions see them in the history and do not call the hook again),
so the close goes out last. A hook therefore cannot use its activities' results (``result()`` in a
hook simply ends it), and its activities are not retried. They take ids of their own
(``hook.2-notify``: the hook's second submission), apart from ``run``'s numbering. A hook that
raises fails the execution with its own error. Hooks may not start timers or child workflows.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

from swfkit.actors.failures import failure_of
from swfkit.decisions import Decision, fail_workflow_execution
from swfkit.exceptions import NonDeterministicWorkflowError
from swfkit.futures.errors import (
    ContinueAsNewRequested,
    ExecutionBlocked,
    FailRequested,
    WorkflowFailed,
    WorkflowUsageError,
)
from swfkit.futures.future import PENDING

__all__ = ["HOOKS", "HOOK_PREFIX", "run_hook"]

#: Close status -> the hook called for it.
HOOKS = {"completed": "on_completed", "failed": "on_failure", "canceled": "on_canceled"}

#: Activity ids of what hooks submit start with this (``hook.2-notify``).
HOOK_PREFIX = "hook."

Outcome = Tuple[Optional[Decision], Dict[str, Any]]


def _argument(status: str, value: Any, outcome: Dict[str, Any]) -> Tuple[Any, ...]:
    if status == "completed":
        return (value,)
    if status == "failed":
        error = outcome.get("error")
        return (error if error is not None else WorkflowFailed(outcome.get("reason"), outcome.get("details")),)
    return ()


def run_hook(ctx: Any, close: Optional[Decision], outcome: Dict[str, Any], value: Any = None) -> Outcome:
    """Call the hook for ``outcome["status"]`` if the class has one; the close to send, or None to wait.

    Args:
        ctx: the ReplayContext (its ``instance`` has run, or has been made for ``on_canceled``).
        close, outcome: what the run decided. value: ``run``'s return value (completed).
    """
    status = outcome.get("status", "")
    hook = getattr(ctx.instance, HOOKS.get(status, ""), None) if close is not None else None
    if hook is None:
        return close, outcome
    earlier = [activity_id for activity_id in ctx.state.activity_rows if activity_id.startswith(HOOK_PREFIX)]
    if earlier:  # the hook ran in an earlier decision: wait for its clean-ups, then close
        ctx.claim_activities(earlier)
        return (None, {}) if any(ctx.state.is_activity_open(a) for a in earlier) else (close, outcome)
    ctx.closed = False
    ctx.hook_futures = []
    try:
        hook(*_argument(status, value, outcome))
    except ExecutionBlocked:
        pass  # it waits for a clean-up: the close does too
    except NonDeterministicWorkflowError:
        raise
    except (ContinueAsNewRequested, FailRequested, Exception) as exc:
        if not isinstance(exc, Exception):
            exc = WorkflowUsageError("%s: a hook cannot continue as new or call fail(); raise an exception "
                                     "instead" % HOOKS[status])
        reason, details = failure_of(exc)
        return fail_workflow_execution(reason=reason, details=details), \
            {"status": "failed", "reason": reason, "details": details, "error": exc}
    finally:
        ctx.closed = True
        futures, ctx.hook_futures = ctx.hook_futures, None
    if any(f._status is PENDING for f in futures):
        return None, {}
    return close, outcome
