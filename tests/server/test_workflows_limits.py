"""Limits and less common knobs: open timers, the 25,000-event cap, retention 0, decision task-list
override with schedule-to-start, startAtPreviousStartedEvent, decision priorities, real timestamps."""
from __future__ import annotations

import time
from datetime import datetime, timezone


def test_open_timers_limit_is_1000(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, *[flow.decision("StartTimer", timerId=f"t{i}", startToFireTimeout="600") for i in range(1001)])
    events = flow.history(execution)
    assert [e["eventType"] for e in events].count("TimerStarted") == 1000
    assert [e["eventType"] for e in events[-2:]] == ["StartTimerFailed", "DecisionTaskScheduled"]
    assert flow.attrs(events[-2])["cause"] == "OPEN_TIMERS_LIMIT_EXCEEDED"
    assert flow.attrs(events[-2])["timerId"] == "t1000"
    assert flow.describe(execution)["openCounts"]["openTimers"] == 1000


def test_history_is_capped_at_25000_events(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    for batch in range(4):  # 4 x 7,000 markers, each batch well under the 1 MB request limit
        flow.decide(task, *[flow.decision("RecordMarker", markerName=f"m{batch}-{i}") for i in range(7000)])
        if flow.describe(execution)["executionInfo"]["executionStatus"] == "CLOSED":
            break
        flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="more")
        task = flow.poll_decision()
    info = flow.describe(execution)["executionInfo"]
    assert info["executionStatus"] == "CLOSED" and info["closeStatus"] == "TERMINATED"
    last = flow.swf.get_workflow_execution_history(domain=flow.domain, execution=execution,
                                                   reverseOrder=True, maximumPageSize=1)["events"][0]
    assert last["eventType"] == "WorkflowExecutionTerminated"
    assert flow.attrs(last)["cause"] == "EVENT_LIMIT_EXCEEDED"
    assert last["eventId"] <= 25_000


def test_retention_zero_forgets_closed_executions(flow):  # type: ignore[no-untyped-def]
    domain = flow.unique("dom")
    flow.swf.register_domain(name=domain, workflowExecutionRetentionPeriodInDays="0")
    flow.swf.register_workflow_type(domain=domain, name="wf", version="1", defaultTaskList={"name": "r0"},
                                    defaultExecutionStartToCloseTimeout="60", defaultTaskStartToCloseTimeout="10",
                                    defaultChildPolicy="TERMINATE")
    run = flow.swf.start_workflow_execution(domain=domain, workflowId="gone",
                                            workflowType={"name": "wf", "version": "1"})
    execution = {"workflowId": "gone", "runId": run["runId"]}
    flow.swf.terminate_workflow_execution(domain=domain, workflowId="gone")
    time.sleep(0.2)
    assert flow.fault(flow.swf.describe_workflow_execution, domain=domain, execution=execution) \
        == "UnknownResourceFault"
    listed = flow.swf.list_closed_workflow_executions(domain=domain, startTimeFilter={"oldestDate": 0})
    assert listed["executionInfos"] == []


def test_decision_task_list_override_with_schedule_to_start(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, taskList={"name": "override"}, taskListScheduleToStartTimeout="1")
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="s")
    events = flow.history(execution)
    assert flow.attrs(events[3])["taskList"] == {"name": "override"}
    scheduled = flow.attrs(events[-1])
    assert events[-1]["eventType"] == "DecisionTaskScheduled"
    assert scheduled["taskList"] == {"name": "override"} and scheduled["scheduleToStartTimeout"] == "1"
    events = flow.wait_for(execution, "DecisionTaskTimedOut", wait=4)
    assert [e["eventType"] for e in events[-2:]] == ["DecisionTaskTimedOut", "DecisionTaskScheduled"]
    assert flow.attrs(events[-2])["timeoutType"] == "SCHEDULE_TO_START"
    assert flow.attrs(events[-2])["startedEventId"] == 0
    assert flow.attrs(events[-1])["taskList"] == {"name": "decisions"}, "override not reverted after timeout"
    assert flow.poll_decision()["workflowExecution"] == execution


def test_decision_task_list_override_without_timeout_is_permanent(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, taskList={"name": "moved"})
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="s")
    task = flow.poll_decision("moved")
    flow.decide(task)
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="s")
    assert flow.poll_decision("moved")["workflowExecution"] == execution


def test_start_at_previous_started_event(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task)
    time.sleep(0.01)
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="s")
    task = flow.poll_decision(startAtPreviousStartedEvent=True)
    ids = [e["eventId"] for e in task["events"]]
    assert ids[0] >= 3 and ids[-1] == task["startedEventId"], ids
    assert 1 not in ids


def test_decision_tasks_are_dispatched_by_priority(flow):  # type: ignore[no-untyped-def]
    low = flow.start(taskPriority="-5")
    high = flow.start(taskPriority="10")
    mid = flow.start()
    order = [flow.poll_decision()["workflowExecution"] for _ in range(3)]
    assert order == [high, mid, low]


def test_timestamps_are_the_real_clock(flow):  # type: ignore[no-untyped-def]
    before = datetime.now(timezone.utc)
    execution = flow.start()
    after = datetime.now(timezone.utc)
    stamp = flow.history(execution)[0]["eventTimestamp"]
    assert before.timestamp() - 1 <= stamp.timestamp() <= after.timestamp() + 1
    assert flow.describe(execution)["executionInfo"]["startTimestamp"] == stamp


def test_override_reverts_when_a_task_started_on_it_times_out(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(taskStartToCloseTimeout="1")
    flow.decide(task, taskList={"name": "override"}, taskListScheduleToStartTimeout="30")
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName="s")
    flow.poll_decision("override")  # started on the override list, never answered
    events = flow.wait_for(execution, "DecisionTaskTimedOut", wait=4)
    assert flow.attrs(events[-2])["timeoutType"] == "START_TO_CLOSE"
    assert flow.attrs(events[-1])["taskList"] == {"name": "decisions"}, "override not reverted"
    assert flow.poll_decision()["workflowExecution"] == execution
