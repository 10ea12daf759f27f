"""The threads of ``Worker(threads=N)``: N activity tasks in flight in one process.

One thread polls (the worker's loop) and N daemon threads run the tasks. The loop takes a free
slot *before* each poll, so a task is only ever taken from SWF when a thread is ready to start it
at once: no task waits in the process while its start-to-close timer runs. Each thread answers its
own task (the answer is part of the task's slot). Daemon threads, so a second signal during the
drain exits the process at once, as it does with one task.
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Any, Callable, Optional

log = logging.getLogger("swfkit.actors.worker")

__all__ = ["ActivityThreads", "check_threads"]

#: Seconds between two looks at the stop event while waiting for a free thread.
SLOT_WAIT = 0.1


def check_threads(threads: Any) -> int:
    """``threads`` checked: an int >= 1.

    Raises:
        ValueError: anything else (named as the ``threads`` argument).
    """
    if not isinstance(threads, int) or isinstance(threads, bool) or threads < 1:
        raise ValueError("Worker: threads: must be an int >= 1, got %r" % (threads,))
    return threads


class ActivityThreads:
    """``size`` daemon threads calling ``run(task)`` for each submitted task.

    Args:
        size: the number of threads (tasks in flight).
        run: handles one task and answers it; an exception from it is logged (it should not raise).
        name: prefix of the threads' names.
    """

    def __init__(self, size: int, run: Callable[[Any], None], name: str = "swfkit-activity") -> None:
        self.size = size
        self._run = run
        self._slots = threading.Semaphore(size)
        self._tasks: "queue.SimpleQueue[Optional[Any]]" = queue.SimpleQueue()
        self._idle = threading.Condition()
        self._in_flight = 0
        self._threads = [threading.Thread(target=self._loop, name="%s-%d" % (name, index), daemon=True)
                         for index in range(size)]
        for thread in self._threads:
            thread.start()

    @property
    def in_flight(self) -> int:
        """Tasks submitted and not yet answered."""
        return self._in_flight

    def take_slot(self, stop_event: threading.Event) -> bool:
        """Wait for a free thread; False (no slot taken) once ``stop_event`` is set."""
        while not stop_event.is_set():
            if self._slots.acquire(timeout=SLOT_WAIT):
                if stop_event.is_set():
                    self._slots.release()
                    return False
                return True
        return False

    def give_back(self) -> None:
        """Return a slot taken for a poll that brought no task."""
        self._slots.release()

    def submit(self, task: Any) -> None:
        """Hand ``task`` to a free thread (a slot must have been taken for it)."""
        with self._idle:
            self._in_flight += 1
        self._tasks.put(task)

    def wait(self) -> None:
        """Wait until every submitted task was answered (signals are still handled meanwhile)."""
        with self._idle:
            while self._in_flight:
                self._idle.wait(0.5)

    def close(self) -> None:
        """Let the threads end once their current task is done (does not wait)."""
        for _ in self._threads:
            self._tasks.put(None)

    def _loop(self) -> None:
        while True:
            task = self._tasks.get()
            if task is None:
                return
            try:
                self._run(task)
            except Exception:  # handle() answers failures itself; this is the last guard
                log.exception("handling an activity task failed unexpectedly")
            finally:
                with self._idle:
                    self._in_flight -= 1
                    self._idle.notify_all()
                self._slots.release()
