"""A decision task's complete history, fetched with as little transfer and folding as possible.

SWF hands every decision task the whole history of its run, so a long execution costs its decider
(and the service) more with every decision. A decider that keeps the events and the folded state
of its last decision of each run can ask for the new events only (PollForDecisionTask's
``startAtPreviousStartedEvent``) and fold just those. When it does not hold the run (first
decision of a process, another process decided in between, evicted), it reads the full history
with GetWorkflowExecutionHistory. The result is the same complete ``History`` and state either way.
"""
from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Tuple

from ..history import ExecutionState, History
from ..history.execution_history import decision_task_pages
from .task_values import DecisionTask

__all__ = ["RunCache", "decision_history", "HistorySource", "history_source", "fold_decision_history",
           "full_events_until", "decision_task_of"]


@dataclass(frozen=True)
class _Run:
    history: History
    state: ExecutionState


class RunCache:
    """History and folded state of the last decision per run, least recently used out first.

    A run is taken out while its next decision task is read (so a failure there drops it) and kept
    again afterwards; the history's event list and the state move from one decision to the next
    without being copied, which keeps a decision's cost to its new events.

    Args:
        max_events: bound on the events held over all runs (a run longer than this is not kept).
    """

    def __init__(self, max_events: int = 200_000) -> None:
        self.max_events = max_events
        self._runs: "OrderedDict[str, Tuple[_Run, int]]" = OrderedDict()
        self._events = 0

    def take(self, run_id: str) -> Optional[_Run]:
        entry = self._runs.pop(run_id, None)
        if entry is None:
            return None
        self._events -= entry[1]
        return entry[0]

    def keep(self, run_id: str, history: History, state: ExecutionState) -> None:
        self.take(run_id)
        count = len(history.raw_events)
        if count > self.max_events or not state.is_open:
            return
        self._runs[run_id] = (_Run(history, state), count)
        self._events += count
        while self._events > self.max_events:
            _, (_, evicted) = self._runs.popitem(last=False)
            self._events -= evicted

    def __len__(self) -> int:
        return len(self._runs)


def decision_history(layer1: Any, page: Dict[str, Any], poll: Dict[str, Any], cache: Optional[RunCache],
                     domain: str) -> Tuple[History, ExecutionState]:
    """The complete history of the task whose first page is ``page``, and its folded state.

    With a cache, the state returned is the one the run's next decision continues from (it is
    folded further in place): ``decide`` must treat it as read-only.

    Args:
        layer1: the client that polled.
        page: the poll's response (the task's first page).
        poll: the poll's arguments; further pages are polled with the same ones plus the token.
        cache: the decider's run cache; None when the poll asked for the full history.
        domain: the domain (for GetWorkflowExecutionHistory).
    """
    source = history_source(page, cache)
    if source.read_full:
        pages: Iterable[Any] = [{"events": _full_events(layer1, domain, source.execution, source.started)}]
    else:
        pages = decision_task_pages(layer1, page, poll)
    return fold_decision_history(source, page, pages, cache)


@dataclass(frozen=True)
class HistorySource:
    """Where a decision task's history comes from, decided from its first page and the cache alone.

    Attributes:
        execution: the task's ``workflowExecution``.
        started: the task's DecisionTaskStarted event id.
        run: the run's cached history and state to continue from (taken out of the cache), or None.
        read_full: the first page is partial and the cache cannot complete it: read the run's
            history from its first event (GetWorkflowExecutionHistory, events 1..started) instead
            of the task's pages.
    """

    execution: Dict[str, str]
    started: int
    run: Optional[_Run]
    read_full: bool


def history_source(page: Dict[str, Any], cache: Optional[RunCache]) -> HistorySource:
    """Plan how to read the history of the task whose first page is ``page`` (sync and async deciders)."""
    execution = page.get("workflowExecution") or {}
    started = int(page.get("startedEventId") or 0)
    events = page.get("events") or []
    first_id = int(events[0].get("eventId", 1)) if events else started + 1
    run = cache.take(execution.get("runId", "")) if cache is not None else None
    if first_id <= 1 or cache is None:
        return HistorySource(execution, started, None, False)
    if run is not None and first_id <= run.state.last_event_id + 1 == len(run.history.raw_events) + 1:
        return HistorySource(execution, started, run, False)
    # a partial page we cannot complete from memory: read the run's history from the start
    return HistorySource(execution, started, None, True)


def fold_decision_history(source: HistorySource, page: Dict[str, Any], pages: Iterable[Any],
                          cache: Optional[RunCache]) -> Tuple[History, ExecutionState]:
    """The history made of ``pages`` (what ``source`` said to read) and its folded state; kept in ``cache``."""
    if source.run is not None:
        history = History.continuing(source.run.history, pages, task=page)
        state = history.fold(source.run.state, copy=False)
    else:
        history = History(pages, task=page)
        state = history.fold()
    if cache is not None:
        cache.keep(source.execution.get("runId", ""), history, state)
    return history, state


def full_events_until(events: List[Mapping[str, Any]], page: Mapping[str, Any], started: int) -> bool:
    """Add the events of a GetWorkflowExecutionHistory ``page`` up to ``started`` to ``events``;
    False once past it (later events belong to the next decision)."""
    for event in page.get("events") or []:
        if int(event.get("eventId", 0)) > started:
            return False
        events.append(event)
    return True


def _full_events(layer1: Any, domain: str, execution: Dict[str, str], started: int) -> List[Mapping[str, Any]]:
    """Events 1..started of the run (later ones belong to the next decision)."""
    events: List[Mapping[str, Any]] = []
    for page in layer1.paginate("GetWorkflowExecutionHistory", domain=domain, execution=execution,
                                maximum_page_size=1000):
        if not full_events_until(events, page, started):
            return events
    return events


def decision_task_of(page: Dict[str, Any], history: History, state: ExecutionState, payloads: Any) -> DecisionTask:
    """The ``DecisionTask`` handed to ``decide``: the task's first ``page``, its complete history and state."""
    return DecisionTask(
        task_token=page["taskToken"],
        workflow_execution=dict(page.get("workflowExecution") or {}),
        workflow_type=dict(page.get("workflowType") or {}),
        started_event_id=int(page.get("startedEventId") or 0),
        previous_started_event_id=int(page.get("previousStartedEventId") or 0),
        history=history,
        state=state,
        payloads=payloads,
    )
