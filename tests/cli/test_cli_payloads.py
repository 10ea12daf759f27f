"""``swfkit workflow start/signal --input @file`` with offload, ``history`` with references and ``--resolve``."""
from __future__ import annotations

import json
import pathlib

import pytest

from swfkit.payloads import FileStore, Payloads


@pytest.fixture
def registered(endpoint_env, swfkit_json) -> None:
    swfkit_json("domain", "register")
    swfkit_json("type", "register", "workflow", "flow", "1", "--task-list", "deciders",
                "--execution-timeout", "3600", "--task-timeout", "10", "--child-policy", "TERMINATE")


def test_big_input_from_a_file_is_offloaded_and_resolved(registered, swfkit, swfkit_json, tmp_path: pathlib.Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWFKIT_PAYLOAD_STORE", "file://%s" % (tmp_path / "store"))
    monkeypatch.setenv("SWFKIT_PAYLOAD_CACHE", "off")
    value = json.dumps({"rows": ["r" * 100] * 1_000})  # ~103 KB
    (tmp_path / "input.json").write_text(value)
    swfkit_json("workflow", "start", "flow", "1", "--workflow-id", "big", "--input", "@%s" % (tmp_path / "input.json"))
    swfkit_json("workflow", "signal", "big", "go", "--input", "@%s" % (tmp_path / "input.json"))
    events = swfkit_json("workflow", "history", "big")
    reference = events[0]["workflowExecutionStartedEventAttributes"]["input"]
    codec = Payloads(FileStore(tmp_path / "store"))
    assert codec.is_reference(reference) and codec.decode(reference) == value
    assert events[2]["workflowExecutionSignaledEventAttributes"]["input"] == reference  # stored once
    code, out, _ = swfkit("workflow", "history", "big")
    assert code == 0 and "input=[offloaded 101.6 KiB] swfkit+file://" in out
    monkeypatch.delenv("SWFKIT_PAYLOAD_STORE")  # --resolve needs no store: the reference says where
    resolved = swfkit_json("workflow", "history", "big", "--resolve")
    assert resolved[0]["workflowExecutionStartedEventAttributes"]["input"] == value


def test_big_input_without_a_store_is_refused_before_sending(registered, swfkit, swfkit_json,
                                                             tmp_path: pathlib.Path) -> None:
    (tmp_path / "input.json").write_text(json.dumps("x" * 40_000))
    code, _, err = swfkit("workflow", "start", "flow", "1", "--workflow-id", "big", "--input",
                          "@%s" % (tmp_path / "input.json"))
    assert code != 0 and "StartWorkflowExecution" in err and "40002" in err and "SWFKIT_PAYLOAD_STORE" in err
    assert swfkit_json("workflow", "list") == []


def test_unreadable_input_file(registered, swfkit, tmp_path: pathlib.Path) -> None:
    code, _, err = swfkit("workflow", "start", "flow", "1", "--input", "@%s" % (tmp_path / "missing.json"))
    assert code != 0 and "--input" in err and "missing.json" in err
