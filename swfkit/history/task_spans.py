"""The tasks of one execution laid out in time: what ``workflow tasks``, ``profile`` and the timeline read.

::

    from swfkit.history import execution_timeline

    timeline = execution_timeline(events)       # wire dicts or typed events, in event id order
    for task in timeline.tasks:
        print(task.kind, task.task_id, task.state, task.attempt_count)

One pass over the events, no fold: timestamps are what this view is about and the fold keeps none.
A task is one activity id, child workflow id, timer id or Lambda function id; every scheduling of
the same id (a futures retry) is one more ``TaskAttempt`` of it. Times are epoch seconds (floats, as
SWF's wire carries them): the analysis runs over tens of thousands of events and only what is
shown becomes a date. Pure: no clock, no I/O; an open task runs until ``timeline.end_time``.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional, Tuple

from swfkit.history.event_base import HistoryEvent, to_datetime

__all__ = ["TaskAttempt", "TaskSpan", "TimelineMark", "ExecutionTimeline", "execution_timeline", "OUTCOMES",
           "outcome_of"]

#: What a task's last state means for colouring and counting: state -> outcome.
OUTCOMES = {
    "scheduled": "open", "started": "open", "cancel_requested": "open", "start_initiated": "open",
    "completed": "completed", "fired": "completed",
    "failed": "failed", "schedule_failed": "failed", "start_failed": "failed", "terminated": "failed",
    "timed_out": "timed_out", "canceled": "canceled",
}


def outcome_of(state: str) -> str:
    """``open``, ``completed``, ``failed``, ``timed_out`` or ``canceled`` for a task state."""
    return OUTCOMES.get(state, "failed")


@dataclass(frozen=True, slots=True)
class TaskAttempt:
    """One scheduling of a task, with its times (epoch seconds; None when it did not happen).

    Attributes:
        scheduled_event_id: the event that scheduled (initiated, started) it.
        state: its state (scheduled, started, completed, failed, timed_out, canceled, fired...).
        detail: the reason, timeout type or cause of an unsuccessful end ('' otherwise).
    """

    scheduled_event_id: int
    state: str
    scheduled_time: float
    started_time: Optional[float] = None
    closed_time: Optional[float] = None
    identity: Optional[str] = None
    detail: str = ""

    @property
    def outcome(self) -> str:
        """The attempt's outcome (see ``outcome_of``)."""
        return outcome_of(self.state)


