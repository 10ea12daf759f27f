"""Supervising N polling processes: start, restart the ones that die, shut down gracefully.

Children are started with multiprocessing's *spawn* method: each gets a pickled copy of the actor,
so its Layer1 builds its own HTTP session (a pooled connection is never shared across a fork) and
no lock held by another thread of the parent can be inherited. Child log records are sent back to
the parent and handled by the parent's logging configuration (``log_forwarding``).

Signals: the first SIGTERM/SIGINT/SIGHUP on the supervisor stops restarting and forwards SIGTERM
to the children, which finish their current task and exit; children still running after
``shutdown_timeout`` seconds are killed. A second signal kills the children at once. Children
ignore SIGINT and SIGHUP themselves, so a Ctrl-C or a closed terminal (sent to the whole process
group) counts once. A child whose supervisor dies (``kill -9``) stops as if sent SIGTERM: it
watches its parent, so no orphan keeps taking tasks with no one to stop it.

Crash loops: a child that dies within ``QUICK_DEATH_SECONDS`` of starting ``CRASH_LOOP_DEATHS``
times in a row stops the pool (exit status 1) with one error naming its last exception; a script
that starts a pool without the ``if __name__ == "__main__":`` guard is named as such at once.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import sys
import threading
import time
from typing import Any, Dict, Optional

from ..exceptions import ConfigurationError, SWFError
from .actor import FatalPollError
from .log_forwarding import LogForwarder, logger_levels, send_logs_to

log = logging.getLogger("swfkit.actors.pool")

#: Exit code of a child that cannot poll at all (EX_CONFIG): the pool stops instead of restarting.
FATAL_EXIT_CODE = 78
#: Exit code of a child that re-ran the main script's pool start (no ``__main__`` guard).
NO_MAIN_GUARD_EXIT_CODE = 79
#: A child that dies sooner than this after its start is restarted with a growing delay...
QUICK_DEATH_SECONDS = 5.0
RESTART_DELAY_MAX = 30.0
#: ...and this many such deaths in a row stop the pool.
CRASH_LOOP_DEATHS = 5
#: Seconds between a child's checks that its supervisor is still alive.
PARENT_WATCH_SECONDS = 0.5

__all__ = ["supervise", "FATAL_EXIT_CODE"]


def supervise(actor: Any, processes: int, *, stop_after_tasks: Optional[int] = None,
              shutdown_timeout: float = 90.0, start_method: str = "spawn") -> int:
    """Run ``actor.run_loop`` in ``processes`` child processes until stopped.

    Args:
        actor: a Decider or Worker (must be picklable: module-level classes and callables).
        processes: how many children (>= 1).
        stop_after_tasks: each child exits after this many tasks; the pool returns when all did.
        shutdown_timeout: seconds children get to finish after a stop before they are killed.
        start_method: multiprocessing start method.

    Returns:
        0 after a clean stop; 128 + the signal number after a second signal killed the children
        (130 for Ctrl-C, as a single process exits); 1 if children had to be killed or a child re-ran the script's pool
        start (no ``__main__`` guard); ``FATAL_EXIT_CODE`` if they could not poll.

    Raises:
        FatalPollError: a child crash-looped (the message names its last error).
    """
    if not isinstance(processes, int) or isinstance(processes, bool) or processes < 1:
        raise ValueError("run: processes: must be an int >= 1 (or None for this process), got %r" % (processes,))
    if getattr(multiprocessing.current_process(), "_inheriting", False):
        # We are a pool process importing the main script, and the script starts a pool at import.
        sys.stderr.write("swfkit: a pool process ran the script's run(processes=...) again: start the pool "
                         "under `if __name__ == \"__main__\":`\n")
        raise SystemExit(NO_MAIN_GUARD_EXIT_CODE)
    try:
        payload = pickle.dumps(actor)
    except Exception as err:
        raise ConfigurationError(
            "%s cannot be sent to child processes (%s); define the class and its activity callables "
            "at module level, not as lambdas or closures" % (type(actor).__name__, err)) from None
    context = multiprocessing.get_context(start_method)
    logs = LogForwarder(context)
    pool = _Pool(context, payload, logs, processes, stop_after_tasks, type(actor).__name__)
    kill_now = threading.Event()
    crashes = _LastCrash()
    logging.getLogger(_CRASH_LOGGER).addHandler(crashes)
    pool.last_crash = crashes
    signals = _SignalsStop(actor.stop_event, kill_now, "%s pool" % actor.kind)
    try:
        with signals:
            result = pool.loop(actor.stop_event, kill_now, shutdown_timeout)
        if signals.second is not None:  # as a single process does: 130 for a second Ctrl-C
            return 128 + signals.second
        if pool.crash_loop:  # raised, not only returned: a script that ignores the status must see it
            raise FatalPollError(pool.crash_loop)
        return result
    finally:
        pool.kill_all()
        logs.stop()
        logging.getLogger(_CRASH_LOGGER).removeHandler(crashes)


_CRASH_LOGGER = "swfkit.actors.pool.crash"


class _LastCrash(logging.Handler):
    """Keeps the last crash a child reported (its records come through the log pipes)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.message: Optional[str] = None

    def emit(self, record: logging.LogRecord) -> None:
        self.message = record.getMessage()


