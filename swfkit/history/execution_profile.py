"""Where an execution's time went: per task waiting and running time, totals, and the critical path.

::

    from swfkit.history import execution_timeline, profile_execution

    report = profile_execution(execution_timeline(events))
    for row in report.tasks[:10]:                 # the ten longest-running tasks
        print(row.task.task_id, row.waiting, row.running, "%.0f%%" % (100 * row.share))

Waiting is scheduled -> started (time in the task list's queue), running is started -> closed,
summed over a task's attempts; an open attempt counts until the timeline's end. ``share`` is
running time over the execution's duration (overlapping tasks make the shares add up past 1).

The critical path answers "what made it last this long" when tasks overlap: walking back from the
end, the task that closed last, then the task that closed last before that one was scheduled, and
so on. Those tasks ran one after another; the gaps between them are the deciders' time and the
queue's. Pure: a function of the timeline.
"""
from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass
from typing import Any, Dict, List, NamedTuple, Tuple

from swfkit.history.task_spans import ExecutionTimeline, TaskSpan

__all__ = ["TaskProfile", "ExecutionProfile", "profile_execution"]

_RUNNING = operator.itemgetter(2)  # TaskProfile.running, read by the sort without a Python call


class TaskProfile(NamedTuple):
    """One task's times in seconds: ``waiting`` (scheduled to started), ``running`` (started to closed),
    ``share`` (running over the execution's duration, 0 when it lasted no time)."""

    task: TaskSpan
    waiting: float
    running: float
    share: float

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form."""
        return {"kind": self.task.kind, "id": self.task.task_id, "name": self.task.name, "state": self.task.state,
                "attempts": self.task.attempt_count, "waiting": round(self.waiting, 6),
                "running": round(self.running, 6), "share": round(self.share, 6)}


@dataclass(frozen=True)
class ExecutionProfile:
    """The profile of one execution run.

    Attributes:
        tasks: one ``TaskProfile`` per task, longest running first (ties: by first scheduling).
        duration: seconds from the start to the close (or the last event while open).
        waiting, running: the tasks' total waiting and running seconds.
        critical_path: the tasks that ran one after another up to the end (earliest first).
        critical_seconds: their summed waiting plus running time (the rest of ``duration`` is gaps).
    """

    duration: float
    close_status: Any
    tasks: Tuple[TaskProfile, ...]
    waiting: float
    running: float
    critical_path: Tuple[TaskProfile, ...]
    critical_seconds: float

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form."""
        return {"duration": round(self.duration, 6), "closeStatus": self.close_status,
                "waiting": round(self.waiting, 6), "running": round(self.running, 6),
                "tasks": [row.to_dict() for row in self.tasks],
                "criticalPath": [row.task.task_id for row in self.critical_path],
                "criticalSeconds": round(self.critical_seconds, 6)}


def _critical_path(closing: List[Tuple[float, float, int, TaskProfile]], end: float) -> List[TaskProfile]:
    """Walk back from ``end``: the task that closed last, then the last one closed before it began...

    Args:
        closing: per task (when it closed (``end`` while open), minus when it was first scheduled,
            its order, its profile), sorted.
    """
    ends = [item[0] for item in closing]
    path: List[TaskProfile] = []
    limit = end
    upper = len(closing)
    while True:
        index = bisect.bisect_right(ends, limit, 0, upper) - 1
        if index < 0:
            break
        row = closing[index][3]
        path.append(row)
        upper = index  # only tasks that closed no later than this one remain: the walk always ends
        limit = -closing[index][1]
    path.reverse()
    return path


def profile_execution(timeline: ExecutionTimeline) -> ExecutionProfile:
    """Profile one execution run from its timeline.

    Args:
        timeline: from ``execution_timeline(events)``.
    Returns:
        The ``ExecutionProfile``.
    """
    end, duration = timeline.end_time, timeline.duration
    rows: List[TaskProfile] = []
    closing: List[Tuple[float, float, int, TaskProfile]] = []
    total_waiting = total_running = 0.0
    new, profile_type = tuple.__new__, TaskProfile  # a named tuple without its Python-level __new__
    # One loop with the per-attempt sums inlined: 10,000 tasks and more are the case this serves.
    for order, task in enumerate(timeline.tasks):
        waiting = running = 0.0
        for attempt in task[3]:
            _, _, scheduled, started, closed, _, _ = attempt
            if closed is None:
                closed = end
            if started is None:  # never started: all of its life was waiting
                if closed > scheduled:
                    waiting += closed - scheduled
            else:
                if started > scheduled:
                    waiting += started - scheduled
                if closed > started:
                    running += closed - started
        total_waiting += waiting
        total_running += running
        row = new(profile_type, (task, waiting, running, running / duration if duration > 0 else 0.0))
        rows.append(row)
        last_closed = attempt[4]
        closing.append((end if last_closed is None else last_closed, -task[3][0][2], order, row))
    # Longest running first; a stable sort keeps ties in scheduling order (reverse=True keeps it too).
    rows.sort(key=_RUNNING, reverse=True)
    closing.sort()
    path = _critical_path(closing, end)
    return ExecutionProfile(duration, timeline.close_status, tuple(rows), total_waiting, total_running, tuple(path),
                            sum(row.waiting + row.running for row in path))
