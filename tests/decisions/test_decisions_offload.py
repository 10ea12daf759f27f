"""Decisions with a payload codec: over-limit payloads accepted when built, offloaded by to_list."""
from __future__ import annotations

import pathlib

import pytest

from swfkit.decisions import Decisions, complete_workflow_execution, fail_workflow_execution
from swfkit.decisions.payload_offload import offloading
from swfkit.exceptions import ValidationError
from swfkit.payloads import FileStore, Payloads

BIG = "x" * 40_000


def test_without_a_codec_the_error_says_how_to_offload() -> None:
    with pytest.raises(ValidationError) as caught:
        Decisions().complete_workflow_execution(result=BIG)
    assert caught.value.path == "decisions[0].completeWorkflowExecutionDecisionAttributes.result"
    assert "40000" in caught.value.rule and "SWFKIT_PAYLOAD_STORE" in caught.value.rule


def test_explicit_codec_offloads_on_to_list(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path))
    with offloading(codec):
        decisions = Decisions(payloads=codec)
        decisions.schedule_activity_task("a1", ("A", "1"), input=BIG, control="small")
        decisions.append(complete_workflow_execution(result=BIG))
    assert list(tmp_path.iterdir()) == []  # nothing stored before to_list
    wire = decisions.to_list()
    sent = wire[0]["scheduleActivityTaskDecisionAttributes"]
    assert codec.is_reference(sent["input"]) and sent["control"] == "small"
    assert sent["activityType"] == {"name": "A", "version": "1"}
    assert codec.decode(wire[1]["completeWorkflowExecutionDecisionAttributes"]["result"]) == BIG
    assert len(list(tmp_path.iterdir())) == 1  # the same value, stored once


def test_active_codec_is_picked_up_and_long_reason_cut(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path))
    with offloading(codec):
        decisions = Decisions([fail_workflow_execution(reason="R" * 300, details="trace")])
        wire = decisions.to_list()
    attributes = wire[0]["failWorkflowExecutionDecisionAttributes"]
    assert len(attributes["reason"]) == 256 and attributes["reason"].endswith("…[truncated]")
    assert attributes["details"].startswith("reason: " + "R" * 300)


def test_built_under_a_codec_sent_without_one_is_refused(tmp_path: pathlib.Path) -> None:
    with offloading(Payloads(FileStore(tmp_path))):
        decisions = Decisions()
        decisions.record_marker("m", details=BIG)
    with pytest.raises(ValidationError) as caught:
        decisions.to_list()
    assert caught.value.path == "decisions[0].recordMarkerDecisionAttributes.details"
    assert "SWFKIT_PAYLOAD_STORE" in caught.value.rule
