"""The replay engine on hand-built histories: timeouts, refused decisions, splitting by size."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from swfkit import futures
from swfkit.futures import replay
from swfkit.futures.scheduling import DecisionBuffer
from swfkit.decisions import schedule_activity_task
from swfkit.history import fold


@futures.activity(task_list="t", retry=1)
def once_more(x: int) -> int:
    return x


@futures.activity(task_list="t")
def plain(x: int) -> int:
    return x


class Events:
    """A tiny history builder (wire dicts)."""

    def __init__(self, input: str = "[]") -> None:
        self.events: List[Dict[str, Any]] = []
        self.add("WorkflowExecutionStarted", workflowType={"name": "w", "version": "1"}, taskList={"name": "d"},
                 childPolicy="TERMINATE", input=input)
        self.decision()

    def add(self, event_type: str, **attributes: Any) -> int:
        key = event_type[0].lower() + event_type[1:] + "EventAttributes"
        self.events.append({"eventId": len(self.events) + 1, "eventType": event_type, "eventTimestamp": 1.0,
                            key: attributes})
        return len(self.events)

    def decision(self, complete: bool = False) -> int:
        scheduled = self.add("DecisionTaskScheduled", taskList={"name": "d"})
        started = self.add("DecisionTaskStarted", scheduledEventId=scheduled)
        if complete:
            return self.add("DecisionTaskCompleted", scheduledEventId=scheduled, startedEventId=started)
        return started

    def scheduled(self, activity_id: str, name: str, input: str, completed: int) -> int:
        return self.add("ActivityTaskScheduled", activityId=activity_id, activityType={"name": name, "version": "1"},
                        input=input, taskList={"name": "t"}, decisionTaskCompletedEventId=completed)


def decide(cls: Any, events: Events) -> futures.ReplayOutcome:
    return replay(cls, fold(events.events), workflow_id="wf", run_id="run")


@futures.workflow(name="units")
class Units:
    def run(self) -> Any:
        f = self.submit(once_more, 1)
        try:
            return f.result()
        except futures.ActivityTimedOut as error:
            return {"timeout": error.timeout_type, "attempts": error.attempts}


def test_a_timed_out_attempt_is_retried_under_the_same_id_then_reported() -> None:
    h = Events()
    completed = h.add("DecisionTaskCompleted", scheduledEventId=2, startedEventId=3)
    first = h.scheduled("1-once_more", "once_more", "[1]", completed)
    started = h.add("ActivityTaskStarted", scheduledEventId=first)
    h.add("ActivityTaskTimedOut", scheduledEventId=first, startedEventId=started, timeoutType="START_TO_CLOSE")
    h.decision()
    outcome = decide(Units, h)
    assert [(d.decision_type, d.attributes["activityId"]) for d in outcome.decisions] == \
        [("ScheduleActivityTask", "1-once_more")]
    completed = h.add("DecisionTaskCompleted", scheduledEventId=len(h.events) - 1, startedEventId=len(h.events))
    second = h.scheduled("1-once_more", "once_more", "[1]", completed)
    started = h.add("ActivityTaskStarted", scheduledEventId=second)
    h.add("ActivityTaskTimedOut", scheduledEventId=second, startedEventId=started, timeoutType="HEARTBEAT")
    h.decision()
    outcome = decide(Units, h)
    assert outcome.status == "completed" and futures.JSON.loads(outcome.result) == {"timeout": "HEARTBEAT",
                                                                                    "attempts": 2}


@futures.workflow(name="refused")
class Refused:
    def run(self) -> Any:
        return self.submit(plain, 1).result()


@pytest.mark.parametrize("cause, expected", [
    ("ACTIVITY_TYPE_DOES_NOT_EXIST", "failed"),
    ("OPEN_ACTIVITIES_LIMIT_EXCEEDED", "blocked"),  # transient: scheduled again
])
def test_a_refused_schedule_fails_the_future_or_is_retried_if_transient(cause: str, expected: str) -> None:
    h = Events()
    completed = h.add("DecisionTaskCompleted", scheduledEventId=2, startedEventId=3)
    h.add("ScheduleActivityTaskFailed", activityId="1-plain", activityType={"name": "plain", "version": "1"},
          cause=cause, decisionTaskCompletedEventId=completed)
    h.decision()
    outcome = decide(Refused, h)
    assert outcome.status == expected
    if expected == "failed":
        assert outcome.reason == "ScheduleFailed" and cause in outcome.details
    else:
        assert [d.decision_type for d in outcome.decisions] == ["ScheduleActivityTask"]


def test_the_buffer_splits_by_size_and_keeps_the_order() -> None:
    buffer = DecisionBuffer(0, max_request_bytes=4 * 1024)  # the budget left after SWF's framing is tiny
    buffer.budget = 1_000
    added = [buffer.schedule_activity(schedule_activity_task("a%d" % i, ("plain", "1"), input="x" * 100), i)
             for i in range(20)]
    assert added[0] and not all(added)
    sent = added.index(False)
    assert all(added[:sent]) and not any(added[sent:]) and buffer.deferred == 20 - sent
    decisions = buffer.finish(None, 7, "swfkit-more-7")
    assert decisions[-1].decision_type == "StartTimer" and decisions[-1].attributes["timerId"] == "swfkit-more-7"
    assert len(decisions) == sent + 1


def test_the_open_activity_limit_queues_and_holds_the_close() -> None:
    buffer = DecisionBuffer(999)
    assert buffer.schedule_activity(schedule_activity_task("a1", ("plain", "1")), "a1")
    assert not buffer.schedule_activity(schedule_activity_task("a2", ("plain", "1")), "a2")
    from swfkit.decisions import complete_workflow_execution
    assert [d.decision_type for d in buffer.finish(complete_workflow_execution(), 5, "w")] == ["ScheduleActivityTask"]
    assert buffer.remove("a2") and buffer.queued == 0


def test_a_failing_child_and_a_self_signal_locally() -> None:
    @futures.workflow(name="bad_child")
    class BadChild:
        def run(self) -> None:
            raise RuntimeError("child broke")

    @futures.workflow(name="parent_of_bad")
    class ParentOfBad:
        def run(self) -> Any:
            error = self.submit(BadChild).exception()
            sent = self.signal(self.workflow_id, "note", {"n": 1})
            note = self.wait_signal("note").result()
            sent.result()
            return {"status": error.status, "reason": error.reason, "note": note}

    assert futures.run_local(ParentOfBad) == {"status": "failed", "reason": "RuntimeError", "note": {"n": 1}}


@futures.activity(task_list="t")
def big(payload: str) -> int:
    return len(payload)


@futures.workflow(name="big_fanout")
class BigFanout:
    def run(self) -> int:
        return sum(f.result() for f in [self.submit(big, "%02d" % i + "x" * 30_000) for i in range(60)])


def test_a_response_over_1_mb_is_split_and_each_part_passes_the_decisions_checks() -> None:
    from swfkit.decisions import Decisions

    outcome = decide(BigFanout, Events())
    assert outcome.status == "blocked" and outcome.deferred > 0
    wire = Decisions(outcome.decisions).to_list()  # the decisions module's own 1 MB check accepts it
    assert 20 < len(wire) < 60 and wire[-1]["decisionType"] == "StartTimer"
    assert futures.run_local(BigFanout) == 60 * 30_002


@futures.workflow(name="cancellable", handles_cancel=True)
class Cancellable:
    def run(self) -> str:
        return "saw cancel" if self.cancel_requested else "no cancel"


@futures.workflow(name="not_cancellable_by_itself")
class DefaultCancel:
    def run(self) -> str:
        return "ran"


@pytest.mark.parametrize("cls, decision", [(Cancellable, "CompleteWorkflowExecution"),
                                           (DefaultCancel, "CancelWorkflowExecution")])
def test_a_cancel_request_cancels_unless_the_workflow_handles_it(cls: Any, decision: str) -> None:
    h = Events()
    h.add("DecisionTaskCompleted", scheduledEventId=2, startedEventId=3)
    h.add("WorkflowExecutionCancelRequested", cause="")
    h.decision()
    outcome = decide(cls, h)
    assert [d.decision_type for d in outcome.decisions] == [decision]
    if cls is Cancellable:
        assert outcome.result == '"saw cancel"'
