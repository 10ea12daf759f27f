"""``FlowState``: a flow run's history folded into per-step and per-action states.

Pure: it reads the events (wire dicts, as ``GetWorkflowExecutionHistory`` or ``run_local`` give
them) and nothing else. The plan in the run's input says which steps this run was to run and
which earlier runs completed the others; the ``flow.steps`` markers say when each step started,
completed, failed or was skipped; activities carry ``control = "<step>/<action>"``, which gives
each action its state, times and attempts.

States: pending, running, completed, failed, skipped (steps and actions alike).
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Dict, List, Mapping, NamedTuple, Optional, Sequence, Tuple

from swfkit.flows.definition import Flow
from swfkit.flows.flow_names import PROGRESS_MARKER, action_control

__all__ = ["ActionState", "StepState", "FlowState", "fold_flow", "not_run"]

CLOSE_STATUSES = {
    "WorkflowExecutionCompleted": "completed", "WorkflowExecutionFailed": "failed",
    "WorkflowExecutionTimedOut": "timed_out", "WorkflowExecutionCanceled": "canceled",
    "WorkflowExecutionTerminated": "terminated", "WorkflowExecutionContinuedAsNew": "continued_as_new",
}
#: Activity close event -> (action state, attributes key).
ACTIVITY_CLOSES = {kind: (state, kind[0].lower() + kind[1:] + "EventAttributes") for kind, state in (
    ("ActivityTaskCompleted", "completed"), ("ActivityTaskFailed", "failed"), ("ActivityTaskTimedOut", "failed"),
    ("ActivityTaskCanceled", "failed"))}


class ActionState(NamedTuple):
    """One action of a step in one run. Times are epoch seconds (None: not reached).

    (Named tuples rather than frozen dataclasses: a 500-step state builds thousands of them, and a
    frozen dataclass costs several times more to construct.)
    """

    name: str
    kind: str
    state: str
    started: Optional[float] = None
    ended: Optional[float] = None
    attempts: int = 0
    reason: Optional[str] = None


class StepState(NamedTuple):
    """One step in one run.

    Attributes:
        state: pending, running, completed, failed or skipped.
        started, ended: epoch seconds (None for a step completed by an earlier run).
        attempts: attempts of its main action in this run (retries included).
        from_run: the run that completed or ran it (an earlier one for steps this run inherited).
        reason: why it failed or was skipped.
        actions: the pre, main and post actions, in order.
    """

    name: str
    state: str
    depends_on: Tuple[str, ...] = ()
    started: Optional[float] = None
    ended: Optional[float] = None
    attempts: int = 0
    from_run: Optional[str] = None
    reason: Optional[str] = None
    actions: Tuple[ActionState, ...] = ()

    @property
    def duration(self) -> Optional[float]:
        """Seconds from start to end (None while unknown)."""
        return None if self.started is None or self.ended is None else self.ended - self.started

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready dict (actions as a list of dicts)."""
        data = {k: getattr(self, k) for k in ("name", "state", "started", "ended", "attempts", "from_run", "reason")}
        data["depends_on"] = list(self.depends_on)
        data["duration"] = self.duration
        data["actions"] = [a._asdict() for a in self.actions]
        return data


@dataclass(frozen=True)
class FlowState:
    """A flow run's state (the latest run of a (flow, timeperiod) for ``Engine.status``).

    Attributes:
        status: running, completed, failed, timed_out, canceled, terminated, or "not_run".
        run_id: this run's id. continues_from: the earlier run it continues (recover, run_one, run_from).
        operation: run, recover, run_one or run_from. context: the context the run was given.
        steps: step name -> ``StepState``, in topological order.
    """

    flow: str
    timeperiod: str
    workflow_id: str
    status: str
    steps: Mapping[str, StepState]
    run_id: Optional[str] = None
    operation: Optional[str] = None
    continues_from: Optional[str] = None
    started: Optional[float] = None
    ended: Optional[float] = None
    reason: Optional[str] = None
    context: Any = None
    runs: Tuple[str, ...] = field(default=())

    @property
    def failed_steps(self) -> List[str]:
        """The names of the steps that failed in this run."""
        return [name for name, step in self.steps.items() if step.state == "failed"]

    @property
    def is_open(self) -> bool:
        return self.status == "running"

    def to_dict(self) -> Dict[str, Any]:
        """A JSON-ready dict (``flow status --json``)."""
        data = {k: getattr(self, k) for k in ("flow", "timeperiod", "workflow_id", "status", "run_id", "operation",
                                              "continues_from", "started", "ended", "reason")}
        data["failed_steps"] = self.failed_steps
        data["steps"] = [s.to_dict() for s in self.steps.values()]
        return data


def not_run(flow: Flow, timeperiod: str, workflow_id: str) -> FlowState:
    """The state of a (flow, timeperiod) that has no run yet: every step pending."""
    steps = {name: StepState(name, "pending", flow.steps[name].depends_on,
                             actions=tuple(ActionState(a.name, a.kind, "pending") for a in flow.steps[name].actions))
             for name in flow.order}
    return FlowState(flow.name, timeperiod, workflow_id, "not_run", steps)


class _Acc:
    """Mutable per-action accumulator while folding."""

    __slots__ = ("state", "started", "ended", "attempts", "reason")

    def __init__(self) -> None:
        self.state = "running"
        self.started: Optional[float] = None
        self.ended: Optional[float] = None
        self.attempts = 0
        self.reason: Optional[str] = None


def _plan_of(started: Mapping[str, Any]) -> Dict[str, Any]:
    try:
        args = json.loads(started.get("input") or "[]")
    except ValueError:
        return {}
    plan = args[0] if isinstance(args, list) and args else args
    return plan if isinstance(plan, dict) else {}


