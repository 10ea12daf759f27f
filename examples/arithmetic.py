"""(x + 1) * 2 as a workflow, with decisions built by hand from the history.

The decider reads the folded history (``task.state``) and answers with explicit decisions:
schedule ``increment`` with x; when it completes, schedule ``double`` with its result; when that
completes, complete the workflow with the answer. The worker holds the two activities.

Run it: ``python examples/arithmetic.py 3`` prints ``(3 + 1) * 2 = 8``.
"""
from __future__ import annotations

import json
import sys
import uuid
from typing import Optional

from swfkit.actors import Decider, Worker, WorkflowTypeRegistration, activity, ensure_registered
from swfkit.decisions import Decisions

from local_swf import polling, result_of, swf_client, wait_for_close

DOMAIN = "examples"


class ArithmeticWorker(Worker):
    domain, task_list = DOMAIN, "arithmetic-activities"

    @activity("increment", "1", start_to_close_timeout=30, schedule_to_start_timeout=60,
              schedule_to_close_timeout=90, heartbeat_timeout="NONE", task_list="arithmetic-activities")
    def increment(self, input: Optional[str]) -> str:
        return json.dumps(json.loads(input) + 1)

    @activity("double", "1", start_to_close_timeout=30, schedule_to_start_timeout=60,
              schedule_to_close_timeout=90, heartbeat_timeout="NONE", task_list="arithmetic-activities")
    def double(self, input: Optional[str]) -> str:
        return json.dumps(json.loads(input) * 2)


class ArithmeticDecider(Decider):
    domain, task_list = DOMAIN, "arithmetic-decisions"
    workflow_types = [WorkflowTypeRegistration("arithmetic", "1", task_list="arithmetic-decisions",
                                               execution_start_to_close_timeout=300,
                                               task_start_to_close_timeout=30, child_policy="TERMINATE")]

    def decide(self, task) -> Decisions:  # type: ignore[no-untyped-def]
        decisions = Decisions()
        increment = task.state.activities.get("increment")
        double = task.state.activities.get("double")
        if increment is None:                                   # step 1: x + 1
            decisions.schedule_activity_task("increment", ("increment", "1"), input=task.input)
        elif increment.status == "completed" and double is None:  # step 2: (x + 1) * 2
            decisions.schedule_activity_task("double", ("double", "1"), input=increment.result)
        elif double is not None and double.status == "completed":  # done
            decisions.complete_workflow_execution(result=double.result)
        elif not (increment.is_open or (double and double.is_open)):  # an activity failed or timed out
            failed = double or increment
            decisions.fail_workflow_execution(reason="%s %s" % (failed.activity_id, failed.status),
                                              details=failed.details or failed.reason)
        return decisions


def main(x: int) -> int:
    with swf_client() as swf:
        decider, worker = ArithmeticDecider(swf), ArithmeticWorker(swf)
        ensure_registered(swf, DOMAIN, workflow_types=decider.workflow_types, activity_types=worker.activity_types())
        with polling(decider, worker):
            workflow_id = "arithmetic-%s" % uuid.uuid4().hex[:8]
            run = swf.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id,
                                               workflow_type={"name": "arithmetic", "version": "1"},
                                               input=json.dumps(x))
            close = wait_for_close(swf, DOMAIN, {"workflowId": workflow_id, "runId": run["runId"]})
        return json.loads(result_of(close))


if __name__ == "__main__":
    x = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    answer = main(x)
    print("(%d + 1) * 2 = %d" % (x, answer))
    sys.exit(0 if answer == (x + 1) * 2 else 1)
