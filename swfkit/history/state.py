"""``ExecutionState``: where every entity of one workflow execution stands after a run of events.

The state is the accumulator of a fold: ``apply`` moves it by one event, in place, through the
lifecycle tables of ``swfkit.history.lifecycles``. The records it holds are frozen, so ``copy()``
is a cheap snapshot (containers copied, records shared). Nothing here reads a clock, logs or does
I/O: the state depends only on the events.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any, Dict, Iterable, List, Mapping, Optional, Set, Union

from swfkit.exceptions import HistoryError, HistoryIntegrityError
from swfkit.history import fold_tasks, fold_workflow
from swfkit.history.event_base import HistoryEvent
from swfkit.history.records import (
    ActivityState,
    ChildState,
    DecisionFailure,
    DecisionTaskState,
    ExecutionInfo,
    ExternalCancelState,
    ExternalSignalState,
    LambdaState,
    MarkerRecord,
    RecordMap,
    Row,
    SignalRecord,
    TimerState,
)
from swfkit.spec import EVENT_ATTRIBUTES

#: Event type -> (attributes key, fold step). Types not listed (unknown to the model) are skipped.
STEPS = {event_type: (EVENT_ATTRIBUTES[event_type][0], step)
         for event_type, step in {**fold_tasks.STEPS, **fold_workflow.STEPS}.items()}

_CONTAINERS = ("_activities", "timers", "children", "lambdas", "external_signals", "external_cancel_requests",
               "_decision_tasks", "_activity_ids", "_lambda_ids", "_child_ids", "_duplicate_initiations")
_SEQUENCES = ("signals", "decision_failures")
_SETS = ("_open_activities", "_open_timers", "_open_children", "_open_lambdas")


class ExecutionState:
    """Everything the history says about one workflow execution run.

    Attributes:
        execution: the run itself (``ExecutionInfo``; ``None`` before WorkflowExecutionStarted).
        activities: activity id -> ``ActivityState`` (latest attempt; earlier ones in ``attempts``).
        timers: timer id -> ``TimerState``.
        children: child workflow id -> ``ChildState``.
        lambdas: Lambda function id -> ``LambdaState``.
        signals: every ``SignalRecord`` received, in history order.
        markers: marker name -> list of ``MarkerRecord`` in history order (``latest_marker``).
        external_signals: initiated event id -> ``ExternalSignalState`` (signals sent).
        external_cancel_requests: initiated event id -> ``ExternalCancelState``.
        decision_tasks: scheduled event id -> ``DecisionTaskState``.
        decision_failures: every ``DecisionFailure`` (``...Failed`` event of a decision), in order.
        activity_rows: the fold's raw activity rows (read-only view; ``ActivityRow`` positions),
            with ``is_activity_open`` and ``decision_started_event_ids()``: cheap reads for hot loops.
        last_event_id: id of the last event applied (0 for a fresh state).
    """

    __slots__ = ("execution", "_activities", "timers", "children", "lambdas", "signals", "markers",
                 "external_signals", "external_cancel_requests", "_decision_tasks", "decision_failures",
                 "last_event_id", "previous_started_event_id", "_activity_ids", "_lambda_ids", "_child_ids",
                 "_duplicate_initiations", "_open_activities", "_open_timers", "_open_children",
                 "_open_lambdas", "_open_decision_task")

    def __init__(self) -> None:
        self.execution: Optional[ExecutionInfo] = None
        self._activities: Dict[str, Row] = {}         # activity id -> ActivityState row
        self.timers: Dict[str, TimerState] = {}
        self.children: Dict[str, ChildState] = {}
        self.lambdas: Dict[str, LambdaState] = {}
        self.signals: List[SignalRecord] = []
        self.markers: Dict[str, List[MarkerRecord]] = {}
        self.external_signals: Dict[int, ExternalSignalState] = {}
        self.external_cancel_requests: Dict[int, ExternalCancelState] = {}
        self._decision_tasks: Dict[int, Row] = {}     # scheduled event id -> DecisionTaskState row
        self.decision_failures: List[DecisionFailure] = []
        self.last_event_id = 0
        #: startedEventId of the last completed decision task (what SWF calls previousStartedEventId
        #: for the next one); 0 before any.
        self.previous_started_event_id = 0
        self._activity_ids: Dict[int, str] = {}      # scheduled event id -> activity id
        self._lambda_ids: Dict[int, str] = {}        # scheduled event id -> lambda id
        self._child_ids: Dict[int, str] = {}         # initiated event id -> child workflow id
        self._duplicate_initiations: Dict[int, str] = {}
        self._open_activities: Set[str] = set()
        self._open_timers: Set[str] = set()
        self._open_children: Set[str] = set()
        self._open_lambdas: Set[str] = set()
        self._open_decision_task = 0                 # scheduled event id, 0 when none

    # -- folding ---------------------------------------------------------------------------------

    def apply(self, event: Union[HistoryEvent, Mapping[str, Any]]) -> "ExecutionState":
        """Move the state by one event (a typed event or its wire dict); returns ``self``.

        Event ids must follow on from ``last_event_id`` (1 for a fresh state). Event types the
        model does not know are skipped.

        Raises:
            HistoryIntegrityError: the event breaks a lifecycle (names event, entity and state).
            HistoryError: the event is malformed (missing ``eventId``/``eventType``).
        """
        self.apply_raw((event.raw if isinstance(event, HistoryEvent) else event,))
        return self

    def apply_all(self, events: Iterable[Union[HistoryEvent, Mapping[str, Any]]]) -> "ExecutionState":
        """Apply events (typed or wire dicts) in order, in place; returns ``self``."""
        self.apply_raw(event.raw if isinstance(event, HistoryEvent) else event for event in events)
        return self

    def apply_raw(self, events: Iterable[Mapping[str, Any]]) -> None:
        """Apply wire-format events in order, in place: the fold's inner loop, kept tight."""
        steps = STEPS
        last = self.last_event_id
        try:
            for raw in events:
                event_id = raw["eventId"]
                event_type = raw["eventType"]
                if event_id != last + 1:
                    raise HistoryIntegrityError(event_id, event_type, "history", None, self._gap_rule(event_id))
                entry = steps.get(event_type)
                if entry is not None:  # else: a type newer than the model; kept in History, not folded
                    execution = self.execution
                    if execution is None or execution.status != "open":
                        self._check_execution(event_id, event_type)
                    key, step = entry
                    try:
                        # A missing attributes member passes None: the step's TypeError is reported below.
                        step(self, raw, event_id, event_type, raw.get(key))  # type: ignore[arg-type]
                    except (KeyError, TypeError) as error:
                        raise self._malformed(raw, event_id, event_type, key, error) from None
                self.last_event_id = last = event_id
        except (KeyError, TypeError):
            raise HistoryError("the event after event %d is malformed: a history event is a dict with an "
                               "integer eventId and an eventType" % last) from None

    def copy(self) -> "ExecutionState":
        """An independent snapshot: later ``apply`` calls on either do not affect the other."""
        other = ExecutionState.__new__(ExecutionState)
        for name in self.__slots__:
            value = getattr(self, name)
            if name in _CONTAINERS:
                value = dict(value)
            elif name in _SEQUENCES:
                value = list(value)
            elif name in _SETS:
                value = set(value)
            elif name == "markers":
                value = {marker: list(records) for marker, records in value.items()}
            setattr(other, name, value)
        return other

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ExecutionState):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        status = self.execution.status if self.execution else "not started"
        return "<ExecutionState %s, last event %d, %d activities (%d open), %d timers (%d open)>" % (
            status, self.last_event_id, len(self._activities), len(self._open_activities),
            len(self.timers), len(self._open_timers))

    # -- entities read as records -----------------------------------------------------------------

    @property
    def activities(self) -> RecordMap[ActivityState]:
        """Activity id -> ``ActivityState`` of its latest attempt (earlier ones in ``attempts``)."""
        return RecordMap(self._activities, ActivityState.from_row)

    @property
    def decision_tasks(self) -> RecordMap[DecisionTaskState]:
        """Scheduled event id -> ``DecisionTaskState``."""
        return RecordMap(self._decision_tasks, DecisionTaskState.from_row)

    # -- raw reads for hot loops (no record is built) ---------------------------------------------

    @property
    def activity_rows(self) -> Mapping[str, Row]:
        """Activity id -> its fold row: a read-only, live view (no copy, no record built).

        The cheap twin of ``activities`` for code that reads thousands of activities per decision
        (a replaying decider): ``rows.get(activity_id)`` costs a dict lookup. Index a row with the
        ``ActivityRow`` positions (``row[ActivityRow.STATUS]``); ``ActivityState.from_row(row)`` is
        the record ``activities[activity_id]`` returns. The view follows later ``apply`` calls.
        """
        return MappingProxyType(self._activities)

    def is_activity_open(self, activity_id: str) -> bool:
        """Whether ``activity_id`` is scheduled, started or cancel-requested (SWF's open activity task)."""
        return activity_id in self._open_activities

    def decision_started_event_ids(self) -> List[int]:
        """The DecisionTaskStarted event ids of every decision task started so far, ascending.

        These are the run's decision boundaries (the points at which a decider saw the history),
        read straight from the fold's rows without building ``DecisionTaskState`` records.
        """
        starts = [row[2] for row in self._decision_tasks.values() if row[2]]  # row[2]: started_event_id
        starts.sort()
        return starts

    # -- derived views (cheap: kept up to date by the fold) ---------------------------------------

    @property
    def is_open(self) -> bool:
        """Whether the execution has started and not closed."""
        return self.execution is not None and self.execution.status == "open"

    @property
    def open_activity_count(self) -> int:
        """Activity tasks scheduled, started or cancel-requested (SWF's ``openActivityTasks``)."""
        return len(self._open_activities)

    @property
    def open_activities(self) -> Dict[str, ActivityState]:
        """The open activities by id."""
        rows = self._activities
        return {activity_id: ActivityState.from_row(rows[activity_id]) for activity_id in self._open_activities}

    @property
    def open_timers(self) -> Dict[str, TimerState]:
        """The timers started and not yet fired or canceled, by id."""
        return {timer_id: self.timers[timer_id] for timer_id in self._open_timers}

    @property
    def open_children(self) -> Dict[str, ChildState]:
        """The child workflows initiated or started and not yet closed, by workflow id."""
        return {workflow_id: self.children[workflow_id] for workflow_id in self._open_children}

    @property
    def open_lambdas(self) -> Dict[str, LambdaState]:
        """The Lambda functions scheduled or started and not yet closed, by id."""
        return {lambda_id: self.lambdas[lambda_id] for lambda_id in self._open_lambdas}

    @property
    def decision_task(self) -> Optional[DecisionTaskState]:
        """The open (scheduled or started) decision task, if any."""
        row = self._decision_tasks.get(self._open_decision_task)
        return None if row is None else DecisionTaskState.from_row(row)

    @property
    def needs_decision(self) -> bool:
        """Whether the execution is open and a decision task is waiting for (or held by) a decider."""
        return self._open_decision_task != 0 and self.is_open

    @property
    def has_open_work(self) -> bool:
        """Whether any activity, timer, child or Lambda function is still open."""
        return bool(self._open_activities or self._open_timers or self._open_children or self._open_lambdas)

    def latest_marker(self, name: str) -> Optional[MarkerRecord]:
        """The most recent marker recorded under ``name``, or ``None``."""
        records = self.markers.get(name)
        return records[-1] if records else None

    def signals_named(self, name: str) -> List[SignalRecord]:
        """The signals received under ``name``, in history order."""
        return [signal for signal in self.signals if signal.name == name]

    # -- internals -------------------------------------------------------------------------------

    def _close_decision_task(self, scheduled_event_id: int, started_event_id: int) -> None:
        if self._open_decision_task == scheduled_event_id:
            self._open_decision_task = 0
        if started_event_id:
            self.previous_started_event_id = started_event_id

    def _gap_rule(self, event_id: int) -> str:
        if event_id <= self.last_event_id:
            return "event %s was already applied (state is at event %d)" % (event_id, self.last_event_id)
        return "events %d..%s are missing: event ids must follow on from the state's last event %d" % (
            self.last_event_id + 1, event_id - 1, self.last_event_id)

    def _check_execution(self, event_id: int, event_type: str) -> None:
        if self.execution is None:
            if event_type != "WorkflowExecutionStarted":
                raise HistoryIntegrityError(event_id, event_type, "execution", None,
                                            "the history must begin with WorkflowExecutionStarted")
        elif event_type == "WorkflowExecutionStarted":
            raise HistoryIntegrityError(event_id, event_type, "execution", self.execution.status,
                                        "the execution was already started")
        else:
            raise HistoryIntegrityError(event_id, event_type, "execution", "closed",
                                        "the execution closed (%s) at event %d; nothing can follow"
                                        % (self.execution.close_status, self.execution.close_event_id))

    @staticmethod
    def _malformed(raw: Mapping[str, Any], event_id: int, event_type: str, key: str,
                   error: Exception) -> HistoryIntegrityError:
        if raw.get(key) is None:
            rule = "the event has no %s" % key
        elif isinstance(error, KeyError):
            rule = "%s.%s is missing" % (key, error.args[0])
        else:
            rule = "%s has a member of the wrong type (%s)" % (key, error)
        return HistoryIntegrityError(event_id, event_type, "event", None, rule)
