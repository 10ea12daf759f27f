"""JSON log lines carry the ids of the task being handled, in this process, in a worker's threads
and through a pool's children (``swfkit worker start --log-format json``); secrets stay masked."""
from __future__ import annotations

import io
import json
import logging
import os
import signal
import subprocess
import sys
import time
from typing import Any, Dict, List

import pytest

from conftest import running
from sample_actors import BrokenDecider, DOMAIN, FanOutDecider, LoggingWorker
from session_processes import REPO, bare_environment, leftover_processes
from swfkit.actors.json_log_lines import JsonLinesFormatter
from swfkit.actors.task_log_context import task_fields
from workflow_runs import attributes, events, of_type, start, wait_closed

HERE = os.path.dirname(os.path.abspath(__file__))
SECRET = "s3cret-do-not-log-4242"


def parsed(text: str) -> List[Dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def activity_started_ids(history: List[Dict[str, Any]]) -> Dict[str, int]:
    """activity id -> the event id of its ActivityTaskStarted."""
    scheduled = {e["eventId"]: attributes(e)["activityId"] for e in of_type(history, "ActivityTaskScheduled")}
    return {scheduled[attributes(e)["scheduledEventId"]]: e["eventId"] for e in of_type(history, "ActivityTaskStarted")}


def test_formatter_writes_one_object_per_line_with_the_base_fields() -> None:
    record = logging.LogRecord("some.logger", logging.WARNING, __file__, 1, "hello %s\nworld", ("there",), None)
    line = JsonLinesFormatter().format(record)
    assert "\n" not in line
    entry = json.loads(line)
    assert entry["message"] == "hello there\nworld" and entry["level"] == "WARNING" and entry["logger"] == "some.logger"
    assert entry["time"].endswith("Z") and len(entry["time"]) == len("2026-01-01T00:00:00.000Z")
    assert "workflow_id" not in entry
    with task_fields({"workflow_id": "w", "level": "not the level"}):
        entry = json.loads(JsonLinesFormatter().format(record))
    assert entry["workflow_id"] == "w" and entry["level"] == "WARNING"


@pytest.mark.parametrize("threads", [1, 2])
def test_user_log_lines_inside_an_activity_carry_the_task_ids(registered: Any, json_lines: io.StringIO,
                                                              threads: int) -> None:
    with running(FanOutDecider(registered)), running(LoggingWorker(registered, threads=threads)):
        execution = start(registered, "json-logs", {"count": 3, "activity": ["double", "1"], "input": 1})
        wait_closed(registered, execution)
    history = events(registered, execution)
    started = activity_started_ids(history)
    mine = [e for e in parsed(json_lines.getvalue()) if e["logger"] == "user.activity"]
    assert sorted(e["activity_id"] for e in mine) == ["a0", "a1", "a2"]
    for entry in mine:
        assert entry["workflow_id"] == "json-logs" and entry["run_id"] == execution["runId"]
        assert entry["domain"] == DOMAIN and entry["task_list"] == "workers" and entry["activity_type"] == "double/1"
        assert entry["started_event_id"] == started[entry["activity_id"]]
        assert entry["message"].startswith("doubling %s" % entry["activity_id"][1:])


def test_a_decider_error_line_carries_the_decision_task_ids(registered: Any, json_lines: io.StringIO) -> None:
    with running(BrokenDecider(registered)):
        execution = start(registered, "json-broken", {"count": 1, "activity": ["double", "1"]})
        deadline = time.monotonic() + 10
        while "decider bug" not in json_lines.getvalue():
            assert time.monotonic() < deadline, "the decider never failed"
            time.sleep(0.05)
    failure = [e for e in parsed(json_lines.getvalue()) if e["logger"] == "swfkit.actors.decider"][0]
    history = events(registered, execution)
    started = of_type(history, "DecisionTaskStarted")[0]
    assert failure["level"] == "ERROR" and "RuntimeError: decider bug for json-broken" in failure["exception"]
    assert failure["workflow_id"] == "json-broken" and failure["run_id"] == execution["runId"]
    assert failure["workflow_type"] == "fanout/1" and failure["task_list"] == "deciders"
    assert failure["started_event_id"] == started["eventId"]
    assert failure["scheduled_event_id"] == attributes(started)["scheduledEventId"]


def test_worker_command_logs_json_lines_from_its_pool_without_secrets(registered: Any, endpoint: str,
                                                                      tmp_path: Any) -> None:
    env = dict(bare_environment(tmp_path), SWF_DOMAIN=DOMAIN, PYTHONPATH=os.pathsep.join([str(REPO), HERE]),
               AWS_ACCESS_KEY_ID="AKIDEXAMPLE", AWS_SECRET_ACCESS_KEY=SECRET)
    process = subprocess.Popen([sys.executable, "-m", "swfkit", "worker", "start", "sample_actors:LoggingWorker",
                                "--processes", "1", "--log-format", "json", "--log-level", "INFO",
                                "--endpoint-url", endpoint], env=env, cwd=HERE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        with running(FanOutDecider(registered)):
            execution = start(registered, "json-pool", {"count": 2, "activity": ["double", "1"], "input": 1})
            wait_closed(registered, execution, timeout=60)
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
    assert process.returncode == 0, stderr
    assert leftover_processes(process.pid) == []
    assert SECRET not in stderr
    entries = parsed(stderr)  # every line is a JSON object
    mine = [e for e in entries if e["logger"] == "user.activity"]
    started = activity_started_ids(events(registered, execution))
    assert sorted(e["activity_id"] for e in mine) == ["a0", "a1"]
    for entry in mine:
        assert entry["message"].endswith("with key ****")
        assert entry["workflow_id"] == "json-pool" and entry["run_id"] == execution["runId"]
        assert entry["started_event_id"] == started[entry["activity_id"]]
    assert any(e["logger"] == "swfkit.actors.pool" and "polling" in e["message"] for e in entries)
