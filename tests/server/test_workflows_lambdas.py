"""ScheduleLambdaFunction on a server given Python callables: the whole lambda lifecycle."""
from __future__ import annotations

import json
import time

import pytest

ROLE = "arn:aws:iam::000000000000:role/swf-lambda"


def _echo(payload):  # type: ignore[no-untyped-def]
    return {"echo": json.loads(payload)}


def _boom(payload):  # type: ignore[no-untyped-def]
    raise RuntimeError("exploded: " + payload)


def _slow(payload):  # type: ignore[no-untyped-def]
    time.sleep(3)
    return "late"


@pytest.fixture(scope="module")
def endpoint():  # type: ignore[no-untyped-def]
    """This module's server runs lambdas (overrides the conftest server without them)."""
    from swfkit.server import running

    with running(db=None, poll_timeout=1.0, lambdas={"echo": _echo, "boom": _boom, "slow": _slow}) as url:
        yield url


def _lambda(flow, name, input_="{}", **kw):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(lambdaRole=ROLE)
    flow.decide(task, flow.decision("ScheduleLambdaFunction", id="l1", name=name, input=input_, **kw))
    return execution


def test_lambda_completes(flow):  # type: ignore[no-untyped-def]
    execution = _lambda(flow, "echo", '{"x": 1}', control="c")
    events = flow.wait_for(execution, "LambdaFunctionCompleted")
    assert [e["eventType"] for e in events[3:]] == [
        "DecisionTaskCompleted", "LambdaFunctionScheduled", "LambdaFunctionStarted", "LambdaFunctionCompleted",
        "DecisionTaskScheduled"]
    scheduled = flow.attrs(events[4])
    assert scheduled["id"] == "l1" and scheduled["name"] == "echo" and scheduled["input"] == '{"x": 1}'
    assert scheduled["control"] == "c" and scheduled["decisionTaskCompletedEventId"] == 4
    assert flow.attrs(events[5]) == {"scheduledEventId": 5}
    completed = flow.attrs(events[6])
    assert completed["scheduledEventId"] == 5 and completed["startedEventId"] == 6
    assert json.loads(completed["result"]) == {"echo": {"x": 1}}
    assert flow.describe(execution)["openCounts"]["openLambdaFunctions"] == 0


def test_lambda_failure(flow):  # type: ignore[no-untyped-def]
    execution = _lambda(flow, "boom", "payload")
    events = flow.wait_for(execution, "LambdaFunctionFailed")
    failed = [flow.attrs(e) for e in events if e["eventType"] == "LambdaFunctionFailed"][0]
    assert failed["scheduledEventId"] == 5 and failed["startedEventId"] == 6
    assert "exploded: payload" in failed.get("details", "") + failed.get("reason", "")
    assert flow.types(execution)[-1] == "DecisionTaskScheduled"


def test_lambda_start_to_close_timeout(flow):  # type: ignore[no-untyped-def]
    execution = _lambda(flow, "slow", startToCloseTimeout="1")
    events = flow.wait_for(execution, "LambdaFunctionTimedOut", wait=4)
    timed_out = [flow.attrs(e) for e in events if e["eventType"] == "LambdaFunctionTimedOut"][0]
    assert timed_out == {"timeoutType": "START_TO_CLOSE", "scheduledEventId": 5, "startedEventId": 6}
    time.sleep(2.5)  # the function returns late: its result must be dropped
    assert "LambdaFunctionCompleted" not in flow.types(execution)


def test_lambda_id_already_in_use(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(lambdaRole=ROLE)
    flow.decide(task, flow.decision("ScheduleLambdaFunction", id="same", name="slow"),
                flow.decision("ScheduleLambdaFunction", id="same", name="slow"))
    events = flow.history(execution)
    failed = [flow.attrs(e) for e in events if e["eventType"] == "ScheduleLambdaFunctionFailed"]
    assert [f["cause"] for f in failed] == ["ID_ALREADY_IN_USE"]


def test_lambda_without_a_role_fails_to_schedule(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()  # no lambdaRole
    flow.decide(task, flow.decision("ScheduleLambdaFunction", id="l1", name="echo", input="{}"))
    events = flow.history(execution)
    assert [e["eventType"] for e in events[-2:]] == ["ScheduleLambdaFunctionFailed", "DecisionTaskScheduled"]
    assert flow.attrs(events[-2])["cause"] == "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION"
