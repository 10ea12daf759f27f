"""Issue 12 item 14: ``--db`` files carry a schema version; an older file is migrated (tested with
a file written by swfkit before schema versions: ``data/schema_v1.db``), a newer one is refused
at start-up with one line."""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from swfkit.server import ManualClock, SWFServer
from swfkit.server.schema import SCHEMA_VERSION, DatabaseVersionError

from conftest import make_client

V1_FILE = Path(__file__).parent / "data" / "schema_v1.db"
WF = {"name": "wf", "version": "1"}


def test_a_file_of_the_previous_schema_is_migrated_and_keeps_working(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(V1_FILE, db)
    # The file's clock: just before its first timer is due (on the wall clock its timers have fired since).
    first_due = sqlite3.connect(str(db)).execute("SELECT MIN(due) FROM timeouts WHERE kind='t'").fetchone()[0]
    with SWFServer(str(db), poll_timeout=1, clock=ManualClock(first_due - 60)) as server:
        swf = make_client(server.endpoint_url)
        assert swf.describe_domain(name="legacy")["domainInfo"]["arn"] == \
            "arn:aws:swf:us-east-1:123456789012:/domain/legacy"
        assert swf.count_open_workflow_executions(domain="legacy", startTimeFilter={"oldestDate": 0})["count"] == 2
        parent = swf.list_open_workflow_executions(domain="legacy", startTimeFilter={"oldestDate": 0},
                                                   executionFilter={"workflowId": "parent"})["executionInfos"]
        run = parent[0]["execution"]
        counts = swf.describe_workflow_execution(domain="legacy", execution=run)["openCounts"]
        assert counts["openTimers"] == 2 and counts["openChildWorkflowExecutions"] == 1
        assert counts["openActivityTasks"] == 1
        swf.signal_workflow_execution(domain="legacy", workflowId="parent", signalName="hello")
        task = swf.poll_for_decision_task(domain="legacy", taskList={"name": "decisions"})
        assert task["workflowExecution"]["workflowId"] in ("parent", "child")
        if task["workflowExecution"]["workflowId"] == "child":
            swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[])
            task = swf.poll_for_decision_task(domain="legacy", taskList={"name": "decisions"})
        swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=[
            {"decisionType": "CancelTimer", "cancelTimerDecisionAttributes": {"timerId": "t1"}}])
        swf.terminate_workflow_execution(domain="legacy", workflowId="child")
        events = swf.get_workflow_execution_history(domain="legacy", execution=run)["events"]
        kinds = [e["eventType"] for e in events]
        assert "TimerCanceled" in kinds and kinds[-2:] == ["ChildWorkflowExecutionTerminated",
                                                          "DecisionTaskScheduled"]
        counts = swf.describe_workflow_execution(domain="legacy", execution=run)["openCounts"]
        assert counts["openTimers"] == 1 and counts["openChildWorkflowExecutions"] == 0
        swf.start_workflow_execution(domain="legacy", workflowId="new", workflowType=WF)
        assert swf.count_open_workflow_executions(domain="legacy", startTimeFilter={"oldestDate": 0})["count"] == 2
    version = sqlite3.connect(str(db)).execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
    assert version == (str(SCHEMA_VERSION),)


def test_a_newer_file_is_refused_at_start_up_with_one_line(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    SWFServer(str(db)).stop()
    connection = sqlite3.connect(str(db))
    connection.execute("UPDATE meta SET value='99' WHERE key='schema_version'")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseVersionError) as raised:
        SWFServer(str(db))
    assert str(db) in str(raised.value) and "99" in str(raised.value)
    command = subprocess.run([sys.executable, "-m", "swfkit.server.command", "--db", str(db)],
                             capture_output=True, text=True, timeout=60)
    assert command.returncode == 2 and command.stdout == ""
    lines = command.stderr.strip().splitlines()
    assert len(lines) == 1 and "schema version 99" in lines[0] and str(db) in lines[0], command.stderr


def test_a_database_of_something_else_is_refused(tmp_path: Path) -> None:
    db = tmp_path / "other.db"
    connection = sqlite3.connect(str(db))
    connection.execute("CREATE TABLE customers (id INTEGER)")
    connection.commit()
    connection.close()
    with pytest.raises(DatabaseVersionError, match="not a swfkit server database"):
        SWFServer(str(db))
