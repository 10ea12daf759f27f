"""What Decider and Worker share: configuration, identity, the polling loop, stop and signals."""
from __future__ import annotations

import contextlib
import logging
import os
import signal
import threading
import time
from typing import TYPE_CHECKING, Any, Callable, Dict, Iterator, Optional, Sequence

from ..exceptions import ConfigurationError, ServiceError, SWFError, TransportError
from .identity import check_identity, default_identity
from .task_interceptors import PollOutcome, actor_interceptors, notify

log = logging.getLogger("swfkit.actors.pool")

#: Seconds between polls after a failed poll: doubled each time up to the maximum.
POLL_BACKOFF_START = 0.5
POLL_BACKOFF_MAX = 30.0

#: The signals that stop a polling loop gracefully (SIGHUP: the terminal went away).
DEFAULT_SIGNALS = tuple(s for s in (signal.SIGTERM, signal.SIGINT, getattr(signal, "SIGHUP", None)) if s)

__all__ = ["Actor", "FatalPollError", "DEFAULT_SIGNALS"]


class FatalPollError(SWFError):
    """Polling cannot succeed as configured (unknown domain, bad credentials): retrying is pointless."""


class Actor:
    """Base of ``Decider`` and ``Worker``: polls one task list of one domain and handles tasks.

    Args:
        layer1: a ``swfkit.layer1.Layer1`` (pickled into child processes by ``run(processes=N)``).
        domain: the domain; defaults to the class attribute ``domain``.
        task_list: the task list to poll; defaults to the class attribute ``task_list``.
        identity: what SWF records as the poller (≤ 256 characters); default ``default_identity()``
            computed in the polling process.
        interceptors: ``swfkit.actors.task_interceptors.ActorInterceptor`` objects told of every poll
            and task (metrics, tracing).
    """

    if TYPE_CHECKING:  # an instance always has both (``_required``); None at class level means "not set"
        domain: str
        task_list: str
    else:
        #: Default domain for instances of a subclass.
        domain = None
        #: Default task list for instances of a subclass.
        task_list = None
    #: "decider" or "worker", for log lines.
    kind = "actor"
    #: "decision" or "activity": the kind of task, for interceptors.
    task_kind = "task"

    def __init__(self, layer1: Any, domain: Optional[str] = None, task_list: Optional[str] = None, *,
                 identity: Optional[str] = None, interceptors: Optional[Sequence[Any]] = None) -> None:
        if layer1 is None:
            raise ConfigurationError("%s: layer1: a swfkit.layer1.Layer1 client is required" % type(self).__name__)
        self.layer1 = layer1
        self.domain = self._required("domain", domain)
        self.task_list = self._required("task_list", task_list)
        self._identity = check_identity(identity) if identity is not None else None
        self.interceptors = actor_interceptors(interceptors)
        self._default_identity: Optional[str] = None
        self._default_identity_pid: Optional[int] = None
        self.stop_event = threading.Event()
        self.tasks_handled = 0
        self._poller: Any = None

    def _required(self, name: str, value: Optional[str]) -> str:
        value = value if value is not None else getattr(type(self), name, None)
        if not value or not isinstance(value, str):
            raise ConfigurationError("%s: %s: give it to the constructor or set the class attribute %s.%s"
                                     % (type(self).__name__, name, type(self).__name__, name))
        return value

    @property
    def identity(self) -> str:
        """The identity sent with each poll (computed per process when not given)."""
        if self._identity is not None:
            return self._identity
        if self._default_identity_pid != os.getpid():
            self._default_identity = default_identity()
            self._default_identity_pid = os.getpid()
        assert self._default_identity is not None
        return self._default_identity

    # pickling for child processes: events and cached identities belong to one process
    def __getstate__(self) -> Dict[str, Any]:
        state = self.__dict__.copy()
        state.pop("stop_event", None)
        state["_poller"] = None
        state["_default_identity"] = None
        state["_default_identity_pid"] = None
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)
        self.stop_event = threading.Event()

    # to be provided by subclasses
    def poll(self) -> Optional[Any]:
        """One long poll: the task, or None when the poll came back empty."""
        raise NotImplementedError

    def handle(self, task: Any) -> None:
        """Handle one polled task and answer SWF; never raises for a task's own failure."""
        raise NotImplementedError

    def ensure_registered(self) -> None:
        """Register this actor's domain and types (idempotent)."""
        raise NotImplementedError

    @property
    def poll_client(self) -> Any:
        """The client long polls go through: while ``run_loop`` runs against a loopback endpoint,
        a copy of ``layer1`` of its own that ``stop`` can abort; else ``layer1`` itself."""
        poller = self._poller
        return self.layer1 if poller is None else poller

    # the loop
    def stop(self) -> None:
        """Ask the loop to stop after the current task (thread-safe).

        Against a loopback endpoint (the embedded server) a waiting long poll is abandoned at once;
        against SWF itself the loop waits for the poll to come back (up to 60 s), because SWF may
        hand a task to the poll it holds and that task would then wait for its timeout.
        """
        self.stop_event.set()
        poller = self._poller
        if poller is not None:
            poller.abort()

    def _open_poller(self) -> None:
        from ..layer1 import Layer1
        from ..layer1.endpoints import is_loopback

        if isinstance(self.layer1, Layer1) and is_loopback(self.layer1.endpoint_url):
            # One attempt per poll: an aborted poll must not be sent again; run_loop retries failures.
            self._poller = self.layer1.copy(max_attempts=1)

    def _close_poller(self) -> None:
        poller, self._poller = self._poller, None
        if poller is not None:
            poller.close()

    def run_once(self) -> bool:
        """Poll once and handle the task if one came; True if a task was handled.

        Raises:
            FatalPollError: the poll was refused for a reason retrying cannot fix.
        """
        task = self.observed_poll() if self.interceptors else self.poll()
        if task is None:
            return False
        self.handle(task)
        self.tasks_handled += 1
        return True

    def observed_poll(self) -> Optional[Any]:
        """``poll()``, with ``poll_finished`` sent to the interceptors (a poll abandoned by ``stop``
        counts as empty, not as an error)."""
        started = time.perf_counter()
        try:
            task = self.poll()
        except BaseException as err:
            error = None if self.stop_event.is_set() else err
            notify(self.interceptors, "poll_finished", PollOutcome(
                self.task_kind, self.domain, self.task_list, time.perf_counter() - started, False, error))
            raise
        notify(self.interceptors, "poll_finished", PollOutcome(
            self.task_kind, self.domain, self.task_list, time.perf_counter() - started, task is not None))
        return task

    def finish_tasks(self) -> None:
        """Called once the loop stopped polling, before ``run_loop`` returns (signals still handled,
        so a second one exits): finish what was taken. Nothing to do here; the threads of
        ``Worker(threads=N)`` are waited for."""

    def run(self, processes: Optional[int] = None, *, stop_after_tasks: Optional[int] = None,
            shutdown_timeout: float = 90.0) -> int:
        """Poll and handle tasks until stopped.

        Args:
            processes: None polls in this process; N >= 1 supervises N child processes
                (see ``swfkit.actors.pool.supervise``).
            stop_after_tasks: return after this many tasks (per process).
            shutdown_timeout: with processes, seconds children get to finish after a stop.

        Returns:
            In this process: the number of tasks handled. With processes: 0 after a clean stop,
            non-zero if children had to be killed or could not poll.
        """
        if stop_after_tasks is not None and stop_after_tasks < 1:
            raise ValueError("run: stop_after_tasks: must be >= 1, got %r" % (stop_after_tasks,))
        if processes is not None:
            from .pool import supervise
            return supervise(self, processes, stop_after_tasks=stop_after_tasks, shutdown_timeout=shutdown_timeout)
        return self.run_loop(stop_after_tasks, signals=DEFAULT_SIGNALS)

    def run_loop(self, stop_after_tasks: Optional[int] = None, signals: Sequence[int] = DEFAULT_SIGNALS) -> int:
        """The polling loop of one process; ``signals`` stop it gracefully (a second one exits at once)."""
        handled = 0
        backoff = 0.0
        self._open_poller()
        try:
            with stop_on_signals(self.stop_event, signals, "%s %s" % (self.kind, self.task_list), self.stop):
                log.info("%s polling %s/%s as %s", self.kind, self.domain, self.task_list, self.identity)
                while not self.stop_event.is_set():
                    try:
                        if self.run_once():
                            handled += 1
                        backoff = 0.0
                    except (TransportError, ServiceError) as err:
                        if self.stop_event.is_set():  # the poll was abandoned by stop()
                            break
                        if isinstance(err, ServiceError) and not err.retryable:
                            raise FatalPollError("%s cannot poll %s/%s: %s" % (self.kind, self.domain, self.task_list, err)) from err
                        backoff = min(max(backoff * 2, POLL_BACKOFF_START), POLL_BACKOFF_MAX)
                        log.warning("%s poll on %s/%s failed, retrying in %.1fs: %s",
                                    self.kind, self.domain, self.task_list, backoff, err)
                        self.stop_event.wait(backoff)
                    if stop_after_tasks is not None and handled >= stop_after_tasks:
                        break
                self.finish_tasks()
        finally:
            self._close_poller()
        log.info("%s on %s/%s stopped after %d tasks", self.kind, self.domain, self.task_list, handled)
        return handled


@contextlib.contextmanager
def stop_on_signals(stop_event: threading.Event, signals: Sequence[int], what: str,
                    stop: Optional[Callable[[], None]] = None) -> Iterator[None]:
    """While inside, the first of ``signals`` calls ``stop`` (default: sets ``stop_event``); a second
    one raises SystemExit.

    Only the main thread can install handlers; elsewhere this does nothing (use ``stop()``).
    """
    if threading.current_thread() is not threading.main_thread() or not signals:
        yield
        return

    def on_signal(signum: int, frame: Any) -> None:
        if stop_event.is_set():
            log.warning("%s: second %s, exiting now", what, signal.Signals(signum).name)
            raise SystemExit(128 + signum)
        log.info("%s: %s received, finishing the current task (send again to exit now)",
                 what, signal.Signals(signum).name)
        (stop or stop_event.set)()

    previous = {signum: signal.signal(signum, on_signal) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
