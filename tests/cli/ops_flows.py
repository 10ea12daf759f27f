"""Workflows the ``standalone``, ``replay`` and ``activity rerun`` tests run by name (``ops_flows:Flow``)."""
from __future__ import annotations

import json
from typing import Any

from swfkit import futures
from swfkit.actors import Decider, WorkflowTypeRegistration, Worker, activity
from swfkit.decisions import Decisions


@futures.activity(task_list="ops-flow-work")
def add_one(x: int) -> int:
    return x + 1


@futures.activity(task_list="ops-flow-work")
def double(x: int) -> int:
    return x * 2


@futures.activity(task_list="ops-flow-work")
def explode(x: int) -> int:
    raise ValueError("cannot take %d" % x)


@futures.workflow(name="ops-flow", task_list="ops-flow-deciders")
class Flow:
    def run(self, x: int) -> int:
        first = self.submit(add_one, x).result()
        self.sleep(1)
        return self.submit(double, first).result()


@futures.workflow(name="ops-flow-changed", task_list="ops-flow-deciders")
class ChangedFlow:
    """``Flow`` after a careless change (``double`` first): must not replay Flow's histories."""

    def run(self, x: int) -> int:
        first = self.submit(double, x).result()
        self.sleep(1)
        return self.submit(add_one, first).result()


@futures.workflow(name="ops-flow-failing", task_list="ops-flow-deciders")
class FailingFlow:
    def run(self, x: int) -> int:
        return self.submit(explode, x).result()


class SquareDecider(Decider):
    """A plain Decider: one ``square`` activity on ``<task list>-activities``, then complete."""

    workflow_types = [WorkflowTypeRegistration("ops-square", "1", task_list="ops-square",
                                               execution_start_to_close_timeout=600, task_start_to_close_timeout=30,
                                               child_policy="TERMINATE")]

    def decide(self, task: Any) -> Decisions:
        decisions = Decisions()
        record = task.state.activities.get("sq")
        if record is None:
            decisions.schedule_activity_task("sq", {"name": "square", "version": "1"}, input=task.input,
                                             task_list="%s-activities" % self.task_list)
        elif record.status == "completed":
            decisions.complete_workflow_execution(result=record.result)
        elif not record.is_open:
            decisions.fail_workflow_execution(reason="square %s" % record.status)
        return decisions


class SquareWorker(Worker):
    @activity("square", "1", start_to_close_timeout=60, schedule_to_start_timeout="NONE",
              schedule_to_close_timeout="NONE", heartbeat_timeout="NONE")
    def square(self, input: str) -> str:
        return json.dumps(json.loads(input) ** 2)




from swfkit import flows  # noqa: E402  (a flow for the command tables of tests/cli/test_exit_codes.py)

OPS_FLOW = flows.Flow("ops-flow", steps=[flows.Step("first", main=add_one),
                                         flows.Step("second", main=double, depends_on=["first"])])
