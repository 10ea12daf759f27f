"""``swfkit workflow ...`` against the embedded server (in-process main)."""
from __future__ import annotations

import pytest


@pytest.fixture
def registered(endpoint_env, swfkit_json) -> None:
    swfkit_json("domain", "register")
    swfkit_json("type", "register", "workflow", "flow", "1", "--task-list", "deciders",
                "--execution-timeout", "3600", "--task-timeout", "10", "--child-policy", "TERMINATE")


def test_start_list_info_signal_history(registered, swfkit, swfkit_json) -> None:
    started = swfkit_json("workflow", "start", "flow", "1", "--workflow-id", "wf-1", "--input", '{"x": 1}',
                          "--tag", "cli")
    assert started["workflowId"] == "wf-1" and started["runId"]

    open_runs = swfkit_json("workflow", "list")
    assert [(i["execution"]["workflowId"], i["executionStatus"]) for i in open_runs] == [("wf-1", "OPEN")]
    code, out, _ = swfkit("workflow", "list", "--tag", "cli")
    assert code == 0 and "wf-1" in out and "flow/1" in out

    info = swfkit_json("workflow", "info", "wf-1")
    assert info["executionInfo"]["execution"] == {"workflowId": "wf-1", "runId": started["runId"]}
    assert info["openCounts"]["openDecisionTasks"] == 1
    code, out, _ = swfkit("workflow", "info", "wf-1", "--run-id", started["runId"])
    assert "status:" in out and "OPEN" in out and "deciders" in out

    code, out, err = swfkit("workflow", "signal", "wf-1", "go", "--input", '{"fast": true}')
    assert (code, err) == (0, "") and "signaled wf-1" in out

    events = swfkit_json("workflow", "history", "wf-1")
    assert [e["eventType"] for e in events] == ["WorkflowExecutionStarted", "DecisionTaskScheduled",
                                                "WorkflowExecutionSignaled"]
    assert events[2]["workflowExecutionSignaledEventAttributes"]["input"] == '{"fast": true}'
    code, out, _ = swfkit("workflow", "history", "wf-1", "--last", "1")
    lines = out.splitlines()
    assert len(lines) == 2 and "WorkflowExecutionSignaled" in lines[1] and "signalName=go" in lines[1]


def test_cancel_then_terminate_then_closed_listing(registered, swfkit, swfkit_json) -> None:
    swfkit_json("workflow", "start", "flow", "1", "--workflow-id", "wf-2")
    assert swfkit("workflow", "cancel", "wf-2")[0] == 0
    assert swfkit_json("workflow", "info", "wf-2")["executionInfo"]["cancelRequested"] is True
    code, out, _ = swfkit("workflow", "terminate", "wf-2", "--reason", "test over")
    assert code == 0 and "terminated wf-2" in out

    closed = swfkit_json("workflow", "list", "--status", "closed")
    assert [(i["execution"]["workflowId"], i["closeStatus"]) for i in closed] == [("wf-2", "TERMINATED")]
    assert swfkit_json("workflow", "list") == []
    # info and history find the latest closed run when no run is open
    assert swfkit_json("workflow", "info", "wf-2")["executionInfo"]["closeStatus"] == "TERMINATED"
    assert swfkit_json("workflow", "history", "wf-2")[-1]["eventType"] == "WorkflowExecutionTerminated"


def test_generated_workflow_id(registered, swfkit) -> None:
    code, out, _ = swfkit("workflow", "start", "flow", "1")
    assert code == 0 and out.startswith("started flow-")