@dataclass(frozen=True)
class TaskSpan:
    """One activity, child workflow, timer or Lambda function of the execution, over all its attempts.

    Attributes:
        kind: ``activity``, ``child_workflow``, ``timer`` or ``lambda``.
        task_id: the activity id, child workflow id, timer id or Lambda function id.
        name: ``name/version`` of the activity or workflow type, the Lambda function name,
            ``timer`` for a timer.
        attempts: every scheduling of the id, oldest first (never empty).
        state_time: when the last state was reached (epoch seconds).
    """

    kind: str
    task_id: str
    name: str
    attempts: Tuple[TaskAttempt, ...]
    state_time: float

    @property
    def last(self) -> TaskAttempt:
        """The latest attempt."""
        return self.attempts[-1]

    @property
    def state(self) -> str:
        """The latest attempt's state."""
        return self.attempts[-1].state

    @property
    def outcome(self) -> str:
        """The latest attempt's outcome: open, completed, failed, timed_out or canceled."""
        return outcome_of(self.attempts[-1].state)

    @property
    def attempt_count(self) -> int:
        """How many times the id was scheduled (1 + the retries)."""
        return len(self.attempts)

    @property
    def scheduled_time(self) -> float:
        """When the first attempt was scheduled."""
        return self.attempts[0].scheduled_time

    @property
    def closed_time(self) -> Optional[float]:
        """When the latest attempt closed (None while it is open)."""
        return self.attempts[-1].closed_time

    @property
    def identity(self) -> Optional[str]:
        """The worker identity that started the latest attempt that started."""
        for attempt in reversed(self.attempts):
            if attempt.identity:
                return attempt.identity
        return None

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form (times in epoch seconds)."""
        return {"kind": self.kind, "id": self.task_id, "name": self.name, "state": self.state,
                "outcome": self.outcome, "stateTime": self.state_time, "scheduledTime": self.scheduled_time,
                "attempts": self.attempt_count, "identity": self.identity,
                "attemptDetails": [{"scheduledEventId": a.scheduled_event_id, "state": a.state,
                                    "scheduledTime": a.scheduled_time, "startedTime": a.started_time,
                                    "closedTime": a.closed_time, "identity": a.identity, "detail": a.detail}
                                   for a in self.attempts]}


@dataclass(frozen=True, slots=True)
class TimelineMark:
    """A moment worth a tick: ``kind`` is ``signal``, ``marker`` or ``decision`` (a decision task,
    from ``time`` when it was scheduled to ``end_time`` when it completed or timed out)."""

    kind: str
    event_id: int
    time: float
    label: str
    end_time: Optional[float] = None


@dataclass(frozen=True)
class ExecutionTimeline:
    """An execution run's tasks and moments in time.

    Attributes:
        start_time: WorkflowExecutionStarted (epoch seconds); end_time: the closing event, else the
            last event (what an open task runs until).
        close_status: COMPLETED, FAILED... or None while open.
        tasks: in the order their ids were first scheduled.
        marks: signals, markers and decision tasks, in history order.
    """

    workflow_type: str
    start_time: float
    end_time: float
    close_status: Optional[str]
    event_count: int
    tasks: Tuple[TaskSpan, ...] = ()
    marks: Tuple[TimelineMark, ...] = ()
    last_event_type: str = ""

    @property
    def duration(self) -> float:
        """Seconds from the start to ``end_time``."""
        return max(0.0, self.end_time - self.start_time)


_CLOSE_STATUSES = {"WorkflowExecutionCompleted": "COMPLETED", "WorkflowExecutionFailed": "FAILED",
                   "WorkflowExecutionTimedOut": "TIMED_OUT", "WorkflowExecutionCanceled": "CANCELED",
                   "WorkflowExecutionTerminated": "TERMINATED", "WorkflowExecutionContinuedAsNew": "CONTINUED_AS_NEW"}


def _seconds(value: Any) -> float:
    if type(value) is float or type(value) is int:
        return float(value)
    return to_datetime(value).timestamp()


def _type_label(value: Any) -> str:
    if isinstance(value, Mapping):
        return "%s/%s" % (value.get("name", ""), value.get("version", ""))
    return ""


def _detail(a: Mapping[str, Any]) -> str:
    for key in ("reason", "timeoutType", "cause"):
        if a.get(key):
            return str(a[key])
    return ""


class _Builder:
    """The state of the one pass: attempts kept as mutable lists until the end."""

    def __init__(self) -> None:
        self.tasks: Dict[Tuple[str, str], List[Any]] = {}   # (kind, id) -> [name, [attempt lists], state time]
        self.by_event: Dict[int, List[Any]] = {}            # scheduling event id -> attempt list
        self.decisions: Dict[int, List[Any]] = {}           # decision scheduled id -> [time, end, label, started]
        self.marks: List[TimelineMark] = []

    def schedule(self, kind: str, task_id: str, name: str, event_id: int, time: float,
                 state: str = "scheduled", started: Optional[float] = None) -> List[Any]:
        entry = self.tasks.get((kind, task_id))
        if entry is None:
            entry = self.tasks[(kind, task_id)] = [name, [], time]
        attempt = [event_id, state, time, started, None, None, ""]
        entry[1].append(attempt)
        entry[2] = time
        self.by_event[event_id] = attempt
        attempt.append(entry)
        return attempt

    def move(self, scheduled_event_id: Any, time: float, state: str, *, started: bool = False,
             identity: Optional[str] = None, detail: str = "") -> None:
        attempt = self.by_event.get(scheduled_event_id)
        if attempt is None:  # an event about a task this (partial) history never scheduled
            return
        attempt[1] = state
        if started:
            attempt[3] = time
            attempt[5] = identity
        else:
            attempt[4] = time
            attempt[6] = detail
        attempt[7][2] = time

    def spans(self) -> Tuple[TaskSpan, ...]:
        spans = []
        for (kind, task_id), (name, attempts, state_time) in self.tasks.items():
            if len(attempts) == 1:  # the common case, without a generator
                a = attempts[0]
                built: Tuple[TaskAttempt, ...] = (TaskAttempt(a[0], a[1], a[2], a[3], a[4], a[5], a[6]),)
            else:
                built = tuple(TaskAttempt(a[0], a[1], a[2], a[3], a[4], a[5], a[6]) for a in attempts)
            spans.append(TaskSpan(kind, task_id, name, built, state_time))
        return tuple(spans)


def _activity(b: _Builder, eid: int, t: float, kind: str, a: Mapping[str, Any]) -> None:
    if kind == "ActivityTaskScheduled":
        b.schedule("activity", a["activityId"], _type_label(a.get("activityType")), eid, t)
    elif kind == "ActivityTaskStarted":
        b.move(a.get("scheduledEventId"), t, "started", started=True, identity=a.get("identity"))
    elif kind == "ScheduleActivityTaskFailed":
        b.schedule("activity", a.get("activityId", ""), _type_label(a.get("activityType")), eid, t,
                   "schedule_failed")
        b.move(eid, t, "schedule_failed", detail=str(a.get("cause", "")))
    elif kind != "ActivityTaskCancelRequested":
        state = {"ActivityTaskCompleted": "completed", "ActivityTaskFailed": "failed",
                 "ActivityTaskTimedOut": "timed_out", "ActivityTaskCanceled": "canceled"}[kind]
        b.move(a.get("scheduledEventId"), t, state, detail=_detail(a))


def _child(b: _Builder, eid: int, t: float, kind: str, a: Mapping[str, Any]) -> None:
    if kind == "StartChildWorkflowExecutionInitiated":
        b.schedule("child_workflow", a["workflowId"], _type_label(a.get("workflowType")), eid, t, "start_initiated")
    elif kind == "StartChildWorkflowExecutionFailed":
        b.move(a.get("initiatedEventId"), t, "start_failed", detail=str(a.get("cause", "")))
    elif kind == "ChildWorkflowExecutionStarted":
        b.move(a.get("initiatedEventId"), t, "started", started=True, identity=None)
    else:
        state = {"ChildWorkflowExecutionCompleted": "completed", "ChildWorkflowExecutionFailed": "failed",
                 "ChildWorkflowExecutionTimedOut": "timed_out", "ChildWorkflowExecutionCanceled": "canceled",
                 "ChildWorkflowExecutionTerminated": "terminated"}[kind]
        b.move(a.get("initiatedEventId"), t, state, detail=_detail(a))


def _timer(b: _Builder, eid: int, t: float, kind: str, a: Mapping[str, Any]) -> None:
    if kind == "TimerStarted":  # a timer waits for nothing: it runs from the start
        b.schedule("timer", a["timerId"], "timer", eid, t, "started", started=t)
    elif kind == "StartTimerFailed":
        b.schedule("timer", a.get("timerId", ""), "timer", eid, t, "start_failed")
        b.move(eid, t, "start_failed", detail=str(a.get("cause", "")))
    elif kind in ("TimerFired", "TimerCanceled"):
        b.move(a.get("startedEventId"), t, "fired" if kind == "TimerFired" else "canceled")


def _lambda(b: _Builder, eid: int, t: float, kind: str, a: Mapping[str, Any]) -> None:
    if kind == "LambdaFunctionScheduled":
        b.schedule("lambda", a["id"], str(a.get("name", "")), eid, t)
    elif kind == "ScheduleLambdaFunctionFailed":
        b.schedule("lambda", a.get("id", ""), str(a.get("name", "")), eid, t, "schedule_failed")
        b.move(eid, t, "schedule_failed", detail=str(a.get("cause", "")))
    elif kind == "LambdaFunctionStarted":
        b.move(a.get("scheduledEventId"), t, "started", started=True)
    else:
        state = {"LambdaFunctionCompleted": "completed", "LambdaFunctionFailed": "failed",
                 "LambdaFunctionTimedOut": "timed_out", "StartLambdaFunctionFailed": "start_failed"}[kind]
        b.move(a.get("scheduledEventId"), t, state, detail=_detail(a))


def _mark(b: _Builder, eid: int, t: float, kind: str, a: Mapping[str, Any]) -> None:
    if kind == "WorkflowExecutionSignaled":
        b.marks.append(TimelineMark("signal", eid, t, str(a.get("signalName", ""))))
    elif kind == "MarkerRecorded":
        b.marks.append(TimelineMark("marker", eid, t, str(a.get("markerName", ""))))
    elif kind == "DecisionTaskScheduled":
        b.decisions[eid] = [t, None, "", None]
    else:
        entry = b.decisions.get(a.get("scheduledEventId"))
        if entry is None:
            return
        if kind == "DecisionTaskStarted":
            entry[3] = a.get("identity")
            return
        entry[1] = t
        entry[2] = "completed" if kind == "DecisionTaskCompleted" else "timed out"


_STEPS: Dict[str, Callable[[_Builder, int, float, str, Mapping[str, Any]], None]] = {}
for _kinds, _step in (
        (("ActivityTaskScheduled", "ActivityTaskStarted", "ActivityTaskCompleted", "ActivityTaskFailed",
          "ActivityTaskTimedOut", "ActivityTaskCanceled", "ActivityTaskCancelRequested",
          "ScheduleActivityTaskFailed"), _activity),
        (("StartChildWorkflowExecutionInitiated", "StartChildWorkflowExecutionFailed", "ChildWorkflowExecutionStarted",
          "ChildWorkflowExecutionCompleted", "ChildWorkflowExecutionFailed", "ChildWorkflowExecutionTimedOut",
          "ChildWorkflowExecutionCanceled", "ChildWorkflowExecutionTerminated"), _child),
        (("TimerStarted", "StartTimerFailed", "TimerFired", "TimerCanceled"), _timer),
        (("LambdaFunctionScheduled", "ScheduleLambdaFunctionFailed", "LambdaFunctionStarted", "LambdaFunctionCompleted",
          "LambdaFunctionFailed", "LambdaFunctionTimedOut", "StartLambdaFunctionFailed"), _lambda),
        (("WorkflowExecutionSignaled", "MarkerRecorded", "DecisionTaskScheduled", "DecisionTaskStarted",
          "DecisionTaskCompleted", "DecisionTaskTimedOut"), _mark)):
    for _kind in _kinds:
        _STEPS[_kind] = _step


#: The attributes key of every event type the steps read.
_KEYS = {kind: kind[0].lower() + kind[1:] + "EventAttributes" for kind in _STEPS}


def execution_timeline(events: Iterable[Any]) -> ExecutionTimeline:
    """Lay out one execution run's tasks and moments from its history.

    Args:
        events: the run's events in ascending id order: wire dicts (as ``GetWorkflowExecutionHistory``
            or ``workflow history --json`` give them) or typed ``HistoryEvent`` objects.
    Returns:
        The ``ExecutionTimeline`` (an empty one, ``event_count`` 0, for no events).
    Raises:
        HistoryError: an event has a timestamp that is not one.
    """
    builder = _Builder()
    steps = _STEPS
    first: Optional[float] = None
    time = 0.0
    count = 0
    close_status: Optional[str] = None
    workflow_type = ""
    last_type = ""
    keys = _KEYS
    empty: Mapping[str, Any] = {}
    for event in events:
        raw = event if type(event) is dict else _raw(event)
        count += 1
        last_type = raw["eventType"]
        stamp = raw["eventTimestamp"]
        time = stamp if type(stamp) is float else _seconds(stamp)
        if first is None:
            first = time
        step = steps.get(last_type)
        if step is not None:
            step(builder, raw["eventId"], time, last_type, raw.get(keys[last_type]) or empty)
        elif last_type in _CLOSE_STATUSES:
            close_status = _CLOSE_STATUSES[last_type]
        elif last_type == "WorkflowExecutionStarted":
            workflow_type = _type_label(_attributes(raw, last_type).get("workflowType"))
    marks = builder.marks
    for scheduled_id, (begun, ended, how, identity) in builder.decisions.items():
        label = "decision task %s%s" % (how or "open", " by %s" % identity if identity else "")
        marks.append(TimelineMark("decision", scheduled_id, begun, label, ended))
    marks.sort(key=lambda mark: mark.event_id)
    start = first if first is not None else 0.0
    return ExecutionTimeline(workflow_type, start, time, close_status, count, builder.spans(), tuple(marks),
                             last_type)


def _attributes(raw: Mapping[str, Any], event_type: str) -> Mapping[str, Any]:
    value = raw.get(event_type[0].lower() + event_type[1:] + "EventAttributes")
    return value if isinstance(value, Mapping) else {}


def _raw(event: Any) -> Mapping[str, Any]:
    raw: Mapping[str, Any] = event.raw if isinstance(event, HistoryEvent) else event
    return raw

