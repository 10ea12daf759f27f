"""A parent workflow that starts a child workflow and completes with the child's result.

The parent starts ``child`` with its input; the child runs the ``shout`` activity and completes
with its result; the parent sees ``ChildWorkflowExecutionCompleted`` and completes with
``parent got: <child result>``. One decider class handles both workflow types.

Run it: ``python examples/child_workflow.py`` prints ``parent got: HELLO FROM THE CHILD!``.
"""
from __future__ import annotations

import sys
import uuid
from typing import Optional

from swfkit.actors import Decider, Worker, WorkflowTypeRegistration, activity, ensure_registered
from swfkit.decisions import Decisions

from local_swf import polling, result_of, swf_client, wait_for_close

DOMAIN = "examples"
DECISIONS, ACTIVITIES = "family-decisions", "family-activities"
WORKFLOW_DEFAULTS = dict(task_list=DECISIONS, execution_start_to_close_timeout=300,
                         task_start_to_close_timeout=30, child_policy="TERMINATE")


class ShoutWorker(Worker):
    domain, task_list = DOMAIN, ACTIVITIES

    @activity("shout", "1", task_list=ACTIVITIES, schedule_to_start_timeout=60, start_to_close_timeout=30,
              schedule_to_close_timeout=90, heartbeat_timeout="NONE")
    def shout(self, input: Optional[str]) -> str:
        return (input or "").upper() + "!"


class FamilyDecider(Decider):
    domain, task_list = DOMAIN, DECISIONS
    workflow_types = [WorkflowTypeRegistration("parent", "1", **WORKFLOW_DEFAULTS),
                      WorkflowTypeRegistration("child", "1", **WORKFLOW_DEFAULTS)]

    def decide(self, task) -> Decisions:  # type: ignore[no-untyped-def]
        if task.workflow_type["name"] == "parent":
            return self.decide_parent(task)
        return self.decide_child(task)

    def decide_parent(self, task) -> Decisions:  # type: ignore[no-untyped-def]
        decisions = Decisions()
        child_id = task.workflow_id + "-child"
        child = task.state.children.get(child_id)
        if child is None:
            decisions.start_child_workflow_execution(("child", "1"), child_id, input=task.input)
        elif child.status == "completed":
            decisions.complete_workflow_execution(result="parent got: %s" % child.result)
        elif child.status not in ("start_initiated", "started"):
            decisions.fail_workflow_execution(reason="child %s" % child.status, details=child.reason or child.cause)
        return decisions

    def decide_child(self, task) -> Decisions:  # type: ignore[no-untyped-def]
        decisions = Decisions()
        shout = task.state.activities.get("shout")
        if shout is None:
            decisions.schedule_activity_task("shout", ("shout", "1"), input=task.input)
        elif shout.status == "completed":
            decisions.complete_workflow_execution(result=shout.result)
        elif not shout.is_open:
            decisions.fail_workflow_execution(reason="shout %s" % shout.status)
        return decisions


def main(text: str) -> str:
    with swf_client() as swf:
        decider, worker = FamilyDecider(swf), ShoutWorker(swf)
        ensure_registered(swf, DOMAIN, workflow_types=decider.workflow_types, activity_types=worker.activity_types())
        with polling(decider, worker):
            workflow_id = "parent-%s" % uuid.uuid4().hex[:8]
            run = swf.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id, input=text,
                                               workflow_type={"name": "parent", "version": "1"})
            return result_of(wait_for_close(swf, DOMAIN, {"workflowId": workflow_id, "runId": run["runId"]}))


if __name__ == "__main__":
    result = main("hello from the child")
    print(result)
    sys.exit(0 if result == "parent got: HELLO FROM THE CHILD!" else 1)
