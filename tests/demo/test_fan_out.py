"""The demo workflow's decider and worker, run in threads against the embedded server."""
from __future__ import annotations

import json
import threading
import time

from swfkit.actors import ensure_registered
from swfkit.demo import fan_out
from swfkit.demo.live_progress import read_progress


def _history(layer1, execution):
    events = []
    for page in layer1.paginate("GetWorkflowExecutionHistory", domain=fan_out.DOMAIN, execution=execution):
        events.extend(page["events"])
    return events


def test_fan_out_fan_in_completes_with_the_sum_after_timer_and_signal(layer1) -> None:
    ensure_registered(layer1, fan_out.DOMAIN, workflow_types=[fan_out.WORKFLOW_TYPE],
                      activity_types=[fan_out.ACTIVITY_TYPE])
    decider = fan_out.FanOutDecider(layer1)
    workers = [fan_out.SquareWorker(layer1) for _ in range(2)]
    threads = [threading.Thread(target=actor.run, daemon=True) for actor in [decider] + workers]
    for thread in threads:
        thread.start()
    try:
        run = layer1.start_workflow_execution(
            domain=fan_out.DOMAIN, workflow_id="fan-out-test",
            workflow_type={"name": fan_out.WORKFLOW_NAME, "version": fan_out.WORKFLOW_VERSION},
            input=fan_out.workflow_input(12, 0, fan_out.WORKER_TASK_LIST))
        execution = {"workflowId": "fan-out-test", "runId": run["runId"]}
        deadline = time.monotonic() + 30
        progress = read_progress(_history(layer1, execution), 12)
        while progress.completed < 12 or progress.timer != "fired":
            assert time.monotonic() < deadline, progress
            time.sleep(0.1)
            progress = read_progress(_history(layer1, execution), 12)
        assert not progress.closed, "the workflow must wait for the signal"
        layer1.signal_workflow_execution(domain=fan_out.DOMAIN, workflow_id="fan-out-test",
                                         signal_name=fan_out.SIGNAL_NAME, input="{}")
        while not progress.closed:
            assert time.monotonic() < deadline, progress
            time.sleep(0.1)
            progress = read_progress(_history(layer1, execution), 12)
    finally:
        for actor in [decider] + workers:
            actor.stop()
        for thread in threads:
            thread.join(10)
    assert progress.close_status == "COMPLETED"
    result = json.loads(progress.close_event["workflowExecutionCompletedEventAttributes"]["result"])
    assert result == {"count": 12, "sum": fan_out.expected_result(12)} == {"count": 12, "sum": 506}
    assert (progress.scheduled, progress.retried, progress.signaled) == (12, 0, True)


def test_square_activity() -> None:
    assert json.loads(fan_out.SquareWorker.square(None, json.dumps({"n": 7}))) == {"n": 7, "square": 49}


def _event(event_id, event_type, **attributes):
    key = event_type[0].lower() + event_type[1:] + "EventAttributes"
    return {"eventId": event_id, "eventType": event_type, "eventTimestamp": 1700000000.0 + event_id, key: attributes}


def _decide(events, count=2):
    from types import SimpleNamespace

    from swfkit.history import fold

    from swfkit.layer1 import Layer1

    decider = fan_out.FanOutDecider(Layer1(region="us-east-1", endpoint_url="http://127.0.0.1:9"))
    task = SimpleNamespace(input=fan_out.workflow_input(count, 0, "w"), state=fold(events))
    return [d.to_dict() for d in decider.decide(task)]


def _started_history():
    return [
        _event(1, "WorkflowExecutionStarted", workflowType={"name": "f", "version": "1"}, taskList={"name": "d"},
               childPolicy="TERMINATE", executionStartToCloseTimeout="60", taskStartToCloseTimeout="10",
               input=fan_out.workflow_input(2, 0, "w")),
        _event(2, "DecisionTaskScheduled", taskList={"name": "d"}, startToCloseTimeout="10"),
        _event(3, "DecisionTaskStarted", scheduledEventId=2),
        _event(4, "DecisionTaskCompleted", scheduledEventId=2, startedEventId=3),
    ]


def _scheduled(event_id, index):
    return _event(event_id, "ActivityTaskScheduled", activityId=fan_out.activity_id(index),
                  activityType={"name": "square", "version": "1"}, taskList={"name": "w"},
                  decisionTaskCompletedEventId=4, input="{}")


