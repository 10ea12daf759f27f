"""Client interceptors see every call once: operation, duration, attempts, fault; a failing
interceptor never fails the call."""
from __future__ import annotations

import pickle
from typing import Any, List, Mapping, Tuple

import pytest

from swfkit.exceptions import UnknownResourceFault, ValidationError
from swfkit.layer1 import Layer1
from swfkit.layer1.call_interceptors import CallInterceptor, CallOutcome

from tests.layer1.conftest import ENDPOINT, answer


class Recorder(CallInterceptor):
    def __init__(self, name: str = "r", log: Any = None) -> None:
        self.name = name
        self.log: List[Tuple[str, Any]] = [] if log is None else log

    def before_call(self, operation: str, params: Mapping[str, Any]) -> Any:
        self.log.append((self.name + ".before", operation))
        return (self.name, operation)

    def after_call(self, outcome: CallOutcome, state: Any) -> None:
        self.log.append((self.name + ".after", (outcome, state)))


def client(*interceptors: Any) -> Layer1:
    swf = Layer1(region="us-east-1", endpoint_url=ENDPOINT, max_attempts=3, interceptors=interceptors)
    swf.retry_policy.sleep = lambda seconds: None
    return swf


def test_a_successful_call_is_seen_before_and_after(http: Any) -> None:
    recorder = Recorder()
    answer(http, {"count": 3, "truncated": False})
    assert client(recorder).count_pending_activity_tasks(domain="d", task_list={"name": "t"})["count"] == 3
    (before, after) = recorder.log
    assert before == ("r.before", "CountPendingActivityTasks")
    outcome, state = after[1]
    assert state == ("r", "CountPendingActivityTasks")
    assert (outcome.operation, outcome.attempts, outcome.fault, outcome.error) == ("CountPendingActivityTasks", 1, None, None)
    assert outcome.duration >= 0


def test_retries_are_inside_one_call_and_the_fault_is_named(http: Any) -> None:
    recorder = Recorder()
    throttled = {"__type": "com.amazonaws.swf.base.model#ThrottlingException", "message": "slow down"}
    answer(http, throttled, status=400)
    answer(http, throttled, status=400)
    answer(http, {"__type": "com.amazonaws.swf.base.model#UnknownResourceFault", "message": "Unknown domain: d"}, status=400)
    with pytest.raises(UnknownResourceFault) as raised:
        client(recorder).describe_domain(name="d")
    outcome = recorder.log[-1][1][0]
    assert (outcome.attempts, outcome.fault, outcome.error) == (3, "UnknownResourceFault", raised.value)


def test_bad_input_is_seen_with_no_attempt(http: Any) -> None:
    recorder = Recorder()
    with pytest.raises(ValidationError):
        client(recorder).describe_domain(name="")
    outcome = recorder.log[-1][1][0]
    assert outcome.attempts == 0 and outcome.fault == "ValidationError" and not http.calls


def test_the_first_interceptor_wraps_the_others(http: Any) -> None:
    log: List[Tuple[str, Any]] = []
    answer(http, {})
    client(Recorder("a", log), Recorder("b", log)).deprecate_domain(name="d")
    assert [entry[0] for entry in log] == ["a.before", "b.before", "b.after", "a.after"]


def test_a_failing_interceptor_is_logged_and_ignored(http: Any, caplog: Any) -> None:
    class Broken(CallInterceptor):
        def before_call(self, operation: str, params: Mapping[str, Any]) -> Any:
            raise RuntimeError("before broke")

        def after_call(self, outcome: CallOutcome, state: Any) -> None:
            raise RuntimeError("after broke")

    answer(http, {"count": 0, "truncated": False})
    assert client(Broken()).count_pending_decision_tasks(domain="d", task_list={"name": "t"}) == {"count": 0, "truncated": False}
    assert "before broke" in caplog.text and "after broke" in caplog.text


def test_copies_and_pickled_clients_keep_their_interceptors() -> None:
    recorder = Recorder()
    swf = client(recorder)
    assert swf.copy(max_attempts=1).interceptors == (recorder,)
    assert len(pickle.loads(pickle.dumps(swf)).interceptors) == 1


def test_an_object_without_the_methods_is_refused_at_construction() -> None:
    with pytest.raises(TypeError, match="before_call/after_call"):
        Layer1(region="us-east-1", endpoint_url=ENDPOINT, interceptors=[object()])
    with pytest.raises(TypeError, match="sequence"):
        Layer1(region="us-east-1", endpoint_url=ENDPOINT, interceptors=Recorder())  # type: ignore[arg-type]
