"""Domains, types and executions as objects, against the embedded server."""
from __future__ import annotations

import datetime

import pytest

from swfkit.exceptions import (
    DomainAlreadyExistsFault, TypeNotDeprecatedFault, UnknownResourceFault, ValidationError,
)
from swfkit.models import UNLIMITED, ActivityType, Domain, WorkflowExecution, WorkflowType


@pytest.fixture
def domain(layer1) -> Domain:  # type: ignore[no-untyped-def]
    return Domain.objects(layer1).create("models", retention=datetime.timedelta(days=3), description="for tests",
                                         tags={"team": "swf"})


def test_domain_create_get_refresh_deprecate(layer1, domain) -> None:  # type: ignore[no-untyped-def]
    assert (domain.name, domain.status, domain.retention_days) == ("models", "REGISTERED", 3)
    got = Domain.objects(layer1).get("models")
    assert (got.description, got.retention_days, got.status) == ("for tests", 3, "REGISTERED")
    assert got.arn and got == domain
    with pytest.raises(DomainAlreadyExistsFault):
        Domain.objects(layer1).create("models")
    domain.deprecate()
    assert domain.refresh().status == "DEPRECATED"
    assert [d.name for d in Domain.objects(layer1).filter(status="DEPRECATED")] == ["models"]
    assert "models" not in [d.name for d in Domain.objects(layer1).all()]
    domain.undeprecate()
    assert Domain.objects(layer1).get("models").status == "REGISTERED"
    with pytest.raises(UnknownResourceFault):
        Domain.objects(layer1).get("absent")


def test_unlimited_retention(layer1) -> None:  # type: ignore[no-untyped-def]
    assert Domain.objects(layer1).create("forever", retention=UNLIMITED).retention_days == 0
    with pytest.raises(ValidationError, match="0..90"):
        Domain.objects(layer1).create("too-long", retention=91)


def test_workflow_type_defaults_round_trip(domain) -> None:  # type: ignore[no-untyped-def]
    defaults = dict(default_task_start_to_close_timeout=datetime.timedelta(seconds=45),
                    default_execution_start_to_close_timeout=datetime.timedelta(hours=2),
                    default_task_list="deciders", default_task_priority=-5, default_child_policy="ABANDON")
    created = domain.workflow_types.create("flow", "1", description="a flow", **defaults)
    fetched = domain.workflow_types.get("flow", "1")
    assert fetched == created and fetched.description == "a flow"
    expected = dict(defaults, default_lambda_role=None)
    assert fetched.defaults == expected
    # what came out registers the same again
    again = domain.workflow_types.create("flow", "2", **{k: v for k, v in fetched.defaults.items() if v is not None})
    assert domain.workflow_types.get("flow", "2").defaults == expected
    assert isinstance(fetched.creation_date, datetime.datetime) and fetched.creation_date.tzinfo is not None
    assert [t.version for t in domain.workflow_types.filter(name="flow")] == ["1", "2"]
    assert again.version == "2"


def test_activity_type_lifecycle(domain) -> None:  # type: ignore[no-untyped-def]
    activity, created = domain.activity_types.get_or_create(
        "work", "1", default_task_list={"name": "workers"}, default_task_heartbeat_timeout=UNLIMITED,
        default_task_schedule_to_close_timeout=120, default_task_schedule_to_start_timeout="60",
        default_task_start_to_close_timeout=datetime.timedelta(minutes=1))
    assert created and isinstance(activity, ActivityType)
    assert domain.activity_types.get_or_create("work", "1")[1] is False
    assert activity.default_task_heartbeat_timeout == UNLIMITED
    assert activity.default_task_schedule_to_close_timeout == datetime.timedelta(seconds=120)
    assert activity.default_task_list == "workers"
    with pytest.raises(TypeNotDeprecatedFault):
        activity.delete()
    activity.deprecate()
    assert [a.name for a in domain.activity_types.filter(status="DEPRECATED")] == ["work"]
    activity.undeprecate()
    assert activity.refresh().status == "REGISTERED"
    activity.deprecate()
    activity.delete()
    with pytest.raises(UnknownResourceFault):
        domain.activity_types.get("work", "1")


