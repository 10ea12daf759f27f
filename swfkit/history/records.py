"""What the fold knows about each entity of an execution: frozen values, replaced on every move.

Because they are immutable, an ``ExecutionState.copy()`` shares them safely and a record a
decider holds never changes under it. Field order matters: the fold builds them positionally.

The two entities a history is mostly made of (activity tasks and decision tasks) are kept by the
fold as plain tuples in field order (``rows``, far cheaper to build than frozen dataclasses) and
turned into their record when read, through a ``RecordMap``.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Dict, Iterator, List, Mapping, Optional, Tuple, TypeVar

Struct = Dict[str, Any]
Row = Tuple[Any, ...]
R = TypeVar("R")


class RecordMap(Mapping[Any, R]):
    """A read-only mapping of entity id -> record, built on access from the fold's rows."""

    __slots__ = ("_rows", "_make")

    def __init__(self, rows: Dict[Any, Row], make: Callable[[Row], R]) -> None:
        self._rows = rows
        self._make = make

    def __getitem__(self, key: Any) -> R:
        return self._make(self._rows[key])

    def __contains__(self, key: object) -> bool:
        return key in self._rows

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def __len__(self) -> int:
        return len(self._rows)

    def __repr__(self) -> str:
        return "RecordMap(%r)" % dict(self.items())


@dataclass(frozen=True, slots=True)
class ActivityState:
    """One activity id: its latest attempt, with the earlier closed attempts in ``attempts``.

    ``status``: scheduled | started | cancel_requested | completed | failed | timed_out | canceled |
    schedule_failed. ``cause`` is set for schedule_failed. ``attempts`` holds the earlier records of
    the same activity id (oldest first) when it was scheduled again after it closed.
    """

    activity_id: str
    status: str
    activity_type: Optional[Struct]
    input: Optional[str]
    control: Optional[str]
    task_list: Optional[Struct]
    scheduled_event_id: int
    started_event_id: int = 0
    closed_event_id: int = 0
    identity: Optional[str] = None
    result: Optional[str] = None
    reason: Optional[str] = None
    details: Optional[str] = None
    timeout_type: Optional[str] = None
    cause: Optional[str] = None
    cancel_requested_event_id: int = 0
    attempts: Tuple["ActivityState", ...] = ()

    @property
    def is_open(self) -> bool:
        """Scheduled, started or cancel-requested: SWF still counts it as an open activity task."""
        return self.status in ("scheduled", "started", "cancel_requested")

    @property
    def cancel_requested(self) -> bool:
        """Whether a RequestCancelActivityTask was recorded for this attempt."""
        return self.cancel_requested_event_id != 0

    @property
    def attempt(self) -> int:
        """1 for the first attempt, 2 after one re-schedule of the same id, ..."""
        return len(self.attempts) + 1

    @classmethod
    def from_row(cls, row: Row) -> "ActivityState":
        """The record of a fold row (its last item holds the rows of the earlier attempts)."""
        # mypy cannot count a *tuple of unknown length: row[:-1] is every field before ``attempts``.
        return cls(*row[:-1], tuple(cls(*attempt[:-1]) for attempt in row[-1]))  # type: ignore[call-arg]


class ActivityRow:
    """Positions of the fields in an activity row (``ExecutionState.activity_rows[activity_id]``).

    A row is the latest attempt's ``ActivityState`` as a plain tuple in field order (``row[STATUS]``
    is ``record.status``...), except its last item: ``row[ATTEMPTS]`` is a tuple of the earlier
    attempts' rows, oldest first (so ``len(row[ATTEMPTS]) + 1`` is ``record.attempt``). Reading a row
    costs nothing; ``ActivityState.from_row(row)`` builds the record. The layout is public API: it
    changes only together with ``ActivityState``'s fields.
    """

    ACTIVITY_ID = 0
    STATUS = 1
    ACTIVITY_TYPE = 2
    INPUT = 3
    CONTROL = 4
    TASK_LIST = 5
    SCHEDULED_EVENT_ID = 6
    STARTED_EVENT_ID = 7
    CLOSED_EVENT_ID = 8
    IDENTITY = 9
    RESULT = 10
    REASON = 11
    DETAILS = 12
    TIMEOUT_TYPE = 13
    CAUSE = 14
    CANCEL_REQUESTED_EVENT_ID = 15
    ATTEMPTS = 16
    #: Items in a row.
    LENGTH = 17


@dataclass(frozen=True, slots=True)
class LambdaState:
    """One Lambda function id. ``status``: scheduled | started | completed | failed | timed_out |
    schedule_failed | start_failed; ``attempts`` as for activities."""

    lambda_id: str
    status: str
    name: Optional[str]
    input: Optional[str]
    control: Optional[str]
    scheduled_event_id: int
    started_event_id: int = 0
    closed_event_id: int = 0
    result: Optional[str] = None
    reason: Optional[str] = None
    details: Optional[str] = None
    timeout_type: Optional[str] = None
    cause: Optional[str] = None
    message: Optional[str] = None
    attempts: Tuple["LambdaState", ...] = ()

    @property
    def is_open(self) -> bool:
        """Scheduled or started."""
        return self.status in ("scheduled", "started")


