"""``AsyncWorker``: many activity tasks in flight in one process, on an asyncio event loop.

The activities are registered as on the sync ``Worker`` (``@activity`` methods, ``register``,
``activities=[...]``) and may be coroutine functions: they run on the loop, ``max_concurrent`` of
them at once, fed by up to ``max_pollers`` (4) long polls out at once, each holding a free slot.
A plain function runs in a thread of the loop's executor (or ``executor``), so the loop is never
blocked; the payload store's I/O too.

Heartbeats are sent from the loop (intervals as the sync ``Worker``'s ``heartbeat_interval_for``).
When a heartbeat's answer says ``cancelRequested``, the activity's asyncio task is cancelled:
``asyncio.CancelledError`` is raised inside the coroutine at its current ``await``, and if it lets
it propagate (or raises ``ActivityCanceled``) the task is answered ``RespondActivityTaskCanceled``.
A plain function in a thread cannot be interrupted: as on the sync worker, it sees
``task.cancel_requested`` and may raise ``ActivityCanceled``. A task SWF no longer knows
(``UnknownResourceFault`` on a heartbeat or on the answer) is dropped with a warning, its coroutine
cancelled. Failures are answered as the sync worker answers them (exception type and traceback).

After a stop, tasks still running when the drain time is up (or at a second SIGTERM/SIGINT) are
interrupted the same way and answered ``RespondActivityTaskFailed`` with reason
``WorkerStopped``, so their workflows can react at once instead of waiting for a timeout.
"""
from __future__ import annotations

import asyncio
import dataclasses
import inspect
import logging
import time
from typing import Any, Callable, Iterable, Optional, Sequence, Set, Tuple

from ..decisions.payload_offload import offloading
from ..exceptions import SWFError, UnknownResourceFault
from ..spec.limits import MAX_DATA_LENGTH
from .async_actor import AsyncPolling, check_max_concurrent
from .failures import cut, cut_heartbeat_details, failure_of
from .payload_wiring import decoded_task, encode_outcome
from .registration import ensure_registered_async
from .task_interceptors import (
    CANCELED, COMPLETED, FAILED, TIMED_OUT, TaskOutcome, activity_task_info, notify, notify_closed,
)
from .task_log_context import activity_task_fields, enter_task, leave_task
from .activity_definitions import completed_outcome
from .task_values import ActivityCanceled, ActivityTask, ActivityTaskLost, TaskControl, type_text
from .worker import Worker

log = logging.getLogger("swfkit.actors.worker")

#: The failure reason of a task interrupted because the worker stopped before it finished.
WORKER_STOPPED = "WorkerStopped"

__all__ = ["AsyncWorker", "AsyncTaskControl", "WORKER_STOPPED"]


class AsyncTaskControl(TaskControl):
    """The live part of an activity task run by an ``AsyncWorker``: heartbeats go through the async client.

    ``task.heartbeat(details)`` returns an awaitable when called on the worker's loop (a coroutine
    activity: ``cancel = await task.heartbeat("50%")``) and waits for the answer when called from
    another thread (a plain function run in the executor).
    """

    def __init__(self, client: Any, task_token: str, loop: asyncio.AbstractEventLoop, executor: Any = None) -> None:
        super().__init__(client, task_token)
        self.loop = loop
        self.executor = executor
        #: Called (on the loop) the first time an answer says ``cancelRequested``.
        self.on_cancel_requested: Optional[Callable[[], None]] = None

    def heartbeat(self, details: Optional[str]) -> Any:  # type: ignore[override]
        """Record a heartbeat: an awaitable of cancelRequested on the loop, the bool elsewhere."""
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is self.loop:
            return self.heartbeat_async(details)
        return asyncio.run_coroutine_threadsafe(self.heartbeat_async(details), self.loop).result()

    async def heartbeat_async(self, details: Optional[str]) -> bool:
        """Record a heartbeat; returns cancelRequested. Raises ActivityTaskLost if the task is gone."""
        if self.lost.is_set():
            raise ActivityTaskLost("activity task is no longer known to SWF")
        if self.payloads is None:
            sent = cut_heartbeat_details(details)
        else:  # the store's I/O is blocking: off the loop
            sent = await self.loop.run_in_executor(self.executor, self.payloads.encode,
                                                   "RecordActivityTaskHeartbeat.details", details)
        try:
            response = await self.client.record_activity_task_heartbeat(task_token=self.task_token, details=sent)
        except UnknownResourceFault as err:
            self.lost.set()
            raise ActivityTaskLost("activity task is no longer known to SWF: %s" % err) from None
        if response.get("cancelRequested") and not self.cancel_requested.is_set():
            self.cancel_requested.set()
            if self.on_cancel_requested is not None:
                self.on_cancel_requested()
        return self.cancel_requested.is_set()


