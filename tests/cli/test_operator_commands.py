"""``workflow tasks|profile|timeline|stuck|restart`` end to end on the embedded server, against
executions built for each case (tests/cli/operator_executions.py)."""
from __future__ import annotations

import argparse
import json
import pathlib

import pytest

import operator_executions as ops
from swfkit.cli.operator_commands import parse_duration


@pytest.fixture
def runs(layer1, endpoint_env):  # type: ignore[no-untyped-def]
    ops.register(layer1)
    return layer1


def test_tasks_of_completed_failed_retried_and_timed_out_runs(runs, swfkit, swfkit_json) -> None:
    completed = ops.completed_run(runs)
    tasks = {t["id"]: t for t in swfkit_json("workflow", "tasks", completed.workflow_id)}
    assert set(tasks) == {"fast", "slow", "pause"}
    assert (tasks["fast"]["kind"], tasks["fast"]["state"], tasks["fast"]["identity"]) == ("activity", "completed",
                                                                                          "test-worker-1")
    assert tasks["fast"]["name"] == "ops-work/1" and tasks["pause"]["kind"] == "timer"
    assert tasks["pause"]["state"] == "fired" and tasks["fast"]["attempts"] == 1
    assert tasks["slow"]["stateTime"] >= tasks["slow"]["scheduledTime"]

    failed = ops.failed_run(runs)
    [doomed] = swfkit_json("workflow", "tasks", failed.workflow_id)
    assert (doomed["state"], doomed["attemptDetails"][0]["detail"]) == ("failed", "boom")

    retried = ops.retried_run(runs)
    [flaky] = swfkit_json("workflow", "tasks", retried.workflow_id, "--run-id", retried.run_id)
    assert (flaky["attempts"], flaky["state"]) == (2, "completed")
    assert [a["state"] for a in flaky["attemptDetails"]] == ["failed", "completed"]

    timed_out = ops.timed_out_run(runs)
    [sleepy] = swfkit_json("workflow", "tasks", timed_out.workflow_id)
    assert (sleepy["outcome"], sleepy["attemptDetails"][0]["detail"]) == ("timed_out", "START_TO_CLOSE")

    code, out, err = swfkit("workflow", "tasks", retried.workflow_id)
    assert code == 0, err
    header, row = out.splitlines()
    assert header.split()[:4] == ["KIND", "NAME", "ID", "STATE"]
    assert row.split()[:4] == ["activity", "ops-work/1", "flaky", "completed"] and "test-worker-1" in row


def test_profile_table_and_json(runs, swfkit, swfkit_json) -> None:
    run = ops.completed_run(runs)
    report = swfkit_json("workflow", "profile", run.workflow_id)
    assert report["closeStatus"] == "COMPLETED" and report["execution"]["runId"] == run.run_id
    by_id = {row["id"]: row for row in report["tasks"]}
    assert by_id["slow"]["running"] >= 0.3 and by_id["slow"]["running"] >= by_id["fast"]["running"]
    assert [row["running"] for row in report["tasks"]] == sorted((row["running"] for row in report["tasks"]), reverse=True)
    assert 0 < by_id["slow"]["share"] <= 1 and report["duration"] >= by_id["slow"]["running"]
    assert report["criticalPath"] and report["criticalPath"][-1] in by_id
    code, out, err = swfkit("workflow", "profile", run.workflow_id)
    assert code == 0, err
    assert out.splitlines()[0].split()[:3] == ["ID", "NAME", "STATE"]
    assert "total:" in out and "COMPLETED" in out and "critical path:" in out


def test_timeline_writes_a_self_contained_page(runs, swfkit, tmp_path: pathlib.Path) -> None:
    run = ops.failed_run(runs)
    page = tmp_path / "failed.html"
    code, out, err = swfkit("workflow", "timeline", run.workflow_id, "--html", str(page))
    assert code == 0, err and "wrote" in out
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>") and "<svg" in text and "<script" not in text.lower()
    assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
    assert text.count('class="task"') == 1 and 'data-outcome="failed"' in text
    code, _, err = swfkit("workflow", "timeline", run.workflow_id)
    assert code == 2 and "--html" in err


