"""``swfkit workflow start --trace``: the input becomes a futures envelope carrying $TRACEPARENT."""
from __future__ import annotations

import json

import pytest

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"


@pytest.fixture
def registered(endpoint_env, swfkit_json) -> None:
    swfkit_json("domain", "register")
    swfkit_json("type", "register", "workflow", "flow", "1", "--task-list", "deciders",
                "--execution-timeout", "3600", "--task-timeout", "10", "--child-policy", "TERMINATE")


def started_input(swfkit_json, workflow_id: str) -> str:
    return swfkit_json("workflow", "history", workflow_id)[0]["workflowExecutionStartedEventAttributes"].get("input")


@pytest.mark.parametrize("given, expected", [
    ("[3]", {"args": [3]}),
    ('{"args": [1], "kwargs": {"b": 2}}', {"args": [1], "kwargs": {"b": 2}}),
    ('{"name": "Ada"}', {"args": [{"name": "Ada"}]}),
    (None, {"args": []}),
])
def test_trace_wraps_the_input_with_the_environments_trace_context(registered, swfkit_json, monkeypatch, given,
                                                                   expected) -> None:
    monkeypatch.setenv("TRACEPARENT", TRACEPARENT)
    monkeypatch.setenv("TRACESTATE", "vendor=1")
    options = [] if given is None else ["--input", given]
    swfkit_json("workflow", "start", "flow", "1", "--workflow-id", "wf-t", "--trace", *options)
    assert json.loads(started_input(swfkit_json, "wf-t")) == dict(
        expected, trace={"traceparent": TRACEPARENT, "tracestate": "vendor=1"})


def test_without_trace_the_input_is_sent_as_given(registered, swfkit_json, monkeypatch) -> None:
    monkeypatch.setenv("TRACEPARENT", TRACEPARENT)
    swfkit_json("workflow", "start", "flow", "1", "--workflow-id", "wf-u", "--input", "[3]")
    assert started_input(swfkit_json, "wf-u") == "[3]"


@pytest.mark.parametrize("traceparent, message", [
    (None, "--trace: TRACEPARENT is not set"), ("garbage", "--trace: TRACEPARENT: not a W3C traceparent")])
def test_trace_needs_a_valid_traceparent(registered, swfkit, monkeypatch, traceparent, message) -> None:
    monkeypatch.delenv("TRACEPARENT", raising=False)
    if traceparent is not None:
        monkeypatch.setenv("TRACEPARENT", traceparent)
    code, out, err = swfkit("workflow", "start", "flow", "1", "--trace", "--input", "[3]")
    assert code != 0 and message in err and out == ""
    assert swfkit("workflow", "list", "--json")[1].strip() == "[]"  # nothing was started


def test_trace_is_refused_with_local(swfkit) -> None:
    code, _, err = swfkit("workflow", "start", "--local", "m:Flow", "--trace")
    assert code != 0 and "--trace" in err
