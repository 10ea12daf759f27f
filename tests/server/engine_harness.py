"""In-process driver of the server's engine for the test_engine_* tests (no HTTP, manual clock)."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from swfkit.exceptions import service_error
from swfkit.server import ManualClock, SWFServer
from swfkit.server import service

WF = {"name": "wf", "version": "1"}
ACT = {"name": "act", "version": "1"}


def attrs_key(decision_type: str) -> str:
    return decision_type[0].lower() + decision_type[1:] + "DecisionAttributes"


def decision(decision_type: str, **attributes: Any) -> Dict[str, Any]:
    return {"decisionType": decision_type, attrs_key(decision_type): attributes}


class Engine:
    """Calls operations straight on the service table; time moves only with :meth:`advance`."""

    def __init__(self, db: Optional[str] = None, lambdas: Any = None, setup: bool = True,
                 clock: Optional[ManualClock] = None) -> None:
        self.clock = clock or ManualClock()
        self.server = SWFServer(db, poll_timeout=0.02, clock=self.clock, lambdas=lambdas)
        if setup:
            self.call("RegisterDomain", name="d", workflowExecutionRetentionPeriodInDays="1")
            self.call("RegisterWorkflowType", domain="d", name="wf", version="1",
                      defaultTaskList={"name": "dl"}, defaultExecutionStartToCloseTimeout="3600",
                      defaultTaskStartToCloseTimeout="30", defaultChildPolicy="TERMINATE")
            self.call("RegisterActivityType", domain="d", name="act", version="1",
                      defaultTaskList={"name": "al"}, defaultTaskScheduleToStartTimeout="100",
                      defaultTaskScheduleToCloseTimeout="200", defaultTaskStartToCloseTimeout="100")

    def close(self) -> None:
        self.server.stop()

    def call(self, operation: str, **params: Any) -> Dict[str, Any]:
        status, body = service.call(self.server.ctx, operation, json.dumps(params).encode())
        data = json.loads(body or b"{}")  # operations without output answer an empty body
        if status != 200:
            raise service_error(data["__type"].rpartition("#")[2], data["message"], status_code=status)
        return data

    def start(self, workflow_id: str = "w", **params: Any) -> str:
        params.setdefault("workflowType", WF)
        return self.call("StartWorkflowExecution", domain="d", workflowId=workflow_id, **params)["runId"]

    def poll_decision(self, task_list: str = "dl", **params: Any) -> Dict[str, Any]:
        return self.call("PollForDecisionTask", domain="d", taskList={"name": task_list}, **params)

    def poll_activity(self, task_list: str = "al") -> Dict[str, Any]:
        return self.call("PollForActivityTask", domain="d", taskList={"name": task_list}, identity="worker")

    def respond(self, task: Dict[str, Any], *decisions: Dict[str, Any], **params: Any) -> None:
        self.call("RespondDecisionTaskCompleted", taskToken=task["taskToken"], decisions=list(decisions),
                  **params)

    def decide(self, *decisions: Dict[str, Any], task_list: str = "dl") -> Dict[str, Any]:
        task = self.poll_decision(task_list)
        assert task.get("taskToken"), "no decision task"
        self.respond(task, *decisions)
        return task

    def ref(self, workflow_id: str = "w") -> Dict[str, str]:
        """The newest run of ``workflow_id`` (open first)."""
        info = self.call("ListOpenWorkflowExecutions", domain="d", startTimeFilter={"oldestDate": 0},
                         executionFilter={"workflowId": workflow_id})["executionInfos"]
        if not info:
            info = self.call("ListClosedWorkflowExecutions", domain="d", startTimeFilter={"oldestDate": 0},
                             executionFilter={"workflowId": workflow_id})["executionInfos"]
        return info[0]["execution"]

    def describe(self, workflow_id: str = "w") -> Dict[str, Any]:
        return self.call("DescribeWorkflowExecution", domain="d", execution=self.ref(workflow_id))

    def events(self, workflow_id: str = "w", run_id: Optional[str] = None) -> List[Dict[str, Any]]:
        if run_id:
            execution = {"workflowId": workflow_id, "runId": run_id}
        else:
            execution = self.ref(workflow_id)
        events: List[Dict[str, Any]] = []
        token = None
        while True:
            extra = {"nextPageToken": token} if token else {}
            page = self.call("GetWorkflowExecutionHistory", domain="d", execution=execution, **extra)
            events += page["events"]
            token = page.get("nextPageToken")
            if not token:
                return events

    def types(self, workflow_id: str = "w", run_id: Optional[str] = None) -> List[str]:
        return [e["eventType"] for e in self.events(workflow_id, run_id)]

    def last(self, event_type: str, workflow_id: str = "w", run_id: Optional[str] = None) -> Dict[str, Any]:
        for event in reversed(self.events(workflow_id, run_id)):
            if event["eventType"] == event_type:
                key = event_type[0].lower() + event_type[1:] + "EventAttributes"
                return event.get(key, {})
        raise AssertionError("no %s in %s" % (event_type, self.types(workflow_id)[-20:]))

    def advance(self, seconds: float) -> None:
        self.clock.advance(seconds)
        self.server.fire_due_timeouts()
