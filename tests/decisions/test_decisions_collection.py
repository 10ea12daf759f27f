"""``Decisions``: list behaviour, ``decisions[i].`` error paths and the per-response rules."""
from __future__ import annotations

import json

import pytest

from swfkit import decisions as d
from swfkit.decisions import Decision, Decisions
from swfkit.exceptions import ValidationError
from swfkit.spec import limits


def test_appenders_build_append_and_return_the_decision() -> None:
    decisions = Decisions()
    first = decisions.schedule_activity_task("a", ("A", "1"), input="x", task_list="tl", start_to_close_timeout=60)
    decisions.record_marker("m")
    decisions.start_timer("t", 5)
    decisions.complete_workflow_execution(result="r")
    assert first == d.schedule_activity_task("a", ("A", "1"), input="x", task_list="tl", start_to_close_timeout=60)
    assert len(decisions) == 4 and decisions[0] is first and list(decisions)[1].decision_type == "RecordMarker"
    assert decisions[1:3] == [d.record_marker("m"), d.start_timer("t", 5)]
    assert decisions.to_list() == [item.to_dict() for item in decisions]
    assert decisions.to_list()[-1] == {"decisionType": "CompleteWorkflowExecution",
                                       "completeWorkflowExecutionDecisionAttributes": {"result": "r"}}
    assert json.loads(json.dumps(decisions.to_list())) == decisions.to_list()


def test_every_builder_has_an_appender_with_the_same_signature() -> None:
    import inspect

    for name, build in ((b.__name__, b) for b in d.BUILDERS.values()):
        method = getattr(Decisions, name)
        params = list(inspect.signature(method).parameters.values())[1:]
        assert params == list(inspect.signature(build).parameters.values()), name


def test_appender_error_is_prefixed_with_the_index_and_adds_nothing() -> None:
    decisions = Decisions()
    decisions.record_marker("m1")
    decisions.record_marker("m2")
    decisions.record_marker("m3")
    with pytest.raises(ValidationError) as caught:
        decisions.schedule_activity_task("bad:id", ("A", "1"))
    assert caught.value.path == "decisions[3].scheduleActivityTaskDecisionAttributes.activityId"
    assert "must not contain" in caught.value.rule
    assert len(decisions) == 3


def test_builder_alone_has_no_prefix() -> None:
    with pytest.raises(ValidationError) as caught:
        d.schedule_activity_task("bad:id", ("A", "1"))
    assert caught.value.path == "scheduleActivityTaskDecisionAttributes.activityId"


def test_wire_dicts_and_decisions_mix() -> None:
    decisions = Decisions([d.start_timer("t", 1), {"decisionType": "CancelTimer",
                                                    "cancelTimerDecisionAttributes": {"timerId": "t0"}}])
    decisions.extend([d.record_marker("m")])
    assert [x.decision_type for x in decisions] == ["StartTimer", "CancelTimer", "RecordMarker"]
    assert isinstance(decisions[1], Decision)
    with pytest.raises(ValidationError) as caught:
        decisions.append({"decisionType": "CancelTimer", "cancelTimerDecisionAttributes": {"timerId": ""}})
    assert caught.value.path == "decisions[3].cancelTimerDecisionAttributes.timerId"
    with pytest.raises(ValidationError) as caught:
        Decisions([d.record_marker("m"), "CompleteWorkflowExecution"])  # type: ignore[list-item]
    assert caught.value.path == "decisions[1]" and "must be a dict" in caught.value.rule


@pytest.mark.parametrize("bad", ["CompleteWorkflowExecution", {"decisionType": "CancelTimer"}, 7, None])
def test_something_that_is_not_a_list_of_decisions_is_refused(bad: object) -> None:
    with pytest.raises(ValidationError) as caught:
        Decisions(bad)  # type: ignore[arg-type]
    assert caught.value.path == "decisions" and "list of decisions" in caught.value.rule


def test_only_one_close_decision() -> None:
    decisions = Decisions()
    decisions.complete_workflow_execution(result="r")
    decisions.fail_workflow_execution(reason="x")
    with pytest.raises(ValidationError) as caught:
        decisions.to_list()
    assert caught.value.path == "decisions[0].decisionType"
    assert "only one close decision" in caught.value.rule