def test_first_decision_fans_out_and_starts_the_timer() -> None:
    decisions = _decide(_started_history()[:3])
    kinds = [d["decisionType"] for d in decisions]
    assert kinds == ["StartTimer", "ScheduleActivityTask", "ScheduleActivityTask"]
    assert decisions[2]["scheduleActivityTaskDecisionAttributes"]["activityId"] == "square-001"
    assert decisions[2]["scheduleActivityTaskDecisionAttributes"]["taskList"] == {"name": "w"}


def test_never_more_open_activities_than_swf_allows() -> None:
    from swfkit.spec.limits import MAX_OPEN_ACTIVITIES

    count = MAX_OPEN_ACTIVITIES + 5
    first = _decide(_started_history()[:3], count=count)
    assert sum(d["decisionType"] == "ScheduleActivityTask" for d in first) == MAX_OPEN_ACTIVITIES
    events = _started_history() + [_scheduled(5 + index, index) for index in range(MAX_OPEN_ACTIVITIES)]
    next_id = 5 + MAX_OPEN_ACTIVITIES
    events.append(_event(next_id, "TimerStarted", timerId=fan_out.TIMER_ID, startToFireTimeout="1",
                         decisionTaskCompletedEventId=4))
    assert _decide(events, count=count) == []  # full: nothing more until one closes
    events += [_event(next_id + 1, "ActivityTaskStarted", scheduledEventId=5),
               _event(next_id + 2, "ActivityTaskCompleted", scheduledEventId=5, startedEventId=next_id + 1,
                      result=json.dumps({"n": 0, "square": 0}))]
    refill = _decide(events, count=count)
    assert [d["scheduleActivityTaskDecisionAttributes"]["activityId"] for d in refill] == [
        fan_out.activity_id(MAX_OPEN_ACTIVITIES)]


def test_failed_activity_is_retried_then_the_workflow_gives_up() -> None:
    events = _started_history() + [_scheduled(5, 0), _scheduled(6, 1),
                                   _event(7, "TimerStarted", timerId=fan_out.TIMER_ID, startToFireTimeout="1",
                                          decisionTaskCompletedEventId=4),
                                   _event(8, "ActivityTaskStarted", scheduledEventId=5),
                                   _event(9, "ActivityTaskFailed", scheduledEventId=5, startedEventId=8, reason="Boom")]
    retry = _decide(events)
    assert [d["scheduleActivityTaskDecisionAttributes"]["activityId"] for d in retry] == ["square-000"]
    next_id = 10
    for _ in range(fan_out.MAX_ATTEMPTS - 1):  # each retry fails again
        events += [_scheduled(next_id, 0), _event(next_id + 1, "ActivityTaskStarted", scheduledEventId=next_id),
                   _event(next_id + 2, "ActivityTaskFailed", scheduledEventId=next_id, startedEventId=next_id + 1,
                          reason="Boom")]
        next_id += 3
    final = _decide(events)
    assert [d["decisionType"] for d in final] == ["FailWorkflowExecution"]
    assert final[0]["failWorkflowExecutionDecisionAttributes"]["reason"] == "activity square-000 gave up"


def test_no_completion_without_the_signal() -> None:
    events = _started_history() + [_scheduled(5, 0), _scheduled(6, 1),
                                   _event(7, "TimerStarted", timerId=fan_out.TIMER_ID, startToFireTimeout="1",
                                          decisionTaskCompletedEventId=4)]
    next_id = 8
    for scheduled, index in ((5, 0), (6, 1)):
        events += [_event(next_id, "ActivityTaskStarted", scheduledEventId=scheduled),
                   _event(next_id + 1, "ActivityTaskCompleted", scheduledEventId=scheduled, startedEventId=next_id,
                          result=json.dumps({"n": index, "square": index * index}))]
        next_id += 2
    events.append(_event(next_id, "TimerFired", timerId=fan_out.TIMER_ID, startedEventId=7))
    assert _decide(events) == []
    events.append(_event(next_id + 1, "WorkflowExecutionSignaled", signalName=fan_out.SIGNAL_NAME, input="{}"))
    done = _decide(events)
    assert done == [{"decisionType": "CompleteWorkflowExecution",
                     "completeWorkflowExecutionDecisionAttributes": {"result": json.dumps({"count": 2, "sum": 1})}}]