class _Running:
    """One task in flight: the asyncio task running its code, and why it was cancelled, if it was."""

    __slots__ = ("task", "on_loop", "work", "why")

    def __init__(self, task: ActivityTask, on_loop: bool) -> None:
        self.task = task
        self.on_loop = on_loop
        self.work: Optional["asyncio.Task[Any]"] = None
        #: None, or why ``work`` was cancelled: "requested" (SWF), "lost", "stopped" (the worker).
        self.why: Optional[str] = None

    def cancel(self, why: str) -> None:
        """Cancel the code: a coroutine always; a plain function in a thread only when the worker
        stops (its thread runs on, its result unwanted), else it sees the task's flags."""
        work = self.work
        if work is None or work.done():
            return
        if why == "stopped" or (self.on_loop and self.why is None):
            self.why = self.why or why
            work.cancel()


class AsyncWorker(AsyncPolling, Worker):
    """Base class of asyncio activity workers: ``await worker.run()`` polls until ``worker.stop()``.

    Args:
        async_layer1: a ``swfkit.layer1.AsyncLayer1`` (the answers and heartbeats of every task in
            flight go through it; on a loopback endpoint the long polls through a copy of it).
        domain: the domain (default: class attribute ``domain``).
        task_list: the activity task list (default: class attribute ``task_list``).
        max_concurrent: tasks in flight at once; the worker polls only when one can start (up to
            the class attribute ``max_pollers``, 4, polls out at once, each holding a free slot).
        identity: poller identity (default: hostname/pid + ``SWFKIT_IDENTITY``).
        heartbeat_interval: seconds between background heartbeats for every activity without its own.
        activities: module-level functions (or coroutine functions) to register.
        payloads: a ``swfkit.payloads.Payloads`` codec (default: ``SWFKIT_PAYLOAD_STORE``'s, if set;
            ``False``: none); its store is called from the executor's threads.
        interceptors: ``swfkit.actors.task_interceptors.ActorInterceptor`` objects told of every poll
            and task (called on the loop: they must not block).
        executor: a ``concurrent.futures.Executor`` for plain-function activities (default: the
            loop's default executor, whose size bounds how many run at once).

    Raises:
        ValueError: ``max_concurrent`` not an int >= 1, ``heartbeat_interval`` <= 0.
    """

    kind = "worker"
    task_kind = "activity"
    #: Long polls out at once (at most ``max_concurrent``; one with ``run(stop_after_tasks=)``), as
    #: the threaded ``Worker``'s: each holds a free slot, so filling the slots takes fewer round trips.
    max_pollers = 4

    def __init__(self, async_layer1: Any, domain: Optional[str] = None, task_list: Optional[str] = None, *,
                 max_concurrent: int = 10, identity: Optional[str] = None,
                 heartbeat_interval: Optional[float] = None, activities: Iterable[Callable[..., Any]] = (),
                 payloads: Any = None, interceptors: Optional[Sequence[Any]] = None, executor: Any = None) -> None:
        super().__init__(async_layer1, domain, task_list, identity=identity, heartbeat_interval=heartbeat_interval,
                         activities=activities, pipelined_answers=False, payloads=payloads,
                         interceptors=interceptors)
        self.max_concurrent = check_max_concurrent(max_concurrent, type(self).__name__)
        self.executor = executor
        self._running: Set[_Running] = set()
        self._init_async()

    def __getstate__(self) -> Any:
        raise TypeError("%s runs on an event loop and cannot be sent to other processes; start one "
                        "worker per process instead" % type(self).__name__)

    async def ensure_registered(self) -> None:  # type: ignore[override]
        """Register the domain and the activity types of the registered callables (idempotent)."""
        await ensure_registered_async(self.layer1, self.domain, activity_types=self.activity_types())

    # -- polling --------------------------------------------------------------------------------

    async def poll(self) -> Optional[ActivityTask]:  # type: ignore[override]
        """One long poll for an activity task; None if it came back empty."""
        response = await self.poll_client.poll_for_activity_task(
            domain=self.domain, task_list={"name": self.task_list}, identity=self.identity)
        if not response.get("taskToken"):
            return None
        control = AsyncTaskControl(self.layer1, response["taskToken"], asyncio.get_running_loop(), self.executor)
        control.payloads = self.payloads  # heartbeat details are offloaded too
        return dataclasses.replace(ActivityTask.from_response(response), control=control)

    async def _poll_task(self) -> Optional[ActivityTask]:
        return await self.poll()

    # -- one task -------------------------------------------------------------------------------

    async def handle(self, task: Any) -> None:  # type: ignore[override]
        """Run the task with heartbeats and answer completed / failed / canceled; never raises SWF errors.

        While it runs, ``swfkit.actors.task_log_context.current_task_fields()`` gives the task's ids
        (for log lines), in the activity's code too, coroutine or thread.
        """
        await self._serve(task)

    async def _serve(self, task: ActivityTask) -> None:
        # Each task is served in an asyncio task of its own, so this context is the task's alone;
        # the activity's code and its heartbeats run in copies of it (asyncio tasks, executor calls).
        token = enter_task(activity_task_fields, self.domain, self.task_list, task)
        try:
            await self._serve_in_context(task)
        finally:
            leave_task(token)

    async def _serve_in_context(self, task: ActivityTask) -> None:
        info = activity_task_info(self.domain, self.task_list, self.identity, task) if self.interceptors else None
        states = notify(self.interceptors, "task_started", info) if info is not None else ()
        started = time.perf_counter()
        loop = asyncio.get_running_loop()
        running = _Running(task, self._runs_on_loop(task))
        control = task.control
        if isinstance(control, AsyncTaskControl):
            control.on_cancel_requested = lambda: running.cancel("requested")
        interval = self.heartbeat_interval_for(task)
        heartbeats = loop.create_task(self._heartbeats(task, running, interval)) if interval else None
        self._running.add(running)
        try:
            running.work = loop.create_task(self._work(task, running.on_loop))
            if self._interrupted:
                running.cancel("stopped")
            await asyncio.wait({running.work})
        finally:
            self._running.discard(running)
            if heartbeats is not None:
                heartbeats.cancel()
                await asyncio.gather(heartbeats, return_exceptions=True)
        outcome, error = self._outcome(task, running)
        result, reason = await self._respond(task, *outcome)
        if info is not None:
            notify_closed(self.interceptors, states, info,
                          TaskOutcome(result, time.perf_counter() - started, None, reason, error))

    def _runs_on_loop(self, task: ActivityTask) -> bool:
        """Whether ``do(task)`` is a coroutine to await on the loop (else it runs in a thread)."""
        do = type(self).do
        if do is not Worker.do:
            return _is_coroutine_function(do)
        key = (task.activity_type.get("name", ""), task.activity_type.get("version", ""))
        definition = self.activities.get(key)
        return definition is None or _is_coroutine_function(definition.func)  # unknown: do() raises at once

    async def _work(self, task: ActivityTask, on_loop: bool) -> Any:
        """The activity's code (an asyncio task of its own, which cancellation targets)."""
        payloads = self.payloads
        if payloads is not None and task.input is not None and payloads.is_reference(task.input):
            task = await self._in_thread(decoded_task, payloads, task)
        if on_loop:
            with offloading(payloads):  # serializers in the handler offload through the codec too
                value = self.do(task)
                if inspect.isawaitable(value):
                    value = await value
            return value
        value = await self._in_thread(self._do_offloading, task)  # in a copy of this context
        if inspect.isawaitable(value):  # a plain function that returned a coroutine
            value = await value
        return value

    def _do_offloading(self, task: ActivityTask) -> Any:
        if self.payloads is None:
            return self.do(task)
        with offloading(self.payloads):
            return self.do(task)

    async def _heartbeats(self, task: ActivityTask, running: _Running, interval: float) -> None:
        """Heartbeat every ``interval`` seconds until cancelled; cancel the code when SWF asks or forgot it."""
        control = task.control
        assert isinstance(control, AsyncTaskControl)
        while True:
            await asyncio.sleep(interval)
            try:
                cancel = await control.heartbeat_async(control.progress)
            except ActivityTaskLost:
                log.warning("activity %s (%s) of workflow %s run %s is no longer known to SWF "
                            "(timed out or closed); stopping it, its result will be dropped",
                            task.activity_id, type_text(task.activity_type), task.workflow_id, task.run_id)
                running.cancel("lost")
                return
            except SWFError as err:  # transport / throttling: try again at the next tick
                log.warning("heartbeat for activity %s failed, retrying in %.1fs: %s", task.activity_id, interval, err)
                continue
            except Exception:  # never let heartbeats die silently
                log.exception("heartbeat for activity %s failed unexpectedly", task.activity_id)
                continue
            if cancel and running.why is None:
                log.info("cancellation requested for activity %s of workflow %s", task.activity_id, task.workflow_id)
                running.cancel("requested")

    def _interrupt(self) -> None:
        for running in list(self._running):
            running.cancel("stopped")

    def _outcome(self, task: ActivityTask, running: _Running) -> Tuple[Tuple[str, Any], Optional[BaseException]]:
        """The answer for the finished ``running.work`` (as the sync worker's), and the exception raised."""
        work = running.work
        assert work is not None and work.done()
        if work.cancelled():
            if running.why == "lost" or task.lost:
                return ("lost", None), None
            if running.why == "requested" or task.cancel_requested:
                return ("canceled", None), None
            if running.why == "stopped":
                return ("failed", (WORKER_STOPPED, "the worker stopped before activity %s finished (drain time "
                                                   "up or a second signal); it was interrupted"
                                   % task.activity_id)), None
            return ("failed", ("CancelledError", "the activity's task was cancelled by its own code")), None
        error = work.exception()
        if error is None:
            return completed_outcome(work.result(), offload=self.payloads is not None), None
        if isinstance(error, ActivityCanceled):
            return ("canceled", cut(error.details, MAX_DATA_LENGTH)), error
        if isinstance(error, ActivityTaskLost):
            return ("lost", None), error
        reason, details = failure_of(error)
        if task.cancel_requested:
            return ("canceled", details), error
        log.info("activity %s (%s) of workflow %s failed: %s", task.activity_id, type_text(task.activity_type),
                 task.workflow_id, reason)
        return ("failed", (reason, details)), error

    async def _respond(self, task: ActivityTask, kind: str, payload: Any) -> Tuple[str, Optional[str]]:
        """Send the answer (or drop a lost task, logged); what became of it and the failure reason sent."""
        where = "activity %s (%s) of workflow %s run %s" % (task.activity_id, type_text(task.activity_type),
                                                             task.workflow_id, task.run_id)
        if kind == "lost" or task.lost:
            log.warning("%s is no longer known to SWF (timed out or closed); its result (%s) is dropped",
                        where, kind)
            return TIMED_OUT, None
        if self.payloads is not None:
            kind, payload = await self._in_thread(encode_outcome, self.payloads, kind, payload)
        try:
            if kind == "completed":
                await self.layer1.respond_activity_task_completed(task_token=task.task_token, result=payload)
            elif kind == "failed":
                await self.layer1.respond_activity_task_failed(task_token=task.task_token, reason=payload[0],
                                                               details=payload[1])
            else:
                await self.layer1.respond_activity_task_canceled(task_token=task.task_token, details=payload)
        except UnknownResourceFault as err:
            log.warning("%s is no longer known to SWF (timed out or closed); its %s result is dropped: %s",
                        where, kind, err)
            return TIMED_OUT, None
        except SWFError:
            log.exception("could not report %s as %s; SWF will time it out", where, kind)
            return TIMED_OUT, None
        return {"completed": COMPLETED, "failed": FAILED}.get(kind, CANCELED), payload[0] if kind == "failed" else None


def _is_coroutine_function(func: Any) -> bool:
    return inspect.iscoroutinefunction(func) or inspect.iscoroutinefunction(getattr(func, "__call__", None))
