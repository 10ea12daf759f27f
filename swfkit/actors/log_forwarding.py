"""Child processes' log records, handled by the parent's logging configuration.

Each child gets its own one-way pipe rather than a shared ``multiprocessing.Queue``: a shared
queue has one write lock for all children, and a child killed (SIGKILL) while holding it would
block every other child's next log call. A killed child here only closes its own pipe.
"""
from __future__ import annotations

import logging
import logging.handlers
import threading
from multiprocessing.connection import wait
from typing import Any, Dict, List

from .task_log_context import TaskFieldsFilter

__all__ = ["LogForwarder", "logger_levels", "send_logs_to"]


class LogForwarder:
    """A parent thread reading records from every child's pipe and handing them to the parent's loggers."""

    def __init__(self, context: Any) -> None:
        self._context = context
        self._readers: List[Any] = []
        self._lock = threading.Lock()
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="swfkit-pool-logs", daemon=True)
        self._thread.start()

    def new_pipe(self) -> Any:
        """The writing end for a new child (close it in the parent once the child started)."""
        reader, writer = self._context.Pipe(duplex=False)
        with self._lock:
            self._readers.append(reader)
        return writer

    def stop(self, timeout: float = 2.0) -> None:
        """Read what the (exited) children left in their pipes, then stop."""
        self._stopping.set()
        self._thread.join(timeout)

    def _loop(self) -> None:
        reader: Any  # a Connection from _readers (wait() is typed for sockets and fds too)
        while True:
            with self._lock:
                readers = list(self._readers)
            if not readers:
                if self._stopping.is_set():
                    return
                self._stopping.wait(0.1)
                continue
            for reader in wait(readers, timeout=0.1):
                try:
                    fields = reader.recv()
                except Exception:  # EOF: the child exited or was killed (maybe mid-record)
                    self._drop(reader)
                    continue
                record = logging.makeLogRecord(fields)
                logger = logging.getLogger(record.name)
                if logger.isEnabledFor(record.levelno):
                    logger.handle(record)
            if self._stopping.is_set() and not wait(readers, timeout=0):
                return

    def _drop(self, reader: Any) -> None:
        with self._lock:
            self._readers.remove(reader)
        reader.close()


class _PipeSender:
    """What a QueueHandler needs of a queue, over one pipe shared by the child's threads."""

    def __init__(self, writer: Any) -> None:
        self._writer = writer
        self._lock = threading.Lock()

    def put_nowait(self, record: logging.LogRecord) -> None:
        with self._lock:  # heartbeater, responder and main thread log concurrently
            self._writer.send(record.__dict__)


def logger_levels() -> Dict[str, int]:
    """The levels set on the parent's loggers ("" for the root), so a child filters as the parent does."""
    levels = {"": logging.getLogger().level}
    for name, logger in list(logging.Logger.manager.loggerDict.items()):
        if isinstance(logger, logging.Logger) and logger.level != logging.NOTSET:
            levels[name] = logger.level
    return levels


def send_logs_to(writer: Any, levels: Dict[str, int]) -> None:
    """In a child: apply the parent's logger ``levels`` and send every record to the parent through ``writer``."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        root.removeHandler(handler)
    # _PipeSender has the put_nowait the handler calls; the stubs also ask for a get() it never uses.
    handler = logging.handlers.QueueHandler(_PipeSender(writer))  # type: ignore[arg-type]
    handler.addFilter(TaskFieldsFilter())  # the task's ids, read here: the parent formats the record
    root.addHandler(handler)
    for name, level in levels.items():
        logging.getLogger(name or None).setLevel(level)