def _progress(marks: Dict[str, Dict[str, Any]], details: Mapping[str, Any], at: float) -> None:
    """Apply one ``flow.steps`` marker to the per-step marks."""
    for name in details.get("started", ()):
        marks[name] = {"state": "started", "started": at}
    for name in details.get("completed", ()):
        marks.setdefault(name, {}).update(state="completed", ended=at)
    for name, failure in (details.get("failed") or {}).items():
        marks.setdefault(name, {}).update(state="failed", ended=at, action=failure.get("action"),
                                          reason=failure.get("reason"))
    for name, waited in (details.get("skipped") or {}).items():
        marks.setdefault(name, {}).update(state="skipped", ended=at,
                                          reason="skipped: %s did not complete" % ", ".join(waited))


def fold_flow(flow: Flow, events: Sequence[Mapping[str, Any]], *, timeperiod: str, workflow_id: str,
              run_id: Optional[str] = None) -> FlowState:
    """Fold one run's events into its ``FlowState``.

    Args:
        flow: the flow definition (its DAG orders and completes the picture).
        events: the run's history events (wire dicts), in order.
        timeperiod, workflow_id, run_id: identify the run.
    """
    plan: Dict[str, Any] = {}
    status, reason, started_at, ended_at = "running", None, None, None
    by_scheduled: Dict[int, _Acc] = {}
    actions: Dict[str, _Acc] = {}  # by control ("<step>/<action>")
    marks: Dict[str, Dict[str, Any]] = {}
    for event in events:
        kind = event["eventType"]
        if kind == "ActivityTaskScheduled":
            key = event["activityTaskScheduledEventAttributes"].get("control")
            if key:
                acc = actions.get(key)
                if acc is None:
                    acc = actions[key] = _Acc()
                acc.state = "running"
                acc.attempts += 1
                by_scheduled[event["eventId"]] = acc
        elif kind == "ActivityTaskStarted":
            acc = by_scheduled.get(event["activityTaskStartedEventAttributes"]["scheduledEventId"])
            if acc is not None and acc.started is None:
                acc.started = event["eventTimestamp"]
        elif kind in ACTIVITY_CLOSES:
            action_state, key = ACTIVITY_CLOSES[kind]
            attributes = event[key]
            acc = by_scheduled.get(attributes["scheduledEventId"])
            if acc is not None:
                acc.state, acc.ended = action_state, event["eventTimestamp"]
                acc.reason = attributes.get("reason") or attributes.get("timeoutType") or (
                    "canceled" if kind == "ActivityTaskCanceled" else None)
        elif kind == "MarkerRecorded":
            attributes = event["markerRecordedEventAttributes"]
            name = attributes.get("markerName", "")
            if name == PROGRESS_MARKER:
                try:
                    details = json.loads(attributes.get("details") or "{}")
                except ValueError:
                    continue
                _progress(marks, details, event["eventTimestamp"])
        elif kind == "WorkflowExecutionStarted":
            plan, started_at = _plan_of(event["workflowExecutionStartedEventAttributes"]), event["eventTimestamp"]
        elif kind in CLOSE_STATUSES:
            status, ended_at = CLOSE_STATUSES[kind], event["eventTimestamp"]
            reason = event[kind[0].lower() + kind[1:] + "EventAttributes"].get("reason")
    selected = plan.get("steps")
    todo = set(flow.order if selected is None else selected)
    runs = tuple(plan.get("runs") or ())
    inherited = plan.get("inherited") or {}
    closed = status != "running"
    steps: Dict[str, StepState] = {}
    for name in flow.order:
        definition = flow.steps[name]
        mark = marks.get(name)
        if mark is not None:
            state = mark.get("state") or "running"
            step_reason = mark.get("reason")
            if state == "started":
                state = "failed" if closed else "running"
                step_reason = "the run closed (%s) while the step ran" % status if closed else None
            from_run = run_id
        elif name in todo:
            state, step_reason, from_run = ("skipped" if closed else "pending"), None, None
        elif name in inherited:
            index = inherited[name]
            state, step_reason = "completed", None
            from_run = runs[index] if isinstance(index, int) and 0 <= index < len(runs) else str(index)
        else:
            state, step_reason, from_run = "pending", None, None
        action_states = []
        for action in definition.actions:
            acc = actions.get(action_control(name, action.name))
            if acc is None:
                if state == "completed" and mark is None:
                    action_state = "completed"  # by an earlier run
                elif state == "failed" and mark is not None and mark.get("action") == action.name:
                    action_states.append(ActionState(action.name, action.kind, "failed", reason=step_reason))
                    continue  # SWF refused to schedule it (no ActivityTaskScheduled event)
                else:
                    action_state = "skipped" if state in ("failed", "skipped") or closed else "pending"
                action_states.append(ActionState(action.name, action.kind, action_state))
            else:
                action_state = acc.state
                if action_state == "running" and closed:
                    action_state = "failed"
                action_states.append(ActionState(action.name, action.kind, action_state, acc.started, acc.ended,
                                                 acc.attempts, acc.reason if action_state == "failed" else None))
        main = next((a for a in action_states if a.kind == "main"), None)
        steps[name] = StepState(name, state, definition.depends_on, mark.get("started") if mark else None,
                                mark.get("ended") if mark and state != "running" else None,
                                main.attempts if main else 0, from_run, step_reason, tuple(action_states))
    return FlowState(flow.name, timeperiod, workflow_id, status, steps, run_id=run_id, operation=plan.get("operation"),
                     continues_from=plan.get("continues"), started=started_at, ended=ended_at, reason=reason,
                     context=plan.get("context"), runs=runs)
