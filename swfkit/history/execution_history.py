"""``History``: the events of one execution run, read lazily page by page.

Events are kept as the wire dicts SWF sent; the typed event of an id is built the first time it is
asked for. Folding works on the wire dicts directly, which is what keeps a 25,000-event history
cheap to read.
"""
from __future__ import annotations

from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Union

from swfkit.exceptions import HistoryError
from swfkit.history.collection_pause import collection_paused
from swfkit.history.event_base import HistoryEvent
from swfkit.history.events import parse_event
from swfkit.history.fold import fold as _fold
from swfkit.history.state import ExecutionState

Raw = Mapping[str, Any]


def _task_list(task_list: Union[str, Mapping[str, Any]]) -> Dict[str, Any]:
    if isinstance(task_list, str):
        return {"name": task_list}
    if isinstance(task_list, Mapping) and isinstance(task_list.get("name"), str):
        return dict(task_list)
    raise HistoryError("task_list: expected a name or {'name': ...}, got %r" % (task_list,))


def _execution(execution: Any) -> Dict[str, str]:
    if isinstance(execution, Mapping) and isinstance(execution.get("workflowId"), str):
        if not isinstance(execution.get("runId"), str):
            raise HistoryError("execution: runId is required to read a run's history, got %r" % (execution,))
        return {"workflowId": execution["workflowId"], "runId": execution["runId"]}
    if isinstance(execution, tuple) and len(execution) == 2:
        return {"workflowId": execution[0], "runId": execution[1]}
    workflow_id, run_id = getattr(execution, "workflow_id", None), getattr(execution, "run_id", None)
    if isinstance(workflow_id, str) and isinstance(run_id, str):
        return {"workflowId": workflow_id, "runId": run_id}
    raise HistoryError("execution: expected {'workflowId': ..., 'runId': ...} or (workflow_id, run_id), got %r"
                       % (execution,))


def decision_task_pages(layer1: Any, task: Raw, poll: Mapping[str, Any]) -> Iterator[Raw]:
    """The pages of a decision task, lazily: ``task`` (the poll's answer), then each page got by
    polling again with the same arguments ``poll`` plus the ``nextPageToken`` (as SWF requires)."""
    page = task
    while True:
        yield page
        token = page.get("nextPageToken")
        if not token:
            return
        page = layer1.poll_for_decision_task(next_page_token=token, **poll)


def _events_of(page: Any, number: int) -> List[Raw]:
    if not isinstance(page, Mapping):
        raise HistoryError("history page %d: expected a dict with 'events', got %s" % (number, type(page).__name__))
    events = page.get("events", [])
    if not isinstance(events, list):
        raise HistoryError("history page %d: 'events' must be a list, got %s" % (number, type(events).__name__))
    return events


def _prefix(events: List[Raw], count: int) -> Iterator[Raw]:
    """One page of the first ``count`` of ``events``, sliced only when it is read."""
    yield {"events": events[:count]}


def _after(pages: Iterable[Any], last_id: int) -> Iterator[Any]:
    """``pages`` without the events up to ``last_id`` (those a continued history already holds)."""
    for page in pages:
        events = page.get("events") if isinstance(page, Mapping) else None
        if isinstance(events, list) and events and events[0].get("eventId", 0) <= last_id:
            page = dict(page, events=[event for event in events if event.get("eventId", 0) > last_id])
        yield page


