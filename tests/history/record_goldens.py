"""Record the golden histories of ``tests/histories/`` from the embedded server.

    python tests/history/record_goldens.py

Each scenario drives real executions through Layer1 (deciders and workers written inline, with
wire-format decisions) on a server with a manual clock, then saves the history SWF-style:
``{"description": ..., "events": [...]}``. Run ids differ between recordings; nothing else should.
"""
from __future__ import annotations

import json
import os
import sys
from typing import Any, Callable, Dict, List, Optional

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, ROOT)

from swfkit.layer1 import Layer1  # noqa: E402
from swfkit.server import ManualClock, SWFServer  # noqa: E402

OUT = os.path.join(ROOT, "tests", "histories")
DOMAIN = "golden"


def decision(decision_type: str, **attributes: Any) -> Dict[str, Any]:
    key = decision_type[0].lower() + decision_type[1:] + "DecisionAttributes"
    return {"decisionType": decision_type, key: attributes}


def schedule(activity_id: str, input: str, name: str = "echo", **extra: Any) -> Dict[str, Any]:
    return decision("ScheduleActivityTask", activityId=activity_id, activityType={"name": name, "version": "1"},
                    input=input, **extra)


class Rig:
    """Start executions, play decider and worker, fetch histories."""

    def __init__(self, swf: Layer1, clock: ManualClock) -> None:
        self.swf, self.clock = swf, clock

    def start(self, workflow_id: str, input: Optional[str] = None, name: str = "golden-flow", **extra: Any) -> str:
        return self.swf.start_workflow_execution(
            domain=DOMAIN, workflow_id=workflow_id, workflow_type={"name": name, "version": "1"},
            input=input, tag_list=["golden"], **extra)["runId"]

    def poll(self, task_list: str = "deciders") -> Dict[str, Any]:
        task = self.swf.poll_for_decision_task(domain=DOMAIN, task_list={"name": task_list}, identity="decider-1")
        assert task.get("taskToken"), "no decision task on %s" % task_list
        return task

    def decide(self, *decisions: Dict[str, Any], task_list: str = "deciders", context: Optional[str] = None) -> Dict[str, Any]:
        task = self.poll(task_list)
        self.respond(task, *decisions, context=context)
        return task

    def respond(self, task: Dict[str, Any], *decisions: Dict[str, Any], context: Optional[str] = None) -> None:
        self.swf.respond_decision_task_completed(task_token=task["taskToken"], decisions=list(decisions),
                                                 execution_context=context)

    def activity(self, task_list: str = "workers") -> Dict[str, Any]:
        task = self.swf.poll_for_activity_task(domain=DOMAIN, task_list={"name": task_list}, identity="worker-1")
        assert task.get("taskToken"), "no activity task on %s" % task_list
        return task

    def work(self, outcome: str = "complete", value: Optional[str] = None, task_list: str = "workers") -> Dict[str, Any]:
        task = self.activity(task_list)
        token = task["taskToken"]
        if outcome == "complete":
            self.swf.respond_activity_task_completed(task_token=token, result=value or "done:" + (task.get("input") or ""))
        elif outcome == "fail":
            self.swf.respond_activity_task_failed(task_token=token, reason=value or "boom", details="stack trace")
        else:
            self.swf.respond_activity_task_canceled(task_token=token, details=value)
        return task

    def history(self, workflow_id: str, run_id: str) -> List[Dict[str, Any]]:
        events: List[Dict[str, Any]] = []
        token = None
        while True:
            page = self.swf.get_workflow_execution_history(
                domain=DOMAIN, execution={"workflowId": workflow_id, "runId": run_id}, next_page_token=token)
            events.extend(page.get("events", []))
            token = page.get("nextPageToken")
            if not token:
                return events


def activity_round_trip(rig: Rig) -> List[Dict[str, Any]]:
    """Two activities one after the other, then the workflow completes."""
    run = rig.start("round-trip", input='{"n": 1}')
    rig.decide(schedule("step-1", '{"n": 1}'), context="after-start")
    rig.work(value='{"n": 2}')
    rig.decide(schedule("step-2", '{"n": 2}'))
    rig.work(value='{"n": 3}')
    rig.decide(decision("CompleteWorkflowExecution", result='{"n": 3}'))
    return rig.history("round-trip", run)


def timers_and_markers(rig: Rig) -> List[Dict[str, Any]]:
    """Timers fired, canceled, reused and refused; markers recorded under one name."""
    run = rig.start("timers")
    rig.decide(decision("StartTimer", timerId="short", startToFireTimeout="5", control="c1"),
               decision("StartTimer", timerId="long", startToFireTimeout="300"),
               decision("RecordMarker", markerName="progress", details="1"))
    rig.clock.advance(6)
    rig.decide(decision("CancelTimer", timerId="long"),
               decision("RecordMarker", markerName="progress", details="2"),
               decision("StartTimer", timerId="short", startToFireTimeout="5"),
               decision("StartTimer", timerId="short", startToFireTimeout="5"),
               decision("CancelTimer", timerId="never-started"))
    rig.decide(decision("CancelTimer", timerId="short"),
               decision("RecordMarker", markerName="progress", details="3"),
               decision("CompleteWorkflowExecution"))
    return rig.history("timers", run)