def test_stuck_lists_each_way_of_being_stuck_and_nothing_else(runs, swfkit, swfkit_json) -> None:
    idle = ops.nothing_scheduled_run(runs)
    looping = ops.failing_decisions_run(runs)
    busy = ops.Run(runs, "busy")
    busy.decide(busy.schedule("pending"))               # open activity: something will move it
    ops.completed_run(runs)                             # closed: never listed
    found = {item["execution"]["workflowId"]: item for item in swfkit_json("workflow", "stuck")}
    assert set(found) == {idle.workflow_id, looping.workflow_id}
    assert found[idle.workflow_id]["reason"] == "nothing_scheduled"
    assert found[looping.workflow_id]["reason"] == "decisions_failing"
    assert found[looping.workflow_id]["failingDecisions"] == 3
    assert "timed out (START_TO_CLOSE)" in found[looping.workflow_id]["description"]
    assert swfkit_json("workflow", "stuck", "--older-than", "1h") == []
    assert {i["execution"]["workflowId"] for i in swfkit_json("workflow", "stuck", "--failing-decisions", "4")} == {
        idle.workflow_id}
    code, out, err = swfkit("workflow", "stuck")
    assert code == 0, err
    lines = out.splitlines()
    assert len(lines) == 3 and lines[0].split()[:2] == ["WORKFLOW", "ID"]
    assert any(idle.workflow_id in line and "nothing_scheduled" in line for line in lines)


def test_restart_copies_type_input_task_list_tags_and_timeouts(runs, swfkit, swfkit_json) -> None:
    run = ops.completed_run(runs)
    code, out, err = swfkit("workflow", "restart", run.workflow_id)
    assert code == 0, err
    new_run = out.strip()
    assert new_run and new_run != run.run_id
    info = runs.describe_workflow_execution(domain=ops.DOMAIN, execution={"workflowId": run.workflow_id,
                                                                         "runId": new_run})
    old = run.history()[0]["workflowExecutionStartedEventAttributes"]
    assert info["executionInfo"]["tagList"] == ["ops"] and info["executionInfo"]["workflowType"] == ops.WORKFLOW
    config = info["executionConfiguration"]
    assert config["taskList"] == old["taskList"] and config["childPolicy"] == old["childPolicy"]
    assert config["taskStartToCloseTimeout"] == old["taskStartToCloseTimeout"]
    first = runs.get_workflow_execution_history(domain=ops.DOMAIN, execution={"workflowId": run.workflow_id,
                                                                              "runId": new_run})["events"][0]
    assert first["workflowExecutionStartedEventAttributes"]["input"] == '{"x": 1}'
    copied = swfkit_json("workflow", "restart", run.workflow_id, "--run-id", run.run_id, "--workflow-id", "copy-1")
    assert copied["workflowId"] == "copy-1" and copied["restartedFrom"]["runId"] == run.run_id
    code, _, err = swfkit("workflow", "restart", run.workflow_id)  # the new run is open now
    assert code == 1 and "WorkflowExecutionAlreadyStartedFault" in err


def test_unknown_execution_is_one_line(runs, swfkit) -> None:
    for action in ("tasks", "profile", "restart"):
        code, _, err = swfkit("workflow", action, "no-such-id")
        assert code == 1 and "Unknown execution: no run of workflow id 'no-such-id'" in err  # SWF's not-found: 1


@pytest.mark.parametrize("text, seconds", [("90", 90), ("90s", 90), ("15m", 900), ("2h", 7200), ("1d", 86400),
                                           ("1h30m", 5400), ("1.5h", 5400)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5x", "m5"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_duration(text)


def test_history_json_feeds_the_analysis(runs, swfkit, swfkit_json) -> None:
    from swfkit.history import execution_timeline

    run = ops.retried_run(runs)
    events = swfkit_json("workflow", "history", run.workflow_id)
    assert json.loads(json.dumps(events)) == events
    assert execution_timeline(events).tasks[0].attempt_count == 2
