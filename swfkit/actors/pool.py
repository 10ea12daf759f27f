"""Supervising N polling processes: start, restart the ones that die, shut down gracefully.

Children are started with multiprocessing's *spawn* method: each gets a pickled copy of the actor,
so its Layer1 builds its own HTTP session (a pooled connection is never shared across a fork) and
no lock held by another thread of the parent can be inherited. Child log records are sent back to
the parent and handled by the parent's logging configuration (``log_forwarding``).

Signals: the first SIGTERM/SIGINT on the supervisor stops restarting and forwards SIGTERM to the
children, which finish their current long poll and task and exit; children still running after
``shutdown_timeout`` seconds are killed. A second signal kills the children at once. Children
ignore SIGINT themselves, so a Ctrl-C in a terminal (sent to the whole process group) counts once.
"""
from __future__ import annotations

import logging
import multiprocessing
import os
import pickle
import signal
import threading
import time
from typing import Any, Dict, Optional

from ..exceptions import ConfigurationError, SWFError
from .log_forwarding import LogForwarder, logger_levels, send_logs_to

log = logging.getLogger("swfkit.actors.pool")

#: Exit code of a child that cannot poll at all (EX_CONFIG): the pool stops instead of restarting.
FATAL_EXIT_CODE = 78
#: A child that dies sooner than this after its start is restarted with a growing delay.
QUICK_DEATH_SECONDS = 5.0
RESTART_DELAY_MAX = 30.0

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
        0 after a clean stop; 1 if children had to be killed; ``FATAL_EXIT_CODE`` if they could not poll.
    """
    if not isinstance(processes, int) or isinstance(processes, bool) or processes < 1:
        raise ValueError("run: processes: must be an int >= 1 (or None for this process), got %r" % (processes,))
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
    try:
        with _SignalsStop(actor.stop_event, kill_now, "%s pool" % actor.kind):
            return pool.loop(actor.stop_event, kill_now, shutdown_timeout)
    finally:
        pool.kill_all()
        logs.stop()


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

    def start(self, slot: int) -> None:
        levels = logger_levels()
        writer = self.logs.new_pipe()
        process = self.context.Process(target=_child_main, name="swfkit-%s-%d" % (self.name, slot),
                                       args=(self.payload, self.stop_after_tasks, writer, levels),
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
                else:
                    self._schedule_restart(slot, code)
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

    def _schedule_restart(self, slot: int, code: Optional[int]) -> None:
        lived = time.monotonic() - self.started_at.get(slot, 0.0)
        if lived < QUICK_DEATH_SECONDS:
            delay = min(max(self.restart_delay[slot] * 2, 0.5), RESTART_DELAY_MAX)
        else:
            delay = 0.0
        self.restart_delay[slot] = delay
        self.restart_at[slot] = time.monotonic() + delay
        log.warning("%s process %d died (exit code %s) after %.1fs; restarting in %.1fs",
                    self.name, slot, code, lived, delay)

    def kill_all(self) -> None:
        for process in self.children.values():
            if process.is_alive():
                process.kill()
        for process in self.children.values():
            process.join(5)
        self.children.clear()
        self.restart_at.clear()


def _child_main(payload: bytes, stop_after_tasks: Optional[int], log_writer: Any, levels: Dict[str, int]) -> None:
    """Entry point of a child process: log through the parent, ignore SIGINT, poll until SIGTERM."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    send_logs_to(log_writer, levels)
    actor = pickle.loads(payload)
    try:
        actor.run_loop(stop_after_tasks, signals=(signal.SIGTERM,))
    except SWFError as err:  # what escapes the loop cannot be fixed by polling again (bad domain, credentials)
        log.error("%s", err)
        raise SystemExit(FATAL_EXIT_CODE)


class _SignalsStop:
    """First SIGTERM/SIGINT sets ``stop_event``; the second sets ``kill_now`` (main thread only)."""

    def __init__(self, stop_event: threading.Event, kill_now: threading.Event, what: str) -> None:
        self.stop_event, self.kill_now, self.what = stop_event, kill_now, what
        self.previous: Dict[int, Any] = {}

    def __enter__(self) -> None:
        if threading.current_thread() is not threading.main_thread():
            return

        def on_signal(signum: int, frame: Any) -> None:
            if self.stop_event.is_set():
                log.warning("%s: second %s, killing the processes now", self.what, signal.Signals(signum).name)
                self.kill_now.set()
            else:
                log.info("%s: %s received, letting running tasks finish (send again to kill)",
                         self.what, signal.Signals(signum).name)
                self.stop_event.set()

        for signum in (signal.SIGTERM, signal.SIGINT):
            self.previous[signum] = signal.signal(signum, on_signal)

    def __exit__(self, *exc: Any) -> None:
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)
