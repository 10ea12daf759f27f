"""Starting fan-out executions and reading their outcome, for the actors tests."""
from __future__ import annotations

import json
import time
from typing import Any, Dict, List, Optional

from sample_actors import DOMAIN


def start(client: Any, workflow_id: str, spec: Dict[str, Any], *, task_start_to_close: str = "10") -> Dict[str, str]:
    """Start a ``fanout`` execution with ``spec`` as its input; returns the execution."""
    run = client.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id,
                                          workflow_type={"name": "fanout", "version": "1"},
                                          input=json.dumps(spec), task_start_to_close_timeout=task_start_to_close)
    return {"workflowId": workflow_id, "runId": run["runId"]}


def wait_closed(client: Any, execution: Dict[str, str], timeout: float = 30.0) -> Dict[str, Any]:
    """The executionInfo once the execution closed (AssertionError after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        info = client.describe_workflow_execution(domain=DOMAIN, execution=execution)["executionInfo"]
        if info["executionStatus"] == "CLOSED":
            return info
        time.sleep(0.1)
    raise AssertionError("execution %s still open after %.0fs; history: %s"
                         % (execution, timeout, [e["eventType"] for e in events(client, execution)]))


def events(client: Any, execution: Dict[str, str]) -> List[Dict[str, Any]]:
    """Every event of the execution (raw wire dicts)."""
    found: List[Dict[str, Any]] = []
    for page in client.paginate("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution):
        found.extend(page.get("events", []))
    return found


def of_type(all_events: List[Dict[str, Any]], event_type: str) -> List[Dict[str, Any]]:
    return [e for e in all_events if e["eventType"] == event_type]


def attributes(event: Dict[str, Any]) -> Dict[str, Any]:
    key = event["eventType"][0].lower() + event["eventType"][1:] + "EventAttributes"
    return event.get(key, {})


def closing(all_events: List[Dict[str, Any]]) -> Optional[Dict[str, Any]]:
    return all_events[-1] if all_events else None
