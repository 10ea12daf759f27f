"""What ``AsyncWorker`` and ``AsyncDecider`` share: the asyncio polling loop, stop, drain, signals.

Up to ``max_pollers`` coroutines poll at once (one poll brings one task per round trip). Each
first takes one of the ``max_concurrent`` slots (tasks in flight plus polls out), so a busy
process never takes a task it cannot start, and hands the task it gets to a coroutine of its own
(``_serve``), so a slow task never holds up polling. ``stop()`` (thread-safe) ends the polling:
against a loopback endpoint (the embedded server) the waiting long polls are abandoned at once
through a poll client of its own, as the sync ``Actor.stop`` does; against SWF itself the loop
waits for the polls to come back, because SWF may hand a task to a poll it holds. The tasks in
flight are then given ``drain_timeout`` seconds to finish; a second SIGTERM/SIGINT, or the end of
that time, interrupts them (``_interrupt``), and each is still answered.
"""
from __future__ import annotations

import asyncio
import contextvars
import logging
import signal
import threading
import time
from typing import Any, Callable, Optional, Sequence, Set, Tuple, TypeVar

from ..exceptions import ServiceError, TransportError
from .actor import DEFAULT_SIGNALS, FatalPollError
from .loop_signals import LoopSignals
from .poll_slots import PollSlots
from .task_interceptors import PollOutcome, notify

log = logging.getLogger("swfkit.actors.pool")

T = TypeVar("T")

#: Seconds interrupted tasks get to send their answers after a forced stop.
ANSWER_TIMEOUT = 10.0

__all__ = ["AsyncPolling", "check_max_concurrent", "ANSWER_TIMEOUT"]


