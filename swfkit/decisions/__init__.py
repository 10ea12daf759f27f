"""Decision builders, their validation against SWF's rules, and the ``Decisions`` list.

::

    from swfkit.decisions import Decisions, activity_id_for

    decisions = Decisions()
    decisions.schedule_activity_task(activity_id_for("A", "1", data), ("A", "1"), input=data,
                                     task_list="work", start_to_close_timeout=timedelta(minutes=5))
    swf.respond_decision_task_completed(task_token=token, decisions=decisions.to_list())

Bad input raises ``swfkit.exceptions.ValidationError`` before anything is sent; its ``path``
names the decision and member (``decisions[0].scheduleActivityTaskDecisionAttributes.activityId``)
and its ``rule`` the rule broken.
"""
from swfkit.decisions.activity_ids import activity_id_for
from swfkit.decisions.builders import (
    BUILDERS,
    cancel_timer,
    cancel_workflow_execution,
    complete_workflow_execution,
    continue_as_new_workflow_execution,
    fail_workflow_execution,
    record_marker,
    request_cancel_activity_task,
    request_cancel_external_workflow_execution,
    schedule_activity_task,
    schedule_lambda_function,
    signal_external_workflow_execution,
    start_child_workflow_execution,
    start_timer,
)
from swfkit.decisions.collection import Decisions
from swfkit.decisions.decision import CLOSE_DECISION_TYPES, Decision

__all__ = [
    "BUILDERS",
    "CLOSE_DECISION_TYPES",
    "Decision",
    "Decisions",
    "activity_id_for",
    "cancel_timer",
    "cancel_workflow_execution",
    "complete_workflow_execution",
    "continue_as_new_workflow_execution",
    "fail_workflow_execution",
    "record_marker",
    "request_cancel_activity_task",
    "request_cancel_external_workflow_execution",
    "schedule_activity_task",
    "schedule_lambda_function",
    "signal_external_workflow_execution",
    "start_child_workflow_execution",
    "start_timer",
]
