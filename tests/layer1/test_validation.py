"""Bad input is refused before anything is sent, naming the operation, the field path and the rule."""
from __future__ import annotations

import datetime

import pytest

from swfkit.exceptions import ValidationError

SCHEDULE = {"decisionType": "ScheduleActivityTask",
            "scheduleActivityTaskDecisionAttributes": {"activityType": {"name": "a", "version": "1"}, "activityId": "a1"}}


def refused(swf, http, operation, params):  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        swf.call(operation, params)
    assert len(http.calls) == 0, "nothing may be sent"
    assert caught.value.operation == operation
    assert isinstance(caught.value, ValueError)
    return caught.value


@pytest.mark.parametrize("operation, params, path, rule", [
    ("DescribeDomain", {}, "name", "is required"),
    ("DescribeDomain", {"name": "d", "nmae": "x"}, "nmae", "unknown member"),
    ("DescribeDomain", {"name": ""}, "name", "length must be at least 1"),
    ("DescribeDomain", {"name": "x" * 257}, "name", "length must be at most 256, got 257"),
    ("DescribeDomain", {"name": 5}, "name", "must be a string, not int"),
    ("DescribeDomain", {"name": None}, "name", "must be a string, not NoneType"),
    ("ListDomains", {"registrationStatus": "ACTIVE"}, "registrationStatus", "must be one of REGISTERED, DEPRECATED"),
    ("ListDomains", {"registrationStatus": "REGISTERED", "maximumPageSize": 1001}, "maximumPageSize", "must be at most 1000"),
    ("ListDomains", {"registrationStatus": "REGISTERED", "maximumPageSize": -1}, "maximumPageSize", "must be at least 0"),
    ("ListDomains", {"registrationStatus": "REGISTERED", "maximumPageSize": True}, "maximumPageSize", "must be an integer, not bool"),
    ("ListDomains", {"registrationStatus": "REGISTERED", "reverseOrder": "yes"}, "reverseOrder", "must be a bool"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "n", "version": "1"},
                                "tagList": ["a", "b", "c", "d", "e", "f"]}, "tagList", "must hold at most 5 items, got 6"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "n"}},
     "workflowType.version", "is required"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": "n:1"},
     "workflowType", "must be a dict, not str"),
    ("RespondDecisionTaskCompleted", {"taskToken": "t", "decisions": SCHEDULE}, "decisions", "must be a list"),
    ("RespondDecisionTaskCompleted", {"taskToken": "t", "decisions": [{"decisionType": "Explode"}]},
     "decisions[0].decisionType", "must be one of ScheduleActivityTask"),
    ("CountOpenWorkflowExecutions", {"domain": "d", "startTimeFilter": {"oldestDate": "yesterday"}},
     "startTimeFilter.oldestDate", "must be a datetime or epoch seconds, not str"),
    ("CountOpenWorkflowExecutions", {"domain": "d", "startTimeFilter": {"oldestDate": 1e300}},
     "startTimeFilter.oldestDate", "out of range"),
])
def test_rules(swf, http, operation, params, path, rule) -> None:  # type: ignore[no-untyped-def]
    error = refused(swf, http, operation, params)
    assert error.path == path
    assert rule in error.rule


def test_deep_path_through_a_decision_list(swf, http) -> None:  # type: ignore[no-untyped-def]
    bad = {"decisionType": "ScheduleActivityTask",
           "scheduleActivityTaskDecisionAttributes": {"activityType": {"name": "a", "version": "1"}, "activityId": "x" * 257}}
    error = refused(swf, http, "RespondDecisionTaskCompleted", {"taskToken": "t", "decisions": [SCHEDULE] * 3 + [bad]})
    assert error.path == "decisions[3].scheduleActivityTaskDecisionAttributes.activityId"
    assert error.rule == "length must be at most 256, got 257"
    assert str(error) == ("RespondDecisionTaskCompleted: decisions[3].scheduleActivityTaskDecisionAttributes.activityId: "
                          "length must be at most 256, got 257")


def test_unknown_member_lists_the_expected_names(swf, http) -> None:  # type: ignore[no-untyped-def]
    error = refused(swf, http, "PollForDecisionTask", {"domain": "d", "tasklist": {"name": "x"}})
    assert error.path == "tasklist" and "taskList" in error.rule


def test_unknown_operation(swf, http) -> None:  # type: ignore[no-untyped-def]
    error = refused(swf, http, "PollForCoffee", {})
    assert "unknown operation" in error.rule


def test_method_required_arguments_are_python_required(swf) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(TypeError, match="task_list"):
        swf.poll_for_decision_task(domain="d")  # type: ignore[call-arg]


def test_method_validation_uses_wire_path(swf, http) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        swf.poll_for_decision_task(domain="d", task_list={"name": "t"}, maximum_page_size=5000)
    assert caught.value.path == "maximumPageSize" and len(http.calls) == 0


def test_valid_full_input_passes_and_tuples_are_lists(swf, http) -> None:  # type: ignore[no-untyped-def]
    from tests.layer1.conftest import answer

    answer(http, {"runId": "r"})
    swf.start_workflow_execution(domain="d", workflow_id="w", workflow_type={"name": "n", "version": "1"},
                                 tag_list=("a", "b"), task_priority="-3")
    assert http.calls[0].request.body == b'{"domain": "d", "workflowId": "w", "workflowType": {"name": "n", "version": "1"}, "taskPriority": "-3", "tagList": ["a", "b"]}'


def test_timestamps_inside_lists_of_filters_convert(swf, http) -> None:  # type: ignore[no-untyped-def]
    from tests.layer1.conftest import answer, sent

    answer(http, {"count": 0})
    params = {"domain": "d", "closeTimeFilter": {"oldestDate": datetime.datetime(1970, 1, 1, 0, 1, tzinfo=datetime.timezone.utc)}}
    swf.call("CountClosedWorkflowExecutions", params)
    assert sent(http)[0]["closeTimeFilter"] == {"oldestDate": 60}
    assert isinstance(params["closeTimeFilter"]["oldestDate"], datetime.datetime)