@dataclass(frozen=True, slots=True)
class TimerState:
    """One timer id (its latest use). ``status``: started | fired | canceled | start_failed."""

    timer_id: str
    status: str
    start_to_fire_timeout: Optional[str]
    control: Optional[str]
    started_event_id: int
    closed_event_id: int = 0
    cause: Optional[str] = None

    @property
    def is_open(self) -> bool:
        """Started and neither fired nor canceled."""
        return self.status == "started"


@dataclass(frozen=True, slots=True)
class ChildState:
    """One child workflow id, as the parent sees it. ``status``: start_initiated | started |
    completed | failed | timed_out | canceled | terminated | start_failed."""

    workflow_id: str
    status: str
    workflow_type: Optional[Struct]
    input: Optional[str]
    control: Optional[str]
    initiated_event_id: int
    run_id: Optional[str] = None
    started_event_id: int = 0
    closed_event_id: int = 0
    result: Optional[str] = None
    reason: Optional[str] = None
    details: Optional[str] = None
    timeout_type: Optional[str] = None
    cause: Optional[str] = None
    attempts: Tuple["ChildState", ...] = ()

    @property
    def is_open(self) -> bool:
        """Start initiated or started."""
        return self.status in ("start_initiated", "started")


@dataclass(frozen=True, slots=True)
class ExternalSignalState:
    """A SignalExternalWorkflowExecution this execution sent, keyed by its initiated event id.
    ``status``: initiated | signaled | failed."""

    initiated_event_id: int
    status: str
    workflow_id: str
    run_id: Optional[str]
    signal_name: str
    input: Optional[str]
    control: Optional[str]
    closed_event_id: int = 0
    cause: Optional[str] = None


@dataclass(frozen=True, slots=True)
class ExternalCancelState:
    """A RequestCancelExternalWorkflowExecution this execution sent, keyed by its initiated event id.
    ``status``: initiated | requested | failed."""

    initiated_event_id: int
    status: str
    workflow_id: str
    run_id: Optional[str]
    control: Optional[str]
    closed_event_id: int = 0
    cause: Optional[str] = None


@dataclass(frozen=True, slots=True)
class DecisionTaskState:
    """One decision task, keyed by its scheduled event id. ``status``: scheduled | started |
    completed | timed_out."""

    scheduled_event_id: int
    status: str
    started_event_id: int = 0
    closed_event_id: int = 0
    identity: Optional[str] = None
    execution_context: Optional[str] = None
    timeout_type: Optional[str] = None

    @property
    def is_open(self) -> bool:
        """Scheduled or started."""
        return self.status in ("scheduled", "started")

    @classmethod
    def from_row(cls, row: Row) -> "DecisionTaskState":
        """The record of a fold row."""
        return cls(*row)


@dataclass(frozen=True, slots=True)
class SignalRecord:
    """A signal this execution received (WorkflowExecutionSignaled)."""

    name: str
    input: Optional[str]
    event_id: int
    external_workflow_execution: Optional[Struct] = None
    external_initiated_event_id: Optional[int] = None


@dataclass(frozen=True, slots=True)
class MarkerRecord:
    """A marker the decider recorded (MarkerRecorded)."""

    name: str
    details: Optional[str]
    event_id: int


@dataclass(frozen=True, slots=True)
class DecisionFailure:
    """A decision SWF refused (a ``...Failed`` event with a cause), e.g. UNHANDLED_DECISION.

    ``target`` is the id the decision named (activity, timer, workflow or marker name), if any.
    """

    event_id: int
    event_type: str
    cause: Optional[str]
    target: Optional[str]
    decision_task_completed_event_id: Optional[int]


@dataclass(frozen=True, slots=True)
class ExecutionInfo:
    """The execution itself. ``status``: open | closed; ``close_status`` (when closed):
    COMPLETED | FAILED | CANCELED | TERMINATED | CONTINUED_AS_NEW | TIMED_OUT."""

    status: str
    workflow_type: Optional[Struct]
    input: Optional[str]
    task_list: Optional[Struct]
    tag_list: Optional[List[str]]
    parent: Optional[Struct]
    parent_initiated_event_id: Optional[int]
    continued_execution_run_id: Optional[str]
    child_policy: Optional[str]
    execution_start_to_close_timeout: Optional[str]
    task_start_to_close_timeout: Optional[str]
    task_priority: Optional[str]
    lambda_role: Optional[str]
    start_timestamp: Optional[datetime]
    cancel_requested: bool = False
    close_status: Optional[str] = None
    close_event_id: int = 0
    result: Optional[str] = None
    reason: Optional[str] = None
    details: Optional[str] = None
    timeout_type: Optional[str] = None
    cause: Optional[str] = None
    continued_as_new_run_id: Optional[str] = None

    @property
    def is_open(self) -> bool:
        """Whether the execution has not closed."""
        return self.status == "open"
