"""``run_local``: run a workflow in-process with no server, with the same replay semantics.

Each decision replays ``run`` exactly as a ``FuturesDecider`` would, against an in-memory history
(``LocalHistory``) built the way SWF builds it. Activities are called directly right after the
decision that scheduled them; child workflows run to completion the same way; timers fire in
virtual time (no waiting); signals are injected at virtual times (``LocalSignal``). The result is
what the workflow returned; a failure raises.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union, cast

from swfkit.actors.failures import failure_of
from swfkit.actors.payload_wiring import resolve_payloads
from swfkit.decisions import Decisions
from swfkit.decisions.payload_offload import offloading
from swfkit.futures.definitions import definition_of
from swfkit.futures.errors import CancelledError, WorkflowDeadlock, WorkflowFailed
from swfkit.futures.local_history import LocalHistory
from swfkit.futures.replay import ReplayContext
from swfkit.futures.serializers import decode_value, encode_args, encode_value
from swfkit.history import ExecutionInfo
from swfkit.spec.limits import MAX_DATA_LENGTH, MAX_HISTORY_EVENTS

__all__ = ["LocalSignal", "LocalExecution", "LocalRunner", "run_local", "run_local_wire"]

#: Virtual time at which local executions start (epoch seconds).
START_TIME = 1_700_000_000.0
#: Continue-as-new chains longer than this are taken for a runaway loop.
MAX_RUNS = 10_000


@dataclass(frozen=True)
class LocalSignal:
    """A signal to inject: ``name`` with ``input`` (serialized like any input), ``at`` virtual
    seconds after the execution started."""

    name: str
    input: Any = None
    at: float = 0.0


@dataclass
class LocalExecution:
    """The outcome of a local execution.

    Attributes:
        status: completed | failed | canceled | terminated (the last run's close).
        result: the serialized result (completed). reason, details: of a failure.
        error: the exception the workflow code raised, if that is what failed it.
        runs: the wire events of every run (more than one after continue-as-new).
        workflow_id: the execution's workflow id.
    """

    status: str
    result: Optional[str]
    reason: Optional[str]
    details: Optional[str]
    error: Optional[BaseException]
    runs: List[List[Dict[str, Any]]]
    workflow_id: str


class LocalRunner:
    """Runs workflows locally; ``run(Workflow, input)`` gives a ``LocalExecution``.

    Args:
        signals: ``LocalSignal``s (or ``(name, input, at)`` tuples) for the top-level execution.
        max_decision_tasks: safety limit on decision tasks per run.
        payloads: a ``swfkit.payloads.Payloads`` codec offloading payloads over SWF's limits as a
            Decider and Worker would (default: ``SWFKIT_PAYLOAD_STORE``'s, if set; ``False``: none).
        **replay_limits: max_open_activities, max_request_bytes, max_decisions (per response).
    """

    def __init__(self, *, signals: Iterable[Union[LocalSignal, Tuple[Any, ...]]] = (),
                 max_decision_tasks: int = 100_000, payloads: Any = None, **replay_limits: Any) -> None:
        self.signals = sorted((s if isinstance(s, LocalSignal) else LocalSignal(*s) for s in signals),
                              key=lambda s: s.at)
        self.max_decision_tasks = max_decision_tasks
        self.replay_limits = replay_limits
        self.payloads = resolve_payloads(payloads)
        self.clock = [START_TIME]
        self.open_runs: Dict[str, LocalHistory] = {}
        self._counter = 0
        #: Activities and workflow classes seen in decisions, by ("activity"|"workflow", name, version).
        self._known: Dict[Any, Any] = {}

    def run(self, workflow_class: Any, input: Optional[str], *, workflow_id: Optional[str] = None,
            parent: Optional[Dict[str, Any]] = None, signals: Optional[Sequence[LocalSignal]] = None) -> LocalExecution:
        """Run ``workflow_class`` with the wire ``input`` through every continue-as-new.

        ``signals`` default: the runner's own for a top-level execution, none for a child.
        """
        with offloading(self.payloads):
            return self._run(workflow_class, input, workflow_id, parent, signals)

    def _run(self, workflow_class: Any, input: Optional[str], workflow_id: Optional[str],
             parent: Optional[Dict[str, Any]], signals: Optional[Sequence[LocalSignal]]) -> LocalExecution:
        definition = definition_of(workflow_class)
        if signals is None:
            signals = self.signals if parent is None else ()
        self._counter += 1
        workflow_id = workflow_id or "local-%s-%d" % (definition.name[:200], self._counter)
        runs: List[List[Dict[str, Any]]] = []
        continued: Optional[str] = None
        pending = list(signals)
        started_at = self.clock[0]
        for number in range(1, MAX_RUNS + 1):
            history = LocalHistory(self.clock, workflow_id, "%s-run-%d" % (workflow_id, number))
            r = definition.registration
            history.add("WorkflowExecutionStarted", workflowType={"name": r.name, "version": r.version},
                        taskList={"name": r.task_list or "local"}, childPolicy=r.child_policy or "TERMINATE",
                        input=input, continuedExecutionRunId=continued,
                        parentWorkflowExecution=parent and parent["execution"],
                        parentInitiatedEventId=parent and parent["initiated_event_id"])
            history.needs_decision = True
            runs.append(history.events)
            self.open_runs[workflow_id] = history
            try:
                outcome = self._run_one(workflow_class, history, pending, started_at)
            finally:
                self.open_runs.pop(workflow_id, None)
            if outcome[0] != "continued_as_new":
                status, result, reason, details, error = outcome
                return LocalExecution(status, result, reason, details, error, runs, workflow_id)
            input, continued = outcome[1], history.run_id
        raise WorkflowFailed("ContinueAsNewLoop", "more than %d runs of %s" % (MAX_RUNS, workflow_id))

    def _run_one(self, workflow_class: Any, history: LocalHistory, signals: List[LocalSignal],
                 started_at: float) -> Tuple[Any, ...]:
        error: Optional[BaseException] = None
        for _ in range(self.max_decision_tasks):
            while signals and started_at + signals[0].at <= self.clock[0]:
                signal = signals.pop(0)
                history.signal(signal.name, encode_value(definition_of(workflow_class).serializer, signal.input,
                                                         "LocalSignal", "input"))
            if history.needs_decision:
                error = self._decide(workflow_class, history) or error
                if cast(ExecutionInfo, history.state.execution).status != "open":  # started: it has one
                    return self._closed(history, error)
                self._run_work(history)
            elif not self._advance_time(history, signals, started_at):
                raise WorkflowDeadlock(
                    "workflow %s is waiting (after event %d) for something that can never come: no activity, "
                    "child workflow, timer or injected signal is pending" % (history.workflow_id, len(history.events)))
            if len(history.events) > MAX_HISTORY_EVENTS:
                history.add("WorkflowExecutionTerminated", cause="EVENT_LIMIT_EXCEEDED", childPolicy="TERMINATE")
                return ("terminated", None, "EVENT_LIMIT_EXCEEDED", None, error)
        raise WorkflowFailed("TooManyDecisions", "more than %d decision tasks in one run" % self.max_decision_tasks)

    def _decide(self, workflow_class: Any, history: LocalHistory) -> Optional[BaseException]:
        history.needs_decision = False
        scheduled = history.add("DecisionTaskScheduled", taskList={"name": "local"})
        started = history.add("DecisionTaskStarted", scheduledEventId=scheduled, identity="run_local")
        events = history.events
        context = ReplayContext(workflow_class, history.state, workflow_id=history.workflow_id,
                                run_id=history.run_id, event_times=lambda event_id: events[event_id - 1]["eventTimestamp"],
                                **self.replay_limits)
        outcome = context.run()
        completed = history.add("DecisionTaskCompleted", scheduledEventId=scheduled, startedEventId=started)
        # Sent as a Decider sends them: payloads over the limits stored, references in their place.
        wire = Decisions(outcome.decisions, payloads=self.payloads).to_list() if self.payloads is not None \
            else [decision.to_dict() for decision in outcome.decisions]
        if self.payloads is not None:
            self.payloads.discard_pending()
        for item in wire:
            history.apply(item, completed, context.used)
        self._known.update(context.used)
        return outcome.error

    def _run_work(self, history: LocalHistory) -> None:
        """Run the activities and children the last decision started (in that order)."""
        known = self._known
        activities, history.activities = history.activities, []
        for scheduled_event_id, a in activities:
            kind = a["activityType"]
            act = known[("activity", kind["name"], kind["version"])]
            started = history.add("ActivityTaskStarted", scheduledEventId=scheduled_event_id, identity="run_local")
            try:
                result = act.swfkit_handler(a.get("input"))
            except Exception as exc:
                reason, details = failure_of(exc)
                history.add("ActivityTaskFailed", scheduledEventId=scheduled_event_id, startedEventId=started,
                            reason=reason, details=details)
            else:
                if self.payloads is not None:  # answered as a Worker answers
                    result = self.payloads.encode("RespondActivityTaskCompleted.result", result)
                if result is not None and len(result) > MAX_DATA_LENGTH:
                    history.add("ActivityTaskFailed", scheduledEventId=scheduled_event_id, startedEventId=started,
                                reason="ResultTooLarge", details="the result is %d characters" % len(result))
                else:
                    history.add("ActivityTaskCompleted", scheduledEventId=scheduled_event_id, startedEventId=started,
                                result=result)
            history.needs_decision = True
        children, history.children = history.children, []
        for initiated_event_id, a in children:
            kind = a["workflowType"]
            child_class = known[("workflow", kind["name"], kind["version"])]
            parent = {"execution": {"workflowId": history.workflow_id, "runId": history.run_id},
                      "initiated_event_id": initiated_event_id}
            done = self.run(child_class, a.get("input"), workflow_id=a["workflowId"], parent=parent)
            run_id = "%s-run-%d" % (done.workflow_id, len(done.runs))
            outcome = {"completed": {"result": done.result}, "failed": {"reason": done.reason, "details": done.details},
                       "canceled": {"details": done.details}, "terminated": {}}[done.status]
            history.child_closed(initiated_event_id, a, run_id, done.status, **outcome)
        self._deliver_external_signals(history)

    def _deliver_external_signals(self, history: LocalHistory) -> None:
        for initiated, record in list(history.state.external_signals.items()):
            if record.status != "initiated":
                continue
            target = self.open_runs.get(record.workflow_id)
            if target is None or (record.run_id and record.run_id != target.run_id):
                history.add("SignalExternalWorkflowExecutionFailed", workflowId=record.workflow_id,
                            runId=record.run_id, cause="UNKNOWN_EXTERNAL_WORKFLOW_EXECUTION",
                            initiatedEventId=initiated, decisionTaskCompletedEventId=0)
            else:
                target.signal(record.signal_name, record.input,
                              {"workflowId": history.workflow_id, "runId": history.run_id}, initiated)
                history.add("ExternalWorkflowExecutionSignaled", initiatedEventId=initiated,
                            workflowExecution={"workflowId": target.workflow_id, "runId": target.run_id})
            history.needs_decision = True

    def _advance_time(self, history: LocalHistory, signals: List[LocalSignal], started_at: float) -> bool:
        """Move the virtual clock to the next timer or injected signal; False if there is none."""
        times = list(history.timers.values()) + ([started_at + signals[0].at] if signals else [])
        if not times:
            return False
        self.clock[0] = max(self.clock[0], min(times))
        history.fire_due_timers()
        return True

    @staticmethod
    def _closed(history: LocalHistory, error: Optional[BaseException]) -> Tuple[Any, ...]:
        execution = cast(ExecutionInfo, history.state.execution)  # started and closed
        status = cast(str, execution.close_status).lower()
        if status == "continued_as_new":
            attributes = history.events[-1]["workflowExecutionContinuedAsNewEventAttributes"]
            return ("continued_as_new", attributes.get("input"))
        return (status, execution.result, execution.reason, execution.details,
                error if status == "failed" else None)


def run_local(workflow_class: Any, *args: Any, signals: Iterable[Union[LocalSignal, Tuple[Any, ...]]] = (),
              **kwargs: Any) -> Any:
    """Run ``workflow_class(...).run(*args, **kwargs)`` in-process, no server; return its result.

    Args:
        signals: ``LocalSignal(name, input, at)`` to deliver at virtual times (seconds from start).

    Raises:
        the exception ``run`` raised, if that failed the workflow; ``WorkflowFailed`` (``self.fail``
        or a failed close); ``CancelledError`` if it was cancelled; ``WorkflowDeadlock`` if it waits
        for something that cannot come.
    """
    definition = definition_of(workflow_class)
    runner = LocalRunner(signals=signals)
    with offloading(runner.payloads):
        input = encode_args(definition.serializer, args, kwargs, "run_local")
        done = runner.run(workflow_class, input)
        return _value(definition, done)


def _value(definition: Any, done: LocalExecution) -> Any:
    if done.status == "completed":
        return decode_value(definition.serializer, done.result)
    if done.error is not None:
        raise done.error
    if done.status == "canceled":
        raise CancelledError("workflow %s was cancelled: %s" % (done.workflow_id, done.details))
    raise WorkflowFailed(done.reason, done.details)


def run_local_wire(workflow_class: Any, input_json: Optional[str]) -> Optional[str]:
    """``run_local`` from a wire input to a wire result (the CLI's ``workflow start --local``)."""
    runner = LocalRunner()
    done = runner.run(workflow_class, input_json)
    if done.status == "completed":
        return done.result if runner.payloads is None else runner.payloads.decode(done.result)
    if done.error is not None:
        reason, details = failure_of(done.error)
        raise WorkflowFailed(reason, details) from done.error
    raise WorkflowFailed(done.reason or done.status, done.details)
