"""The classic two-step workflow, by hand: activity A, then activity B with A's result, then done.

Uses only the low layers: ``swfkit.layer1`` (the client), ``swfkit.history`` (fold the history
into state) and ``swfkit.decisions`` (build and validate the answer). No actors, no framework:
the decider loop is ~20 lines you can read top to bottom.

Run it against the embedded server (default) or any SWF endpoint::

    python examples/two_step_decider.py
    python examples/two_step_decider.py --endpoint-url http://127.0.0.1:8080 --input hello
"""
from __future__ import annotations

import argparse
import threading
import time
import uuid
from typing import Callable, Dict, List, Optional

from swfkit.decisions import Decisions, activity_id_for
from swfkit.exceptions import DomainAlreadyExistsFault, TypeAlreadyExistsFault
from swfkit.history import ExecutionState, History
from swfkit.layer1 import Layer1

DOMAIN = "swfkit-examples"
TASK_LIST = {"name": "two-step"}
WORKFLOW_TYPE = {"name": "TwoStep", "version": "1"}
STEP_A = {"name": "StepA", "version": "1"}
STEP_B = {"name": "StepB", "version": "1"}

#: What the worker runs for each activity type name: plain functions of the input string.
ACTIVITIES: Dict[str, Callable[[str], str]] = {
    "StepA": lambda data: "A(%s)" % data,
    "StepB": lambda data: "B(%s)" % data,
}


def register(swf: Layer1, domain: str = DOMAIN) -> None:
    """Register the domain and the three types; already registered is fine."""
    try:
        swf.register_domain(name=domain, workflow_execution_retention_period_in_days="1")
    except DomainAlreadyExistsFault:
        pass
    try:
        swf.register_workflow_type(
            domain=domain, name=WORKFLOW_TYPE["name"], version=WORKFLOW_TYPE["version"],
            default_task_list=TASK_LIST, default_child_policy="TERMINATE",
            default_execution_start_to_close_timeout="600", default_task_start_to_close_timeout="30")
    except TypeAlreadyExistsFault:
        pass
    for activity in (STEP_A, STEP_B):
        try:
            swf.register_activity_type(
                domain=domain, name=activity["name"], version=activity["version"], default_task_list=TASK_LIST,
                default_task_schedule_to_close_timeout="300", default_task_schedule_to_start_timeout="300",
                default_task_start_to_close_timeout="60", default_task_heartbeat_timeout="NONE")
        except TypeAlreadyExistsFault:
            pass


def decide(state: ExecutionState) -> Decisions:
    """The workflow's logic: a pure function from the folded history to the next decisions."""
    decisions = Decisions()
    data = state.execution.input or ""
    a_id = activity_id_for(STEP_A["name"], STEP_A["version"], data)
    a = state.activities.get(a_id)
    if a is None:
        decisions.schedule_activity_task(a_id, STEP_A, input=data)
        return decisions
    if a.status in ("failed", "timed_out", "canceled", "schedule_failed"):
        decisions.fail_workflow_execution(reason="step A %s" % a.status.replace("_", " "), details=a.reason)
        return decisions
    if a.status != "completed":
        return decisions  # A still running: nothing to do
    b_id = activity_id_for(STEP_B["name"], STEP_B["version"], a.result)
    b = state.activities.get(b_id)
    if b is None:
        decisions.schedule_activity_task(b_id, STEP_B, input=a.result)
    elif b.status in ("failed", "timed_out", "canceled", "schedule_failed"):
        decisions.fail_workflow_execution(reason="step B %s" % b.status.replace("_", " "), details=b.reason)
    elif b.status == "completed":
        decisions.complete_workflow_execution(result=b.result)
    return decisions


def decider_loop(swf: Layer1, domain: str, workflow_id: str, deadline: float) -> None:
    """Poll decision tasks and answer them until the execution ``workflow_id`` is closed."""
    while time.monotonic() < deadline:
        task = swf.poll_for_decision_task(domain=domain, task_list=TASK_LIST, identity="two-step-decider")
        if not task.get("taskToken"):
            continue  # an empty long poll
        history = History.for_decision_task(swf, task, domain=domain, task_list=TASK_LIST)
        decisions = decide(history.fold())
        swf.respond_decision_task_completed(task_token=task["taskToken"], decisions=decisions.to_list())
        execution = task["workflowExecution"]
        # A close decision can still fail (UNHANDLED_DECISION when an event arrived meanwhile):
        # only a closed execution ends the loop; otherwise SWF sends another decision task.
        if (execution["workflowId"] == workflow_id and any(d.is_close for d in decisions)
                and _is_closed(swf, domain, execution)):
            return
    raise TimeoutError("workflow %s did not close before the deadline" % workflow_id)


