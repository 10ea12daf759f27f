"""A background thread that keeps a running activity task alive with heartbeats.

It sends ``RecordActivityTaskHeartbeat`` every ``interval`` seconds with the task's latest progress
details. An answer with ``cancelRequested`` marks the task (``task.cancel_requested``) so the
activity can stop and the worker answers ``RespondActivityTaskCanceled``; an
``UnknownResourceFault`` (the task timed out or its execution closed) marks it lost and stops the
thread; other errors (network, throttling) are logged and retried at the next tick.
"""
from __future__ import annotations

import contextvars
import logging
import threading
from types import TracebackType
from typing import Any, Optional, Type

from ..exceptions import SWFError
from .task_values import ActivityTask, ActivityTaskLost, TaskControl, type_text

log = logging.getLogger("swfkit.actors.heartbeater")

__all__ = ["Heartbeater"]


class Heartbeater:
    """Heartbeat ``task`` every ``interval`` seconds from a daemon thread while in the ``with`` block.

    Args:
        layer1: the client used for heartbeats when ``task`` has none of its own.
        task: the running activity task.
        interval: seconds between heartbeats (> 0).
    """

    def __init__(self, layer1: Any, task: ActivityTask, interval: float = 10.0) -> None:
        if not interval or interval <= 0:
            raise ValueError("Heartbeater: interval: must be a positive number of seconds, got %r" % (interval,))
        if task.control is None:
            object.__setattr__(task, "control", TaskControl(layer1, task.task_token))
        self.task = task
        self.interval = float(interval)
        self._stopped = threading.Event()
        self._thread: Optional[threading.Thread] = None

    @property
    def cancel_requested(self) -> bool:
        """True once SWF answered a heartbeat with ``cancelRequested``."""
        return self.task.cancel_requested

    @property
    def lost(self) -> bool:
        """True once SWF answered that it no longer knows the task."""
        return self.task.lost

    def start(self) -> "Heartbeater":
        """Start the thread (once)."""
        if self._thread is None:
            # In a copy of this context: its log lines carry the task's ids (task_log_context).
            self._thread = threading.Thread(target=contextvars.copy_context().run, args=(self._loop,), daemon=True,
                                            name="swfkit-heartbeat-%s" % self.task.activity_id)
            self._thread.start()
        return self

    def stop(self, timeout: Optional[float] = None) -> None:
        """Stop heartbeating; waits for a heartbeat in flight to end (up to ``timeout`` seconds)."""
        self._stopped.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def __enter__(self) -> "Heartbeater":
        return self.start()

    def __exit__(self, exc_type: Optional[Type[BaseException]], exc: Optional[BaseException],
                 tb: Optional[TracebackType]) -> None:
        self.stop()

    def _loop(self) -> None:
        control = self.task.control
        assert control is not None
        while not self._stopped.wait(self.interval):
            try:
                cancel = control.heartbeat(control.progress)
            except ActivityTaskLost:
                log.warning("activity %s (%s) of workflow %s run %s is no longer known to SWF "
                            "(timed out or closed); stopping heartbeats, its result will be dropped",
                            self.task.activity_id, type_text(self.task.activity_type),
                            self.task.workflow_id, self.task.run_id)
                return
            except SWFError as err:  # transport / throttling: try again at the next tick
                log.warning("heartbeat for activity %s failed, retrying in %.1fs: %s",
                            self.task.activity_id, self.interval, err)
                continue
            except Exception:  # never let the thread die silently
                log.exception("heartbeat for activity %s failed unexpectedly", self.task.activity_id)
                continue
            if cancel:
                log.info("cancellation requested for activity %s of workflow %s",
                         self.task.activity_id, self.task.workflow_id)

