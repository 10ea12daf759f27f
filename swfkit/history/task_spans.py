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
    if type(value) is dict or isinstance(value, Mapping):  # the plain dict test first: the ABC's is slow
        return "%s/%s" % (value.get("name", ""), value.get("version", ""))
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


def _attributes_key(event_type: str) -> str:
    return event_type[0].lower() + event_type[1:] + "EventAttributes"


#: The attributes key of every event type read here.
_KEYS = {kind: _attributes_key(kind) for kind in (*_SCHEDULES, *_REFUSED, *_MOVES, *_MARKS, "WorkflowExecutionStarted")}
# The tables the pass reads, each rule led by its event's attributes key (one dict lookup per event).
_MOVE_RULES = {kind: (_KEYS[kind],) + rule for kind, rule in _MOVES.items()}
_SCHEDULE_RULES = {kind: (_KEYS[kind],) + rule + (False,) for kind, rule in _SCHEDULES.items()}
_SCHEDULE_RULES.update({kind: (_KEYS[kind],) + rule + (True,) for kind, rule in _REFUSED.items()})
# An attempt, while the pass runs, is a list in TaskAttempt field order plus its task's entry.
_ATTEMPT_FIELDS = 7
_new_tuple = tuple.__new__  # a named tuple built from a ready sequence, without its Python-level __new__


def _decision_mark(kind: str, time: float, a: Mapping[str, Any], decisions: Dict[Any, List[Any]]) -> None:
    """Note a decision task's scheduling, start (who) or end (how) in ``decisions``."""
    entry = decisions.get(a.get("scheduledEventId"))
    if entry is None:
        return
    if kind == "DecisionTaskStarted":
        entry[3] = a.get("identity")
    else:
        entry[1] = time
        entry[2] = "completed" if kind == "DecisionTaskCompleted" else "timed out"


def _spans(tasks: Dict[Tuple[str, str], List[Any]]) -> Tuple[TaskSpan, ...]:
    new, attempt_type, span_type, fields = _new_tuple, TaskAttempt, TaskSpan, _ATTEMPT_FIELDS
    spans = []
    for (kind, task_id), (name, attempts, state_time) in tasks.items():
        if len(attempts) == 1:  # the common case, without a generator
            built: Tuple[TaskAttempt, ...] = (new(attempt_type, attempts[0][:fields]),)
        else:
            built = tuple([new(attempt_type, attempt[:fields]) for attempt in attempts])
        spans.append(new(span_type, (kind, task_id, name, built, state_time)))
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
    # One pass, its steps inlined: a 25,000-event history is read once per command, and a
    # function call per event would cost as much as the rest of the pass.
    tasks: Dict[Tuple[str, str], List[Any]] = {}  # (kind, id) -> [name, [attempts], state time]
    by_event: Dict[Any, List[Any]] = {}           # scheduling event id -> attempt
    decisions: Dict[Any, List[Any]] = {}          # decision scheduled id -> [time, end, how, identity]
    marks: List[TimelineMark] = []
    moves, schedules, keys = _MOVE_RULES, _SCHEDULE_RULES, _KEYS
    first: Optional[float] = None
    time = 0.0
    count = 0
    close_status: Optional[str] = None
    workflow_type = ""
    kind = ""
    empty: Mapping[str, Any] = {}
    for count, event in enumerate(events, 1):
        raw = event if type(event) is dict else _raw(event)
        kind = raw["eventType"]
        stamp = raw["eventTimestamp"]
        time = stamp if type(stamp) is float else _seconds(stamp)
        if first is None:
            first = time
        move = moves.get(kind)
        if move is not None:  # the bulk of a history
            a = raw.get(move[0]) or empty
            attempt = by_event.get(a.get(move[1]))
            if attempt is not None:  # else: about a task this (partial) history never scheduled
                attempt[1] = move[2]
                if move[3]:
                    attempt[3] = time
                    attempt[5] = a.get("identity")
                else:
                    attempt[4] = time
                    detail = a.get("reason") or a.get("timeoutType") or a.get("cause")
                    attempt[6] = str(detail) if detail else ""
                attempt[7][2] = time
            continue
        rule = schedules.get(kind)
        if rule is not None:
            attributes_key, task_kind, id_member, name_member, state, refused = rule
            a = raw.get(attributes_key) or empty
            key = (task_kind, str(a.get(id_member, "")))
            entry = tasks.get(key)
            if entry is None:
                name = "timer" if name_member is None else a.get(name_member)
                entry = tasks[key] = [name if type(name) is str else _type_label(name), [], time]
            event_id = raw["eventId"]
            attempt = [event_id, state, time, time if task_kind == "timer" else None, None, None, "", entry]
            if refused:
                attempt[4], attempt[6] = time, str(a.get("cause", ""))
            entry[1].append(attempt)
            entry[2] = time
            by_event[event_id] = attempt
        elif kind in _CLOSE_STATUSES:
            close_status = _CLOSE_STATUSES[kind]
        elif kind == "WorkflowExecutionStarted":
            workflow_type = _type_label((raw.get(keys[kind]) or empty).get("workflowType"))
        elif kind in keys:
            a = raw.get(keys[kind]) or empty
            if kind == "WorkflowExecutionSignaled":
                marks.append(TimelineMark("signal", raw["eventId"], time, str(a.get("signalName", ""))))
            elif kind == "MarkerRecorded":
                marks.append(TimelineMark("marker", raw["eventId"], time, str(a.get("markerName", ""))))
            elif kind == "DecisionTaskScheduled":
                decisions[raw["eventId"]] = [time, None, "", None]
            else:
                _decision_mark(kind, time, a, decisions)
    for scheduled_id, (begun, ended, how, identity) in decisions.items():
        label = "decision task %s%s" % (how or "open", " by %s" % identity if identity else "")
        marks.append(TimelineMark("decision", scheduled_id, begun, label, ended))
    marks.sort(key=lambda mark: mark.event_id)
    start = first if first is not None else 0.0
    return ExecutionTimeline(workflow_type, start, time, close_status, count, _spans(tasks), tuple(marks), kind)


def _raw(event: Any) -> Mapping[str, Any]:
    raw: Mapping[str, Any] = event.raw if isinstance(event, HistoryEvent) else event
    return raw