def worker_loop(swf: Layer1, domain: str, stop: threading.Event, errors: List[BaseException]) -> None:
    """Poll activity tasks, run the matching function, answer with its result or its failure.

    Returns when ``stop`` is set and the current long poll has returned; an error talking to SWF
    ends the loop and is appended to ``errors`` for the main thread to raise.
    """
    try:
        while not stop.is_set():
            task = swf.poll_for_activity_task(domain=domain, task_list=TASK_LIST, identity="two-step-worker")
            if not task.get("taskToken"):
                continue
            try:
                result = ACTIVITIES[task["activityType"]["name"]](task.get("input") or "")
            except Exception as error:  # report every failure to SWF: the decider decides what next
                swf.respond_activity_task_failed(task_token=task["taskToken"], reason=type(error).__name__[:256],
                                                 details=str(error)[:32_768])
            else:
                swf.respond_activity_task_completed(task_token=task["taskToken"], result=result)
    except BaseException as error:  # handed to main(): a thread's exception would be lost
        errors.append(error)


def _is_closed(swf: Layer1, domain: str, execution: Dict[str, str]) -> bool:
    info = swf.describe_workflow_execution(domain=domain, execution=execution)["executionInfo"]
    return info["executionStatus"] == "CLOSED"


def main(endpoint_url: str, input: str = "swfkit", *, domain: str = DOMAIN, timeout: float = 60.0,
         region: Optional[str] = None, aws_access_key_id: Optional[str] = None,
         aws_secret_access_key: Optional[str] = None) -> Optional[str]:
    """Register, start one execution, run decider and worker until it closes; return its result.

    Credentials come from the usual AWS chain unless given (the embedded server accepts any).

    Raises:
        TimeoutError: the execution did not close within ``timeout`` seconds.
        RuntimeError: it closed without completing (the close event is named).
    """
    with Layer1(region=region or "us-east-1", endpoint_url=endpoint_url, aws_access_key_id=aws_access_key_id,
                aws_secret_access_key=aws_secret_access_key) as swf:
        register(swf, domain)
        workflow_id = "two-step-%s" % uuid.uuid4().hex[:12]
        run_id = swf.start_workflow_execution(domain=domain, workflow_id=workflow_id,
                                              workflow_type=WORKFLOW_TYPE, input=input)["runId"]
        stop = threading.Event()
        errors: List[BaseException] = []
        worker = threading.Thread(target=worker_loop, args=(swf, domain, stop, errors), name="two-step-worker")
        worker.start()
        try:
            decider_loop(swf, domain, workflow_id, time.monotonic() + timeout)
        finally:
            stop.set()
            worker.join()  # returns once its current long poll does (up to 60 s on real SWF)
        if errors:
            raise errors[0]
        closing = list(History.for_execution(swf, domain, {"workflowId": workflow_id, "runId": run_id}))[-1]
        if closing.event_type != "WorkflowExecutionCompleted":
            raise RuntimeError("workflow %s closed with %s" % (workflow_id, closing.event_type))
        return closing.result


def _cli() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--endpoint-url", help="SWF endpoint (default: start an embedded server)")
    parser.add_argument("--region", default=None, help="AWS region for signing (default us-east-1)")
    parser.add_argument("--domain", default=DOMAIN)
    parser.add_argument("--input", default="swfkit")
    args = parser.parse_args()
    if args.endpoint_url:
        result = main(args.endpoint_url, args.input, domain=args.domain, region=args.region)
    else:
        from swfkit.server import running

        with running(poll_timeout=1.0) as endpoint_url:
            result = main(endpoint_url, args.input, domain=args.domain,
                          aws_access_key_id="example", aws_secret_access_key="example")
    print(result)
    return 0


if __name__ == "__main__":
    raise SystemExit(_cli())
