"""Typed events: one class per SWF event type, generated from the model, round-tripping the wire."""
from __future__ import annotations

import dataclasses
import importlib.util
import pathlib
import re
from datetime import datetime, timedelta, timezone

import pytest

from swfkit.exceptions import HistoryError
from swfkit.history import events as events_module
from swfkit.history.event_base import HistoryEvent, UnknownEvent, to_datetime
from swfkit.history.events import EVENT_CLASSES, parse_event
from swfkit.spec import EVENT_ATTRIBUTES, SHAPES

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent


def sample(shape_name: str, member: str) -> object:
    """A value of the right wire type for a member."""
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if "enum" in shape:
        return shape["enum"][0]
    if kind == "string":
        return "%s-value" % member
    if kind == "long":
        return 17
    if kind == "list":
        return ["tag-a", "tag-b"]
    if kind == "structure":
        return {name: sample(sub, name) for name, sub in shape["members"].items()}
    raise AssertionError(kind)


def full_wire_event(event_type: str) -> dict:
    key, shape_name = EVENT_ATTRIBUTES[event_type]
    attributes = {member: sample(shape, member) for member, shape in SHAPES[shape_name]["members"].items()}
    return {"eventId": 42, "eventType": event_type, "eventTimestamp": 1700000000.125, key: attributes}


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def test_one_class_per_event_type_of_the_model() -> None:
    assert set(EVENT_CLASSES) == set(SHAPES["EventType"]["enum"])
    assert len(EVENT_CLASSES) == 54
    for name, cls in EVENT_CLASSES.items():
        assert cls.__name__ == name
        assert issubclass(cls, HistoryEvent)
        assert getattr(events_module, name) is cls


@pytest.mark.parametrize("event_type", sorted(EVENT_ATTRIBUTES))
def test_every_event_type_round_trips(event_type: str) -> None:
    raw = full_wire_event(event_type)
    event = parse_event(raw)
    assert type(event).__name__ == event_type
    assert (event.event_id, event.event_type) == (42, event_type)
    assert event.event_timestamp == datetime(2023, 11, 14, 22, 13, 20, 125000, tzinfo=timezone.utc)
    assert event.raw is raw
    key = EVENT_ATTRIBUTES[event_type][0]
    for member, value in raw[key].items():
        assert getattr(event, snake(member)) == value, member
    assert event.attributes is raw[key]
    assert event.to_dict() == raw
    assert parse_event(event.to_dict()) == event


@pytest.mark.parametrize("event_type", ["ActivityTaskCompleted", "TimerFired", "WorkflowExecutionStarted"])
def test_events_are_frozen_and_slotted(event_type: str) -> None:
    event = parse_event(full_wire_event(event_type))
    with pytest.raises(dataclasses.FrozenInstanceError):
        event.event_id = 1  # type: ignore[misc]
    assert not hasattr(event, "__dict__")


def test_fields_carry_snake_case_names_and_optional_members_default_to_none() -> None:
    event = parse_event({"eventId": 5, "eventType": "ActivityTaskScheduled", "eventTimestamp": 1700000000,
                         "activityTaskScheduledEventAttributes": {
                             "activityId": "a1", "activityType": {"name": "n", "version": "1"},
                             "taskList": {"name": "t"}, "decisionTaskCompletedEventId": 4,
                             "startToCloseTimeout": "30", "someFutureMember": "kept in raw only"}})
    assert event.activity_id == "a1"
    assert event.decision_task_completed_event_id == 4
    assert event.start_to_close_timeout == "30"
    assert event.input is None and event.heartbeat_timeout is None
    assert not hasattr(event, "some_future_member")  # never setattr from raw keys
    assert event.raw["activityTaskScheduledEventAttributes"]["someFutureMember"] == "kept in raw only"
    assert "someFutureMember" not in event.to_dict()["activityTaskScheduledEventAttributes"]


def test_unknown_event_type_is_kept_as_a_generic_event() -> None:
    raw = {"eventId": 9, "eventType": "WorkflowExecutionUpdated", "eventTimestamp": 1700000000.5,
           "workflowExecutionUpdatedEventAttributes": {"what": "new in 2030"}}
    event = parse_event(raw)
    assert isinstance(event, UnknownEvent)
    assert event.event_type == "WorkflowExecutionUpdated"
    assert event.attributes_key == "workflowExecutionUpdatedEventAttributes"
    assert event.attributes == {"what": "new in 2030"}
    assert event.to_dict() == raw


def test_missing_required_member_names_it() -> None:
    with pytest.raises(HistoryError, match=r"activityTaskCompletedEventAttributes\.startedEventId is missing"):
        parse_event({"eventId": 3, "eventType": "ActivityTaskCompleted", "eventTimestamp": 1.0,
                     "activityTaskCompletedEventAttributes": {"scheduledEventId": 2}})


@pytest.mark.parametrize("raw, field", [
    ({"eventType": "TimerFired", "eventTimestamp": 1.0}, "eventId"),
    ({"eventId": "7", "eventType": "TimerFired", "eventTimestamp": 1.0}, "eventId"),
    ({"eventId": 7, "eventTimestamp": 1.0}, "eventType"),
    ({"eventId": 7, "eventType": "TimerFired"}, "eventTimestamp"),
    ({"eventId": 7, "eventType": "TimerFired", "eventTimestamp": [1]}, "eventTimestamp"),
])
def test_malformed_headers_name_the_field(raw: dict, field: str) -> None:
    with pytest.raises(HistoryError, match=field):
        parse_event(raw)


@pytest.mark.parametrize("value", [
    1700000000, 1700000000.0, "1700000000", "2023-11-14T22:13:20Z", "2023-11-14T23:13:20+01:00",
    datetime(2023, 11, 14, 22, 13, 20), datetime(2023, 11, 14, 17, 13, 20, tzinfo=timezone(timedelta(hours=-5))),
])
def test_timestamps_become_aware_utc(value: object) -> None:
    converted = to_datetime(value)
    assert converted == datetime(2023, 11, 14, 22, 13, 20, tzinfo=timezone.utc)
    assert converted.tzinfo is timezone.utc


def test_generated_module_is_up_to_date() -> None:
    spec = importlib.util.spec_from_file_location("generate_events", ROOT / "tools" / "generate_events.py")
    generator = importlib.util.module_from_spec(spec)
    assert spec.loader is not None
    spec.loader.exec_module(generator)
    assert generator.render() == (ROOT / "swfkit" / "history" / "events.py").read_text()
