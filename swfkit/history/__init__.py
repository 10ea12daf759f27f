"""Typed history events, the lazy ``History`` and the fold into ``ExecutionState``.

::

    from swfkit.history import History

    history = History.for_decision_task(layer1, task, domain="d", task_list="main")
    state = history.fold()
    if state.activities["a1"].status == "completed": ...

Imports only ``swfkit.exceptions`` and ``swfkit.spec`` (a ``Layer1`` is only ever passed in).
"""
from swfkit.history.event_base import HistoryEvent, UnknownEvent, to_datetime
from swfkit.history.events import EVENT_CLASSES, parse_event
from swfkit.history.fold import fold
from swfkit.history.execution_history import History
from swfkit.history.records import (
    ActivityRow,
    ActivityState,
    ChildState,
    DecisionFailure,
    DecisionTaskState,
    ExecutionInfo,
    ExternalCancelState,
    ExternalSignalState,
    LambdaState,
    MarkerRecord,
    SignalRecord,
    TimerState,
)
from swfkit.history.state import ExecutionState
from swfkit.history.task_spans import ExecutionTimeline, TaskAttempt, TaskSpan, TimelineMark, execution_timeline
from swfkit.history.execution_profile import ExecutionProfile, TaskProfile, profile_execution
from swfkit.history.stuck_executions import StuckExecution, diagnose_stuck

__all__ = [
    "ActivityRow",
    "ActivityState",
    "ChildState",
    "DecisionFailure",
    "DecisionTaskState",
    "EVENT_CLASSES",
    "ExecutionInfo",
    "ExecutionProfile",
    "ExecutionState",
    "ExecutionTimeline",
    "ExternalCancelState",
    "ExternalSignalState",
    "History",
    "HistoryEvent",
    "LambdaState",
    "MarkerRecord",
    "SignalRecord",
    "StuckExecution",
    "TaskAttempt",
    "TaskProfile",
    "TaskSpan",
    "TimelineMark",
    "TimerState",
    "UnknownEvent",
    "diagnose_stuck",
    "execution_timeline",
    "fold",
    "parse_event",
    "profile_execution",
    "to_datetime",
]
