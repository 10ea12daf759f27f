"""The order decider: reads the whole history each time and answers with the next decisions."""
from __future__ import annotations

import json
from typing import Any, Dict, List

from orders.registration import ACTIVITY_TASK_LIST, CHARGE, DECISION_TASK_LIST

COOLING_OFF_SECONDS = 7 * 86400


def decide(events: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """The decisions for a history (pure: no I/O)."""
    types = [e["eventType"] for e in events]
    started = events[0]["workflowExecutionStartedEventAttributes"]
    if "TimerFired" in types:
        charged = next(e for e in events if e["eventType"] == "ActivityTaskCompleted")
        return [{"decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {
            "result": charged["activityTaskCompletedEventAttributes"]["result"]}}]
    if "ActivityTaskTimedOut" in types or "ActivityTaskFailed" in types:
        return [{"decisionType": "FailWorkflowExecution", "failWorkflowExecutionDecisionAttributes": {
            "reason": "charge-failed", "details": types[-4] if len(types) > 3 else ""}}]
    if "ActivityTaskCompleted" in types and "TimerStarted" not in types:
        return [{"decisionType": "StartTimer", "startTimerDecisionAttributes": {
            "timerId": "cooling-off", "startToFireTimeout": str(COOLING_OFF_SECONDS)}}]
    if "ActivityTaskScheduled" not in types:
        return [{"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
            "activityType": CHARGE, "activityId": "charge", "input": started.get("input", "{}"),
            "taskList": {"name": ACTIVITY_TASK_LIST}, "startToCloseTimeout": "3600"}}]
    return []


def poll_and_decide(swf: Any, domain: str) -> bool:
    """Take one decision task (long poll) and answer it; False if the poll came back empty."""
    task = swf.poll_for_decision_task(domain=domain, taskList={"name": DECISION_TASK_LIST})
    if not task.get("taskToken"):
        return False
    events = list(task["events"])
    token = task.get("nextPageToken")
    while token:
        page = swf.poll_for_decision_task(domain=domain, taskList={"name": DECISION_TASK_LIST}, nextPageToken=token)
        events.extend(page["events"])
        token = page.get("nextPageToken")
    swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=decide(events))
    return True


def order_input(order_id: str, amount: int) -> str:
    return json.dumps({"order_id": order_id, "amount": amount})