class _Pool:
    def __init__(self, context: Any, payload: bytes, logs: LogForwarder, size: int,
                 stop_after_tasks: Optional[int], name: str) -> None:
        self.context = context
        self.payload = payload
        self.logs = logs
        self.size = size
        self.stop_after_tasks = stop_after_tasks
        self.name = name
        self.children: Dict[int, Any] = {}
        self.started_at: Dict[int, float] = {}
        self.restart_delay: Dict[int, float] = {slot: 0.0 for slot in range(size)}
        self.restart_at: Dict[int, float] = {}
        self.quick_deaths: Dict[int, int] = {slot: 0 for slot in range(size)}
        self.last_crash: Any = None
        self.crash_loop: Optional[str] = None

    def start(self, slot: int) -> None:
        levels = logger_levels()
        writer = self.logs.new_pipe()
        process = self.context.Process(target=_child_main, name="swfkit-%s-%d" % (self.name, slot),
                                       args=(self.payload, self.stop_after_tasks, writer, levels, os.getpid()),
                                       daemon=False)
        process.start()
        writer.close()  # the child has its own copy; ours would hide the child's end of file
        self.children[slot] = process
        self.started_at[slot] = time.monotonic()
        log.info("%s process %d started (pid %d)", self.name, slot, process.pid)

    def loop(self, stop_event: threading.Event, kill_now: threading.Event, shutdown_timeout: float) -> int:
        for slot in range(self.size):
            self.start(slot)
        result = 0
        deadline: Optional[float] = None
        while self.children or self.restart_at:
            if kill_now.is_set():
                self.kill_all()
                return 1
            if stop_event.is_set() and deadline is None:
                deadline = time.monotonic() + shutdown_timeout
                self.restart_at.clear()
                for process in self.children.values():
                    if process.is_alive():
                        os.kill(process.pid, signal.SIGTERM)
                log.info("%s pool stopping: waiting up to %.0fs for %d processes to finish their tasks",
                         self.name, shutdown_timeout, len(self.children))
            for slot, process in list(self.children.items()):
                if process.is_alive():
                    continue
                process.join()
                del self.children[slot]
                code = process.exitcode
                if stop_event.is_set():
                    log.info("%s process %d (pid %d) exited with %s", self.name, slot, process.pid, code)
                elif code == 0 and self.stop_after_tasks is not None:
                    log.info("%s process %d (pid %d) finished its tasks", self.name, slot, process.pid)
                elif code == FATAL_EXIT_CODE:
                    log.error("%s process %d cannot poll (see its error above); stopping the pool", self.name, slot)
                    result = FATAL_EXIT_CODE
                    stop_event.set()
                elif code == NO_MAIN_GUARD_EXIT_CODE:
                    log.error("%s process %d re-ran the main script's pool start; put run(processes=...) under "
                              "`if __name__ == \"__main__\":`; stopping the pool", self.name, slot)
                    result = 1
                    stop_event.set()
                elif not self._schedule_restart(slot, code):
                    result = 1
                    stop_event.set()
            now = time.monotonic()
            for slot, when in list(self.restart_at.items()):
                if now >= when and not stop_event.is_set():
                    del self.restart_at[slot]
                    self.start(slot)
            if deadline is not None and now > deadline and self.children:
                log.error("%s pool: %d processes still busy after %.0fs, killing them (their tasks will time out "
                          "and be retried by SWF)", self.name, len(self.children), shutdown_timeout)
                self.kill_all()
                return 1
            kill_now.wait(0.05)
        return result

    def _schedule_restart(self, slot: int, code: Optional[int]) -> bool:
        """Restart ``slot`` after a delay; False (and one error) when it is crash-looping."""
        lived = time.monotonic() - self.started_at.get(slot, 0.0)
        if lived < QUICK_DEATH_SECONDS:
            delay = min(max(self.restart_delay[slot] * 2, 0.5), RESTART_DELAY_MAX)
            self.quick_deaths[slot] += 1
        else:
            delay = 0.0
            self.quick_deaths[slot] = 0
        if self.quick_deaths[slot] >= CRASH_LOOP_DEATHS:
            last = self.last_crash.message if self.last_crash is not None else None
            self.crash_loop = ("%s process %d died within %.0fs of starting %d times in a row (exit code %s); "
                               "stopping the pool. Its last error: %s" % (
                                   self.name, slot, QUICK_DEATH_SECONDS, self.quick_deaths[slot], code,
                                   last or "none reported (see its output above)"))
            log.error("%s", self.crash_loop)
            return False
        self.restart_delay[slot] = delay
        self.restart_at[slot] = time.monotonic() + delay
        log.warning("%s process %d died (exit code %s) after %.1fs; restarting in %.1fs",
                    self.name, slot, code, lived, delay)
        return True

    def kill_all(self) -> None:
        for process in self.children.values():
            if process.is_alive():
                process.kill()
        for process in self.children.values():
            process.join(5)
        self.children.clear()
        self.restart_at.clear()


