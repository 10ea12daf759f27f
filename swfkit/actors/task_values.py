"""The tasks handed to ``Decider.decide`` and ``Worker.do``, and the activity-side exceptions."""
from __future__ import annotations

import functools
import logging
import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Dict, List, Optional, Tuple

from ..exceptions import SWFError, UnknownResourceFault
from .failures import cut_heartbeat_details

if TYPE_CHECKING:  # typing only: actors import history lazily where it is used
    from ..history import ExecutionState, History
    from .decision_failures import DecisionFailure

log = logging.getLogger("swfkit.actors.heartbeater")

__all__ = ["DecisionTask", "ActivityTask", "ActivityCanceled", "ActivityTaskLost", "UnknownActivityType",
           "type_text"]


class ActivityCanceled(SWFError):
    """Raised by an activity to answer ``RespondActivityTaskCanceled``.

    Args:
        details: sent as the cancellation's ``details`` (cut to 32,768 characters).
    """

    def __init__(self, details: Optional[str] = None) -> None:
        self.details = details
        super().__init__("activity task canceled" + (": %s" % details if details else ""))

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (type(self), (self.details,))


class ActivityTaskLost(SWFError):
    """SWF no longer knows the task (it timed out or its execution closed): its result is dropped."""


class UnknownActivityType(SWFError):
    """The worker has no callable for the task's activity type."""


@dataclass(frozen=True)
class DecisionTask:
    """One decision task with its whole history, already fetched and folded.

    Attributes:
        task_token: the token to answer with.
        workflow_execution: ``{"workflowId": ..., "runId": ...}``.
        workflow_type: ``{"name": ..., "version": ...}``.
        started_event_id: id of this task's DecisionTaskStarted event.
        previous_started_event_id: id of the DecisionTaskStarted of the last *completed* decision (0 at first).
        history: every event of the execution up to this task.
        state: the history folded into an ``ExecutionState``. It is the decider's own: the run's
            next decision folds its new events into the same object, so take ``state.copy()`` to
            keep a snapshot beyond ``decide``.
        new_events: the events after ``previous_started_event_id``.
        payloads: the decider's payload codec (None: none); ``input``, ``new_events`` and
            ``decode`` resolve offloaded payloads with it, only when read.
        decision_failures: the decisions SWF refused among ``new_events`` (``DecisionFailure``).
    """

    task_token: str
    workflow_execution: Dict[str, str]
    workflow_type: Dict[str, str]
    started_event_id: int
    previous_started_event_id: int
    history: "History" = field(repr=False)
    state: "ExecutionState" = field(repr=False)
    payloads: Any = field(default=None, repr=False, compare=False)

    @functools.cached_property
    def new_events(self) -> List[Any]:
        """The events after ``previous_started_event_id`` (typed on first access: a decider reading
        only ``state`` pays nothing for them; payload members decoded when read)."""
        events = list(self.history.new_events(self.previous_started_event_id))
        if self.payloads is None:
            return events
        from .payload_wiring import PayloadEvent

        return [PayloadEvent(event, self.payloads) for event in events]

    def decode(self, text: Optional[str], event_id: int = 0) -> Optional[str]:
        """``text`` (a payload from the history or state) with an offloaded value fetched.

        Raises:
            PayloadError: the reference cannot be resolved (names it and ``event_id``).
        """
        return text if self.payloads is None else self.payloads.decode(text, event_id=event_id)

    @functools.cached_property
    def decision_failures(self) -> Tuple["DecisionFailure", ...]:
        """Decisions SWF refused since the last decision (``*Failed`` events with a cause, e.g.
        ``ScheduleActivityTask a1 failed: ACTIVITY_TYPE_DOES_NOT_EXIST``), for ``decide`` to react to."""
        from .decision_failures import decision_failures

        return decision_failures(self.new_events)

    @property
    def workflow_id(self) -> str:
        """The execution's workflow id."""
        return self.workflow_execution["workflowId"]

    @property
    def run_id(self) -> str:
        """The execution's run id."""
        return self.workflow_execution["runId"]

    @property
    def input(self) -> Optional[str]:
        """The execution's input (from WorkflowExecutionStarted, decoded)."""
        return self.decode(getattr(self.state.execution, "input", None), 1)


