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
from typing import Any, Dict, List, Mapping, Optional, Tuple

from ..history import ExecutionState, History
from ..history.execution_history import decision_task_pages

__all__ = ["RunCache", "decision_history"]


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
    execution = page.get("workflowExecution") or {}
    run_id = execution.get("runId", "")
    started = int(page.get("startedEventId") or 0)
    events = page.get("events") or []
    first_id = int(events[0].get("eventId", 1)) if events else started + 1
    run = cache.take(run_id) if cache is not None else None

    if first_id <= 1 or cache is None:
        history = History(decision_task_pages(layer1, page, poll), task=page)
        state = history.fold()
    elif run is not None and first_id <= run.state.last_event_id + 1 == len(run.history.raw_events) + 1:
        history = History.continuing(run.history, decision_task_pages(layer1, page, poll), task=page)
        state = history.fold(run.state, copy=False)
    else:  # a partial page we cannot complete from memory: read the run's history from the start
        history = History([{"events": _full_events(layer1, domain, execution, started)}], task=page)
        state = history.fold()
    if cache is not None:
        cache.keep(run_id, history, state)
    return history, state


def _full_events(layer1: Any, domain: str, execution: Dict[str, str], started: int) -> List[Mapping[str, Any]]:
    """Events 1..started of the run (later ones belong to the next decision)."""
    events: List[Mapping[str, Any]] = []
    for page in layer1.paginate("GetWorkflowExecutionHistory", domain=domain, execution=execution,
                                maximum_page_size=1000):
        for event in page.get("events") or []:
            if int(event.get("eventId", 0)) > started:
                return events
            events.append(event)
    return events
