"""Bad input gets a clear error where it was written, and never reaches the history."""
from __future__ import annotations

from typing import Any

import pytest

from swfkit import futures
from swfkit.exceptions import ValidationError
from swfkit.futures import replay
from swfkit.history import fold


@futures.activity(task_list="t")
def echo(x: Any) -> Any:
    return x


def plain_function(x: Any) -> Any:
    return x


def started_state(input: str = "[]") -> Any:
    return fold([
        {"eventId": 1, "eventType": "WorkflowExecutionStarted", "eventTimestamp": 1.0,
         "workflowExecutionStartedEventAttributes": {"workflowType": {"name": "w", "version": "1"},
                                                     "taskList": {"name": "d"}, "childPolicy": "TERMINATE",
                                                     "input": input}},
        {"eventId": 2, "eventType": "DecisionTaskScheduled", "eventTimestamp": 1.0,
         "decisionTaskScheduledEventAttributes": {"taskList": {"name": "d"}}},
        {"eventId": 3, "eventType": "DecisionTaskStarted", "eventTimestamp": 1.0,
         "decisionTaskStartedEventAttributes": {"scheduledEventId": 2}},
    ])


def outcome_of(body: Any, input: str = "[]") -> futures.ReplayOutcome:
    cls = futures.workflow(name="bad_input_probe")(type("Probe", (), {"run": body}))
    return replay(cls, started_state(input), workflow_id="wf", run_id="run")


@pytest.mark.parametrize("call, error, words", [
    (lambda self: self.submit(echo, object()), ValidationError, "args[0]: not serializable"),
    (lambda self: self.submit(echo, x=float("nan")), ValidationError, "kwargs['x']: not serializable"),
    (lambda self: self.submit(echo, "x" * 40_000), ValidationError, "at most 32768"),
    (lambda self: self.submit(plain_function, 1), futures.WorkflowUsageError, "neither an @activity"),
    (lambda self: self.timer(-1), ValidationError, "seconds"),
    (lambda self: self.signal(42, "s"), futures.WorkflowUsageError, "workflow id"),
    (lambda self: futures.wait(1), futures.WorkflowUsageError, "expected futures"),
])
def test_bad_calls_raise_at_the_call_site_with_the_field_and_rule(call: Any, error: type, words: str) -> None:
    def body(self: Any) -> None:
        call(self)
    with pytest.raises(error, match=words.replace("[", r"\[").replace("]", r"\]").replace("(", r"\(")):
        futures.run_local(futures.workflow(name="bad_call")(type("Bad", (), {"run": body})))
    # on a decider the same mistake fails the execution cleanly: one FailWorkflowExecution, nothing else
    outcome = outcome_of(body)
    assert outcome.status == "failed" and error.__name__ in outcome.reason
    assert [d.decision_type for d in outcome.decisions] == ["FailWorkflowExecution"]


def test_nothing_before_the_error_is_lost_or_garbled() -> None:
    def body(self: Any) -> None:
        self.submit(echo, 1)
        self.submit(echo, {1, 2})  # a set is not JSON
    outcome = outcome_of(body)
    assert [d.decision_type for d in outcome.decisions] == ["ScheduleActivityTask", "FailWorkflowExecution"]
    assert outcome.decisions[0].attributes["input"] == "[1]"


def test_result_of_a_cancelled_future_names_it() -> None:
    def body(self: Any) -> None:
        f = self.submit(echo, 1)
        f.cancel()
        f.result()
    with pytest.raises(futures.CancelledError, match="activity 1-echo was cancelled"):
        futures.run_local(futures.workflow(name="cancelled_result")(type("C", (), {"run": body})))


def test_submitting_after_completion_is_refused() -> None:
    kept: dict = {}

    def body(self: Any) -> int:
        kept["self"] = self
        return 1
    cls = futures.workflow(name="after_close")(type("After", (), {"run": body}))
    outcome = replay(cls, started_state(), workflow_id="wf", run_id="run")
    assert outcome.status == "completed"
    with pytest.raises(futures.WorkflowUsageError, match="already finished"):
        kept["self"].submit(echo, 2)
    with pytest.raises(futures.WorkflowUsageError, match="already finished"):
        kept["self"].record_marker("late")


def test_a_result_that_cannot_be_serialized_fails_the_workflow_not_the_decider() -> None:
    outcome = outcome_of(lambda self: object())
    assert outcome.status == "failed" and "not serializable" in outcome.details


def test_an_input_that_does_not_decode_fails_the_workflow() -> None:
    outcome = outcome_of(lambda self: 1, input="{not json")
    assert outcome.status == "failed" and "does not decode" in outcome.details


def test_workflow_api_outside_a_replay_says_so() -> None:
    cls = futures.workflow(name="outside")(type("Outside", (), {"run": lambda self: None}))
    with pytest.raises(futures.WorkflowUsageError, match="only while the workflow is replayed"):
        cls().submit(echo, 1)


@pytest.mark.parametrize("make, words", [
    (lambda: futures.activity(retry=-1), "retry"),
    (lambda: futures.activity(backoff="soon"), "backoff"),
    (lambda: futures.activity(start_to_close_timeout="forever"), "start_to_close_timeout"),
    (lambda: futures.activity(name="a:b")(plain_function), "name"),
    (lambda: futures.workflow()(42), "decorates a class"),
])
def test_bad_definitions_fail_at_decoration(make: Any, words: str) -> None:
    with pytest.raises(ValidationError, match=words):
        make()
