"""Executions built for the operator commands' tests, driven call by call through ``Layer1`` on the
embedded server: a test plays decider and worker, so every history is exactly the one it needs."""
from __future__ import annotations

import time
import uuid
from typing import Any, Dict, List, Optional

DOMAIN = "cli-tests"
WORKFLOW = {"name": "ops-flow", "version": "1"}
ACTIVITY = {"name": "ops-work", "version": "1"}


def register(layer1: Any) -> None:
    """The domain and the two types (idempotent enough for one server)."""
    from swfkit.actors import ensure_registered
    from swfkit.actors.registration import ActivityTypeRegistration, WorkflowTypeRegistration

    ensure_registered(layer1, DOMAIN, workflow_types=[WorkflowTypeRegistration(
        WORKFLOW["name"], WORKFLOW["version"], task_list="ops-deciders", execution_start_to_close_timeout=600,
        task_start_to_close_timeout=30, child_policy="TERMINATE")],
        activity_types=[ActivityTypeRegistration(ACTIVITY["name"], ACTIVITY["version"], task_list="ops-work",
                                                 start_to_close_timeout=60, schedule_to_start_timeout="NONE",
                                                 schedule_to_close_timeout="NONE", heartbeat_timeout="NONE")])


class Run:
    """One execution and its own task lists; ``decide``/``work`` act as its decider and worker."""

    def __init__(self, layer1: Any, prefix: str, *, task_timeout: str = "30", input: Optional[str] = None,
                 tags: Optional[List[str]] = None) -> None:
        self.layer1 = layer1
        suffix = uuid.uuid4().hex[:8]
        self.workflow_id = "%s-%s" % (prefix, suffix)
        self.decisions = "d-%s" % suffix
        self.work_list = "w-%s" % suffix
        answer = layer1.start_workflow_execution(
            domain=DOMAIN, workflow_id=self.workflow_id, workflow_type=WORKFLOW, task_list={"name": self.decisions},
            input=input, tag_list=tags, task_start_to_close_timeout=task_timeout,
            execution_start_to_close_timeout="600", child_policy="TERMINATE")
        self.run_id = answer["runId"]

    def decision_task(self) -> Dict[str, Any]:
        for _ in range(10):
            task = self.layer1.poll_for_decision_task(domain=DOMAIN, task_list={"name": self.decisions},
                                                      identity="test-decider")
            if task.get("taskToken"):
                return task  # type: ignore[no-any-return]
        raise AssertionError("no decision task for %s" % self.workflow_id)

    def decide(self, *decisions: Dict[str, Any]) -> None:
        task = self.decision_task()
        self.layer1.respond_decision_task_completed(task_token=task["taskToken"], decisions=list(decisions))

    def schedule(self, activity_id: str, start_to_close: str = "60") -> Dict[str, Any]:
        return {"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
            "activityId": activity_id, "activityType": ACTIVITY, "taskList": {"name": self.work_list},
            "input": '{"n": "%s"}' % activity_id, "startToCloseTimeout": start_to_close}}

    @staticmethod
    def timer(timer_id: str, seconds: str = "0") -> Dict[str, Any]:
        return {"decisionType": "StartTimer", "startTimerDecisionAttributes": {"timerId": timer_id,
                                                                              "startToFireTimeout": seconds}}

    @staticmethod
    def close(kind: str = "CompleteWorkflowExecution", **attributes: str) -> Dict[str, Any]:
        return {"decisionType": kind, kind[0].lower() + kind[1:] + "DecisionAttributes": attributes}

    def work(self, outcome: str = "complete", pause: float = 0.0) -> Dict[str, Any]:
        """Take one activity task and answer it (``complete``, ``fail`` or ``drop``: never answer)."""
        for _ in range(10):
            task = self.layer1.poll_for_activity_task(domain=DOMAIN, task_list={"name": self.work_list},
                                                      identity="test-worker-1")
            if task.get("taskToken"):
                break
        else:
            raise AssertionError("no activity task for %s" % self.workflow_id)
        if pause:
            time.sleep(pause)
        if outcome == "complete":
            self.layer1.respond_activity_task_completed(task_token=task["taskToken"], result='"ok"')
        elif outcome == "fail":
            self.layer1.respond_activity_task_failed(task_token=task["taskToken"], reason="boom",
                                                     details="Traceback...\nValueError: boom")
        return task  # type: ignore[no-any-return]

    def history(self) -> List[Dict[str, Any]]:
        events: List[Dict[str, Any]] = []
        for page in self.layer1.paginate("GetWorkflowExecutionHistory", domain=DOMAIN,
                                         execution={"workflowId": self.workflow_id, "runId": self.run_id}):
            events.extend(page["events"])
        return events


