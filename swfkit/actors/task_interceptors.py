"""Hooks around what an actor does with tasks: for metrics and tracing, not a framework.

An actor interceptor is any object with the three methods of ``ActorInterceptor`` (subclass it and
override what you need); ``Worker(..., interceptors=[...])``, ``Decider(...)`` and the async actors
call them from the thread (or event loop) doing the work. They must be quick and must not raise:
an exception from an interceptor is logged and ignored, never the task's.

For every poll: ``poll_finished``. For every task a poll returned: ``task_started`` before the task
is handed to the code (``do`` / ``decide``), and ``task_closed`` once its answer was sent (or found
unwanted), with what ``task_started`` returned.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence, Tuple

log = logging.getLogger("swfkit.actors.task_interceptors")

__all__ = ["ActorInterceptor", "PollOutcome", "TaskInfo", "TaskOutcome", "actor_interceptors",
           "activity_task_info", "decision_task_info", "decision_wait_time", "notify", "notify_closed"]

#: ``TaskOutcome.result`` values: the answer sent, or why none was.
COMPLETED = "completed"   # activity: RespondActivityTaskCompleted; decision: RespondDecisionTaskCompleted
FAILED = "failed"         # activity: RespondActivityTaskFailed; decision: the decider raised
CANCELED = "canceled"     # activity: RespondActivityTaskCanceled
TIMED_OUT = "timed_out"   # SWF no longer knew the task when answered (it timed out, or its execution closed)


@dataclass(frozen=True)
class PollOutcome:
    """How one long poll ended.

    Attributes:
        kind: ``"activity"`` or ``"decision"``.
        domain, task_list: what was polled.
        duration: seconds the poll was out (for an idle worker, about SWF's 60 s hold).
        got_task: whether a task came back.
        error: the exception the poll raised (the loop retries it), or None.
    """

    kind: str
    domain: str
    task_list: str
    duration: float
    got_task: bool
    error: Optional[BaseException] = None


@dataclass(frozen=True)
class TaskInfo:
    """One polled task, as metrics and traces label it.

    Attributes:
        kind: ``"activity"`` or ``"decision"``.
        domain, task_list: where it was polled.
        type_name, type_version: the activity type, or the workflow type for a decision task.
        workflow_id, run_id: its execution.
        task_id: the activity id; for a decision task, its DecisionTaskStarted event id as text.
        started_event_id: the task's started event id.
        identity: the poller identity recorded by SWF.
        task: the ``ActivityTask`` itself (its input, for trace context); for a decision task, the
            poll's first page (a dict as ``PollForDecisionTask`` answered: ``task_started`` comes
            before the history is read, so that reading it counts in the run time).
    """

    kind: str
    domain: str
    task_list: str
    type_name: str
    type_version: str
    workflow_id: str
    run_id: str
    task_id: str
    started_event_id: int
    identity: str
    task: Any = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class TaskOutcome:
    """How one task ended.

    Attributes:
        result: ``"completed"``, ``"failed"``, ``"canceled"`` or ``"timed_out"`` (see the constants).
        run_time: seconds from ``task_started`` to the answer sent.
        wait_time: seconds the task waited in its task list (scheduled to started) where the actor
            can tell: decision tasks (their history has both events); None for activity tasks,
            whose poll answer carries no scheduled time.
        reason: the failure reason sent with ``"failed"``, else None.
        error: the exception the code raised, else None.
    """

    result: str
    run_time: float
    wait_time: Optional[float] = None
    reason: Optional[str] = None
    error: Optional[BaseException] = None


def activity_task_info(domain: str, task_list: str, identity: str, task: Any) -> TaskInfo:
    """The ``TaskInfo`` of an ``ActivityTask`` polled from ``domain``/``task_list`` by ``identity``."""
    activity_type = task.activity_type or {}
    return TaskInfo("activity", domain, task_list, activity_type.get("name", ""), activity_type.get("version", ""),
                    task.workflow_id, task.run_id, task.activity_id, task.started_event_id, identity, task)


def decision_task_info(domain: str, task_list: str, identity: str, page: Any) -> TaskInfo:
    """The ``TaskInfo`` of a decision task from its first page (``PollForDecisionTask``'s answer)."""
    execution = page.get("workflowExecution") or {}
    workflow_type = page.get("workflowType") or {}
    started = int(page.get("startedEventId") or 0)
    return TaskInfo("decision", domain, task_list, workflow_type.get("name", ""), workflow_type.get("version", ""),
                    execution.get("workflowId", ""), execution.get("runId", ""), str(started), started, identity,
                    page)


def decision_wait_time(task: Any) -> Optional[float]:
    """``TaskOutcome.wait_time`` of a decision task: seconds from its DecisionTaskScheduled to its
    DecisionTaskStarted event (SWF's clock).

    Args:
        task: the ``DecisionTask`` once its history was read, or None (it could not be read).

    Returns:
        The seconds (never negative), or None when ``task`` is None or its history cannot say.
    """
    if task is None:
        return None
    try:
        started = task.history[task.started_event_id]
        scheduled = task.history[started.scheduled_event_id]
        return max((started.event_timestamp - scheduled.event_timestamp).total_seconds(), 0.0)
    except Exception:  # a history too odd to say: a metric is not worth failing the decision over
        return None


class ActorInterceptor:
    """Base class of actor interceptors: the three methods do nothing."""

    def poll_finished(self, poll: PollOutcome) -> None:
        """Called after every long poll, empty or not."""

    def task_started(self, task: TaskInfo) -> Any:
        """Called before the task runs; the return value is handed to ``task_closed``."""
        return None

    def task_closed(self, task: TaskInfo, outcome: TaskOutcome, state: Any) -> None:
        """Called once the task's answer was sent (or found unwanted)."""


def actor_interceptors(interceptors: Optional[Sequence[Any]]) -> Tuple[Any, ...]:
    """Check ``interceptors`` (each needs the three methods) and freeze them."""
    if interceptors is None:
        return ()
    if isinstance(interceptors, (str, bytes)) or not hasattr(interceptors, "__iter__"):
        raise TypeError("interceptors: expected a sequence of actor interceptors, got %r" % (interceptors,))
    frozen = tuple(interceptors)
    for interceptor in frozen:
        missing = [name for name in ("poll_finished", "task_started", "task_closed")
                   if not callable(getattr(interceptor, name, None))]
        if missing:
            raise TypeError("interceptors: %r has no %s (subclass swfkit.actors.task_interceptors.ActorInterceptor)"
                            % (interceptor, "/".join(missing)))
    return frozen


def notify(interceptors: Tuple[Any, ...], method: str, *args: Any) -> Any:
    """Call ``method`` on each interceptor (errors logged and ignored); return their results in order."""
    results = []
    for interceptor in interceptors:
        try:
            results.append(getattr(interceptor, method)(*args))
        except Exception:
            log.exception("actor interceptor %r failed in %s; ignored", interceptor, method)
            results.append(None)
    return tuple(results)


def notify_closed(interceptors: Tuple[Any, ...], states: Tuple[Any, ...], task: TaskInfo, outcome: TaskOutcome) -> None:
    """Call each ``task_closed`` with the state its own ``task_started`` returned (``states``, as
    ``notify(interceptors, "task_started", task)`` gave them), in reverse order: the first one wraps
    the others, as with the client's interceptors."""
    for interceptor, state in zip(reversed(interceptors), reversed(states)):
        try:
            interceptor.task_closed(task, outcome, state)
        except Exception:
            log.exception("actor interceptor %r failed in task_closed; ignored", interceptor)