def test_close_decision_must_be_last() -> None:
    decisions = Decisions([d.schedule_activity_task("a", ("A", "1")), d.cancel_workflow_execution(),
                           d.start_timer("t", 1)])
    with pytest.raises(ValidationError) as caught:
        decisions.validate()
    assert caught.value.path == "decisions[1].decisionType"
    assert "must be the last decision" in caught.value.rule and "StartTimer" in caught.value.rule
    decisions = Decisions([d.start_timer("t", 1), d.continue_as_new_workflow_execution()])
    decisions.validate()  # last: fine


@pytest.mark.parametrize("build,member", [
    (lambda i: d.schedule_activity_task(i, ("A", "1")), "scheduleActivityTaskDecisionAttributes.activityId"),
    (lambda i: d.start_timer(i, 1), "startTimerDecisionAttributes.timerId"),
    (lambda i: d.start_child_workflow_execution(("W", "1"), i), "startChildWorkflowExecutionDecisionAttributes.workflowId"),
    (lambda i: d.schedule_lambda_function(i, "f"), "scheduleLambdaFunctionDecisionAttributes.id"),
])
def test_duplicate_ids_within_one_response_are_refused(build, member) -> None:  # type: ignore[no-untyped-def]
    decisions = Decisions([build("x"), build("y"), d.record_marker("m"), build("x")])
    with pytest.raises(ValidationError) as caught:
        decisions.to_list()
    assert caught.value.path == "decisions[3].%s" % member
    assert "duplicates decisions[0]" in caught.value.rule


def test_same_id_on_different_decision_kinds_is_allowed() -> None:
    decisions = Decisions([d.request_cancel_activity_task("x"), d.schedule_activity_task("x", ("A", "1")),
                           d.start_timer("x", 1), d.cancel_timer("x")])
    assert len(decisions.to_list()) == 4


def test_request_over_one_megabyte_is_refused() -> None:
    payload = "p" * limits.MAX_DATA_LENGTH
    decisions = Decisions(d.schedule_activity_task("a%d" % i, ("A", "1"), input=payload) for i in range(31))
    assert len(decisions.to_list()) == 31  # ~1.0 MB of decisions alone still fits
    decisions.schedule_activity_task("a31", ("A", "1"), input=payload)
    with pytest.raises(ValidationError) as caught:
        decisions.to_list()
    assert caught.value.path == "decisions" and "at most 1048576" in caught.value.rule


def test_non_ascii_payloads_count_at_their_escaped_size() -> None:
    payload = "\u00e9" * 30_000  # 30,000 characters, 180,000 bytes once JSON-escaped
    decisions = Decisions(d.record_marker("m%d" % i, details=payload) for i in range(6))
    with pytest.raises(ValidationError):
        decisions.validate()


def test_execution_context_counts_and_is_checked() -> None:
    payload = "p" * limits.MAX_DATA_LENGTH
    decisions = Decisions(d.schedule_activity_task("a%d" % i, ("A", "1"), input=payload) for i in range(30))
    decisions.validate(execution_context="c" * limits.MAX_DATA_LENGTH)
    decisions.schedule_activity_task("a30", ("A", "1"), input=payload)
    with pytest.raises(ValidationError) as caught:
        decisions.validate(execution_context="c" * limits.MAX_DATA_LENGTH)
    assert caught.value.path == "decisions"
    with pytest.raises(ValidationError) as caught:
        Decisions().validate(execution_context="c" * (limits.MAX_DATA_LENGTH + 1))
    assert caught.value.path == "executionContext"
    with pytest.raises(ValidationError) as caught:
        Decisions().to_list(execution_context=5)  # type: ignore[arg-type]
    assert caught.value.path == "executionContext"


def test_empty_list_is_valid_and_clear_empties() -> None:
    decisions = Decisions([d.record_marker("m")])
    decisions.clear()
    assert decisions.to_list() == [] and not decisions and len(decisions) == 0
    assert Decisions() == decisions and repr(Decisions([d.cancel_timer("t")])) == "Decisions(CancelTimer)"
