"""Python values at the surface, SWF's strings on the wire."""
from __future__ import annotations

import datetime

import pytest

from swfkit.exceptions import ValidationError
from swfkit.models import wire_values


@pytest.mark.parametrize("value, wire", [
    (None, None), (datetime.timedelta(minutes=2), "120"), (0, "0"), (45, "45"), ("45", "45"), ("NONE", "NONE"),
    (datetime.timedelta(days=365), "31536000"),
])
def test_durations_to_wire(value, wire) -> None:  # type: ignore[no-untyped-def]
    assert wire_values.duration_to_wire(value, "Op", "field") == wire


@pytest.mark.parametrize("value, rule", [
    (datetime.timedelta(seconds=0.5), "whole seconds"), (-1, "0..31536000"), ("1m", "0..31536000"),
    (31536001, "0..31536000"), (1.5, "timedelta"), (True, "timedelta"),
])
def test_bad_durations(value, rule) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match=rule) as caught:
        wire_values.duration_to_wire(value, "RegisterActivityType", "defaultTaskHeartbeatTimeout")
    assert caught.value.path == "defaultTaskHeartbeatTimeout" and caught.value.operation == "RegisterActivityType"


def test_durations_from_wire() -> None:
    assert wire_values.duration_from_wire("90") == datetime.timedelta(seconds=90)
    assert wire_values.duration_from_wire("NONE") == "NONE"
    assert wire_values.duration_from_wire(None) is None


def test_days_timestamps_task_lists_types() -> None:
    assert wire_values.days_to_wire(datetime.timedelta(days=3), "RegisterDomain") == "3"
    assert wire_values.days_to_wire("NONE", "RegisterDomain") == "NONE"
    with pytest.raises(ValidationError, match="whole days"):
        wire_values.days_to_wire(datetime.timedelta(hours=5), "RegisterDomain")
    stamp = wire_values.timestamp_from_wire(1700000000.5)
    assert stamp == datetime.datetime(2023, 11, 14, 22, 13, 20, 500000, tzinfo=datetime.timezone.utc)
    assert wire_values.task_list_to_wire("main") == {"name": "main"}
    assert wire_values.task_list_from_wire({"name": "main"}) == "main"
    assert wire_values.type_to_wire(("flow", "1")) == {"name": "flow", "version": "1"}
    assert wire_values.priority_to_wire(-3) == "-3" and wire_values.priority_from_wire("7") == 7


def test_public_names() -> None:
    import swfkit.models

    assert sorted(swfkit.models.__all__) == [
        "ActivityType", "ActivityTypes", "Domain", "Domains", "QuerySet", "UNLIMITED", "WorkflowExecution",
        "WorkflowExecutions", "WorkflowType", "WorkflowTypes"]
