"""``AsyncDecider``: the ``Decider`` on an asyncio event loop, ``decide`` a coroutine or a plain function.

Same contract as the sync ``Decider``: each decision task is handed to ``decide`` with its complete
history (every page fetched, here through the ``AsyncLayer1``), folded, incrementally when it can
(``incremental_history``); the decisions it returns are answered; an exception is logged and, as
``on_decide_error`` says, the task left to time out or the execution failed.

What blocks runs off the loop, in a thread of the executor: folding the history, a plain
``decide`` and the payload store's I/O. A coroutine ``decide`` runs on the loop (it must not block
it either). Decision tasks are decided one at a time, in the order polled.
"""
from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import time
from typing import Any, Dict, List, Optional, Sequence, Tuple

from ..decisions.payload_offload import offloading
from ..exceptions import SWFError
from .actor import DEFAULT_SIGNALS
from .async_actor import AsyncPolling
from .decider import Decider, _wire_decisions
from .registration import ensure_registered_async
from .task_interceptors import (
    COMPLETED, FAILED, TaskOutcome, decision_task_info, decision_wait_time, notify, notify_closed,
)
from .task_log_context import decision_task_fields, enter_task, leave_task
from .task_values import DecisionTask, type_text

log = logging.getLogger("swfkit.actors.decider")

__all__ = ["AsyncDecider"]


