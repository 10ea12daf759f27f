"""``standalone``, ``replay`` and ``activity rerun`` end to end on the embedded server, with the
workflows of tests/cli/ops_flows.py (histories recorded by running them there)."""
from __future__ import annotations

import json
import os
import pathlib
import subprocess
import sys
import time

import pytest

from swfkit.cli.rerun_command import recorded_activity, rerun_activity

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent.parent


def _standalone(swfkit, *argv: str):  # type: ignore[no-untyped-def]
    code, out, err = swfkit("standalone", *argv, "--json")
    return code, json.loads(out), err


def _group_members(pgid: int) -> list:
    members = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = pathlib.Path("/proc/%s/stat" % entry).read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[2]) == pgid:
                members.append(int(entry))
    return members


def test_standalone_starts_its_own_server_runs_processes_and_leaves_nothing_behind() -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_ENDPOINT_URL")}
    env.update(PYTHONPATH=str(REPO))
    proc = subprocess.Popen([sys.executable, "-m", "swfkit", "standalone", "ops_flows:Flow", "--input", "[3]",
                             "--processes", "2"], cwd=str(HERE), env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=180)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert out.strip() == "8"
    assert "embedded SWF server at http://127.0.0.1:" in err and "3 completed" in err
    # The worker processes were in its process group; multiprocessing's resource tracker leaves as the
    # command's pipe to it closes, a moment after the command itself.
    deadline = time.monotonic() + 10
    while _group_members(proc.pid) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _group_members(proc.pid) == []


def test_standalone_failure_exits_1_with_the_reason(endpoint_env, swfkit) -> None:
    code, out, err = swfkit("standalone", "ops_flows:FailingFlow", "--input", "[3]")
    assert code == 1 and out == ""
    assert err.splitlines()[-1].startswith("swfkit: workflow failed: ") and "cannot take 3" in err.splitlines()[-1]


def test_standalone_with_decider_and_worker_classes(endpoint_env, swfkit) -> None:
    code, answer, err = _standalone(swfkit, "--decider", "ops_flows:SquareDecider", "--worker",
                                    "ops_flows:SquareWorker", "--input", "7")
    assert code == 0, err
    assert (answer["status"], answer["result"]) == ("completed", "49")
    assert "embedded SWF server" not in err  # the configured endpoint was used


def test_standalone_usage_errors(endpoint_env, swfkit) -> None:
    for argv, words in ((("ops_flows:SquareWorker",), "not a futures @workflow class"),
                        (("ops_flows:Flow", "--decider", "ops_flows:SquareDecider"), "not both"),
                        (("ops_flows:Flow", "--input", "{bad"), "--input: not valid JSON")):
        code, _, err = swfkit("standalone", *argv)
        assert code == 2 and words in err, err


def test_standalone_activities_go_to_task_lists_of_its_own(endpoint_env, swfkit, swfkit_json) -> None:
    """The activities declare ``ops-flow-work``; a standalone run's go to ``ops-flow-work-<its suffix>``,
    so workers deployed on that list (or another run's) never take them."""
    code, answer, err = _standalone(swfkit, "ops_flows:Flow", "--input", "[3]")
    assert code == 0 and answer["status"] == "completed", err
    events = swfkit_json("workflow", "history", answer["execution"]["workflowId"])
    decider_list = events[0]["workflowExecutionStartedEventAttributes"]["taskList"]["name"]
    assert decider_list.startswith("swfkit-standalone-")
    lists = {e["activityTaskScheduledEventAttributes"]["taskList"]["name"]
             for e in events if e["eventType"] == "ActivityTaskScheduled"}
    assert lists == {"ops-flow-work-%s" % decider_list.rsplit("-", 1)[1]}


def test_replay_fetched_and_saved_histories_and_a_code_change(endpoint_env, swfkit, swfkit_json,
                                                             tmp_path: pathlib.Path) -> None:
    code, answer, err = _standalone(swfkit, "ops_flows:Flow", "--input", "[3]")
    assert code == 0, err
    workflow_id = answer["execution"]["workflowId"]
    code, out, err = swfkit("replay", "ops_flows:Flow", workflow_id)
    assert code == 0, err
    assert out.startswith("ops_flows:Flow replays cleanly: %s run " % workflow_id)
    code, out, err = swfkit("replay", "ops_flows:ChangedFlow", workflow_id)
    assert code == 1 and out == ""
    line = err.strip()
    assert "does not replay" in line and "add_one" in line and "double" in line
    events = swfkit_json("workflow", "history", workflow_id)
    scheduled = next(e["eventId"] for e in events if e["eventType"] == "ActivityTaskScheduled")
    assert "event %d recorded" % scheduled in line
    saved = tmp_path / "flow.json"
    saved.write_text(json.dumps(events))
    report = swfkit_json("replay", "ops_flows:Flow", "--history", str(saved))
    assert report["clean"] and report["decisionTasks"] >= 3
    code, out, err = swfkit("replay", "ops_flows:ChangedFlow", "--history", str(saved), "--json")
    assert code == 1 and json.loads(out)["divergence"]["eventId"] == scheduled
    from ops_flows import ChangedFlow, Flow
    from swfkit.futures import assert_replays

    assert assert_replays(Flow, saved).clean
    with pytest.raises(AssertionError, match="event %d" % scheduled):
        assert_replays(ChangedFlow, saved)


