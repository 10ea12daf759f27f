"""The Decider: poll decision tasks, hand each (with its whole history, folded) to ``decide``, answer.

Subclass it and implement ``decide(task) -> Decisions``. An exception in ``decide`` (or in reading
the history) is logged with the execution; by default the decision task is then left to time out,
so SWF schedules it again (a fixed decider can pick it up); with ``on_decide_error="fail"`` the
workflow execution is failed instead. Nothing is dropped silently.
"""
from __future__ import annotations

import logging
import time
from typing import Any, Dict, Iterable, List, Optional, Sequence, Tuple, Union

from ..decisions import Decision, Decisions, fail_workflow_execution
from ..decisions.payload_offload import offloading
from ..exceptions import SWFError, UnknownResourceFault
from .actor import DEFAULT_SIGNALS, Actor
from .failures import failure_of
from .payload_wiring import resolve_payloads
from .registration import WorkflowTypeRegistration, ensure_registered
from .task_interceptors import (
    COMPLETED, FAILED, TIMED_OUT, TaskOutcome, decision_task_info, decision_wait_time, notify, notify_closed,
)
from .task_log_context import decision_task_fields, enter_task, leave_task
from .task_values import DecisionTask, type_text

log = logging.getLogger("swfkit.actors.decider")

ON_DECIDE_ERROR = ("timeout", "fail")

__all__ = ["Decider"]