class AsyncDecider(AsyncPolling, Decider):
    """Base class of asyncio deciders: implement ``decide`` (``async def`` or ``def``), ``await decider.run()``.

    Args:
        async_layer1: a ``swfkit.layer1.AsyncLayer1``.
        domain, task_list, identity, on_decide_error, maximum_page_size, incremental_history,
        payloads, interceptors: as for ``swfkit.actors.Decider``.
        executor: a ``concurrent.futures.Executor`` for folding, a plain ``decide`` and the
            payload store (default: the loop's default executor).
    """

    kind = "decider"
    task_kind = "decision"

    def __init__(self, async_layer1: Any, domain: Optional[str] = None, task_list: Optional[str] = None, *,
                 identity: Optional[str] = None, on_decide_error: str = "timeout",
                 maximum_page_size: int = 1000, incremental_history: bool = True, payloads: Any = None,
                 interceptors: Optional[Sequence[Any]] = None, executor: Any = None) -> None:
        super().__init__(async_layer1, domain, task_list, identity=identity, on_decide_error=on_decide_error,
                         maximum_page_size=maximum_page_size, incremental_history=incremental_history,
                         payloads=payloads, interceptors=interceptors)
        self.executor = executor
        self._deciding: Optional["asyncio.Task[Any]"] = None
        self._init_async()

    def __getstate__(self) -> Dict[str, Any]:
        raise TypeError("%s runs on an event loop and cannot be sent to other processes; start one "
                        "decider per process instead" % type(self).__name__)

    async def ensure_registered(self) -> None:  # type: ignore[override]
        """Register the domain and ``workflow_types`` (idempotent)."""
        await ensure_registered_async(self.layer1, self.domain, workflow_types=self.workflow_types)

    async def run(self, *, stop_after_tasks: Optional[int] = None, drain_timeout: Optional[float] = None,
                  signals: Sequence[int] = DEFAULT_SIGNALS) -> int:
        """Poll and decide until ``stop()`` (see ``AsyncPolling.run``); the history modules are imported
        before the first poll, so the first decision task is not the one to pay for them.

        Args:
            stop_after_tasks, drain_timeout, signals: as for ``AsyncWorker.run`` (actors sharing a
                loop all hear its signals).
        """
        from . import decision_history  # noqa: F401

        return await super().run(stop_after_tasks=stop_after_tasks, drain_timeout=drain_timeout, signals=signals)

    # -- polling --------------------------------------------------------------------------------

    async def poll(self) -> Optional[Dict[str, Any]]:  # type: ignore[override]
        """One long poll for a decision task; the first page of the task, or None if empty."""
        response = await self.poll_client.poll_for_decision_task(**self._poll_arguments())
        return response if response.get("taskToken") else None

    async def _poll_task(self) -> Optional[Dict[str, Any]]:
        return await self.poll()

    # -- one task -------------------------------------------------------------------------------

    async def handle(self, task: Any) -> None:  # type: ignore[override]
        """Read the whole history, call ``decide`` and answer; every failure is logged.

        While it runs, ``swfkit.actors.task_log_context.current_task_fields()`` gives the task's ids
        (for log lines), in ``decide`` too, coroutine or thread.
        """
        await self._serve(task)

    async def _serve(self, page: Dict[str, Any]) -> None:
        token = enter_task(decision_task_fields, self.domain, self.task_list, page)
        try:
            await self._serve_in_context(page)
        finally:
            leave_task(token)

    async def _serve_in_context(self, page: Dict[str, Any]) -> None:
        if not self.interceptors:
            await self._handle(page)
            return
        info = decision_task_info(self.domain, self.task_list, self.identity, page)
        states = notify(self.interceptors, "task_started", info)
        started = time.perf_counter()
        result: str = FAILED
        error: Optional[BaseException] = None
        decision_task: Optional[DecisionTask] = None
        try:
            result, error, decision_task = await self._handle(page)
        finally:
            notify_closed(self.interceptors, states, info, TaskOutcome(
                result, time.perf_counter() - started, decision_wait_time(decision_task),
                type(error).__name__ if error is not None else None, error))

    async def _handle(self, page: Dict[str, Any]) -> Tuple[str, Optional[BaseException], Optional[DecisionTask]]:
        """What became of the task, the exception reading the history or ``decide`` raised, the task read."""
        execution = page.get("workflowExecution") or {}
        where = "workflow %s run %s (type %s)" % (execution.get("workflowId"), execution.get("runId"),
                                                  type_text(page.get("workflowType") or {}))
        try:
            decision_task = await self.decision_task(page)
        except Exception as err:
            log.exception("decider could not read the history of %s; leaving the decision task to time out "
                          "and be retried", where)
            return FAILED, err, None
        token = enter_task(decision_task_fields, self.domain, self.task_list, page, decision_task)  # + scheduled id
        try:
            return await self._decide(decision_task, where)
        finally:
            leave_task(token)

    async def _decide(self, decision_task: DecisionTask,
                      where: str) -> Tuple[str, Optional[BaseException], Optional[DecisionTask]]:
        self._log_decision_failures(decision_task, where)
        error: Optional[BaseException] = None
        try:
            self._deciding = asyncio.ensure_future(self._decisions(decision_task))
            decisions, context = await self._deciding
        except Exception as err:
            error = err
            failing = self._failing_decisions(err, decision_task, where)
            if failing is None:
                return FAILED, err, decision_task
            decisions, context = failing, None
        except asyncio.CancelledError:
            if self._deciding is None or not self._deciding.cancelled() or not self._interrupted:
                raise
            log.warning("decider stopped while deciding %s at event %d; the decision task will time out and "
                        "be retried", where, decision_task.started_event_id)
            return FAILED, None, decision_task
        finally:
            self._deciding = None
            if self.payloads is not None:
                self.payloads.discard_pending()  # references computed by this decision and never sent
        result = await self.respond(decision_task, decisions, context, where)
        return (FAILED if error is not None and result == COMPLETED else result), error, decision_task

    async def _decisions(self, task: DecisionTask) -> Tuple[List[Dict[str, Any]], Optional[str]]:
        """Call ``decide``; the wire decisions and execution context to send."""
        if not _is_coroutine_function(self.decide):
            return await self._in_thread(self._decide_in_thread, task)
        with offloading(self.payloads):
            returned = await self.decide(task)
        if self.payloads is None:
            return _wire_decisions(returned), self.execution_context(task)
        return await self._in_thread(self._answer_of, task, returned)  # offloading: the store's I/O

    def _decide_in_thread(self, task: DecisionTask) -> Tuple[List[Dict[str, Any]], Optional[str]]:
        with offloading(self.payloads):
            returned = self.decide(task)
            if inspect.isawaitable(returned):
                raise TypeError("%s.decide returned an awaitable from a plain function; make it `async def`"
                                % type(self).__name__)
        return self._answer_of(task, returned)

    def _answer_of(self, task: DecisionTask, returned: Any) -> Tuple[List[Dict[str, Any]], Optional[str]]:
        with offloading(self.payloads):
            decisions = _wire_decisions(returned)
            context = self.execution_context(task)
            if context is not None and self.payloads is not None:
                context = self.payloads.encode("RespondDecisionTaskCompleted.executionContext", context)
        return decisions, context

    def _interrupt(self) -> None:
        deciding = self._deciding
        if deciding is not None and not deciding.done():
            deciding.cancel()

    async def decision_task(self, page: Dict[str, Any]) -> DecisionTask:  # type: ignore[override]
        """Fetch every page of the task's history (through the async client) and fold it (in a thread)."""
        from .decision_history import RunCache, decision_task_of, fold_decision_history, history_source

        if self.incremental_history and self._runs is None:
            self._runs = RunCache(self.cached_events)
        cache = self._runs if self.incremental_history else None
        source = history_source(page, cache)
        if source.read_full:
            pages = [{"events": await self._full_events(source.execution, source.started)}]
        else:
            pages = await self._task_pages(page)
        history, state = await self._in_thread(fold_decision_history, source, page, pages, cache)
        return decision_task_of(page, history, state, self.payloads)

    async def _task_pages(self, page: Dict[str, Any]) -> List[Dict[str, Any]]:
        """The task's pages: ``page``, then each got by polling again with the same arguments and the token."""
        pages = [page]
        token = page.get("nextPageToken")
        arguments = self._poll_arguments()
        while token:
            page = await self.layer1.poll_for_decision_task(next_page_token=token, **arguments)
            pages.append(page)
            token = page.get("nextPageToken")
        return pages

    async def _full_events(self, execution: Dict[str, str], started: int) -> List[Any]:
        """Events 1..started of the run (GetWorkflowExecutionHistory; later ones are the next decision's)."""
        from .decision_history import full_events_until

        events: List[Any] = []
        pages = self.layer1.paginate("GetWorkflowExecutionHistory", domain=self.domain, execution=execution,
                                     maximum_page_size=1000)
        async with _closing(pages):
            async for history_page in pages:
                if not full_events_until(events, history_page, started):
                    break
        return events

    async def respond(self, task: DecisionTask, decisions: List[Dict[str, Any]],  # type: ignore[override]
                      context: Optional[str], where: str) -> str:
        """Send RespondDecisionTaskCompleted; a refused answer is logged, never raised.

        Returns:
            ``"completed"`` once sent; ``"timed_out"`` when SWF no longer knew the task or the answer
            could not be sent (it times out and is retried).
        """
        try:
            await self.layer1.respond_decision_task_completed(
                task_token=task.task_token, decisions=decisions, execution_context=context)
        except SWFError as err:
            return self._unanswered(err, where, len(decisions))
        return COMPLETED


@contextlib.asynccontextmanager
async def _closing(iterator: Any) -> Any:
    """Close an async generator left early (its pending request), if it can be closed."""
    try:
        yield iterator
    finally:
        close = getattr(iterator, "aclose", None)
        if close is not None:
            await close()


def _is_coroutine_function(func: Any) -> bool:
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None))
