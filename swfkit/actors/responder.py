"""Sending a task's answer while the next long poll is already out.

A worker that answers and then polls pays two round trips per task one after the other. Handing
the answer to this single background thread lets the process poll again at once. At most one
answer waits behind the one being sent (``submit`` blocks otherwise), so little is ever in flight,
and ``drain`` waits for everything submitted before the worker stops: nothing is dropped on a
graceful shutdown.
"""
from __future__ import annotations

import logging
import queue
import threading
from typing import Callable, Optional

log = logging.getLogger("swfkit.actors.worker")

__all__ = ["Responder"]


class Responder:
    """One daemon thread running submitted answers in order."""

    def __init__(self, name: str = "swfkit-responder") -> None:
        self._queue: "queue.Queue[Optional[Callable[[], None]]]" = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._loop, name=name, daemon=True)
        self._thread.start()

    def submit(self, answer: Callable[[], None]) -> None:
        """Queue ``answer`` (a call that never raises); blocks while one is already waiting."""
        self._queue.put(answer)

    def drain(self, timeout: Optional[float] = None) -> None:
        """Send everything submitted, then stop the thread."""
        self._queue.put(None)
        self._thread.join(timeout)
        if self._thread.is_alive():
            log.error("answers still being sent after %.0fs; the tasks will time out in SWF", timeout or 0)

    def _loop(self) -> None:
        while True:
            answer = self._queue.get()
            if answer is None:
                return
            try:
                answer()
            except Exception:  # answers log their own failures; this is the last guard
                log.exception("sending a task's answer failed")