def wait_for(run: Run, event_type: str, timeout: float = 15.0) -> None:
    """Until the history holds ``event_type`` (the server's timers and timeouts run in real time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(event["eventType"] == event_type for event in run.history()):
            return
        time.sleep(0.1)
    raise AssertionError("%s never recorded %s" % (run.workflow_id, event_type))


def completed_run(layer1: Any) -> Run:
    """Two activities (one slow), a timer, a signal and a marker; completed."""
    run = Run(layer1, "completed", input='{"x": 1}', tags=["ops"])
    run.decide(run.schedule("fast"), run.schedule("slow"), run.timer("pause"),
               {"decisionType": "RecordMarker", "recordMarkerDecisionAttributes": {"markerName": "checkpoint"}})
    run.work("complete")
    run.work("complete", pause=0.3)
    layer1.signal_workflow_execution(domain=DOMAIN, workflow_id=run.workflow_id, signal_name="go")
    wait_for(run, "TimerFired")
    while True:  # answer every decision task until the close is accepted
        run.decide(run.close(result='"done"'))
        if run.history()[-1]["eventType"] == "WorkflowExecutionCompleted":
            return run


def failed_run(layer1: Any) -> Run:
    """One activity fails; the decider fails the execution."""
    run = Run(layer1, "failed")
    run.decide(run.schedule("doomed"))
    run.work("fail")
    run.decide(run.close("FailWorkflowExecution", reason="doomed failed", details="ValueError: boom"))
    return run


def retried_run(layer1: Any) -> Run:
    """The same activity id fails, then is scheduled again and completes: two attempts."""
    run = Run(layer1, "retried")
    run.decide(run.schedule("flaky"))
    run.work("fail")
    run.decide(run.schedule("flaky"))
    run.work("complete")
    run.decide(run.close(result='"done"'))
    return run


def timed_out_run(layer1: Any) -> Run:
    """An activity times out (start to close, 1 s); the execution is left open with it closed."""
    run = Run(layer1, "timedout")
    run.decide(run.schedule("sleepy", start_to_close="1"))
    run.work("drop")
    wait_for(run, "ActivityTaskTimedOut")
    run.decide(run.close(result='"gave up"'))
    return run


def nothing_scheduled_run(layer1: Any) -> Run:
    """Stuck: the decider answered with no decisions."""
    run = Run(layer1, "idle")
    run.decide()
    return run


def failing_decisions_run(layer1: Any, count: int = 3) -> Run:
    """Stuck: ``count`` decision tasks in a row taken and never answered (1 s timeouts)."""
    run = Run(layer1, "looping", task_timeout="1")
    for number in range(1, count + 1):
        run.decision_task()
        deadline = time.monotonic() + 15
        while sum(e["eventType"] == "DecisionTaskTimedOut" for e in run.history()) < number:
            assert time.monotonic() < deadline, "decision task %d never timed out" % number
            time.sleep(0.1)
    return run


def many_tasks_run(layer1: Any, activities: int = 1000, timers: int = 1000) -> Run:
    """``activities + timers`` tasks in one decision: of the activities, every tenth worked is
    failed and the last 20 are left open; the timers fire."""
    run = Run(layer1, "many")
    run.decide(*[run.schedule("a-%04d" % number) for number in range(activities)],
               *[run.timer("t-%04d" % number) for number in range(timers)])
    for number in range(activities - 20):
        run.work("fail" if number % 10 == 9 else "complete")
    return run