def signals(rig: Rig) -> List[Dict[str, Any]]:
    """Signals before the first decision, and one while a close decision is being made
    (CompleteWorkflowExecutionFailed with UNHANDLED_DECISION)."""
    run = rig.start("signals")
    rig.swf.signal_workflow_execution(domain=DOMAIN, workflow_id="signals", signal_name="go", input="1")
    rig.swf.signal_workflow_execution(domain=DOMAIN, workflow_id="signals", signal_name="go", input="2")
    task = rig.poll()
    rig.swf.signal_workflow_execution(domain=DOMAIN, workflow_id="signals", signal_name="stop")
    rig.respond(task, decision("CompleteWorkflowExecution", result="early"))
    rig.decide(decision("CompleteWorkflowExecution", result="stopped"))
    return rig.history("signals", run)


def child_workflows(rig: Rig) -> List[Dict[str, Any]]:
    """A child that completes, one that fails, and one refused because its type is unknown."""
    run = rig.start("parent")
    child = {"name": "golden-child", "version": "1"}
    rig.decide(decision("StartChildWorkflowExecution", workflowId="child-ok", workflowType=child, input="a",
                        control="first"),
               decision("StartChildWorkflowExecution", workflowId="child-bad", workflowType=child, input="b"),
               decision("StartChildWorkflowExecution", workflowId="child-unknown",
                        workflowType={"name": "no-such-flow", "version": "1"}))
    for _ in range(2):
        task = rig.poll("children")
        if task["workflowExecution"]["workflowId"] == "child-ok":
            rig.respond(task, decision("CompleteWorkflowExecution", result="child result"))
        else:
            rig.respond(task, decision("FailWorkflowExecution", reason="child broke", details="details"))
    while True:  # the parent may see the children close over one or more decision tasks
        task = rig.poll()
        events = rig.history("parent", run)
        closed = [e for e in events if e["eventType"] in ("ChildWorkflowExecutionCompleted", "ChildWorkflowExecutionFailed")]
        if len(closed) == 2:
            rig.respond(task, decision("CompleteWorkflowExecution", result="children done"))
            break
        rig.respond(task)
    return rig.history("parent", run)


def continue_as_new(rig: Rig) -> List[List[Dict[str, Any]]]:
    """A run that continues as new, and the run it continues into."""
    first = rig.start("looping", input="page-1")
    rig.decide(decision("ContinueAsNewWorkflowExecution", input="page-2"))
    events = rig.history("looping", first)
    second = events[-1]["workflowExecutionContinuedAsNewEventAttributes"]["newExecutionRunId"]
    rig.decide(decision("RecordMarker", markerName="page", details="2"),
               decision("CompleteWorkflowExecution", result="all pages"))
    return [events, rig.history("looping", second)]


def failures_and_timeouts(rig: Rig) -> List[Dict[str, Any]]:
    """An activity that fails, is retried under the same id and times out; an unknown activity
    type refused; the workflow fails."""
    run = rig.start("unlucky")
    rig.decide(schedule("fetch", "try-1"))
    rig.work("fail", "TransientError")
    rig.decide(schedule("fetch", "try-2", scheduleToStartTimeout="10"))
    rig.clock.advance(11)
    rig.decide(schedule("bogus", "x", name="no-such-activity"))
    rig.decide(decision("FailWorkflowExecution", reason="gave up", details="fetch timed out"))
    return rig.history("unlucky", run)


def cancellations(rig: Rig) -> List[Dict[str, Any]]:
    """Cancel requests for a started and a scheduled activity and an unknown id; the workflow
    is asked to cancel and does."""
    run = rig.start("canceler")
    rig.decide(schedule("running", "r"), schedule("waiting", "w", taskList={"name": "idle-workers"}))
    started = rig.activity()
    rig.swf.signal_workflow_execution(domain=DOMAIN, workflow_id="canceler", signal_name="cancel-them")
    rig.decide(decision("RequestCancelActivityTask", activityId="running"),
               decision("RequestCancelActivityTask", activityId="waiting"),
               decision("RequestCancelActivityTask", activityId="ghost"))
    heartbeat = rig.swf.record_activity_task_heartbeat(task_token=started["taskToken"], details="50%")
    assert heartbeat["cancelRequested"] is True
    rig.swf.respond_activity_task_canceled(task_token=started["taskToken"], details="stopped at 50%")
    rig.decide()
    rig.swf.request_cancel_workflow_execution(domain=DOMAIN, workflow_id="canceler")
    rig.decide(decision("CancelWorkflowExecution", details="as asked"))
    return rig.history("canceler", run)