def test_bad_defaults_are_refused_before_sending(domain) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="whole seconds"):
        domain.workflow_types.create("f", "1", default_task_start_to_close_timeout=datetime.timedelta(seconds=1.5))
    with pytest.raises(TypeError, match="default_colour"):
        domain.workflow_types.create("f", "1", default_colour="red")
    assert list(domain.workflow_types.all()) == []


def start(domain: Domain, workflow_id: str, **options) -> WorkflowExecution:  # type: ignore[no-untyped-def]
    flow, _ = domain.workflow_types.get_or_create(
        "flow", "1", default_task_list="deciders", default_child_policy="TERMINATE",
        default_execution_start_to_close_timeout=3600, default_task_start_to_close_timeout=30)
    return flow.start(workflow_id, **options)


def test_executions_filter_signal_cancel_terminate(layer1, domain) -> None:  # type: ignore[no-untyped-def]
    first = start(domain, "a", input="in", tags=["blue"], task_priority=3)
    second = start(domain, "b", execution_start_to_close_timeout=datetime.timedelta(minutes=5))
    assert {e.workflow_id for e in domain.executions.all()} == {"a", "b"}
    assert [e.workflow_id for e in domain.executions.filter(tag="blue")] == ["a"]
    assert [e.workflow_id for e in domain.executions.filter(workflow_type=("flow", "1"))] != []
    assert domain.executions.all().count() == 2
    got = domain.executions.get("a")
    assert got == first and got.tags == ["blue"] and got.status == "OPEN"
    assert got.start_timestamp is not None and got.start_timestamp.tzinfo is not None

    first.signal("poke", input="p")
    first.request_cancel()
    assert first.refresh().cancel_requested is True
    events = [e["eventType"] for e in first.history()]
    assert events[0] == "WorkflowExecutionStarted"
    assert "WorkflowExecutionSignaled" in events and "WorkflowExecutionCancelRequested" in events
    assert [e["eventType"] for e in first.history(reverse=True)] == events[::-1]

    second.terminate(reason="enough")
    assert second.refresh().close_status == "TERMINATED"
    assert [e.workflow_id for e in domain.executions.filter(close_status="TERMINATED")] == ["b"]
    assert domain.executions.filter(closed=True).count() == 1
    with pytest.raises(UnknownResourceFault):
        domain.executions.get("b")  # no open run any more
    assert domain.executions.get("b", second.run_id).close_status == "TERMINATED"
    with pytest.raises(ValidationError, match="mutually exclusive"):
        domain.executions.filter(tag="blue", workflow_id="a")


def test_history_is_lazy_and_paginated(layer1, domain) -> None:  # type: ignore[no-untyped-def]
    run = start(domain, "many")
    for index in range(7):
        run.signal("s%d" % index)
    calls = []
    original = layer1.call

    def counting(operation, params=None):  # type: ignore[no-untyped-def]
        calls.append(operation)
        return original(operation, params)

    layer1.call = counting
    events = run.history(page_size=3)
    assert calls == []
    first = next(events)
    assert first["eventType"] == "WorkflowExecutionStarted" and calls == ["GetWorkflowExecutionHistory"]
    rest = list(events)
    assert len(rest) + 1 >= 9 and calls.count("GetWorkflowExecutionHistory") >= 3


def test_all_is_lazy(layer1) -> None:  # type: ignore[no-untyped-def]
    for index in range(5):
        Domain.objects(layer1).create("lazy-%d" % index)
    query = Domain.objects(layer1).all()
    assert isinstance(query.first(), Domain)
    assert [d.name for d in query.filter(reverse=True)][:2] == ["lazy-4", "lazy-3"]
    assert isinstance(WorkflowType, type)
