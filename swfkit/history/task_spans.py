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
from typing import Any, Dict, Iterable, List, Mapping, NamedTuple, Optional, Tuple

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


class TaskAttempt(NamedTuple):
    """One scheduling of a task, with its times (epoch seconds; None when it did not happen).

    Named tuples, not frozen dataclasses: a 25,000-event history makes some 20,000 of these and
    a tuple is built several times faster (immutable all the same).

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


class TaskSpan(NamedTuple):
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


# Event type -> (task kind, member holding its id, member holding its name (None: a timer), first
# state): the events that schedule an attempt of a task.
_SCHEDULES = {
    "ActivityTaskScheduled": ("activity", "activityId", "activityType", "scheduled"),
    "StartChildWorkflowExecutionInitiated": ("child_workflow", "workflowId", "workflowType", "start_initiated"),
    "TimerStarted": ("timer", "timerId", None, "started"),  # a timer waits for nothing: it runs at once
    "LambdaFunctionScheduled": ("lambda", "id", "name", "scheduled"),
}
# The decisions SWF refused: an attempt that closed as it was made.
_REFUSED = {
    "ScheduleActivityTaskFailed": ("activity", "activityId", "activityType", "schedule_failed"),
    "StartTimerFailed": ("timer", "timerId", None, "start_failed"),
    "ScheduleLambdaFunctionFailed": ("lambda", "id", "name", "schedule_failed"),
}
# Event type -> (member naming the scheduling event, new state, whether it starts the attempt).
_MOVES = {
    "ActivityTaskStarted": ("scheduledEventId", "started", True),
    "ActivityTaskCompleted": ("scheduledEventId", "completed", False),
    "ActivityTaskFailed": ("scheduledEventId", "failed", False),
    "ActivityTaskTimedOut": ("scheduledEventId", "timed_out", False),
    "ActivityTaskCanceled": ("scheduledEventId", "canceled", False),
    "ChildWorkflowExecutionStarted": ("initiatedEventId", "started", True),
    "ChildWorkflowExecutionCompleted": ("initiatedEventId", "completed", False),
    "ChildWorkflowExecutionFailed": ("initiatedEventId", "failed", False),
    "ChildWorkflowExecutionTimedOut": ("initiatedEventId", "timed_out", False),
    "ChildWorkflowExecutionCanceled": ("initiatedEventId", "canceled", False),
    "ChildWorkflowExecutionTerminated": ("initiatedEventId", "terminated", False),
    "StartChildWorkflowExecutionFailed": ("initiatedEventId", "start_failed", False),
    "TimerFired": ("startedEventId", "fired", False),
    "TimerCanceled": ("startedEventId", "canceled", False),
    "LambdaFunctionStarted": ("scheduledEventId", "started", True),
    "LambdaFunctionCompleted": ("scheduledEventId", "completed", False),
    "LambdaFunctionFailed": ("scheduledEventId", "failed", False),
    "LambdaFunctionTimedOut": ("scheduledEventId", "timed_out", False),
    "StartLambdaFunctionFailed": ("scheduledEventId", "start_failed", False),
}
_MARKS = ("WorkflowExecutionSignaled", "MarkerRecorded", "DecisionTaskScheduled", "DecisionTaskStarted",
          "DecisionTaskCompleted", "DecisionTaskTimedOut")
#: The attributes key of every event type read here.
_KEYS = {kind: kind[0].lower() + kind[1:] + "EventAttributes"
         for kind in (*_SCHEDULES, *_REFUSED, *_MOVES, *_MARKS, "WorkflowExecutionStarted")}
# An attempt, while the pass runs, is a list in TaskAttempt field order plus its task's entry.
_ATTEMPT_FIELDS = 7


class _Pass:
    """The state of the one pass over the events."""

    def __init__(self) -> None:
        self.tasks: Dict[Tuple[str, str], List[Any]] = {}  # (kind, id) -> [name, [attempts], state time]
        self.by_event: Dict[Any, List[Any]] = {}           # scheduling event id -> attempt
        self.decisions: Dict[Any, List[Any]] = {}          # decision scheduled id -> [time, end, how, identity]
        self.marks: List[TimelineMark] = []

    def schedule(self, rule: Tuple[str, str, Optional[str], str], event_id: int, time: float,
                 a: Mapping[str, Any]) -> List[Any]:
        kind, id_member, name_member, state = rule
        key = (kind, str(a.get(id_member, "")))
        entry = self.tasks.get(key)
        if entry is None:
            name = "timer" if name_member is None else a.get(name_member)
            entry = self.tasks[key] = [name if type(name) is str else _type_label(name), [], time]
        attempt = [event_id, state, time, time if kind == "timer" else None, None, None, "", entry]
        entry[1].append(attempt)
        entry[2] = time
        self.by_event[event_id] = attempt
        return attempt

    def mark(self, kind: str, event_id: int, time: float, a: Mapping[str, Any]) -> None:
        if kind == "WorkflowExecutionSignaled":
            self.marks.append(TimelineMark("signal", event_id, time, str(a.get("signalName", ""))))
        elif kind == "MarkerRecorded":
            self.marks.append(TimelineMark("marker", event_id, time, str(a.get("markerName", ""))))
        elif kind == "DecisionTaskScheduled":
            self.decisions[event_id] = [time, None, "", None]
        else:
            entry = self.decisions.get(a.get("scheduledEventId"))
            if entry is None:
                return
            if kind == "DecisionTaskStarted":
                entry[3] = a.get("identity")
            else:
                entry[1] = time
                entry[2] = "completed" if kind == "DecisionTaskCompleted" else "timed out"

    def spans(self) -> Tuple[TaskSpan, ...]:
        spans = []
        for (kind, task_id), (name, attempts, state_time) in self.tasks.items():
            if len(attempts) == 1:  # the common case, without a generator
                built: Tuple[TaskAttempt, ...] = (TaskAttempt(*attempts[0][:_ATTEMPT_FIELDS]),)
            else:
                built = tuple(TaskAttempt(*attempt[:_ATTEMPT_FIELDS]) for attempt in attempts)
            spans.append(TaskSpan(kind, task_id, name, built, state_time))
        return tuple(spans)


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
    work = _Pass()
    moves, schedules, keys, by_event = _MOVES, _SCHEDULES, _KEYS, work.by_event
    first: Optional[float] = None
    time = 0.0
    count = 0
    close_status: Optional[str] = None
    workflow_type = ""
    kind = ""
    empty: Mapping[str, Any] = {}
    for event in events:
        raw = event if type(event) is dict else _raw(event)
        count += 1
        kind = raw["eventType"]
        stamp = raw["eventTimestamp"]
        time = stamp if type(stamp) is float else _seconds(stamp)
        if first is None:
            first = time
        move = moves.get(kind)
        if move is not None:  # the bulk of a history: inlined
            a = raw.get(keys[kind]) or empty
            attempt = by_event.get(a.get(move[0]))
            if attempt is not None:  # else: about a task this (partial) history never scheduled
                attempt[1] = move[1]
                if move[2]:
                    attempt[3] = time
                    attempt[5] = a.get("identity")
                else:
                    attempt[4] = time
                    attempt[6] = _detail(a)
                attempt[7][2] = time
            continue
        rule = schedules.get(kind)
        if rule is not None:
            work.schedule(rule, raw["eventId"], time, raw.get(keys[kind]) or empty)
        elif kind in _REFUSED:
            a = raw.get(keys[kind]) or empty
            attempt = work.schedule(_REFUSED[kind], raw["eventId"], time, a)
            attempt[4], attempt[6] = time, str(a.get("cause", ""))
        elif kind in _CLOSE_STATUSES:
            close_status = _CLOSE_STATUSES[kind]
        elif kind == "WorkflowExecutionStarted":
            workflow_type = _type_label((raw.get(keys[kind]) or empty).get("workflowType"))
        elif kind in keys:
            work.mark(kind, raw["eventId"], time, raw.get(keys[kind]) or empty)
    marks = work.marks
    for scheduled_id, (begun, ended, how, identity) in work.decisions.items():
        label = "decision task %s%s" % (how or "open", " by %s" % identity if identity else "")
        marks.append(TimelineMark("decision", scheduled_id, begun, label, ended))
    marks.sort(key=lambda mark: mark.event_id)
    start = first if first is not None else 0.0
    return ExecutionTimeline(workflow_type, start, time, close_status, count, work.spans(), tuple(marks), kind)


def _raw(event: Any) -> Mapping[str, Any]:
    raw: Mapping[str, Any] = event.raw if isinstance(event, HistoryEvent) else event
    return raw