def check_max_concurrent(value: Any, owner: str) -> int:
    """``value`` if it is an int >= 1, else ValueError naming the field."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ValueError("%s: max_concurrent: must be an int >= 1, got %r" % (owner, value))
    return value


class AsyncPolling:
    """The asyncio loop of ``AsyncWorker`` and ``AsyncDecider`` (a mixin over ``Actor``).

    Subclasses provide ``_poll_task()`` (one long poll through ``poll_client``: the task or None),
    ``_serve(task)`` (run and answer it; never raises) and ``_interrupt()`` (make the tasks in
    flight end now, each still answered).
    """

    # provided by Actor (the other base)
    kind: str
    task_kind: str
    domain: str
    task_list: str
    layer1: Any
    interceptors: Any
    stop_event: threading.Event
    tasks_handled: int
    _poller: Any
    identity: str

    #: Tasks in flight at once in this process.
    max_concurrent = 1
    #: Long polls out at once (at most ``max_concurrent``; one with ``run(stop_after_tasks=)``, so
    #: no task past the count is taken): one poll takes one task per round trip, which would make
    #: filling ``max_concurrent`` slots that many round trips in a row. Each poll holds a free slot.
    max_pollers = 1
    #: Seconds tasks in flight get to finish after ``stop()`` (or the first SIGTERM/SIGINT).
    drain_timeout = 60.0

    def _init_async(self) -> None:
        self._loop: Optional[asyncio.AbstractEventLoop] = None
        self._wake: Optional[asyncio.Event] = None
        self._interrupted = False
        self._abandoning = False
        self._polls_waiting: Set["asyncio.Future[Any]"] = set()

    # -- the loop -------------------------------------------------------------------------------

    async def run(self, *, stop_after_tasks: Optional[int] = None, drain_timeout: Optional[float] = None,
                  signals: Sequence[int] = DEFAULT_SIGNALS) -> int:  # type: ignore[override]
        """Poll and handle tasks until ``stop()`` (or a signal), then drain; returns the tasks handled.

        Up to ``max_pollers`` long polls are out at once, each holding one of the ``max_concurrent``
        slots, so a task is only taken when it can start at once.

        Args:
            stop_after_tasks: stop polling after this many tasks, and return once they are answered
                (with it, one poll at a time, so that no task past the count is taken).
            drain_timeout: seconds the tasks in flight get to finish after a stop (default: the
                ``drain_timeout`` attribute); after it they are interrupted and answered.
            signals: on the main thread, the first of these stops gracefully (drain) and a second
                interrupts the tasks in flight; () installs nothing.

        Raises:
            FatalPollError: the poll was refused for a reason retrying cannot fix (the tasks
                already taken are answered first).
        """
        if stop_after_tasks is not None and stop_after_tasks < 1:
            raise ValueError("run: stop_after_tasks: must be >= 1, got %r" % (stop_after_tasks,))
        if self._loop is not None:
            raise RuntimeError("%s.run: already running" % type(self).__name__)
        loop = self._loop = asyncio.get_running_loop()
        self._wake = asyncio.Event()
        self._interrupted = self._abandoning = False
        timeout = self.drain_timeout if drain_timeout is None else drain_timeout
        slots = PollSlots(stop_after_tasks)
        in_flight = slots.in_flight
        count = 1 if stop_after_tasks is not None else max(1, min(self.max_concurrent, self.max_pollers))
        self._open_async_poller()
        installed = self._install_signals(loop, signals)
        log.info("%s polling %s/%s as %s%s", self.kind, self.domain, self.task_list, self.identity,
                 " (%d tasks at once, %d poll%s out)" % (self.max_concurrent, count, "s" if count > 1 else "")
                 if self.max_concurrent > 1 else "")
        pollers = [loop.create_task(self._poll_loop(slots)) for _ in range(count)]
        try:
            try:
                await asyncio.wait(pollers, return_when=asyncio.FIRST_EXCEPTION)
                failed = [poller for poller in pollers if poller.done() and not poller.cancelled()
                          and poller.exception() is not None]
                if failed:  # the others stop polling; a task their polls bring is still served
                    slots.over = True
                    self._abandon_polls()
                    self._wake.set()
                    await asyncio.wait(pollers)
                    errors = [poller.exception() for poller in pollers if not poller.cancelled()]
                    raise next(error for error in errors if error is not None)
            except FatalPollError:  # polling cannot go on: still finish and answer what was taken
                await self._drain(in_flight, timeout, stopping=True)
                raise
            except BaseException:  # run() was cancelled (or a poller failed unexpectedly): interrupt
                for poller in pollers:  # the tasks, their answers still go out
                    poller.cancel()
                await asyncio.shield(asyncio.wait(pollers))
                for poller in pollers:  # retrieved, so that asyncio does not log them again
                    if not poller.cancelled():
                        poller.exception()
                if in_flight:
                    self._interrupt_all()
                    await asyncio.shield(asyncio.wait(set(in_flight), timeout=ANSWER_TIMEOUT))
                raise
            await self._drain(in_flight, timeout)
        finally:
            self._remove_signals(loop, installed)
            await self._close_async_poller()
            self._loop = None
        handled = slots.taken - len(in_flight)
        log.info("%s on %s/%s stopped after %d tasks", self.kind, self.domain, self.task_list, handled)
        return handled

    async def _poll_loop(self, slots: "PollSlots") -> None:
        """One poller: take a free slot, poll, hand a task to a coroutine of its own; until stopped."""
        loop = asyncio.get_running_loop()
        while not self.stop_event.is_set() and not slots.over:
            if slots.limit is not None and slots.taken >= slots.limit:
                return
            if len(slots.in_flight) + slots.polls >= self.max_concurrent:
                await self._wait_for_wake()
                continue
            slots.polls += 1  # this poll holds a free slot: the task it brings starts at once
            try:
                task = await self._observed_poll()
            except (TransportError, ServiceError) as err:
                self._give_back(slots)
                if self.stop_event.is_set() or slots.over:  # the poll was abandoned by stop()
                    return
                if isinstance(err, ServiceError) and not err.retryable:
                    raise FatalPollError("%s cannot poll %s/%s: %s" % (
                        self.kind, self.domain, self.task_list, err)) from err
                wait, first = slots.back_off(loop.time())
                if first:  # the other pollers meet the same failure: they wait as long, unlogged
                    log.warning("%s poll on %s/%s failed, retrying in %.1fs: %s",
                                self.kind, self.domain, self.task_list, wait, err)
                await self._sleep_unless_stopped(wait, slots)
                continue
            except BaseException:
                self._give_back(slots)
                raise
            slots.backoff = 0.0
            if task is None:
                self._give_back(slots)
                continue
            slots.polls -= 1  # the slot passes to the task (no await in between)
            slots.taken += 1
            served = loop.create_task(self._serve(task))
            slots.in_flight.add(served)
            served.add_done_callback(lambda done: self._served(done, slots.in_flight))

    def _give_back(self, slots: "PollSlots") -> None:
        """Free the slot of a poll that brought no task; wake a poller waiting for one."""
        slots.polls -= 1
        if self._wake is not None:
            self._wake.set()

    async def run_once(self) -> bool:  # type: ignore[override]
        """Poll once and handle the task if one came (waiting for its answer); True if one was handled."""
        if self._loop is None:
            self._loop = asyncio.get_running_loop()
            self._wake = asyncio.Event()
            try:
                return await self.run_once()
            finally:
                self._loop = None
        task = await self._observed_poll()
        if task is None:
            return False
        await self._serve(task)
        self.tasks_handled += 1
        return True

    def run_loop(self, stop_after_tasks: Optional[int] = None, signals: Sequence[int] = DEFAULT_SIGNALS) -> int:
        """Not for async actors: ``await actor.run()`` in an event loop."""
        raise TypeError("%s polls from an event loop: use `await actor.run()` (e.g. asyncio.run(actor.run()))"
                        % type(self).__name__)

    def stop(self) -> None:
        """Stop polling, then let the tasks in flight finish (thread-safe; also from a signal handler).

        Against a loopback endpoint the waiting long polls are abandoned at once; against SWF the
        loop waits for them to come back (up to 60 s), since SWF may hand a task to each.
        """
        self.stop_event.set()
        loop = self._loop
        if loop is None:
            return
        if _running_loop() is loop:
            self._on_stop()
        else:
            try:
                loop.call_soon_threadsafe(self._on_stop)
            except RuntimeError:  # the loop closed meanwhile: nothing left to wake
                pass

    def _on_stop(self) -> None:
        if self._wake is not None:
            self._wake.set()
        self._abandon_polls()

    def _abandon_polls(self) -> None:
        """On a loopback endpoint, make every long poll out end now (abort the poll client)."""
        poller = self._poller
        if poller is not None:
            self._abandoning = True
            poller.abort()
            for waiting in list(self._polls_waiting):  # a client whose abort() leaves a waiting poll
                waiting.cancel()

    def _served(self, done: "asyncio.Task[None]", in_flight: Set["asyncio.Task[None]"]) -> None:
        in_flight.discard(done)
        self.tasks_handled += 1
        if not done.cancelled() and done.exception() is not None:  # _serve logs its own failures
            log.error("%s: serving a task failed", self.kind, exc_info=done.exception())
        if self._wake is not None:
            self._wake.set()

    async def _wait_for_wake(self, timeout: Optional[float] = None, polling: bool = True) -> None:
        """Wait until a task ended, ``stop()`` was called, or ``timeout`` seconds passed (``polling``:
        not at all once stopped)."""
        wake = self._wake
        assert wake is not None
        wake.clear()
        if polling and self.stop_event.is_set():
            return
        try:
            await asyncio.wait_for(wake.wait(), timeout)
        except asyncio.TimeoutError:
            pass

    async def _sleep_unless_stopped(self, seconds: float, slots: Optional["PollSlots"] = None) -> None:
        """Wait ``seconds`` (tasks ending meanwhile do not shorten it), or until ``stop()`` (or until
        ``slots`` says polling is over)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + seconds
        while not self.stop_event.is_set() and not (slots is not None and slots.over) and loop.time() < deadline:
            await self._wait_for_wake(deadline - loop.time())

    async def _drain(self, in_flight: Set["asyncio.Task[None]"], timeout: float, stopping: bool = False) -> None:
        """Wait for the tasks in flight; once stopped, for ``timeout`` seconds at most, then interrupt them."""
        loop = asyncio.get_running_loop()
        deadline: Optional[float] = None
        while in_flight and not self._interrupted:
            if (stopping or self.stop_event.is_set()) and deadline is None:
                deadline = loop.time() + timeout
                log.info("%s on %s/%s stopping: waiting up to %.0fs for %d tasks in flight",
                         self.kind, self.domain, self.task_list, timeout, len(in_flight))
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                log.warning("%s on %s/%s: %d tasks still running after %.0fs; interrupting them",
                            self.kind, self.domain, self.task_list, len(in_flight), timeout)
                self._interrupt_all()
                break
            await self._wait_for_wake(remaining, polling=False)
        if in_flight:  # interrupted: their answers are still sent
            await asyncio.wait(set(in_flight), timeout=ANSWER_TIMEOUT)
            if in_flight:
                log.error("%s on %s/%s: %d tasks not answered after %.0fs; SWF will time them out",
                          self.kind, self.domain, self.task_list, len(in_flight), ANSWER_TIMEOUT)

    def _interrupt_all(self) -> None:
        self._interrupted = True
        self._interrupt()
        if self._wake is not None:
            self._wake.set()

    # -- hooks for the subclasses ---------------------------------------------------------------

    async def _poll_task(self) -> Optional[Any]:
        raise NotImplementedError

    async def _serve(self, task: Any) -> None:
        raise NotImplementedError

    def _interrupt(self) -> None:
        raise NotImplementedError

    # -- polling --------------------------------------------------------------------------------

    async def _observed_poll(self) -> Optional[Any]:
        """``_poll_task()``, cancellable by ``stop()`` on loopback, with ``poll_finished`` sent to the
        interceptors (a poll abandoned by ``stop`` counts as empty, not as an error)."""
        started = time.perf_counter()
        try:
            if self._poller is None:
                task = await self._poll_task()
            else:
                waiting = asyncio.ensure_future(self._poll_task())
                self._polls_waiting.add(waiting)
                try:
                    task = await waiting
                except asyncio.CancelledError:
                    if not waiting.cancelled() or not self._abandoning:
                        raise  # run() itself was cancelled
                    raise TransportError("the long poll was abandoned by stop()", operation="Poll") from None
                finally:
                    self._polls_waiting.discard(waiting)
        except BaseException as err:
            if self.interceptors:
                error = None if self.stop_event.is_set() or self._abandoning else err
                notify(self.interceptors, "poll_finished", PollOutcome(
                    self.task_kind, self.domain, self.task_list, time.perf_counter() - started, False, error))
            raise
        if self.interceptors:
            notify(self.interceptors, "poll_finished", PollOutcome(
                self.task_kind, self.domain, self.task_list, time.perf_counter() - started, task is not None))
        return task

    @property
    def poll_client(self) -> Any:
        """The client long polls go through: while ``run`` runs against a loopback endpoint, a copy
        of ``layer1`` of its own that ``stop`` can abort; else ``layer1`` itself."""
        poller = self._poller
        return self.layer1 if poller is None else poller

    def _open_async_poller(self) -> None:
        from ..layer1.endpoints import is_loopback

        endpoint = getattr(self.layer1, "endpoint_url", None)
        if isinstance(endpoint, str) and is_loopback(endpoint) and callable(getattr(self.layer1, "copy", None)):
            # One attempt per poll: an aborted poll must not be sent again; run() retries failures.
            self._poller = self.layer1.copy(max_attempts=1)

    async def _close_async_poller(self) -> None:
        poller, self._poller = self._poller, None
        if poller is None:
            return
        try:
            closing = getattr(poller, "aclose", None)
            if closing is not None:
                await closing()
            else:
                result = poller.close()
                if asyncio.iscoroutine(result):
                    await result
        except Exception:  # an aborted client may complain while closing; nothing is lost
            log.debug("closing the poll client failed", exc_info=True)

    # -- signals --------------------------------------------------------------------------------

    def _install_signals(self, loop: asyncio.AbstractEventLoop, signals: Sequence[int]) -> Sequence[Tuple[int, int]]:
        """First signal: ``stop()``; second: interrupt the tasks in flight (main thread only). Actors
        sharing a loop share its handlers: a signal reaches each of them."""
        if not signals or threading.current_thread() is not threading.main_thread():
            return ()
        return LoopSignals.of(loop).add(self, signals)

    @staticmethod
    def _remove_signals(loop: asyncio.AbstractEventLoop, installed: Sequence[Tuple[int, int]]) -> None:
        if installed:
            LoopSignals.of(loop).remove_actor(installed)

    def _on_signal(self, signum: int) -> None:
        name = signal.Signals(signum).name
        what = "%s %s" % (self.kind, self.task_list)
        if self.stop_event.is_set():
            log.warning("%s: second %s, interrupting the tasks in flight", what, name)
            self._interrupt_all()
            return
        log.info("%s: %s received, finishing the tasks in flight (send again to interrupt them)", what, name)
        self.stop()

    # -- threads ----------------------------------------------------------------------------------

    executor: Any = None

    async def _in_thread(self, func: Callable[..., T], *args: Any) -> T:
        """``func(*args)`` in a thread of ``executor`` (default: the loop's), so the loop is never
        blocked; in a copy of this context, as ``asyncio.to_thread`` does (the task's log ids)."""
        context = contextvars.copy_context()
        return await asyncio.get_running_loop().run_in_executor(self.executor, context.run, func, *args)


def _running_loop() -> Optional[asyncio.AbstractEventLoop]:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
