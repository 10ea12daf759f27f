"""Model-based fuzzing: random walks of signals, decisions and worker calls on one execution.

After every step the history is folded into a small model (open activities, pending activities,
open timers, open decision tasks) and checked against DescribeWorkflowExecution's openCounts,
CountPendingActivityTasks and the structural rules (contiguous ids, one decision task at most).
Timers are long (600 s), so every event comes from a call the test made: snapshots are exact.
"""
from __future__ import annotations

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

CLOSING = ("ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCanceled")


def fold(events):  # type: ignore[no-untyped-def]
    """The open work an event list implies."""
    scheduled, started, closed, timers = {}, set(), set(), {}
    waiting = started_open = 0  # decision tasks scheduled and not started; started and not closed
    for e in events:
        et = e["eventType"]
        a = e.get(et[0].lower() + et[1:] + "EventAttributes", {})
        if et == "ActivityTaskScheduled":
            scheduled[e["eventId"]] = a["activityId"]
        elif et == "ActivityTaskStarted":
            started.add(a["scheduledEventId"])
        elif et in CLOSING:
            closed.add(a["scheduledEventId"])
        elif et == "TimerStarted":
            timers[e["eventId"]] = a["timerId"]
        elif et in ("TimerFired", "TimerCanceled"):
            timers.pop(a["startedEventId"], None)
        elif et == "DecisionTaskScheduled":
            waiting += 1
        elif et == "DecisionTaskStarted":
            waiting, started_open = waiting - 1, started_open + 1
        elif et == "DecisionTaskCompleted" or (et == "DecisionTaskTimedOut" and a.get("startedEventId")):
            started_open -= 1
        elif et == "DecisionTaskTimedOut":
            waiting -= 1
        # as SWF: the next task may be scheduled while one is started; one of each at most
        assert 0 <= waiting <= 1 and 0 <= started_open <= 1, f"decision tasks {waiting}/{started_open} at {e['eventId']}"
    open_ids = {sid: aid for sid, aid in scheduled.items() if sid not in closed}
    pending = {sid for sid in open_ids if sid not in started}
    return {"open": open_ids, "pending": pending, "timers": timers, "decisions": int(bool(waiting or started_open)),
            "waiting": waiting, "decision_started": started_open == 1}


class ExecutionWalk(RuleBasedStateMachine):
    flow = None  # set by the test

    @initialize()
    def start(self) -> None:
        f = self.flow
        self.task_list = f.unique("acts")
        self.execution = f.start(taskList={"name": f.unique("dec")}, executionStartToCloseTimeout="3600",
                                 taskStartToCloseTimeout="NONE")
        self.decision_list = f.describe(self.execution)["executionConfiguration"]["taskList"]["name"]
        self.task = None
        self.held = []
        self.counter = 0

    def model(self):  # type: ignore[no-untyped-def]
        return fold(self.flow.history(self.execution))

    @rule(with_input=st.booleans())
    def signal(self, with_input: bool) -> None:
        kw = {"input": "x"} if with_input else {}
        self.flow.swf.signal_workflow_execution(domain=self.flow.domain, workflowId=self.execution["workflowId"],
                                                signalName="s", **kw)

    @precondition(lambda self: self.task is None)
    @rule()
    def take_decision_task(self) -> None:
        m = self.model()
        if m["waiting"] == 1 and not m["decision_started"]:
            self.task = self.flow.poll_decision(self.decision_list, wait=0)
            assert self.task["workflowExecution"] == self.execution

    @rule(kinds=st.lists(st.sampled_from(["schedule", "schedule", "cancel-activity", "timer", "cancel-timer",
                                          "marker", "cancel-unknown"]), max_size=4))
    def decide(self, kinds) -> None:  # type: ignore[no-untyped-def]
        if self.task is None:
            self.take_decision_task()
            if self.task is None:
                return
        m = self.model()
        decisions = []
        open_timers = list(m["timers"].values())
        open_activities = list(m["open"].values())
        for kind in kinds:
            self.counter += 1
            if kind == "schedule":
                decisions.append(self.flow.schedule(f"a{self.counter}", taskList={"name": self.task_list}))
            elif kind == "cancel-activity" and open_activities:
                decisions.append(self.flow.decision("RequestCancelActivityTask", activityId=open_activities.pop()))
            elif kind == "timer":
                decisions.append(self.flow.decision("StartTimer", timerId=f"t{self.counter}", startToFireTimeout="600"))
            elif kind == "cancel-timer" and open_timers:
                decisions.append(self.flow.decision("CancelTimer", timerId=open_timers.pop()))
            elif kind == "marker":
                decisions.append(self.flow.decision("RecordMarker", markerName="m"))
            elif kind == "cancel-unknown":
                decisions.append(self.flow.decision("CancelTimer", timerId="never-started"))
        self.flow.decide(self.task, *decisions)
        self.task = None

    @rule(action=st.sampled_from(["complete", "fail", "cancel", "hold", "heartbeat"]))
    def work(self, action: str) -> None:
        if not self.model()["pending"]:
            return
        activity = self.flow.poll_activity(self.task_list, wait=0)
        token = activity["taskToken"]
        swf = self.flow.swf
        if action == "hold":
            self.held.append(token)
        elif action == "heartbeat":
            swf.record_activity_task_heartbeat(taskToken=token)
            self.held.append(token)
        else:
            name = {"complete": "completed", "fail": "failed", "cancel": "canceled"}[action]
            getattr(swf, "respond_activity_task_" + name)(taskToken=token)

    @precondition(lambda self: bool(self.held))
    @rule()
    def finish_held(self) -> None:
        self.flow.swf.respond_activity_task_completed(taskToken=self.held.pop(0))

    @invariant()
    def counts_match_the_history(self) -> None:
        if not hasattr(self, "execution"):
            return
        events = self.flow.history(self.execution)
        assert [e["eventId"] for e in events] == list(range(1, len(events) + 1))
        m = fold(events)
        counts = self.flow.describe(self.execution)["openCounts"]
        assert counts["openActivityTasks"] == len(m["open"]), (counts, m)
        assert counts["openTimers"] == len(m["timers"]), (counts, m)
        assert counts["openDecisionTasks"] == m["decisions"], (counts, m)
        pending = self.flow.swf.count_pending_activity_tasks(domain=self.flow.domain,
                                                             taskList={"name": self.task_list})["count"]
        assert pending == len(m["pending"]), (pending, m)


def test_random_walks_keep_counts_and_history_consistent(flow):  # type: ignore[no-untyped-def]
    ExecutionWalk.flow = flow
    ExecutionWalk.TestCase.settings = settings(
        max_examples=15, stateful_step_count=30, deadline=None, derandomize=True,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    ExecutionWalk.TestCase().runTest()
