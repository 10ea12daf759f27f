"""Signals and timers: a workflow that ticks every second until it is approved.

On start the decider starts a ``tick`` timer (1 s) and a ``deadline`` timer (30 s). Each time
``tick`` fires it records a ``tick`` marker and starts it again. When the ``approve`` signal
arrives it cancels both timers and completes with who approved and how many ticks it counted;
if ``deadline`` fires first, the workflow fails. This script sends the signal after two ticks.

Run it: ``python examples/signals_and_timers.py`` prints ``approved by ops after 2 ticks``.
"""
from __future__ import annotations

import json
import sys
import time
import uuid

from swfkit.actors import Decider, WorkflowTypeRegistration, ensure_registered
from swfkit.decisions import Decisions

from local_swf import history, polling, result_of, swf_client, wait_for_close

DOMAIN = "examples"


class ApprovalDecider(Decider):
    domain, task_list = DOMAIN, "approval-decisions"
    workflow_types = [WorkflowTypeRegistration("approval", "1", task_list="approval-decisions",
                                               execution_start_to_close_timeout=300,
                                               task_start_to_close_timeout=30, child_policy="TERMINATE")]

    def decide(self, task) -> Decisions:  # type: ignore[no-untyped-def]
        state, decisions = task.state, Decisions()
        ticks = len(state.markers.get("tick", []))
        approvals = [signal for signal in state.signals if signal.name == "approve"]
        if approvals:
            for timer_id, timer in state.timers.items():
                if timer.status == "started":
                    decisions.cancel_timer(timer_id)
            who = json.loads(approvals[0].input or "{}").get("by", "someone")
            decisions.complete_workflow_execution(result=json.dumps({"approved_by": who, "ticks": ticks}))
        elif "deadline" not in state.timers:
            decisions.start_timer("tick", 1)
            decisions.start_timer("deadline", 30)
        elif state.timers["deadline"].status == "fired":
            decisions.fail_workflow_execution(reason="not approved in time", details="%d ticks" % ticks)
        elif state.timers["tick"].status == "fired":
            decisions.record_marker("tick", details=str(ticks + 1))
            decisions.start_timer("tick", 1)  # a timer id is free again once its timer fired
        return decisions


def main() -> dict:
    with swf_client() as swf:
        decider = ApprovalDecider(swf)
        ensure_registered(swf, DOMAIN, workflow_types=decider.workflow_types)
        with polling(decider):
            workflow_id = "approval-%s" % uuid.uuid4().hex[:8]
            run = swf.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id,
                                               workflow_type={"name": "approval", "version": "1"})
            execution = {"workflowId": workflow_id, "runId": run["runId"]}
            deadline = time.monotonic() + 20
            while sum(e["eventType"] == "MarkerRecorded" for e in history(swf, DOMAIN, execution)) < 2:
                if time.monotonic() > deadline:
                    raise TimeoutError("the workflow did not tick twice in 20 s")
                time.sleep(0.1)  # let the workflow tick twice
            swf.signal_workflow_execution(domain=DOMAIN, workflow_id=workflow_id, signal_name="approve",
                                          input=json.dumps({"by": "ops"}))
            return json.loads(result_of(wait_for_close(swf, DOMAIN, execution)))


if __name__ == "__main__":
    outcome = main()
    print("approved by %(approved_by)s after %(ticks)d ticks" % outcome)
    sys.exit(0 if outcome["approved_by"] == "ops" and outcome["ticks"] >= 2 else 1)
