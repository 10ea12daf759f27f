"""The workflow and activity types of the order workflow, registered with boto3."""
from __future__ import annotations

from typing import Any

WORKFLOW = {"name": "order", "version": "1"}
CHARGE = {"name": "charge", "version": "1"}
DECISION_TASK_LIST = "order-decisions"
ACTIVITY_TASK_LIST = "order-activities"


def register_types(swf: Any, domain: str) -> None:
    """Register the workflow type and the activity type in ``domain``."""
    swf.register_workflow_type(
        domain=domain, **WORKFLOW, defaultTaskList={"name": DECISION_TASK_LIST},
        defaultExecutionStartToCloseTimeout=str(30 * 86400), defaultTaskStartToCloseTimeout="60",
        defaultChildPolicy="TERMINATE")
    swf.register_activity_type(
        domain=domain, **CHARGE, defaultTaskList={"name": ACTIVITY_TASK_LIST},
        defaultTaskScheduleToStartTimeout="3600", defaultTaskStartToCloseTimeout="3600",
        defaultTaskScheduleToCloseTimeout="7200", defaultTaskHeartbeatTimeout="NONE")
