"""The numbers ``swfkit demo`` reports at the end, computed from the execution's history."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Sequence, Tuple

from swfkit.cli.event_lines import event_rows, render_table
from swfkit.demo.live_progress import Progress


@dataclass(frozen=True)
class DemoSummary:
    """What the demo run did.

    Attributes:
        workflow_seconds: from WorkflowExecutionStarted to the closing event.
        activity_seconds: from the first ActivityTaskScheduled to the last ActivityTaskCompleted
            (the work itself: no process start-up, no waiting for the timer or the signal).
        wall_seconds: the whole demo, server and process start-up included.
    """

    workflow_id: str
    run_id: str
    close_status: Optional[str]
    activities: int
    retried: int
    workers: int
    timer: str
    signaled: bool
    events: int
    workflow_seconds: float
    activity_seconds: float
    wall_seconds: float
    result: Optional[str]
    expected_sum: int
    last_events: Tuple[Dict[str, Any], ...]

    @property
    def throughput(self) -> float:
        """Completed activities per second of ``activity_seconds``."""
        return self.activities / self.activity_seconds if self.activity_seconds > 0 else 0.0

    def lines(self) -> List[str]:
        """The summary as aligned lines, then a table of the last events."""
        lines = [
            "workflow:    %s (run %s) %s" % (self.workflow_id, self.run_id, self.close_status),
            "activities:  %d completed, %d retried, %d worker processes" % (self.activities, self.retried, self.workers),
            "timer:       %s" % self.timer,
            "signal:      %s" % ("received" if self.signaled else "missing"),
            "events:      %d" % self.events,
            "elapsed:     %.2f s in the workflow, %.2f s in all" % (self.workflow_seconds, self.wall_seconds),
            "throughput:  %.1f activities/s (%d activities in %.2f s, first scheduled to last completed)" % (
                self.throughput, self.activities, self.activity_seconds),
        ]
        if self.result is not None:
            lines.append("result:      %s (expected sum %d)" % (self.result, self.expected_sum))
        lines += ["", "last %d events:" % len(self.last_events)]
        lines += render_table(["ID", "TIME", "EVENT", "DETAILS"], event_rows(self.last_events)).splitlines()
        return lines

    def to_dict(self) -> Dict[str, Any]:
        """The summary for ``--json``: the same numbers, the last events as wire dicts."""
        return {"workflowId": self.workflow_id, "runId": self.run_id, "closeStatus": self.close_status,
                "activities": self.activities, "retried": self.retried, "workers": self.workers,
                "timer": self.timer, "signaled": self.signaled, "events": self.events,
                "workflowSeconds": round(self.workflow_seconds, 3), "activitySeconds": round(self.activity_seconds, 3),
                "wallSeconds": round(self.wall_seconds, 3), "throughput": round(self.throughput, 1),
                "result": self.result, "expectedSum": self.expected_sum, "lastEvents": list(self.last_events)}


def _stamps(events: Sequence[Dict[str, Any]], event_type: str) -> List[float]:
    return [float(e["eventTimestamp"]) for e in events if e.get("eventType") == event_type]


def summarize(events: Sequence[Dict[str, Any]], progress: Progress, *, execution: Dict[str, str], workers: int,
              expected_sum: int, wall_seconds: float, last_events: int) -> DemoSummary:
    """Compute the summary of a finished demo execution from its ``events`` (wire dicts); pure."""
    start = float(events[0]["eventTimestamp"]) if events else 0.0
    close = float(progress.close_event["eventTimestamp"]) if progress.close_event else start
    scheduled, completed = _stamps(events, "ActivityTaskScheduled"), _stamps(events, "ActivityTaskCompleted")
    span = max(completed) - min(scheduled) if scheduled and completed else 0.0
    attributes = (progress.close_event or {}).get("workflowExecutionCompletedEventAttributes", {})
    return DemoSummary(
        workflow_id=execution["workflowId"], run_id=execution["runId"], close_status=progress.close_status,
        activities=progress.completed, retried=progress.retried, workers=workers, timer=progress.timer,
        signaled=progress.signaled, events=progress.events, workflow_seconds=close - start,
        activity_seconds=span, wall_seconds=wall_seconds, result=attributes.get("result"),
        expected_sum=expected_sum, last_events=tuple(events[-last_events:]) if last_events > 0 else ())
