"""Paginated operations are followed lazily, one page per request."""
from __future__ import annotations

import pytest

from swfkit.exceptions import ValidationError
from tests.layer1.conftest import answer, sent


def test_history_pages_are_fetched_lazily(swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"events": [{"eventId": 1}], "nextPageToken": "p2"})
    answer(http, {"events": [{"eventId": 2}], "nextPageToken": "p3"})
    answer(http, {"events": [{"eventId": 3}]})
    pages = swf.paginate("get_workflow_execution_history", domain="d", execution={"workflowId": "w", "runId": "r"},
                         maximum_page_size=1)
    assert len(http.calls) == 0
    first = next(pages)
    assert first["events"] == [{"eventId": 1}] and len(http.calls) == 1
    rest = list(pages)
    assert [page["events"][0]["eventId"] for page in rest] == [2, 3]
    bodies = sent(http)
    assert [body.get("nextPageToken") for body in bodies] == [None, "p2", "p3"]
    assert all(body["maximumPageSize"] == 1 and body["execution"] == {"workflowId": "w", "runId": "r"} for body in bodies)


def test_decision_task_pages_repeat_the_poll(swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"taskToken": "tok", "startedEventId": 5, "events": [{"eventId": 1}], "nextPageToken": "n"})
    answer(http, {"taskToken": "tok", "startedEventId": 5, "events": [{"eventId": 2}]})
    pages = list(swf.paginate("PollForDecisionTask", domain="d", task_list={"name": "main"}, identity="me"))
    assert [page["taskToken"] for page in pages] == ["tok", "tok"]
    assert sent(http)[1] == {"domain": "d", "taskList": {"name": "main"}, "identity": "me", "nextPageToken": "n"}


@pytest.mark.parametrize("operation, key", [
    ("ListDomains", "domainInfos"), ("ListActivityTypes", "typeInfos"), ("ListWorkflowTypes", "typeInfos"),
    ("ListOpenWorkflowExecutions", "executionInfos"), ("ListClosedWorkflowExecutions", "executionInfos"),
])
def test_list_operations_paginate(swf, http, operation, key) -> None:  # type: ignore[no-untyped-def]
    answer(http, {key: [1], "nextPageToken": "t"})
    answer(http, {key: [2]})
    params = {"ListDomains": {"registrationStatus": "REGISTERED"},
              "ListActivityTypes": {"domain": "d", "registrationStatus": "REGISTERED"},
              "ListWorkflowTypes": {"domain": "d", "registrationStatus": "REGISTERED"},
              "ListOpenWorkflowExecutions": {"domain": "d", "startTimeFilter": {"oldestDate": 0}},
              "ListClosedWorkflowExecutions": {"domain": "d", "startTimeFilter": {"oldestDate": 0}}}[operation]
    assert [item for page in swf.paginate(operation, **params) for item in page[key]] == [1, 2]


def test_wire_names_are_accepted_too(swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"domainInfos": []})
    list(swf.paginate("ListDomains", registrationStatus="REGISTERED"))
    assert sent(http) == [{"registrationStatus": "REGISTERED"}]


def test_errors_before_any_request(swf, http) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError, match="not a paginated operation"):
        swf.paginate("DescribeDomain", name="d")
    with pytest.raises(ValidationError, match="unknown argument"):
        swf.paginate("ListDomains", registration="REGISTERED")
    with pytest.raises(ValidationError, match="unknown operation"):
        swf.paginate("list_everything")
    assert len(http.calls) == 0
