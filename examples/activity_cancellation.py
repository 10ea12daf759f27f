"""Cancelling a running activity: the decider asks, the worker learns it from its heartbeat.

The workflow schedules ``count_slowly`` (one step every 0.1 s, a heartbeat per step) and a
``patience`` timer of 1 s. When the timer fires the decider decides RequestCancelActivityTask;
the worker's next heartbeat answers ``cancelRequested``, the activity raises
``ActivityCanceled(details=...)``, the worker answers RespondActivityTaskCanceled, and the
decider completes the workflow with the activity's last words.

Run it: ``python examples/activity_cancellation.py`` prints e.g. ``canceled: stopped at step 11``.
"""
from __future__ import annotations

import sys
import time
import uuid

from swfkit.actors import ActivityCanceled, Decider, Worker, WorkflowTypeRegistration, activity, ensure_registered
from swfkit.decisions import Decisions

from local_swf import polling, result_of, swf_client, wait_for_close

DOMAIN = "examples"


class SlowWorker(Worker):
    domain, task_list = DOMAIN, "cancellation-activities"

    @activity("count_slowly", "1", pass_task=True, task_list="cancellation-activities", heartbeat_timeout=10,
              schedule_to_start_timeout=60, start_to_close_timeout=120, schedule_to_close_timeout=180)
    def count_slowly(self, task) -> str:  # type: ignore[no-untyped-def]
        for step in range(600):
            if task.heartbeat("step %d" % step):  # True once the decider asked to cancel
                raise ActivityCanceled(details="stopped at step %d" % step)
            time.sleep(0.1)
        return "counted to the end"


class PatienceDecider(Decider):
    domain, task_list = DOMAIN, "cancellation-decisions"
    workflow_types = [WorkflowTypeRegistration("patience", "1", task_list="cancellation-decisions",
                                               execution_start_to_close_timeout=300,
                                               task_start_to_close_timeout=30, child_policy="TERMINATE")]

    def decide(self, task) -> Decisions:  # type: ignore[no-untyped-def]
        state, decisions = task.state, Decisions()
        work = state.activities.get("work")
        if work is None:
            decisions.schedule_activity_task("work", ("count_slowly", "1"))
            decisions.start_timer("patience", 1)
        elif work.status == "canceled":
            decisions.complete_workflow_execution(result="canceled: %s" % work.details)
        elif work.status == "completed":
            decisions.complete_workflow_execution(result="finished: %s" % work.result)
        elif not work.is_open:
            decisions.fail_workflow_execution(reason="work %s" % work.status, details=work.details)
        elif state.timers["patience"].status == "fired" and not work.cancel_requested:
            decisions.request_cancel_activity_task("work")
        return decisions


def main() -> str:
    with swf_client() as swf:
        decider, worker = PatienceDecider(swf), SlowWorker(swf)
        ensure_registered(swf, DOMAIN, workflow_types=decider.workflow_types, activity_types=worker.activity_types())
        with polling(decider, worker):
            workflow_id = "patience-%s" % uuid.uuid4().hex[:8]
            run = swf.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id,
                                               workflow_type={"name": "patience", "version": "1"})
            return result_of(wait_for_close(swf, DOMAIN, {"workflowId": workflow_id, "runId": run["runId"]}))


if __name__ == "__main__":
    result = main()
    print(result)
    sys.exit(0 if result.startswith("canceled: stopped at step ") else 1)
