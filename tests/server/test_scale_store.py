"""Issue 18 items 1-3: calls on one execution cost the same however many executions, timers,
children are open (measured in SQLite VM steps and bytes written, never in time)."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Callable, Optional

import pytest

from swfkit.exceptions import LimitExceededFault
from swfkit.spec import limits

from engine_harness import Engine, decision

FEW, MANY = 20, 2000


def vm_steps(engine: Engine, action: Callable[[], Any]) -> int:
    """SQLite virtual-machine instructions (in hundreds) that ``action`` runs."""
    steps = [0]

    def count() -> int:
        steps[0] += 1
        return 0

    db = engine.server.store.db
    db.set_progress_handler(count, 100)
    try:
        action()
    finally:
        db.set_progress_handler(None, 100)
    return steps[0]


def engine_with_open(count: int, db: Optional[str] = None) -> Engine:
    engine = Engine(db)
    for number in range(count):
        engine.start("filler-%d" % number)
    return engine


@pytest.mark.parametrize("operation", ["signal_by_workflow_id", "start", "list_open_by_workflow_id",
                                       "terminate_by_workflow_id"])
def test_workflow_id_lookups_do_not_grow_with_open_executions(operation: str) -> None:
    costs = []
    for count in (FEW, MANY):
        engine = engine_with_open(count)
        try:
            engine.start("target")
            actions = {
                "signal_by_workflow_id": lambda: engine.call(
                    "SignalWorkflowExecution", domain="d", workflowId="target", signalName="s"),
                "start": lambda: engine.start("new-one"),
                "list_open_by_workflow_id": lambda: engine.call(
                    "ListOpenWorkflowExecutions", domain="d", startTimeFilter={"oldestDate": 0},
                    executionFilter={"workflowId": "target"}),
                "terminate_by_workflow_id": lambda: engine.call(
                    "TerminateWorkflowExecution", domain="d", workflowId="target"),
            }
            costs.append(vm_steps(engine, actions[operation]))
        finally:
            engine.close()
    assert costs[1] <= costs[0] * 1.5 + 2, costs


def test_a_signal_by_workflow_id_is_flat_with_a_database_file(tmp_path: Path) -> None:
    costs = []
    for count in (FEW, MANY):
        engine = engine_with_open(count, str(tmp_path / ("%d.db" % count)))
        try:
            engine.start("target")
            costs.append(vm_steps(engine, lambda: engine.call(
                "SignalWorkflowExecution", domain="d", workflowId="target", signalName="s")))
        finally:
            engine.close()
    assert costs[1] <= costs[0] * 1.5 + 2, costs


def test_open_execution_limit_still_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_OPEN_EXECUTIONS_PER_DOMAIN", 3)
    engine = Engine()
    try:
        for number in range(3):
            engine.start("w%d" % number)
        with pytest.raises(LimitExceededFault):
            engine.start("w3")
        engine.call("TerminateWorkflowExecution", domain="d", workflowId="w0")
        engine.start("w3")  # a close frees a place
        with pytest.raises(LimitExceededFault):
            engine.start("w4")
        # a child counts too: the decision fails with OPEN_WORKFLOWS_LIMIT_EXCEEDED
        task = engine.poll_decision()
        engine.respond(task, decision("StartChildWorkflowExecution", workflowId="child",
                                      workflowType={"name": "wf", "version": "1"}))
        events = engine.call("GetWorkflowExecutionHistory", domain="d",
                             execution=task["workflowExecution"])["events"]
        failed = [e for e in events if e["eventType"] == "StartChildWorkflowExecutionFailed"]
        assert failed and failed[0]["startChildWorkflowExecutionFailedEventAttributes"]["cause"] == \
            "OPEN_WORKFLOWS_LIMIT_EXCEEDED"
        assert engine.call("CountOpenWorkflowExecutions", domain="d",
                           startTimeFilter={"oldestDate": 0})["count"] == 3
    finally:
        engine.close()


def test_open_count_follows_continue_as_new_and_timeouts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(limits, "MAX_OPEN_EXECUTIONS_PER_DOMAIN", 2)
    engine = Engine()
    try:
        engine.start("a")
        engine.start("b")
        task = engine.poll_decision()
        assert task["workflowExecution"]["workflowId"] == "a"
        engine.respond(task, decision("ContinueAsNewWorkflowExecution",
                                      executionStartToCloseTimeout="10"))  # still 2 open
        with pytest.raises(LimitExceededFault):
            engine.start("c")
        engine.advance(11)  # the new run of "a" times out
        engine.start("c")
    finally:
        engine.close()


def test_a_signal_does_not_rewrite_open_timers() -> None:
    engine = Engine()
    try:
        engine.start("w")
        task = engine.poll_decision()
        engine.respond(task, *[decision("StartTimer", timerId="t%d" % n, startToFireTimeout="600")
                               for n in range(1000)])
        state_bytes = engine.server.store.execute("SELECT length(state) FROM executions").fetchone()[0]
        assert state_bytes < 1000  # the 1,000 timers are rows of their own
        run = task["workflowExecution"]
        described = engine.call("DescribeWorkflowExecution", domain="d", execution=run)
        assert described["openCounts"]["openTimers"] == 1000
        written = []
        engine.server.store.db.set_trace_callback(written.append)
        try:
            engine.call("SignalWorkflowExecution", domain="d", workflowId="w", signalName="s")
        finally:
            engine.server.store.db.set_trace_callback(None)
        assert not any("records" in statement for statement in written), written
        assert sum(len(statement) for statement in written) < 3000
        # the timers still work: one is canceled, one fires
        task = engine.poll_decision()
        engine.respond(task, decision("CancelTimer", timerId="t0"))
        engine.advance(601)
        events = engine.call("GetWorkflowExecutionHistory", domain="d", execution=run,
                             reverseOrder=True, maximumPageSize=1000)["events"]
        kinds = [e["eventType"] for e in events]
        assert kinds.count("TimerFired") == 999  # all but the canceled one
        described = engine.call("DescribeWorkflowExecution", domain="d", execution=run)
        assert described["openCounts"]["openTimers"] == 0
    finally:
        engine.close()
