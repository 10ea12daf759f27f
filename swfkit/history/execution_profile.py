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
from dataclasses import dataclass
from typing import Any, Dict, List, NamedTuple, Tuple

from swfkit.history.task_spans import ExecutionTimeline, TaskSpan

__all__ = ["TaskProfile", "ExecutionProfile", "profile_execution"]


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


def _times(task: TaskSpan, end: float) -> Tuple[float, float]:
    waiting = running = 0.0
    for attempt in task.attempts:
        closed = attempt.closed_time if attempt.closed_time is not None else end
        started = attempt.started_time
        if started is None:  # never started: all of its life was waiting
            waiting += max(0.0, closed - attempt.scheduled_time)
        else:
            waiting += max(0.0, started - attempt.scheduled_time)
            running += max(0.0, closed - started)
    return waiting, running


def _critical_path(rows: List[TaskProfile], end: float) -> List[TaskProfile]:
    """Walk back from ``end``: the task that closed last, then the last one closed before it began..."""
    closing = sorted(rows, key=lambda row: (row.task.closed_time if row.task.closed_time is not None
                                                             else end, -row.task.scheduled_time))
    ends = [row.task.closed_time if row.task.closed_time is not None else end for row in closing]
    path: List[TaskProfile] = []
    limit = end
    upper = len(closing)
    while True:
        index = bisect.bisect_right(ends, limit, 0, upper) - 1
        if index < 0:
            break
        row = closing[index]
        path.append(row)
        upper = index  # only tasks that closed no later than this one remain: the walk always ends
        limit = row.task.scheduled_time
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
    rows = []
    total_waiting = total_running = 0.0
    for order, task in enumerate(timeline.tasks):
        waiting, running = _times(task, end)
        total_waiting += waiting
        total_running += running
        rows.append((-running, order, TaskProfile(task, waiting, running, running / duration if duration > 0 else 0.0)))
    rows.sort(key=lambda item: (item[0], item[1]))
    profiles = [row for _, _, row in rows]
    path = _critical_path([row for _, _, row in sorted(rows, key=lambda item: item[1])], end)
    return ExecutionProfile(duration, timeline.close_status, tuple(profiles), total_waiting, total_running,
                            tuple(path), sum(row.waiting + row.running for row in path))
