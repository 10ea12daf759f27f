"""``swfkit flow ...`` against the embedded server (decider and workers with --run-workers)."""
from __future__ import annotations

import json

import pytest

import diamond_flow as d
from swfkit.cli import main

FLOW = "diamond_flow:DIAMOND"
TP = "2026120500"


@pytest.fixture
def swfkit(capsys, swf_endpoint, monkeypatch):
    monkeypatch.setenv("AWS_ENDPOINT_URL_SWF", swf_endpoint)
    monkeypatch.setenv("SWF_DOMAIN", "flow-cli")
    d.reset()

    def run(*argv: str):
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


def test_run_status_recover_run_one_from_the_command_line(swfkit, tmp_path) -> None:
    code, out, err = swfkit("flow", "status", FLOW, TP)
    assert code == 1 and err.startswith("swfkit: not found: Unknown domain")  # a mistyped domain is no "not run"
    assert swfkit("domain", "register")[0] == 0
    code, out, err = swfkit("flow", "status", FLOW, TP)
    assert code == 0 and out.splitlines()[0] == "flow diamond %s: not_run" % TP
    d.FAILING.add("clean_users.work")
    code, out, err = swfkit("flow", "run", FLOW, TP, "--run-workers", "--context", '{"db": "w"}', "--log-dir",
                            str(tmp_path))
    assert code == 1
    assert err.splitlines()[-1] == "swfkit: flow diamond %s failed: steps clean_users" % TP
    lines = out.splitlines()
    assert lines[1].split() == ["STEP", "STATE", "STARTED", "DURATION", "ATTEMPTS", "RUN"]
    table = {line.split()[0]: line.split() for line in lines[2:8]}
    assert table["clean_users"][1] == "failed" and table["join"][1] == "skipped"
    assert any(line.startswith("clean_users: ") and "failed on purpose" in line for line in lines[8:])
    assert (tmp_path / "diamond" / "clean_users.log").exists()
    # status: the same run as JSON and as DOT
    code, out, err = swfkit("flow", "status", FLOW, TP, "--json", "--dot", str(tmp_path / "dag.dot"))
    state = json.loads(out)
    assert state["status"] == "failed" and state["failed_steps"] == ["clean_users"]
    assert [s["name"] for s in state["steps"]][:3] == ["extract", "clean_orders", "clean_users"]
    dot = (tmp_path / "dag.dot").read_text()
    assert dot.startswith('digraph "diamond %s"' % TP) and '"clean_users" [label="clean_users\\nfailed", ' \
        'fillcolor=salmon]' in dot and '"clean_orders" -> "join";' in dot
    # the markers show step progress in the plain history too
    code, out, err = swfkit("workflow", "history", "flow.diamond.%s" % TP)
    assert code == 0 and "markerName=flow.steps" in out
    code, out, err = swfkit("workflow", "history", "flow.diamond.%s" % TP, "--json")
    markers = [json.loads(e["markerRecordedEventAttributes"]["details"]) for e in json.loads(out)
               if e["eventType"] == "MarkerRecorded" and e["markerRecordedEventAttributes"]["markerName"] == "flow.steps"]
    assert code == 0 and any("clean_users" in m.get("failed", {}) for m in markers)
    # refusals are one line
    code, out, err = swfkit("flow", "run-one", FLOW, TP, "join")
    assert code == 1 and err.strip() == ("swfkit: run_one diamond %s: step join depends on clean_users, which has "
                                         "not completed (failed)" % TP)
    d.FAILING.clear()
    code, out, err = swfkit("flow", "recover", FLOW, TP, "--run-workers")
    assert code == 0, err
    assert "completed" in out.splitlines()[0] and "(recover of run %s)" % state["run_id"] in out.splitlines()[0]
    code, out, err = swfkit("flow", "recover", FLOW, TP)
    assert code == 1 and "there is nothing to recover" in err
    code, out, err = swfkit("flow", "run-from", FLOW, TP, "join", "--run-workers", "--json")
    assert code == 0 and json.loads(out)["operation"] == "run_from"
    code, out, err = swfkit("flow", "run-one", FLOW, TP, "nope")
    assert code == 2 and "has no step 'nope'" in err


def test_usage_errors(swfkit) -> None:
    code, out, err = swfkit("flow", "status", "diamond_flow:reset", TP)
    assert code == 2 and "is not a swfkit.flows.Flow" in err
    code, out, err = swfkit("flow", "run", FLOW, TP, "--context", "{nope")
    assert code == 2 and "--context: not valid JSON" in err
    code, out, err = swfkit("flow", "run", FLOW, TP, "--local", "--run-workers")
    assert code == 2 and "drop --run-workers" in err


def test_run_local_needs_no_endpoint(swfkit) -> None:
    code, out, err = swfkit("flow", "run", FLOW, TP, "--local", "--json", "--max-parallel", "2")
    assert code == 0, err
    assert json.loads(out)["status"] == "completed"
