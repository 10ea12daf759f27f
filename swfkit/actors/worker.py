"""The Worker: poll activity tasks, run them, answer completed / failed / canceled.

Either register callables per activity type (``@activity`` on methods of a subclass, or
``worker.register(func, ...)``), or override ``do(task)`` to handle every task yourself.
"""
from __future__ import annotations

import contextvars
import dataclasses
import logging
import threading
import time
from typing import Any, Callable, Dict, Iterable, List, Optional, Sequence, Tuple

from ..decisions.payload_offload import offloading
from ..exceptions import SWFError, UnknownResourceFault
from ..spec.limits import MAX_DATA_LENGTH
from .activity_threads import ActivityThreads, check_threads, extra_poller
from .actor import DEFAULT_SIGNALS, POLL_BACKOFF_MAX, POLL_BACKOFF_START, Actor
from .responder import Responder
from .failures import cut, failure_of
from .heartbeater import Heartbeater
from .payload_wiring import decoded_task, encode_outcome, resolve_payloads
from .activity_definitions import (ATTRIBUTE, ActivityDefinition, F, activity, completed_outcome, make_definition,
                                   timeout_seconds)
from .registration import ActivityTypeRegistration, ensure_registered
from .task_interceptors import TIMED_OUT, TaskOutcome, activity_task_info, notify, notify_closed
from .task_log_context import activity_task_fields, enter_task, leave_task
from .task_values import ActivityCanceled, ActivityTask, ActivityTaskLost, UnknownActivityType, type_text

log = logging.getLogger("swfkit.actors.worker")

__all__ = ["Worker", "activity", "ActivityDefinition"]


