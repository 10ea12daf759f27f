"""The classic two-server example: a decider and a worker in separate processes, A then B.

The workflow runs activity A on its input, then activity B on A's result, then completes with
B's result: ``"hello"`` → ``A(hello)`` → ``B(A(hello))``.

Run everything at once (embedded server, decider and worker as two child processes)::

    python examples/two_servers.py

Or run the parts yourself, each in its own terminal, against one endpoint::

    swfkit server --port 8777 &                   # or any SWF endpoint
    export AWS_ENDPOINT_URL_SWF=http://127.0.0.1:8777
    python examples/two_servers.py decider
    python examples/two_servers.py worker
    python examples/two_servers.py start hello    # prints the result
"""
from __future__ import annotations

import os
import subprocess
import sys
import uuid
from typing import Optional

from swfkit.actors import Decider, Worker, WorkflowTypeRegistration, activity, ensure_registered
from swfkit.decisions import Decisions
from swfkit.layer1 import Layer1

from local_swf import result_of, swf_client, wait_for_close

DOMAIN = "examples"
TIMEOUTS = dict(schedule_to_start_timeout=60, start_to_close_timeout=30, schedule_to_close_timeout=90,
                heartbeat_timeout="NONE", task_list="two-servers-activities")


class StepWorker(Worker):
    """The worker server: runs activities A and B."""

    domain, task_list = DOMAIN, "two-servers-activities"

    @activity("A", "1", **TIMEOUTS)
    def a(self, input: Optional[str]) -> str:
        return "A(%s)" % input

    @activity("B", "1", **TIMEOUTS)
    def b(self, input: Optional[str]) -> str:
        return "B(%s)" % input


class StepDecider(Decider):
    """The decider server: A, then B with A's result, then complete."""

    domain, task_list = DOMAIN, "two-servers-decisions"
    workflow_types = [WorkflowTypeRegistration("a-then-b", "1", task_list="two-servers-decisions",
                                               execution_start_to_close_timeout=300,
                                               task_start_to_close_timeout=30, child_policy="TERMINATE")]

    def decide(self, task) -> Decisions:  # type: ignore[no-untyped-def]
        decisions = Decisions()
        a, b = task.state.activities.get("A"), task.state.activities.get("B")
        if a is None:
            decisions.schedule_activity_task("A", ("A", "1"), input=task.input)
        elif a.status == "completed" and b is None:
            decisions.schedule_activity_task("B", ("B", "1"), input=a.result)
        elif b is not None and b.status == "completed":
            decisions.complete_workflow_execution(result=b.result)
        elif not a.is_open and not (b and b.is_open):
            decisions.fail_workflow_execution(reason="%s %s" % ((b or a).activity_id, (b or a).status))
        return decisions


def register(swf: Layer1) -> None:
    ensure_registered(swf, DOMAIN, workflow_types=StepDecider.workflow_types,
                      activity_types=StepWorker(swf).activity_types())


def start(swf: Layer1, text: str) -> str:
    """Start one execution and wait for its result."""
    workflow_id = "a-then-b-%s" % uuid.uuid4().hex[:8]
    run = swf.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id, input=text,
                                       workflow_type={"name": "a-then-b", "version": "1"})
    return result_of(wait_for_close(swf, DOMAIN, {"workflowId": workflow_id, "runId": run["runId"]}))


def serve(role: str) -> None:
    """Run the decider or the worker in this process until SIGTERM or Ctrl-C."""
    with swf_client() as swf:
        register(swf)
        actor = StepDecider(swf) if role == "decider" else StepWorker(swf)
        actor.run()


def main(text: str) -> str:
    """Start an embedded server, the two servers as child processes, and one execution."""
    with swf_client() as swf:
        register(swf)
        env = dict(os.environ, AWS_ENDPOINT_URL_SWF=swf.endpoint_url.rstrip("/"), AWS_DEFAULT_REGION=swf.region)
        env.setdefault("AWS_ACCESS_KEY_ID", "example")
        env.setdefault("AWS_SECRET_ACCESS_KEY", "example")
        servers = [subprocess.Popen([sys.executable, __file__, role], env=env) for role in ("decider", "worker")]
        try:
            return start(swf, text)
        finally:
            for server in servers:
                server.terminate()  # SIGTERM: finish the current poll, then exit
            for server in servers:
                server.wait(30)


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "all"
    if command != "all" and not os.environ.get("AWS_ENDPOINT_URL_SWF"):
        sys.exit("two_servers.py %s: set AWS_ENDPOINT_URL_SWF so the parts share one endpoint" % command)
    if command in ("decider", "worker"):
        serve(command)
    elif command == "start":
        with swf_client() as client:
            print(start(client, sys.argv[2] if len(sys.argv) > 2 else "hello"))
    else:
        result = main("hello")
        print("result: %s" % result)
        sys.exit(0 if result == "B(A(hello))" else 1)