class History:
    """The events of one workflow execution run, in ascending event id order.

    Build it with ``from_events``, ``from_pages``, ``for_decision_task`` or ``for_execution``;
    pages are fetched only when an event beyond those already read is needed. Pages must come in
    SWF's default order (``reverseOrder`` unset): the fold checks that event ids follow on.

    Attributes:
        started_event_id: for a decision task, the DecisionTaskStarted id of the task (else None).
        previous_started_event_id: for a decision task, SWF's ``previousStartedEventId`` (else None).
        workflow_execution: for a decision task or ``for_execution``, ``{workflowId, runId}``.
        workflow_type: for a decision task, ``{name, version}``.
    """

    __slots__ = ("_raw", "_typed", "_pages", "_page_number", "started_event_id", "previous_started_event_id",
                 "workflow_execution", "workflow_type")

    def __init__(self, pages: Iterable[Any] = (), *, task: Optional[Mapping[str, Any]] = None) -> None:
        """Prefer the ``from_*``/``for_*`` constructors. ``pages`` yields page dicts (``events``)."""
        self._raw: List[Raw] = []
        self._typed: List[Optional[HistoryEvent]] = []
        self._pages: Optional[Iterator[Any]] = iter(pages)
        self._page_number = 0
        task = task or {}
        self.started_event_id: Optional[int] = task.get("startedEventId")
        self.previous_started_event_id: Optional[int] = task.get("previousStartedEventId")
        self.workflow_execution: Optional[Dict[str, str]] = task.get("workflowExecution")
        self.workflow_type: Optional[Dict[str, str]] = task.get("workflowType")

    # -- construction ----------------------------------------------------------------------------

    @classmethod
    def from_events(cls, events: Iterable[Raw]) -> "History":
        """A history over wire-format event dicts (e.g. the ``events`` of one response)."""
        return cls([{"events": list(events)}])

    @classmethod
    def from_pages(cls, pages: Iterable[Mapping[str, Any]]) -> "History":
        """A history over page dicts (GetWorkflowExecutionHistory / PollForDecisionTask
        responses), read from ``pages`` as events are needed."""
        return cls(pages)

    @classmethod
    def continuing(cls, previous: "History", pages: Iterable[Any], *,
                   task: Optional[Mapping[str, Any]] = None) -> "History":
        """A history made of ``previous``'s events followed by those of ``pages`` that come after
        them, sharing ``previous``'s storage instead of copying it.

        This is how a decider continues a run it decided before: the new task's pages start at or
        before the event after ``previous``'s last (``startAtPreviousStartedEvent``); events the
        pages repeat are skipped. ``previous`` stays readable and keeps its own events: it copies
        them out of the shared storage only if it is read again.
        """
        raw, typed = previous._read_all(), previous._typed
        count = len(raw)
        last_id = raw[-1].get("eventId", count) if raw else 0
        previous._raw, previous._typed, previous._pages = [], [], _prefix(raw, count)
        history = cls(_after(pages, last_id), task=task)
        history._raw, history._typed = raw, typed
        return history

    @classmethod
    def for_decision_task(cls, layer1: Any, task: Mapping[str, Any], *, domain: str,
                          task_list: Union[str, Mapping[str, Any]], identity: Optional[str] = None,
                          maximum_page_size: Optional[int] = None) -> "History":
        """The history of a PollForDecisionTask response; further pages come from polling again
        with the same task list and the ``nextPageToken`` (as SWF requires), only when needed.

        Args:
            layer1: a ``swfkit.layer1.Layer1`` (anything with ``poll_for_decision_task``).
            task: the poll response holding the first page.
            domain, task_list: those of the poll (``task_list`` a name or ``{"name": ...}``).
            identity, maximum_page_size: pass what the first poll used, to keep arguments unchanged.
        """
        if not task.get("taskToken"):
            raise HistoryError("task: the poll returned no decision task (empty taskToken)")
        poll = {"domain": domain, "task_list": _task_list(task_list), "identity": identity,
                "maximum_page_size": maximum_page_size}
        return cls(decision_task_pages(layer1, task, poll), task=task)

    @classmethod
    def for_execution(cls, layer1: Any, domain: str, execution: Any, *,
                      maximum_page_size: Optional[int] = None) -> "History":
        """The history of an execution run, read through GetWorkflowExecutionHistory page by page.

        Args:
            layer1: a ``swfkit.layer1.Layer1`` (anything with ``get_workflow_execution_history``).
            domain: the domain name.
            execution: ``{"workflowId": ..., "runId": ...}`` or ``(workflow_id, run_id)``.
        """
        wire_execution = _execution(execution)

        def pages() -> Iterator[Any]:
            token = None
            while True:
                page = layer1.get_workflow_execution_history(domain=domain, execution=wire_execution,
                                                             maximum_page_size=maximum_page_size,
                                                             next_page_token=token)
                yield page
                token = page.get("nextPageToken") if isinstance(page, Mapping) else None
                if not token:
                    return

        history = cls(pages())
        history.workflow_execution = wire_execution
        return history

    # -- reading ---------------------------------------------------------------------------------

    def _read_page(self) -> bool:
        """Read one more page; False when there are no more."""
        if self._pages is None:
            return False
        try:
            page = next(self._pages)
        except StopIteration:
            self._pages = None
            return False
        self._page_number += 1
        events = _events_of(page, self._page_number)
        self._raw.extend(events)
        self._typed.extend([None] * len(events))
        return True

    def _read_all(self) -> List[Raw]:
        while self._read_page():
            pass
        return self._raw

    def _typed_at(self, index: int) -> HistoryEvent:
        event = self._typed[index]
        if event is None:
            event = self._typed[index] = parse_event(self._raw[index])
        return event

    @property
    def raw_events(self) -> List[Raw]:
        """All events as wire dicts (reads every remaining page)."""
        return self._read_all()

    def __len__(self) -> int:
        return len(self._read_all())

    def __iter__(self) -> Iterator[HistoryEvent]:
        index = 0
        while True:
            while index >= len(self._raw):
                if not self._read_page():
                    return
            yield self._typed_at(index)
            index += 1

    def __getitem__(self, event_id: int) -> HistoryEvent:
        """The event with id ``event_id`` (not a position). Raises ``KeyError`` if there is none."""
        if type(event_id) is not int or event_id < 1:
            raise KeyError(event_id)
        while True:
            found = self._locate(event_id)
            if found is not None:
                return self._typed_at(found)
            if self._raw and self._raw[-1].get("eventId", 0) > event_id or not self._read_page():
                raise KeyError(event_id)

    def _locate(self, event_id: int) -> Optional[int]:
        raw = self._raw
        if not raw:
            return None
        index: int = event_id - raw[0].get("eventId", 1)  # ids are contiguous: the usual case is direct
        if 0 <= index < len(raw) and raw[index].get("eventId") == event_id:
            return index
        for index, event in enumerate(raw):
            if event.get("eventId") == event_id:
                return index
        return None

    def new_events(self, previous_started_event_id: Optional[int] = None) -> List[HistoryEvent]:
        """The events after ``previous_started_event_id`` (default: the decision task's
        ``previousStartedEventId``, else every event): what a decider has not seen yet."""
        if previous_started_event_id is None:
            previous_started_event_id = self.previous_started_event_id or 0
        raw = self._read_all()
        start = 0
        for start in range(len(raw) - 1, -1, -1):  # new events are at the end: scan back
            if raw[start].get("eventId", 0) <= previous_started_event_id:
                start += 1
                break
        else:
            start = 0
        return [self._typed_at(index) for index in range(start, len(raw))]

    def fold(self, state: Optional[ExecutionState] = None, *, copy: bool = True) -> ExecutionState:
        """Fold the whole history into an ``ExecutionState``.

        With ``state`` (e.g. the state of the previous decision task of the same run), only the
        events after ``state.last_event_id`` are applied: to a copy of it, or with ``copy=False``
        to ``state`` itself (what a decider that owns the state does, so that a decision costs
        only its new events).
        """
        raw = self._read_all()
        with collection_paused():
            return self._fold(raw, state, copy)

    def _fold(self, raw: List[Raw], state: Optional[ExecutionState], copy: bool) -> ExecutionState:
        if state is None:
            result = ExecutionState()
            result.apply_raw(raw)  # the fast path: wire dicts straight into the fold
            return result
        start = self._locate(state.last_event_id + 1)
        if start is None:
            if copy:
                return _fold(raw, state)  # nothing new, or ids not contiguous: let fold sort it out
            state.apply_raw(event for event in raw if event.get("eventId", 0) > state.last_event_id)
            return state
        result = state.copy() if copy else state
        result.apply_raw(raw[start:] if start else raw)  # a slice of the new events only
        return result

    def __repr__(self) -> str:
        more = "" if self._pages is None else "+ (more pages)"
        return "<History %d events%s>" % (len(self._raw), more)