class Decider(Actor):
    """Base class of deciders: implement ``decide``.

    Args:
        layer1: a ``swfkit.layer1.Layer1``.
        domain: the domain (default: class attribute ``domain``).
        task_list: the decision task list (default: class attribute ``task_list``).
        identity: poller identity (default: hostname/pid + ``SWFKIT_IDENTITY``).
        on_decide_error: ``"timeout"`` (leave the task to time out and be retried) or ``"fail"``
            (fail the workflow execution with the exception type and traceback).
        maximum_page_size: events per history page (1..1000).
        incremental_history: keep each run's events and state between its decisions and poll with
            ``startAtPreviousStartedEvent`` so only new events are transferred and folded (the task
            still carries the complete history); False always reads and folds the whole history.
        payloads: a ``swfkit.payloads.Payloads`` codec: payloads in the history are decoded when
            read, decisions' payloads over SWF's limits offloaded (default: ``SWFKIT_PAYLOAD_STORE``'s,
            if set; ``False``: none).
        interceptors: ``swfkit.actors.task_interceptors.ActorInterceptor`` objects told of every poll
            and task (metrics, tracing).
    """

    kind = "decider"
    task_kind = "decision"
    #: Events (over all runs) kept in memory so the next decision of a run fetches and folds only new events.
    cached_events = 200_000
    #: Workflow types ``ensure_registered`` registers (with their defaults).
    workflow_types: Sequence[WorkflowTypeRegistration] = ()

    def __init__(self, layer1: Any, domain: Optional[str] = None, task_list: Optional[str] = None, *,
                 identity: Optional[str] = None, on_decide_error: str = "timeout",
                 maximum_page_size: int = 1000, incremental_history: bool = True, payloads: Any = None,
                 interceptors: Optional[Sequence[Any]] = None) -> None:
        super().__init__(layer1, domain, task_list, identity=identity, interceptors=interceptors)
        self.payloads = resolve_payloads(payloads)
        if on_decide_error not in ON_DECIDE_ERROR:
            raise ValueError("Decider: on_decide_error: must be one of %s, got %r" % (ON_DECIDE_ERROR, on_decide_error))
        if not isinstance(maximum_page_size, int) or not 1 <= maximum_page_size <= 1000:
            raise ValueError("Decider: maximum_page_size: must be an int in 1..1000, got %r" % (maximum_page_size,))
        self.on_decide_error = on_decide_error
        self.maximum_page_size = maximum_page_size
        self.incremental_history = incremental_history
        self._runs: Any = None
        self._failure_log: Any = None

    def __getstate__(self) -> Dict[str, Any]:
        state = super().__getstate__()
        state["_runs"] = None  # each process keeps its own runs
        state["_failure_log"] = None
        return state

    def decide(self, task: DecisionTask) -> Union[Decisions, Iterable[Decision], None]:
        """Return the decisions for ``task`` (override this)."""
        raise NotImplementedError("%s must implement decide(task)" % type(self).__name__)

    def execution_context(self, task: DecisionTask) -> Optional[str]:
        """The ``executionContext`` sent with the decisions (override to set one)."""
        return None

    def ensure_registered(self) -> None:
        """Register the domain and ``workflow_types`` (idempotent)."""
        ensure_registered(self.layer1, self.domain, workflow_types=self.workflow_types)

    def run_loop(self, stop_after_tasks: Optional[int] = None, signals: Sequence[int] = DEFAULT_SIGNALS) -> int:
        """The polling loop; the history modules are imported before the first poll, so the first
        decision task is not the one to pay for them."""
        from . import decision_history  # noqa: F401

        return super().run_loop(stop_after_tasks, signals)

    def poll(self) -> Optional[Dict[str, Any]]:
        """One long poll for a decision task; the first page of the task, or None if empty."""
        response = self.poll_client.poll_for_decision_task(**self._poll_arguments())
        return response if response.get("taskToken") else None

    def _poll_arguments(self) -> Dict[str, Any]:
        arguments: Dict[str, Any] = {"domain": self.domain, "task_list": {"name": self.task_list},
                                     "identity": self.identity, "maximum_page_size": self.maximum_page_size}
        if self.incremental_history:
            arguments["start_at_previous_started_event"] = True
        return arguments

    def handle(self, task: Any) -> None:
        """Read the whole history, call ``decide`` and answer; every failure is logged.

        While it runs, ``swfkit.actors.task_log_context.current_task_fields()`` gives the task's ids
        (for log lines); interceptors hear ``task_started`` before and ``task_closed`` after the answer.
        """
        page: Dict[str, Any] = task
        token = enter_task(decision_task_fields, self.domain, self.task_list, page)
        try:
            if not self.interceptors:
                self._handle(page)
                return
            info = decision_task_info(self.domain, self.task_list, self.identity, page)
            states = notify(self.interceptors, "task_started", info)
            started = time.perf_counter()
            result, error, decision_task = FAILED, None, None
            try:
                result, error, decision_task = self._handle(page)
            finally:
                reason = type(error).__name__ if error is not None else None
                notify_closed(self.interceptors, states, info, TaskOutcome(
                    result, time.perf_counter() - started, decision_wait_time(decision_task), reason, error))
        finally:
            leave_task(token)

    def _handle(self, page: Dict[str, Any]) -> Tuple[str, Optional[BaseException], Optional[DecisionTask]]:
        """``handle``'s work; what became of the task (``task_interceptors`` result), the exception
        raised by reading the history or ``decide``, and the task once read."""
        execution = page.get("workflowExecution") or {}
        where = "workflow %s run %s (type %s)" % (execution.get("workflowId"), execution.get("runId"),
                                                  type_text(page.get("workflowType") or {}))
        try:
            decision_task = self.decision_task(page)
        except Exception as err:
            log.exception("decider could not read the history of %s; leaving the decision task to time out "
                          "and be retried", where)
            return FAILED, err, None
        token = enter_task(decision_task_fields, self.domain, self.task_list, page, decision_task)  # + scheduled id
        try:
            return self._decide(decision_task, where)
        finally:
            leave_task(token)

    def _decide(self, decision_task: DecisionTask,
                where: str) -> Tuple[str, Optional[BaseException], Optional[DecisionTask]]:
        self._log_decision_failures(decision_task, where)
        error: Optional[BaseException] = None
        try:
            with offloading(self.payloads):
                decisions = _wire_decisions(self.decide(decision_task))
                context = self.execution_context(decision_task)
                if context is not None and self.payloads is not None:
                    context = self.payloads.encode("RespondDecisionTaskCompleted.executionContext", context)
        except Exception as err:
            error = err
            failing = self._failing_decisions(err, decision_task, where)
            if failing is None:
                return FAILED, err, decision_task
            decisions, context = failing, None
        finally:
            if self.payloads is not None:
                self.payloads.discard_pending()  # references computed by this decision and never sent
        result = self.respond(decision_task, decisions, context, where)
        # The decider raised: "failed" even though the execution's failure was sent.
        return (FAILED if error is not None and result == COMPLETED else result or COMPLETED), error, decision_task

    def _failing_decisions(self, err: Exception, task: DecisionTask, where: str) -> Optional[List[Dict[str, Any]]]:
        """After ``decide`` raised ``err`` (logged here): None to leave the task to time out and be
        retried, else (``on_decide_error="fail"``) the decisions that fail the execution."""
        if self.on_decide_error != "fail":
            log.exception("decide() failed for %s at event %d; leaving the decision task to time out "
                          "and be retried", where, task.started_event_id)
            return None
        log.exception("decide() failed for %s at event %d; failing the workflow execution",
                      where, task.started_event_id)
        reason, details = failure_of(err)
        return [fail_workflow_execution(reason=reason, details=details).to_dict()]

    def _log_decision_failures(self, task: DecisionTask, where: str) -> None:
        try:
            failures = task.decision_failures
        except Exception:  # a history that cannot be typed is reported by decide's own use of it
            log.debug("could not read the decision failures of %s", where, exc_info=True)
            return
        if failures:
            if self._failure_log is None:
                from .decision_failures import FailureLog
                self._failure_log = FailureLog()
            self._failure_log.log(task.run_id, where, failures)

    def decision_task(self, page: Dict[str, Any]) -> DecisionTask:
        """Fetch every page of the task's history and fold it into a ``DecisionTask``."""
        from .decision_history import RunCache, decision_history, decision_task_of  # imports swfkit.history

        if self.incremental_history and self._runs is None:
            self._runs = RunCache(self.cached_events)
        history, state = decision_history(self.layer1, page, self._poll_arguments(),
                                          self._runs if self.incremental_history else None, self.domain)
        return decision_task_of(page, history, state, self.payloads)

    def respond(self, task: DecisionTask, decisions: List[Dict[str, Any]], context: Optional[str], where: str) -> str:
        """Send RespondDecisionTaskCompleted; a refused answer is logged, never raised.

        Returns:
            ``"completed"`` once sent; ``"timed_out"`` when SWF no longer knew the task or the
            answer could not be sent (it times out and is retried).
        """
        try:
            self.layer1.respond_decision_task_completed(
                task_token=task.task_token, decisions=decisions, execution_context=context)
        except SWFError as err:
            return self._unanswered(err, where, len(decisions))
        return COMPLETED


    @staticmethod
    def _unanswered(err: SWFError, where: str, decision_count: int) -> str:
        """Log why a decision task's answer was not taken; ``"timed_out"`` (it times out and is retried)."""
        if isinstance(err, UnknownResourceFault):
            log.warning("decision task of %s is no longer known to SWF (timed out or execution closed); "
                        "%d decisions dropped: %s", where, decision_count, err)
        else:
            log.exception("could not answer the decision task of %s; it will time out and be retried", where)
        return TIMED_OUT

def _wire_decisions(decisions: Union[Decisions, Iterable[Decision], None]) -> List[Dict[str, Any]]:
    """Validated wire dicts from what ``decide`` returned (raises ValidationError naming the decision)."""
    if decisions is None:
        return []
    if not isinstance(decisions, Decisions):
        collected = Decisions()
        collected.extend(decisions)
        decisions = collected
    return decisions.to_list()

