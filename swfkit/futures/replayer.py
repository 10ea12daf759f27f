"""Check workflow code against recorded histories: would this code have made the same decisions?

::

    from swfkit.futures import assert_replays, replay_history

    report = replay_history(MyWorkflow, events)           # events: a recorded history
    if not report.clean:
        print(report.divergence)                          # event id, recorded, requested

    def test_still_replays():                             # a golden-history test
        assert_replays(MyWorkflow, "tests/histories/my_workflow.json")

Every decision task the history shows completed is replayed: the history is folded up to its
DecisionTaskStarted event, the workflow's ``run`` replays on it, and the decisions it makes are
compared, in order, with the events that decision task recorded (``ScheduleActivityTask`` with
``ActivityTaskScheduled`` of the same id and type, ``StartTimer`` with ``TimerStarted``...). The
first disagreement, or a ``NonDeterministicWorkflowError`` raised by the replay itself, is the
divergence. Deploy a change only when the histories of the open executions replay cleanly.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple, Union

from swfkit.exceptions import HistoryError, NonDeterministicWorkflowError
from swfkit.futures.definitions import definition_of
from swfkit.futures.replay import replay
from swfkit.history import ExecutionState, HistoryEvent

__all__ = ["Divergence", "ReplayReport", "replay_history", "load_history", "assert_replays"]

# Event recorded for a decision (or its ...Failed twin) -> (decision type, attribute naming it).
_RECORDED = {
    "ActivityTaskScheduled": ("ScheduleActivityTask", "activityId"),
    "ScheduleActivityTaskFailed": ("ScheduleActivityTask", "activityId"),
    "ActivityTaskCancelRequested": ("RequestCancelActivityTask", "activityId"),
    "RequestCancelActivityTaskFailed": ("RequestCancelActivityTask", "activityId"),
    "TimerStarted": ("StartTimer", "timerId"), "StartTimerFailed": ("StartTimer", "timerId"),
    "TimerCanceled": ("CancelTimer", "timerId"), "CancelTimerFailed": ("CancelTimer", "timerId"),
    "MarkerRecorded": ("RecordMarker", "markerName"), "RecordMarkerFailed": ("RecordMarker", "markerName"),
    "StartChildWorkflowExecutionInitiated": ("StartChildWorkflowExecution", "workflowId"),
    "StartChildWorkflowExecutionFailed": ("StartChildWorkflowExecution", "workflowId"),
    "SignalExternalWorkflowExecutionInitiated": ("SignalExternalWorkflowExecution", "workflowId"),
    "SignalExternalWorkflowExecutionFailed": ("SignalExternalWorkflowExecution", "workflowId"),
    "RequestCancelExternalWorkflowExecutionInitiated": ("RequestCancelExternalWorkflowExecution", "workflowId"),
    "RequestCancelExternalWorkflowExecutionFailed": ("RequestCancelExternalWorkflowExecution", "workflowId"),
    "LambdaFunctionScheduled": ("ScheduleLambdaFunction", "id"),
    "ScheduleLambdaFunctionFailed": ("ScheduleLambdaFunction", "id"),
    "WorkflowExecutionCompleted": ("CompleteWorkflowExecution", ""),
    "CompleteWorkflowExecutionFailed": ("CompleteWorkflowExecution", ""),
    "WorkflowExecutionFailed": ("FailWorkflowExecution", ""),
    "FailWorkflowExecutionFailed": ("FailWorkflowExecution", ""),
    "WorkflowExecutionCanceled": ("CancelWorkflowExecution", ""),
    "CancelWorkflowExecutionFailed": ("CancelWorkflowExecution", ""),
    "WorkflowExecutionContinuedAsNew": ("ContinueAsNewWorkflowExecution", ""),
    "ContinueAsNewWorkflowExecutionFailed": ("ContinueAsNewWorkflowExecution", ""),
}
_NAMING = {decision: key for decision, key in _RECORDED.values()}


@dataclass(frozen=True)
class Divergence:
    """Where code and history first disagree.

    Attributes:
        event_id: the history's event (the recorded decision's event, or the DecisionTaskCompleted
            whose decisions the code extends).
        recorded: what the history recorded there (e.g. ``ScheduleActivityTask 2-double (double/1)``).
        requested: what the code asked for instead (``nothing`` when it no longer asks).
    """

    event_id: int
    recorded: str
    requested: str

    def __str__(self) -> str:
        return "event %d: the history recorded %s, the code asked for %s" % (self.event_id, self.recorded,
                                                                             self.requested)


@dataclass(frozen=True)
class ReplayReport:
    """The result of ``replay_history``: ``divergence`` is None when the code replays cleanly."""

    workflow: str
    decision_tasks: int
    divergence: Optional[Divergence] = None

    @property
    def clean(self) -> bool:
        """True when every replayed decision task decided what the history recorded."""
        return self.divergence is None

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form."""
        divergence = None if self.divergence is None else {
            "eventId": self.divergence.event_id, "recorded": self.divergence.recorded,
            "requested": self.divergence.requested}
        return {"workflow": self.workflow, "decisionTasks": self.decision_tasks, "clean": self.clean,
                "divergence": divergence}


def _label(decision_type: str, attributes: Mapping[str, Any]) -> str:
    key = _NAMING.get(decision_type, "")
    parts = [decision_type]
    if key and attributes.get(key) is not None:
        parts.append(str(attributes[key]))
    kind = attributes.get("activityType") or attributes.get("workflowType")
    if isinstance(kind, Mapping):
        parts.append("(%s/%s)" % (kind.get("name"), kind.get("version")))
    return " ".join(parts)