class Worker(Actor):
    """Base class of activity workers.

    Args:
        layer1: a ``swfkit.layer1.Layer1``.
        domain: the domain (default: class attribute ``domain``).
        task_list: the activity task list (default: class attribute ``task_list``).
        identity: poller identity (default: hostname/pid + ``SWFKIT_IDENTITY``).
        heartbeat_interval: seconds between background heartbeats for every activity without its own.
        activities: module-level functions to register (plain or decorated with ``@activity``).
        pipelined_answers: in ``run``, send each answer from a background thread while the next
            long poll is out (answers still pending are sent before ``run`` returns).
        payloads: a ``swfkit.payloads.Payloads`` codec offloading inputs, results and details over
            SWF's limits (default: ``SWFKIT_PAYLOAD_STORE``'s, if set; ``False``: none).
        interceptors: ``swfkit.actors.task_interceptors.ActorInterceptor`` objects told of every poll
            and task (metrics, tracing).
        threads: tasks run at once by ``run`` in this process, each in a thread of its own (for
            I/O-bound activities; default: the class attribute ``threads``, 1); the worker polls
            only when a thread is free. With
            ``run(processes=M)``: M processes of ``threads`` each. While it runs, ``layer1`` is a
            copy of the given client keeping a connection per thread (and per heartbeat) if the
            given one keeps fewer.

    Raises:
        ValueError: ``heartbeat_interval`` <= 0, ``threads`` not an int >= 1.
    """

    kind = "worker"
    task_kind = "activity"
    #: Default of the ``threads`` argument for instances of a subclass.
    threads = 1
    #: With ``threads`` > 1, long polls out at once (at most ``threads``): one poller takes one task
    #: per round trip, which would cap a many-threaded worker; a poll holds a thread's slot.
    max_pollers = 4
    #: Seconds ``run`` waits for pending answers when stopping.
    drain_timeout = 60.0

    def __init__(self, layer1: Any, domain: Optional[str] = None, task_list: Optional[str] = None, *,
                 identity: Optional[str] = None, heartbeat_interval: Optional[float] = None,
                 activities: Iterable[Callable[..., Any]] = (), pipelined_answers: bool = True,
                 payloads: Any = None,
                 interceptors: Optional[Sequence[Any]] = None, threads: Optional[int] = None) -> None:
        super().__init__(layer1, domain, task_list, identity=identity, interceptors=interceptors)
        self.threads = check_threads(threads if threads is not None else type(self).threads)
        self._activity_threads: Optional[ActivityThreads] = None
        self._extra_pollers: List[threading.Thread] = []
        self._handled_lock = threading.Lock()
        self._taken = 0
        self.payloads = resolve_payloads(payloads)
        if heartbeat_interval is not None and heartbeat_interval <= 0:
            raise ValueError("Worker: heartbeat_interval: must be > 0 seconds, got %r" % (heartbeat_interval,))
        self.heartbeat_interval = heartbeat_interval
        self.pipelined_answers = pipelined_answers
        self._responder: Optional[Responder] = None
        self.activities: Dict[Tuple[str, str], ActivityDefinition] = {}
        for klass in reversed(type(self).__mro__):
            for value in vars(klass).values():
                definition = getattr(value, ATTRIBUTE, None)
                if isinstance(definition, ActivityDefinition) and definition.is_method:
                    self.activities[definition.key] = definition
        for func in activities:
            self.register(func)

    def __getstate__(self) -> Dict[str, Any]:
        state = super().__getstate__()
        state["_responder"] = None  # a thread of this process
        state["_activity_threads"] = None
        state["_extra_pollers"] = []
        state["_handled_lock"] = None
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        super().__setstate__(state)
        self._handled_lock = threading.Lock()

    # registration of callables
    def register(self, func: F, name: Optional[str] = None, version: Optional[str] = None, *,
                 pass_task: bool = False, heartbeat_interval: Optional[float] = None, **defaults: Any) -> F:
        """Handle activity type (name or ``func.__name__``, version or "1") with ``func``; returns ``func``.

        ``func`` is called with the task's input (or the ``ActivityTask`` if ``pass_task``); see
        ``activity`` for the other arguments. A function decorated with ``@activity`` and registered
        with no other argument keeps the decorator's name, version and options.
        """
        if not callable(func):
            raise TypeError("Worker.register: func: must be callable, got %r" % (func,))
        marked = getattr(func, ATTRIBUTE, None)
        if isinstance(marked, ActivityDefinition) and name is None and version is None and not pass_task \
                and heartbeat_interval is None and not defaults:
            self._add(ActivityDefinition(func, marked.registration, marked.pass_task, marked.heartbeat_interval, False))
        else:
            self._add(make_definition(func, name, version or "1", pass_task, heartbeat_interval, False, defaults))
        return func

    def activity(self, name: Optional[str] = None, version: Optional[str] = None, *, pass_task: bool = False,
                 heartbeat_interval: Optional[float] = None, **defaults: Any) -> Callable[[F], F]:
        """Decorator form of ``register``."""
        def decorate(func: F) -> F:
            return self.register(func, name, version, pass_task=pass_task,
                                 heartbeat_interval=heartbeat_interval, **defaults)
        return decorate

    def _add(self, definition: ActivityDefinition) -> None:
        if definition.key in self.activities:
            raise ValueError("Worker: activity type %s/%s is registered twice" % definition.key)
        self.activities[definition.key] = definition

    def activity_types(self) -> List[ActivityTypeRegistration]:
        """The registrations of the registered callables (for ``ensure_registered``); a type with no
        task list of its own is registered with this worker's as its default."""
        return [d.registration if d.registration.task_list is not None
                else dataclasses.replace(d.registration, task_list=self.task_list)
                for d in self.activities.values()]

    def ensure_registered(self) -> None:
        """Register the domain and the activity types of the registered callables (idempotent)."""
        ensure_registered(self.layer1, self.domain, activity_types=self.activity_types())

    # the work
    def do(self, task: ActivityTask) -> Any:
        """Run ``task``: by default the callable registered for its type (override to do it yourself).

        Raises:
            UnknownActivityType: no callable is registered for the task's type.
        """
        key = (task.activity_type.get("name", ""), task.activity_type.get("version", ""))
        definition = self.activities.get(key)
        if definition is None:
            known = ", ".join("%s/%s" % k for k in sorted(self.activities)) or "none"
            raise UnknownActivityType("no callable for activity type %s/%s on worker %s (task list %s); "
                                      "registered: %s" % (key[0], key[1], type(self).__name__, self.task_list, known))
        argument = task if definition.pass_task else task.input
        if definition.is_method:
            return definition.func(self, argument)
        return definition.func(argument)

    def heartbeat_interval_for(self, task: ActivityTask) -> Optional[float]:
        """Seconds between background heartbeats for ``task``, or None for none."""
        key = (task.activity_type.get("name", ""), task.activity_type.get("version", ""))
        definition = self.activities.get(key)
        if definition is not None and definition.heartbeat_interval:
            return definition.heartbeat_interval
        if self.heartbeat_interval:
            return self.heartbeat_interval
        if definition is not None:
            seconds = timeout_seconds(definition.registration.heartbeat_timeout)
            if seconds:
                return max(seconds / 3.0, 0.1)
        return None

    def poll(self) -> Optional[ActivityTask]:
        """One long poll for an activity task; None if it came back empty."""
        response = self.poll_client.poll_for_activity_task(
            domain=self.domain, task_list={"name": self.task_list}, identity=self.identity)
        if not response.get("taskToken"):
            return None
        task = ActivityTask.from_response(response, self.layer1)
        if self.payloads is not None and task.control is not None:
            task.control.payloads = self.payloads  # heartbeat details are offloaded too
        return task

    def handle(self, task: Any) -> None:
        """Run the task with heartbeats and answer completed / failed / canceled; never raises SWF errors.

        While it runs, ``swfkit.actors.task_log_context.current_task_fields()`` gives the task's ids
        (for log lines); interceptors hear ``task_started`` before and ``task_closed`` after the answer.
        """
        token = enter_task(activity_task_fields, self.domain, self.task_list, task)
        try:
            if not self.interceptors:
                self._answer(task, self._run_task(task)[0])
                return
            info = activity_task_info(self.domain, self.task_list, self.identity, task)
            states = notify(self.interceptors, "task_started", info)
            started = time.perf_counter()
            outcome, error = self._run_task(task)

            def closed(result: str) -> None:
                reason = outcome[1][0] if result == "failed" and outcome[0] == "failed" else None
                notify_closed(self.interceptors, states, info,
                              TaskOutcome(result, time.perf_counter() - started, None, reason, error))
            self._answer(task, outcome, closed)
        finally:
            leave_task(token)

    def _answer(self, task: ActivityTask, outcome: Tuple[str, Any],
                closed: Optional[Callable[[str], None]] = None) -> None:
        """Send the answer (from the responder thread when pipelined, in this context's ids), then
        tell ``closed`` what became of it."""
        if closed is None:
            if self._responder is None:
                self.respond(task, *outcome)
            else:
                context = contextvars.copy_context()
                self._responder.submit(lambda: context.run(self.respond, task, *outcome))
            return

        def answer() -> None:
            result = self.respond(task, *outcome)
            closed(result or (TIMED_OUT if outcome[0] == "lost" else outcome[0]))
        if self._responder is not None:
            context = contextvars.copy_context()
            self._responder.submit(lambda: context.run(answer))
        else:
            answer()

    def _run_task(self, task: ActivityTask) -> Tuple[Tuple[str, Any], Optional[BaseException]]:
        """Run ``do`` with heartbeats; the answer to send and the exception the code raised."""
        error: Optional[BaseException] = None
        interval = self.heartbeat_interval_for(task)
        heartbeater = Heartbeater(self.layer1, task, interval).start() if interval else None
        try:
            try:
                if self.payloads is None:
                    value = self.do(task)
                else:  # serializers in the handler (futures activities) offload through the codec too
                    with offloading(self.payloads):
                        value = self.do(decoded_task(self.payloads, task))
            finally:
                if heartbeater is not None:
                    heartbeater.stop()
        except ActivityCanceled as canceled:
            outcome: Tuple[str, Any] = ("canceled", cut(canceled.details, MAX_DATA_LENGTH))
            error = canceled
        except ActivityTaskLost as lost:
            outcome, error = ("lost", None), lost
        except Exception as exc:
            error = exc
            reason, details = failure_of(exc)
            if task.cancel_requested:
                outcome = ("canceled", details)
            else:
                log.info("activity %s (%s) of workflow %s failed: %s", task.activity_id,
                         type_text(task.activity_type), task.workflow_id, reason)
                outcome = ("failed", (reason, details))
        else:
            outcome = completed_outcome(value, offload=self.payloads is not None)
        return outcome, error

    def run_loop(self, stop_after_tasks: Optional[int] = None, signals: Sequence[int] = DEFAULT_SIGNALS) -> int:
        """The polling loop; with ``pipelined_answers`` each answer is sent while the next poll is out;
        with ``threads`` > 1 the tasks run in that many threads, and a stop (or ``stop_after_tasks``)
        stops polling, then waits for the tasks in flight to be answered."""
        if self.threads > 1:
            return self._run_threads(stop_after_tasks, signals)
        if not self.pipelined_answers:
            return super().run_loop(stop_after_tasks, signals)
        self._responder = Responder()
        try:
            return super().run_loop(stop_after_tasks, signals)
        finally:
            responder, self._responder = self._responder, None
            responder.drain(self.drain_timeout)

    def _run_threads(self, stop_after_tasks: Optional[int], signals: Sequence[int]) -> int:
        caller_client, wider = self.layer1, _wider_client(self.layer1, 2 * self.threads + 1)
        if wider is not None:  # each thread may answer while a heartbeat of its task is out
            self.layer1 = wider
        threads = self._activity_threads = ActivityThreads(self.threads, self._handle_counted,
                                                           "swfkit-activity-%s" % self.task_list)
        self._taken = 0
        # stop_after_tasks counts in the one loop: with it, that loop is the only poller
        pollers = 1 if stop_after_tasks is not None else max(1, min(self.threads, self.max_pollers))
        try:
            self._open_poller()  # shared by every poller (run_loop opens it again: same effect)
            self._extra_pollers = [threading.Thread(target=extra_poller, name="swfkit-poller-%s-%d" % (
                self.task_list, index), args=(self, POLL_BACKOFF_START, POLL_BACKOFF_MAX), daemon=True)
                for index in range(1, pollers)]
            for poller in self._extra_pollers:
                poller.start()
            super().run_loop(stop_after_tasks, signals)
            return self._taken
        except Exception:  # polling cannot go on (FatalPollError): still answer what was taken
            self.stop_event.set()
            self._join_extra_pollers()
            threads.wait()
            raise
        finally:  # a second signal (SystemExit) lands here without waiting: the threads are daemons
            self._extra_pollers = []
            self._activity_threads = None
            threads.close()
            if wider is not None:
                self.layer1 = caller_client
                if not threads.in_flight:
                    wider.close()

    def run_once(self) -> bool:
        """Poll once and handle the task if one came; True if a task was taken. With ``threads`` > 1
        in ``run``: wait for a free thread, poll, and hand the task to the thread."""
        threads = self._activity_threads
        if threads is None:
            return super().run_once()
        if not threads.take_slot(self.stop_event):
            return False
        try:
            task = self.observed_poll() if self.interceptors else self.poll()
        except BaseException:
            threads.give_back()
            raise
        if task is None:
            threads.give_back()
            return False
        with self._handled_lock:
            self._taken += 1
        threads.submit(task)
        return True

    def finish_tasks(self) -> None:
        """With ``threads`` > 1: wait for the other pollers' polls to end (a task they bring is
        handled too), then until every task taken was answered."""
        threads = self._activity_threads
        if threads is None:
            return
        self._join_extra_pollers()
        if threads.in_flight:
            log.info("worker on %s/%s: waiting for %d tasks in flight", self.domain, self.task_list,
                     threads.in_flight)
            threads.wait()

    def _join_extra_pollers(self) -> None:
        for poller in self._extra_pollers:
            while poller.is_alive():  # in steps, so that signals are still handled meanwhile
                poller.join(0.5)

    def _handle_counted(self, task: ActivityTask) -> None:
        self.handle(task)
        with self._handled_lock:
            self.tasks_handled += 1

    def respond(self, task: ActivityTask, kind: str, payload: Any) -> str:
        """Send the answer of kind completed / failed / canceled (or drop a lost task, logged).

        Returns:
            What became of the task: ``"completed"``, ``"failed"`` or ``"canceled"`` as sent, or
            ``"timed_out"`` when SWF no longer knew it or the answer could not be sent (SWF times it out).
        """
        where = "activity %s (%s) of workflow %s run %s" % (task.activity_id, type_text(task.activity_type),
                                                             task.workflow_id, task.run_id)
        if kind == "lost" or task.lost:
            log.warning("%s is no longer known to SWF (timed out or closed); its result (%s) is dropped",
                        where, kind)
            return TIMED_OUT
        if self.payloads is not None:
            kind, payload = encode_outcome(self.payloads, kind, payload)
        try:
            if kind == "completed":
                self.layer1.respond_activity_task_completed(task_token=task.task_token, result=payload)
            elif kind == "failed":
                self.layer1.respond_activity_task_failed(task_token=task.task_token, reason=payload[0],
                                                         details=payload[1])
            else:
                self.layer1.respond_activity_task_canceled(task_token=task.task_token, details=payload)
        except UnknownResourceFault as err:
            log.warning("%s is no longer known to SWF (timed out or closed); its %s result is dropped: %s",
                        where, kind, err)
            return TIMED_OUT
        except SWFError:
            log.exception("could not report %s as %s; SWF will time it out", where, kind)
            return TIMED_OUT
        return kind


def _wider_client(client: Any, connections: int) -> Any:
    """A copy of ``client`` keeping ``connections`` connections open, if it is a ``Layer1`` keeping
    fewer (else None): more concurrent callers than pooled connections open and drop a connection
    per call, each with a warning from urllib3."""
    from ..layer1 import Layer1

    if isinstance(client, Layer1) and getattr(client, "_pool_size", connections) < connections:
        return client.copy(pool_size=connections)
    return None
