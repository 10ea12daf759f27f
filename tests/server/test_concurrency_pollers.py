"""Concurrency: 16 pollers (threads, each with its own boto3 client) share 1,000 activity tasks.

Every task must be delivered exactly once, every completion accepted, and the histories must show
each activity started and completed once. Tasks are scheduled while the pollers already wait.
"""
from __future__ import annotations

import collections
import threading
import time

POLLERS = 16
EXECUTIONS = 10
PER_EXECUTION = 100
TOTAL = EXECUTIONS * PER_EXECUTION


def test_16_pollers_1000_activity_tasks_each_delivered_once(flow, client_factory):  # type: ignore[no-untyped-def]
    clients = [client_factory() for _ in range(POLLERS)]
    delivered = []
    errors = []
    lock = threading.Lock()
    done = threading.Event()

    def worker(client, n):  # type: ignore[no-untyped-def]
        while not done.is_set():
            try:
                task = client.poll_for_activity_task(domain=flow.domain, taskList={"name": "activities"},
                                                     identity=f"w{n}")
                if not task.get("taskToken"):
                    continue
                key = (task["workflowExecution"]["runId"], task["activityId"])
                client.respond_activity_task_completed(taskToken=task["taskToken"], result=task["activityId"])
            except Exception as err:  # every error is a failure; collect and report them all
                with lock:
                    errors.append(repr(err))
                continue
            with lock:
                delivered.append(key)
                if len(delivered) >= TOTAL:
                    done.set()

    threads = [threading.Thread(target=worker, args=(c, i), daemon=True) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    executions = [flow.start() for _ in range(EXECUTIONS)]
    for _ in range(EXECUTIONS):
        task = flow.poll_decision()
        flow.decide(task, *[flow.schedule(f"a{i}") for i in range(PER_EXECUTION)])
    done.wait(timeout=90)
    done.set()
    for t in threads:
        t.join(timeout=flow.poll_timeout + 10)

    assert not errors, errors[:5]
    duplicates = [k for k, n in collections.Counter(delivered).items() if n > 1]
    assert not duplicates, f"{len(duplicates)} tasks delivered more than once: {duplicates[:5]}"
    assert len(delivered) == TOTAL
    assert {run for run, _ in delivered} == {e["runId"] for e in executions}
    assert flow.swf.count_pending_activity_tasks(domain=flow.domain, taskList={"name": "activities"})["count"] == 0
    for execution in executions:
        events = flow.history(execution)
        assert [e["eventId"] for e in events] == list(range(1, len(events) + 1))
        counts = collections.Counter(e["eventType"] for e in events)
        assert counts["ActivityTaskScheduled"] == counts["ActivityTaskStarted"] == PER_EXECUTION
        assert counts["ActivityTaskCompleted"] == PER_EXECUTION
        started_for = collections.Counter(flow.attrs(e)["scheduledEventId"] for e in events
                                          if e["eventType"] == "ActivityTaskStarted")
        assert max(started_for.values()) == 1
        # one decision task open at most: all those completions coalesce into a single scheduled task
        assert counts["DecisionTaskScheduled"] == 2, counts


def test_concurrent_decision_pollers_get_each_task_once(flow, client_factory):  # type: ignore[no-untyped-def]
    clients = [client_factory() for _ in range(8)]
    executions = [flow.start() for _ in range(40)]
    got = []
    lock = threading.Lock()

    def decider(client):  # type: ignore[no-untyped-def]
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with lock:
                if len(got) >= len(executions):
                    return
            task = client.poll_for_decision_task(domain=flow.domain, taskList={"name": "decisions"})
            if task.get("taskToken"):
                client.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[
                    {"decisionType": "CompleteWorkflowExecution",
                     "completeWorkflowExecutionDecisionAttributes": {}}])
                with lock:
                    got.append(task["workflowExecution"]["runId"])

    threads = [threading.Thread(target=decider, args=(c,), daemon=True) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(got) == sorted(e["runId"] for e in executions)
    closed = flow.swf.count_closed_workflow_executions(domain=flow.domain, startTimeFilter={"oldestDate": 0},
                                                       closeStatusFilter={"status": "COMPLETED"})
    assert closed["count"] == len(executions)


def test_concurrent_signals_never_lose_a_wakeup(flow, client_factory):  # type: ignore[no-untyped-def]
    """8 threads signal while a decider polls and answers: one decision task open at most, every signal
    recorded once, and every signal seen by a decision task started after it (no lost wakeup)."""
    execution = flow.start()
    signalers = [client_factory() for _ in range(8)]
    decider = client_factory()
    stop = threading.Event()
    errors = []

    def signal(client, n):  # type: ignore[no-untyped-def]
        try:
            for i in range(25):
                client.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"],
                                                 signalName=f"s{n}-{i}")
        except Exception as err:
            errors.append(repr(err))

    def decide() -> None:
        while not stop.is_set():
            task = decider.poll_for_decision_task(domain=flow.domain, taskList={"name": "decisions"})
            if task.get("taskToken"):
                decider.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[])

    decider_thread = threading.Thread(target=decide, daemon=True)
    decider_thread.start()
    threads = [threading.Thread(target=signal, args=(c, n), daemon=True) for n, c in enumerate(signalers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors, errors[:3]
    # Drain: the decider must get a task covering the last signals.
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        if flow.describe(execution)["openCounts"]["openDecisionTasks"] == 0:
            break
        time.sleep(0.05)
    stop.set()
    decider_thread.join(timeout=flow.poll_timeout + 5)
    events = flow.history(execution)
    types = [e["eventType"] for e in events]
    assert types.count("WorkflowExecutionSignaled") == 200
    names = [flow.attrs(e)["signalName"] for e in events if e["eventType"] == "WorkflowExecutionSignaled"]
    assert len(set(names)) == 200
    # as in SWF: the next task may be scheduled while one is started, but only one is started at a time
    waiting = started = 0
    for t in types:
        waiting += {"DecisionTaskScheduled": 1, "DecisionTaskStarted": -1}.get(t, 0)
        started += {"DecisionTaskStarted": 1, "DecisionTaskCompleted": -1, "DecisionTaskTimedOut": -1}.get(t, 0)
        assert 0 <= waiting <= 1 and 0 <= started <= 1
    last_started = max(e["eventId"] for e in events if e["eventType"] == "DecisionTaskStarted")
    last_signal = max(e["eventId"] for e in events if e["eventType"] == "WorkflowExecutionSignaled")
    assert last_signal < last_started, "signals arrived after the last decision task and none was scheduled"
    assert types[-1] == "DecisionTaskCompleted"


def test_racing_starts_of_one_workflow_id(flow, client_factory):  # type: ignore[no-untyped-def]
    clients = [client_factory() for _ in range(8)]
    outcomes = []
    barrier = threading.Barrier(len(clients))

    def start(client):  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            client.start_workflow_execution(domain=flow.domain, workflowId="race",
                                            workflowType={"name": "wf", "version": "1"})
            outcomes.append("ok")
        except Exception as err:
            outcomes.append(getattr(err, "response", {}).get("Error", {}).get("Code", repr(err)))

    threads = [threading.Thread(target=start, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["WorkflowExecutionAlreadyStartedFault"] * 7 + ["ok"], outcomes
    assert flow.swf.count_open_workflow_executions(domain=flow.domain, startTimeFilter={"oldestDate": 0},
                                                   executionFilter={"workflowId": "race"})["count"] == 1


def test_racing_completions_of_one_token(flow, client_factory):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"))
    token = flow.poll_activity()["taskToken"]
    clients = [client_factory() for _ in range(8)]
    outcomes = []
    barrier = threading.Barrier(len(clients))

    def complete(client):  # type: ignore[no-untyped-def]
        barrier.wait()
        try:
            client.respond_activity_task_completed(taskToken=token, result="r")
            outcomes.append("ok")
        except Exception as err:
            outcomes.append(getattr(err, "response", {}).get("Error", {}).get("Code", repr(err)))

    threads = [threading.Thread(target=complete, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(outcomes) == ["UnknownResourceFault"] * 7 + ["ok"], outcomes
    assert flow.types(execution).count("ActivityTaskCompleted") == 1