def test_replay_usage_errors(endpoint_env, swfkit, tmp_path: pathlib.Path) -> None:
    (tmp_path / "bad.json").write_text("{not json")
    for argv, words in ((("ops_flows:Flow",), "not both and not neither"),
                        (("ops_flows:SquareWorker", "--history", "x.json"), "not a futures @workflow class"),
                        (("ops_flows:Flow", "--history", str(tmp_path / "bad.json")), "not a JSON history")):
        code, _, err = swfkit("replay", *argv)
        assert code in (1, 2) and words in err, err


def test_activity_rerun_prints_the_result_or_the_traceback(endpoint_env, swfkit, swfkit_json) -> None:
    code, answer, err = _standalone(swfkit, "ops_flows:FailingFlow", "--input", "[3]")
    assert code == 1
    failed_id = answer["execution"]["workflowId"]
    code, out, err = swfkit("activity", "rerun", failed_id, "--activity-id", "1-explode", "ops_flows")
    assert code == 1 and out == "", err
    assert "Traceback (most recent call last)" in err and "ValueError: cannot take 3" in err
    assert err.splitlines()[-1] == ("swfkit: activity 1-explode (explode/1) failed when rerun (recorded: "
                                    "ActivityTaskFailed)")

    code, answer, err = _standalone(swfkit, "ops_flows:Flow", "--input", "[3]")
    flow_id = answer["execution"]["workflowId"]
    code, out, err = swfkit("activity", "rerun", flow_id, "--activity-id", "1-add_one", "ops_flows")
    assert (code, out.strip()) == (0, "4"), err
    rerun = swfkit_json("activity", "rerun", flow_id, "--activity-id", "2-double", "ops_flows")
    assert (rerun["ok"], rerun["result"], rerun["recordedOutcome"]) == (True, "8", "ActivityTaskCompleted")

    code, answer, err = _standalone(swfkit, "--decider", "ops_flows:SquareDecider", "--worker",
                                    "ops_flows:SquareWorker", "--input", "7")
    square_id = answer["execution"]["workflowId"]
    code, out, err = swfkit("activity", "rerun", square_id, "--activity-id", "sq", "ops_flows:SquareWorker")
    assert (code, out.strip()) == (0, "49"), err

    code, _, err = swfkit("activity", "rerun", flow_id, "--activity-id", "nope", "ops_flows")
    assert code == 2 and "no activity 'nope'" in err and "1-add_one" in err
    code, _, err = swfkit("activity", "rerun", flow_id, "--activity-id", "1-add_one")
    assert code == 2 and "give the MODULE" in err


def test_rerun_decodes_the_recorded_input_through_its_seam() -> None:
    events = [{"eventId": 5, "eventType": "ActivityTaskScheduled", "eventTimestamp": 1.0,
               "activityTaskScheduledEventAttributes": {"activityId": "1-add_one", "input": "ref:abc",
                                                        "activityType": {"name": "add_one", "version": "1"}}}]
    recorded = recorded_activity(events, "1-add_one")
    from swfkit.actors import Worker
    from ops_flows import add_one

    worker = Worker(object(), "d", "t")
    add_one.register(worker)
    seen = []
    ok, value = rerun_activity(recorded, worker, workflow_execution={"workflowId": "w", "runId": "r"},
                               decode=lambda text: seen.append(text) or "[41]")
    assert (ok, value, seen) == (True, "42", ["ref:abc"])


def test_the_command_reruns_with_an_offloaded_input_fetched_back(tmp_path: Any) -> None:
    from swfkit.cli.rerun_command import payload_decoder
    from swfkit.payloads import FileStore, Payloads

    reference = Payloads(FileStore(str(tmp_path)), threshold=10).encode(
        "ScheduleActivityTask.input", "[%d]" % 41 + " " * 100)
    assert reference.startswith("swfkit+file://")
    events = [{"eventId": 5, "eventType": "ActivityTaskScheduled", "eventTimestamp": 1.0,
               "activityTaskScheduledEventAttributes": {"activityId": "1-add_one", "input": reference,
                                                        "activityType": {"name": "add_one", "version": "1"}}}]
    from swfkit.actors import Worker
    from ops_flows import add_one

    worker = Worker(object(), "d", "t")
    add_one.register(worker)
    ok, value = rerun_activity(recorded_activity(events, "1-add_one"), worker,
                               workflow_execution={"workflowId": "w", "runId": "r"}, decode=payload_decoder())
    assert (ok, value) == (True, "42")
