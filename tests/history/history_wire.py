"""Build wire-format histories in tests, SWF-style (contiguous ids, attributes under their key)."""
from __future__ import annotations

import json
import pathlib
from typing import Any, Dict, List

GOLDEN_DIR = pathlib.Path(__file__).resolve().parent.parent / "histories"


def golden(name: str) -> List[Dict[str, Any]]:
    """The events of ``tests/histories/<name>.json``."""
    return json.loads((GOLDEN_DIR / (name + ".json")).read_text())["events"]


class Wire:
    """Appends events with the next id; helpers for the common sequences."""

    def __init__(self) -> None:
        self.events: List[Dict[str, Any]] = []
        self.clock = 1_700_000_000.0

    def add(self, event_type: str, **attributes: Any) -> int:
        self.clock += 0.25
        event_id = len(self.events) + 1
        self.events.append({"eventId": event_id, "eventType": event_type, "eventTimestamp": self.clock,
                            event_type[0].lower() + event_type[1:] + "EventAttributes": attributes})
        return event_id

    def start(self, **extra: Any) -> int:
        attributes = {"workflowType": {"name": "flow", "version": "1"}, "taskList": {"name": "deciders"},
                      "childPolicy": "TERMINATE", "input": "start-input", **extra}
        return self.add("WorkflowExecutionStarted", **attributes)

    def decide(self) -> int:
        """A whole decision task; returns the DecisionTaskCompleted id."""
        scheduled = self.add("DecisionTaskScheduled", taskList={"name": "deciders"}, startToCloseTimeout="60")
        started = self.add("DecisionTaskStarted", scheduledEventId=scheduled, identity="decider")
        return self.add("DecisionTaskCompleted", scheduledEventId=scheduled, startedEventId=started)

    def schedule(self, activity_id: str, completed: int, input: str = "in") -> int:
        return self.add("ActivityTaskScheduled", activityId=activity_id, activityType={"name": "a", "version": "1"},
                        taskList={"name": "workers"}, decisionTaskCompletedEventId=completed, input=input)

    def run_activity(self, activity_id: str, completed: int, result: str = "out") -> int:
        """Scheduled, started, completed; returns the scheduled event id."""
        scheduled = self.schedule(activity_id, completed)
        started = self.add("ActivityTaskStarted", scheduledEventId=scheduled, identity="worker")
        self.add("ActivityTaskCompleted", scheduledEventId=scheduled, startedEventId=started, result=result)
        return scheduled