class TaskControl:
    """The live part of an activity task: cancellation and loss flags, progress, the heartbeat client."""

    def __init__(self, client: Any, task_token: str) -> None:
        self.client = client
        self.task_token = task_token
        self.cancel_requested = threading.Event()
        self.lost = threading.Event()
        self.progress: Optional[str] = None
        self.lock = threading.Lock()  # one heartbeat at a time per task
        #: The worker's payload codec: long details are offloaded instead of cut (None: cut).
        self.payloads: Any = None

    def heartbeat(self, details: Optional[str]) -> bool:
        """Record a heartbeat; returns cancelRequested. Raises ActivityTaskLost if the task is gone."""
        if self.lost.is_set():
            raise ActivityTaskLost("activity task is no longer known to SWF")
        with self.lock:
            try:
                response = self.client.record_activity_task_heartbeat(
                    task_token=self.task_token, details=cut_heartbeat_details(details) if self.payloads is None
                    else self.payloads.encode("RecordActivityTaskHeartbeat.details", details))
            except UnknownResourceFault as err:
                self.lost.set()
                raise ActivityTaskLost("activity task is no longer known to SWF: %s" % err) from None
        if response.get("cancelRequested"):
            self.cancel_requested.set()
        return self.cancel_requested.is_set()


@dataclass(frozen=True)
class ActivityTask:
    """One activity task as polled, plus its live heartbeat / cancellation controls.

    Attributes:
        task_token: the token to answer with.
        activity_id: the id the decider gave the activity.
        activity_type: ``{"name": ..., "version": ...}``.
        input: the activity's input, or None.
        workflow_execution: ``{"workflowId": ..., "runId": ...}``.
        started_event_id: id of the ActivityTaskStarted event.
    """

    task_token: str
    activity_id: str
    activity_type: Dict[str, str]
    input: Optional[str]
    workflow_execution: Dict[str, str]
    started_event_id: int
    control: Optional[TaskControl] = field(default=None, repr=False, compare=False)

    @classmethod
    def from_response(cls, response: Dict[str, Any], client: Any = None) -> "ActivityTask":
        """Build from a PollForActivityTask response (``client`` sends heartbeats)."""
        return cls(
            task_token=response["taskToken"],
            activity_id=response.get("activityId", ""),
            activity_type=dict(response.get("activityType") or {}),
            input=response.get("input"),
            workflow_execution=dict(response.get("workflowExecution") or {}),
            started_event_id=int(response.get("startedEventId") or 0),
            control=TaskControl(client, response["taskToken"]) if client is not None else None,
        )

    @property
    def workflow_id(self) -> str:
        """The execution's workflow id."""
        return self.workflow_execution.get("workflowId", "")

    @property
    def run_id(self) -> str:
        """The execution's run id."""
        return self.workflow_execution.get("runId", "")

    def _live(self) -> TaskControl:
        if self.control is None:
            raise SWFError("this ActivityTask was built without a client; heartbeats need one")
        return self.control

    def heartbeat(self, details: Optional[str] = None) -> bool:
        """Record a heartbeat now (``details`` cut to 2,048 characters).

        Returns:
            Whether cancellation of this task was requested.

        Raises:
            ActivityTaskLost: the task timed out or its execution closed.
        """
        control = self._live()
        if details is not None:
            control.progress = details
        return control.heartbeat(details if details is not None else control.progress)

    def set_progress(self, details: Optional[str]) -> None:
        """Set the details the background heartbeater sends next."""
        self._live().progress = details

    @property
    def cancel_requested(self) -> bool:
        """True once a heartbeat answered ``cancelRequested``."""
        return self.control is not None and self.control.cancel_requested.is_set()

    @property
    def lost(self) -> bool:
        """True once SWF answered that it no longer knows this task."""
        return self.control is not None and self.control.lost.is_set()

    def check_canceled(self) -> None:
        """Raise ``ActivityCanceled`` if cancellation was requested, ``ActivityTaskLost`` if the task is gone."""
        if self.lost:
            raise ActivityTaskLost("activity %s of %s is no longer known to SWF" % (self.activity_id, self.workflow_id))
        if self.cancel_requested:
            raise ActivityCanceled()


def type_text(activity_or_workflow_type: Any) -> str:
    """``name/version`` of an activity or workflow type dict, for log lines."""
    return "%s/%s" % (activity_or_workflow_type.get("name"), activity_or_workflow_type.get("version"))