def _recorded_by(raws: List[Mapping[str, Any]]) -> Dict[int, List[Tuple[int, str]]]:
    """DecisionTaskCompleted event id -> [(event id, label)] of the decisions it recorded, in order."""
    recorded: Dict[int, List[Tuple[int, str]]] = {}
    for raw in raws:
        entry = _RECORDED.get(raw["eventType"])
        if entry is None:
            continue
        attributes = raw.get(raw["eventType"][0].lower() + raw["eventType"][1:] + "EventAttributes") or {}
        completed = attributes.get("decisionTaskCompletedEventId")
        if completed is not None:
            recorded.setdefault(completed, []).append((raw["eventId"], _label(entry[0], attributes)))
    return recorded


def replay_history(workflow_class: Any, events: Iterable[Any], *, workflow_id: str = "replay",
                   run_id: str = "replay", **limits: Any) -> ReplayReport:
    """Replay ``workflow_class`` on every completed decision task of a recorded history.

    Args:
        workflow_class: an ``@workflow`` class (the new code).
        events: the recorded history in event id order (wire dicts or typed events).
        workflow_id, run_id: the recorded execution's (children's ids derive from them).
        **limits: as for ``replay`` (``max_open_activities``...), if the decider used others.
    Returns:
        A ``ReplayReport``: clean, or the first ``Divergence``.
    Raises:
        WorkflowUsageError: ``workflow_class`` is not an ``@workflow`` class.
        HistoryError: the events are not a valid history.
    """
    name = definition_of(workflow_class).name
    raws = [event.raw if isinstance(event, HistoryEvent) else event for event in events]
    recorded = _recorded_by(raws)
    completions = {}  # DecisionTaskStarted id -> DecisionTaskCompleted id
    for raw in raws:
        if raw["eventType"] == "DecisionTaskCompleted":
            attributes = raw["decisionTaskCompletedEventAttributes"]
            completions[attributes["startedEventId"]] = raw["eventId"]
    state = ExecutionState()
    replayed = 0
    for raw in raws:
        state.apply_raw((raw,))
        completed = completions.get(raw["eventId"])
        if completed is None:
            continue
        replayed += 1
        try:
            outcome = replay(workflow_class, state, workflow_id=workflow_id, run_id=run_id, **limits)
        except NonDeterministicWorkflowError as error:
            return ReplayReport(name, replayed, Divergence(
                getattr(error, "event_id", None) or completed, "%s %s" % (getattr(error, "what", ""),
                                                                          getattr(error, "recorded", "")),
                str(getattr(error, "requested", error))))
        divergence = _compare(completed, recorded.get(completed, []),
                              [_label(d.decision_type, d.attributes) for d in outcome.decisions])
        if divergence is not None:
            return ReplayReport(name, replayed, divergence)
    return ReplayReport(name, replayed)


def _compare(completed: int, recorded: List[Tuple[int, str]], requested: List[str]) -> Optional[Divergence]:
    for index in range(max(len(recorded), len(requested))):
        asked = requested[index] if index < len(requested) else "nothing"
        if index >= len(recorded):
            return Divergence(completed, "no further decision in the decision task completed at event %d" % completed,
                              asked)
        event_id, label = recorded[index]
        if label != asked:
            return Divergence(event_id, label, asked)
    return None


def load_history(source: Union[str, "os.PathLike[str]"]) -> List[Dict[str, Any]]:
    """The events of a history file: what ``swfkit workflow history --json`` writes (a list of
    events), or an object with ``events`` (a golden history, a saved GetWorkflowExecutionHistory page).

    Raises:
        HistoryError: the file is not JSON or holds no event list (the message names the file).
    """
    try:
        with open(source, encoding="utf-8") as handle:
            data = json.load(handle)
    except ValueError as error:
        raise HistoryError("%s: not a JSON history: %s" % (os.fspath(source), error)) from None
    events = data.get("events") if isinstance(data, dict) else data
    if not isinstance(events, list) or not all(isinstance(event, dict) for event in events):
        raise HistoryError("%s: expected a list of history events (swfkit workflow history --json) or an object "
                           "with 'events'" % os.fspath(source))
    return events


def assert_replays(workflow_class: Any, history: Union[str, "os.PathLike[str]", Iterable[Any]],
                   **options: Any) -> ReplayReport:
    """pytest helper: fail (``AssertionError``) unless ``workflow_class`` replays ``history`` cleanly.

    Args:
        workflow_class: an ``@workflow`` class.
        history: a history file (see ``load_history``) or the events themselves.
        **options: ``workflow_id``, ``run_id`` and limits, as for ``replay_history``.
    Returns:
        The clean ``ReplayReport``.
    """
    where = "history"
    if isinstance(history, (str, os.PathLike)):
        where = os.fspath(history)
        history = load_history(history)
    report = replay_history(workflow_class, history, **options)
    if report.divergence is not None:
        raise AssertionError("%s does not replay %s: %s" % (report.workflow, where, report.divergence))
    return report


def replay_for(workflow_class: Any, history: Any, *, workflow_id: str = "replay", run_id: str = "replay") -> ReplayReport:
    """Replay a recorded history (its events, or a file path) of ``workflow_class``: the CLI's
    ``swfkit replay module:Name`` hook, ``Workflow.swfkit_replay``."""
    events = load_history(history) if isinstance(history, str) else history
    return replay_history(workflow_class, events, workflow_id=workflow_id, run_id=run_id)
