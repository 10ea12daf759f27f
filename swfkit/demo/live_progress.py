"""Live progress of the demo execution, read from its history.

On a terminal it is one line rewritten in place; otherwise (a pipe, a CI log) a plain line is
printed whenever something changes, at most once per ``interval`` seconds.
"""
from __future__ import annotations

import shutil
import time
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, TextIO, Tuple

from swfkit.demo.fan_out import SIGNAL_NAME, TIMER_ID

_CLOSE_EVENTS = {"WorkflowExecutionCompleted": "COMPLETED", "WorkflowExecutionFailed": "FAILED",
                 "WorkflowExecutionTimedOut": "TIMED_OUT", "WorkflowExecutionCanceled": "CANCELED",
                 "WorkflowExecutionTerminated": "TERMINATED", "WorkflowExecutionContinuedAsNew": "CONTINUED_AS_NEW"}
_BAR_WIDTH = 10


@dataclass(frozen=True)
class Progress:
    """What a history says about the demo execution so far."""

    total: int
    scheduled: int
    completed: int
    retried: int
    timer: str
    signaled: bool
    events: int
    close_status: Optional[str]
    close_event: Optional[Dict[str, Any]]

    @property
    def closed(self) -> bool:
        """True once the execution has closed, whatever the outcome."""
        return self.close_status is not None


def read_progress(events: List[Dict[str, Any]], total: int) -> Progress:
    """Summarise the demo execution's ``events`` (wire dicts); a pure function."""
    scheduled = completed = failures = 0
    timer, signaled, close_status, close_event = "waiting", False, None, None
    for event in events:
        kind = event.get("eventType")
        if kind == "ActivityTaskScheduled":
            scheduled += 1
        elif kind == "ActivityTaskCompleted":
            completed += 1
        elif kind in ("ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCanceled"):
            failures += 1
        elif kind == "TimerStarted" and event.get("timerStartedEventAttributes", {}).get("timerId") == TIMER_ID:
            timer = "started"
        elif kind == "TimerFired" and event.get("timerFiredEventAttributes", {}).get("timerId") == TIMER_ID:
            timer = "fired"
        elif kind == "WorkflowExecutionSignaled" and \
                event.get("workflowExecutionSignaledEventAttributes", {}).get("signalName") == SIGNAL_NAME:
            signaled = True
        elif kind in _CLOSE_EVENTS:
            close_status, close_event = _CLOSE_EVENTS[kind], event
    return Progress(total=total, scheduled=scheduled, completed=completed, retried=max(0, scheduled - total),
                    timer=timer, signaled=signaled, events=len(events), close_status=close_status,
                    close_event=close_event)


def progress_line(progress: Progress, elapsed: float, tty: bool) -> str:
    """The status line: aligned columns for logs; on a terminal a short bar and a compact line."""
    signal = "received" if progress.signaled else "pending"
    retried = "  (%d retried)" % progress.retried if progress.retried else ""
    if not tty:
        return "%*d/%d activities  timer %-7s  signal %-8s  %4d events  %5.1f s%s" % (
            len(str(progress.total)), progress.completed, progress.total, progress.timer, signal,
            progress.events, elapsed, retried)
    filled = int(_BAR_WIDTH * progress.completed / progress.total) if progress.total else _BAR_WIDTH
    return "[%s%s] %d/%d activities, timer %s, signal %s, %d events, %.1f s%s" % (
        "#" * filled, "." * (_BAR_WIDTH - filled), progress.completed, progress.total, progress.timer, signal,
        progress.events, elapsed, retried)


class ProgressDisplay:
    """Writes progress lines to ``stream``: in place on a terminal, one per change otherwise."""

    def __init__(self, stream: TextIO, *, tty: Optional[bool] = None, interval: float = 1.0) -> None:
        self.stream = stream
        self.tty = stream.isatty() if tty is None else tty
        self.interval = interval
        self._started = time.monotonic()
        self._last_key: Optional[Tuple[int, str, bool, Optional[str]]] = None
        self._last_print = 0.0
        self._width = 0

    def show(self, progress: Progress, *, force: bool = False) -> None:
        """Show ``progress`` (always on a terminal; on a pipe only if it changed and time allows)."""
        now = time.monotonic()
        line = progress_line(progress, now - self._started, self.tty)
        if self.tty:
            # Never wider than the terminal: a wrapped line cannot be rewritten with "\r".
            line = line[: max(self.columns() - 1, 20)]
            self.stream.write("\r" + line.ljust(self._width))
            self._width = len(line)
            self.stream.flush()
            return
        key = (progress.completed, progress.timer, progress.signaled, progress.close_status)
        if key != self._last_key and (force or now - self._last_print >= self.interval):
            self.stream.write(line + "\n")
            self.stream.flush()
            self._last_key, self._last_print = key, now

    @staticmethod
    def columns() -> int:
        """The terminal's width (80 when it cannot be told)."""
        return shutil.get_terminal_size((80, 24)).columns

    def finish(self, progress: Progress) -> None:
        """Show the final state and end the line."""
        if self.tty:
            self.show(progress)
            self.stream.write("\n")
            self.stream.flush()
        else:
            self.show(progress, force=True)