def external_workflows(rig: Rig) -> List[Dict[str, Any]]:
    """Signals and a cancel request sent to another execution, and a signal to nobody."""
    rig.start("target")
    run = rig.start("sender")
    for _ in range(2):  # the first decision task of each execution
        task = rig.poll()
        if task["workflowExecution"]["workflowId"] == "target":
            rig.respond(task)
        else:
            rig.respond(task,
                        decision("SignalExternalWorkflowExecution", workflowId="target", signalName="hello",
                                 input="hi", control="greeting"),
                        decision("RequestCancelExternalWorkflowExecution", workflowId="target"),
                        decision("SignalExternalWorkflowExecution", workflowId="nobody", signalName="hello"))
    for _ in range(6):  # both executions get decision tasks for what happened; finish the sender
        task = rig.swf.poll_for_decision_task(domain=DOMAIN, task_list={"name": "deciders"}, identity="decider-1")
        if not task.get("taskToken"):
            break
        if task["workflowExecution"]["workflowId"] == "target":
            rig.respond(task, decision("CancelWorkflowExecution"))
            continue
        events = rig.history("sender", run)
        types = {e["eventType"] for e in events}
        if {"ExternalWorkflowExecutionSignaled", "ExternalWorkflowExecutionCancelRequested",
                "SignalExternalWorkflowExecutionFailed"} <= types:
            rig.respond(task, decision("CompleteWorkflowExecution"))
            continue  # the target's task may still wait (its signal is delivered after the sender's events)
        rig.respond(task)
    return rig.history("sender", run)


def lambdas(rig: Rig) -> List[Dict[str, Any]]:
    """A Lambda function that completes and one that raises."""
    run = rig.start("lambdas", lambda_role="arn:aws:iam::123456789012:role/swf-lambda")
    rig.decide(decision("ScheduleLambdaFunction", id="double-it", name="double", input="21"),
               decision("ScheduleLambdaFunction", id="explode", name="explode", input="{}"))
    for _ in range(4):
        task = rig.poll()
        types = [e["eventType"] for e in rig.history("lambdas", run)]
        if types.count("LambdaFunctionCompleted") + types.count("LambdaFunctionFailed") == 2:
            rig.respond(task, decision("CompleteWorkflowExecution", result="42"))
            break
        rig.respond(task)
    return rig.history("lambdas", run)


def terminated(rig: Rig) -> List[Dict[str, Any]]:
    """An execution terminated by an operator while an activity and a timer are open."""
    run = rig.start("doomed")
    rig.decide(schedule("slow", "s"), decision("StartTimer", timerId="tick", startToFireTimeout="60"))
    rig.swf.terminate_workflow_execution(domain=DOMAIN, workflow_id="doomed", reason="operator", details="cleanup")
    return rig.history("doomed", run)


def timed_out(rig: Rig) -> List[Dict[str, Any]]:
    """An execution whose start-to-close timeout expires; the decision task before it timed out too."""
    run = rig.start("sleepy", execution_start_to_close_timeout="100")
    rig.poll()                      # started, never answered
    rig.clock.advance(61)           # task start-to-close (60 s) expires
    rig.clock.advance(40)           # then the execution's 100 s
    return rig.history("sleepy", run)


SCENARIOS: Dict[str, Callable[[Rig], Any]] = {
    "activity_round_trip": activity_round_trip, "timers_and_markers": timers_and_markers,
    "signals": signals, "child_workflows": child_workflows, "continue_as_new": continue_as_new,
    "failures_and_timeouts": failures_and_timeouts, "cancellations": cancellations,
    "external_workflows": external_workflows, "lambdas": lambdas, "terminated": terminated,
    "timed_out": timed_out,
}


def _explode(payload: Any) -> Any:
    raise RuntimeError("lambda exploded")


def main(names: List[str]) -> int:
    clock = ManualClock()
    server = SWFServer(poll_timeout=1.0, clock=clock, lambdas={"double": lambda x: 2 * int(x), "explode": _explode})
    server.start()
    try:
        swf = Layer1(endpoint_url=server.endpoint_url, region="us-east-1", aws_access_key_id="golden",
                     aws_secret_access_key="golden")
        swf.register_domain(name=DOMAIN, workflow_execution_retention_period_in_days="1")
        for name, task_list in (("golden-flow", "deciders"), ("golden-child", "children")):
            swf.register_workflow_type(domain=DOMAIN, name=name, version="1", default_task_list={"name": task_list},
                                       default_child_policy="TERMINATE", default_task_start_to_close_timeout="60",
                                       default_execution_start_to_close_timeout="3600")
        swf.register_activity_type(domain=DOMAIN, name="echo", version="1", default_task_list={"name": "workers"},
                                   default_task_schedule_to_start_timeout="300",
                                   default_task_schedule_to_close_timeout="600",
                                   default_task_start_to_close_timeout="300", default_task_heartbeat_timeout="NONE")
        rig = Rig(swf, clock)
        for name, scenario in SCENARIOS.items():
            if names and name not in names:
                continue
            histories = scenario(rig)
            runs = histories if histories and isinstance(histories[0], list) else [histories]
            for index, events in enumerate(runs):
                suffix = "" if len(runs) == 1 else "_run%d" % (index + 1)
                path = os.path.join(OUT, name + suffix + ".json")
                with open(path, "w") as handle:
                    json.dump({"description": (scenario.__doc__ or "").strip(), "events": events}, handle, indent=1)
                    handle.write("\n")
                print("%s: %d events" % (path, len(events)))
    finally:
        server.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
