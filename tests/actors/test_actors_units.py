"""Pieces of swfkit.actors that need no server: identity, failure texts, registration arguments."""
from __future__ import annotations

import datetime
import json
import os
import socket

import pytest

import swfkit.actors
from swfkit.actors import ActivityTypeRegistration, WorkflowTypeRegistration, activity, default_identity
from swfkit.actors.failures import TRUNCATION_MARKER, cut, exception_reason, failure_of
from swfkit.exceptions import ConfigurationError, ValidationError


def test_public_names_are_pinned() -> None:
    assert sorted(swfkit.actors.__all__) == sorted([
        "Decider", "Worker", "activity", "DecisionTask", "ActivityTask", "Heartbeater",
        "ActivityCanceled", "ActivityTaskLost", "UnknownActivityType", "FatalPollError",
        "ensure_registered", "WorkflowTypeRegistration", "ActivityTypeRegistration",
        "default_identity", "DecisionFailure", "polling", "AsyncWorker", "AsyncDecider",
    ])
    for name in swfkit.actors.__all__:
        assert getattr(swfkit.actors, name).__doc__, name


def test_identity_is_hostname_and_pid_by_default() -> None:
    assert json.loads(default_identity({})) == {"hostname": socket.gethostname(), "pid": os.getpid()}


def test_identity_merges_swfkit_identity_json() -> None:
    identity = json.loads(default_identity({"SWFKIT_IDENTITY": '{"fleet": "batch", "pid": "x"}'}))
    assert identity == {"hostname": socket.gethostname(), "pid": "x", "fleet": "batch"}


@pytest.mark.parametrize("value", ["not json", "[1, 2]", '"text"'])
def test_identity_rejects_what_is_not_a_json_object(value: str) -> None:
    with pytest.raises(ConfigurationError, match="SWFKIT_IDENTITY"):
        default_identity({"SWFKIT_IDENTITY": value})


def test_identity_longer_than_256_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="256"):
        default_identity({"SWFKIT_IDENTITY": json.dumps({"x": "y" * 300})})


def test_cut_keeps_short_text_and_marks_long_text() -> None:
    assert cut("short", 10) == "short"
    assert cut(None, 10) is None
    long = cut("x" * 300, 256)
    assert long is not None and len(long) == 256 and long.endswith(TRUNCATION_MARKER)


class CustomError(Exception):
    pass


def test_failure_reason_is_the_exception_type_and_details_the_traceback() -> None:
    try:
        raise ValueError("bad value " + "z" * 40_000)
    except ValueError as err:
        reason, details = failure_of(err)
    assert reason == "ValueError"
    assert details.startswith("Traceback (most recent call last)")
    assert len(details) == 32_768 and details.endswith(TRUNCATION_MARKER)
    assert exception_reason(CustomError()) == __name__ + ".CustomError"


def test_failure_reason_over_256_is_cut_with_marker() -> None:
    long_name = type("E" * 300, (Exception,), {})
    reason, _ = failure_of(long_name())
    assert len(reason) == 256 and reason.endswith(TRUNCATION_MARKER)


def test_activity_registration_arguments_use_swf_wire_forms() -> None:
    registration = ActivityTypeRegistration("a", "1", task_list="work", start_to_close_timeout=datetime.timedelta(minutes=5),
                                            heartbeat_timeout=10, schedule_to_close_timeout="NONE", task_priority=3)
    args = registration.register_arguments("d")
    assert args["default_task_list"] == {"name": "work"}
    assert args["default_task_start_to_close_timeout"] == "300"
    assert args["default_task_heartbeat_timeout"] == "10"
    assert args["default_task_schedule_to_close_timeout"] == "NONE"
    assert args["default_task_schedule_to_start_timeout"] is None
    assert args["default_task_priority"] == "3"


@pytest.mark.parametrize("bad", [-1, 1.5, "soon", True])
def test_bad_timeouts_name_the_field(bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        WorkflowTypeRegistration("w", "1", task_start_to_close_timeout=bad).register_arguments("d")
    assert caught.value.path == "defaultTaskStartToCloseTimeout"


def test_activity_decorator_rejects_unknown_defaults() -> None:
    with pytest.raises(TypeError, match="start_to_close"):
        activity("a", start_to_close=5)


def test_the_library_adds_a_null_handler_and_configures_nothing() -> None:
    import logging

    handlers = logging.getLogger("swfkit.actors").handlers
    assert any(isinstance(h, logging.NullHandler) for h in handlers)
    assert all(isinstance(h, logging.NullHandler) for h in handlers)


def test_register_keeps_what_the_activity_decorator_declared() -> None:
    from swfkit.actors import Worker
    from swfkit.layer1 import Layer1

    @activity("resize", "2", start_to_close_timeout=60, pass_task=True)
    def resize(task: object) -> str:
        return "ok"

    worker = Worker(Layer1(endpoint_url="http://127.0.0.1:9", region="us-east-1"), "d", "work", activities=[resize])
    [registration] = worker.activity_types()
    assert (registration.name, registration.version, registration.start_to_close_timeout) == ("resize", "2", 60)
    assert worker.activities[("resize", "2")].pass_task is True
    with pytest.raises(ValueError, match="registered twice"):
        worker.register(resize)


def test_missing_domain_or_task_list_names_the_field() -> None:
    from swfkit.actors import Worker
    from swfkit.layer1 import Layer1

    with pytest.raises(ConfigurationError, match="task_list"):
        Worker(Layer1(endpoint_url="http://127.0.0.1:9", region="us-east-1"), "d")