def _child_main(payload: bytes, stop_after_tasks: Optional[int], log_writer: Any, levels: Dict[str, int],
                parent: int) -> None:
    """Entry point of a child process: log through the parent, ignore SIGINT and SIGHUP (the
    supervisor forwards them as SIGTERM), poll until SIGTERM or until the supervisor is gone."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    send_logs_to(log_writer, levels)
    try:
        actor = pickle.loads(payload)
        _watch_parent(parent, actor)
        actor.run_loop(stop_after_tasks, signals=(signal.SIGTERM,))
    except SWFError as err:  # what escapes the loop cannot be fixed by polling again (bad domain, credentials)
        log.error("%s", err)
        raise SystemExit(FATAL_EXIT_CODE)
    except Exception as err:
        logging.getLogger(_CRASH_LOGGER).error("%s: %s", type(err).__name__, err, exc_info=True)
        raise SystemExit(1)


def _watch_parent(parent: int, actor: Any) -> None:
    """Stop ``actor`` gracefully (as SIGTERM would) once the supervisor ``parent`` is gone.

    A watch on the parent id rather than Linux's parent-death signal: it works everywhere, and the
    signal would fire when the supervisor's *thread* that started us ends, not only its process.
    """
    def orphaned() -> None:
        # Our log records went to the supervisor, which is gone: say it on stderr, drop the rest.
        logging.raiseExceptions = False
        sys.stderr.write("swfkit: %s pool process %d: supervisor (pid %d) is gone; stopping after the current "
                         "task\n" % (type(actor).__name__, os.getpid(), parent))
        actor.stop()

    if os.getppid() != parent:  # already gone before we got here
        orphaned()
        return

    def watch() -> None:
        while not actor.stop_event.wait(PARENT_WATCH_SECONDS):
            if os.getppid() != parent:
                orphaned()
                return

    threading.Thread(target=watch, name="swfkit-parent-watch", daemon=True).start()


class _SignalsStop:
    """First SIGTERM/SIGINT/SIGHUP sets ``stop_event``; the second sets ``kill_now`` (main thread only)."""

    def __init__(self, stop_event: threading.Event, kill_now: threading.Event, what: str) -> None:
        self.stop_event, self.kill_now, self.what = stop_event, kill_now, what
        self.previous: Dict[int, Any] = {}
        self.second: Optional[int] = None  # the signal that killed the children, if any

    def __enter__(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def on_signal(signum: int, frame: Any) -> None:
            if self.stop_event.is_set():
                log.warning("%s: second %s, killing the processes now", self.what, signal.Signals(signum).name)
                self.second = signum
                self.kill_now.set()
            else:
                log.info("%s: %s received, letting running tasks finish (send again to kill)",
                         self.what, signal.Signals(signum).name)
                self.stop_event.set()

        for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
            self.previous[signum] = signal.signal(signum, on_signal)

    def __exit__(self, *exc: Any) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
