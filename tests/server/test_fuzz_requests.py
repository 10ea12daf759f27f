"""Fuzzing the wire with hypothesis: random bodies, random member values, random decisions.

The server must answer 400 with a JSON ``{"__type", "message"}`` (or 200 when the input happens to be
legal) — never a 500, never HTML, never a dropped connection — and stay healthy afterwards. A rejected
RespondDecisionTaskCompleted must record nothing and leave its task token usable.
"""
from __future__ import annotations

import json

import pytest
import requests
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from swfkit.spec import DECISION_ATTRIBUTES, OPERATIONS, SHAPES

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture],
                derandomize=True)

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2**63, 2**63) | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40) | st.integers(32_769, 70_000).map(lambda n: "x" * n)
    | st.just("a:b|c") | st.just("\u0000\u009f") | st.just("x\udc00")
    | st.text(st.characters(exclude_categories=()), max_size=8),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=12)

#: Legal-looking bodies; polls point at a missing domain so a legal one cannot hold a long poll open.
BASE = {
    "RegisterDomain": {"name": "fz", "workflowExecutionRetentionPeriodInDays": "1"},
    "DescribeDomain": {"name": "fuzz-domain"},
    "ListDomains": {"registrationStatus": "REGISTERED"},
    "RegisterWorkflowType": {"domain": "fuzz-domain", "name": "w", "version": "1"},
    "ListActivityTypes": {"domain": "fuzz-domain", "registrationStatus": "REGISTERED"},
    "StartWorkflowExecution": {"domain": "fuzz-domain", "workflowId": "w",
                               "workflowType": {"name": "missing", "version": "1"}},
    "GetWorkflowExecutionHistory": {"domain": "fuzz-domain", "execution": {"workflowId": "w", "runId": "r"}},
    "ListOpenWorkflowExecutions": {"domain": "fuzz-domain", "startTimeFilter": {"oldestDate": 0}},
    "CountClosedWorkflowExecutions": {"domain": "fuzz-domain", "startTimeFilter": {"oldestDate": 0}},
    "PollForActivityTask": {"domain": "fuzz-missing", "taskList": {"name": "l"}},
    "PollForDecisionTask": {"domain": "fuzz-missing", "taskList": {"name": "l"}},
    "SignalWorkflowExecution": {"domain": "fuzz-domain", "workflowId": "w", "signalName": "s"},
    "TerminateWorkflowExecution": {"domain": "fuzz-domain", "workflowId": "w"},
    "RespondActivityTaskCompleted": {"taskToken": "t"},
    "RecordActivityTaskHeartbeat": {"taskToken": "t"},
    "TagResource": {"resourceArn": "arn:aws:swf:us-east-1:000000000000:/domain/fuzz-domain",
                    "tags": [{"key": "k"}]},
}


@pytest.fixture(scope="module")
def http(endpoint):  # type: ignore[no-untyped-def]
    session = requests.Session()

    def post(operation, data):  # type: ignore[no-untyped-def]
        if not isinstance(data, (bytes, str)):
            data = json.dumps(data)
        return session.post(endpoint + "/", data=data, timeout=10, headers={
            "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "SimpleWorkflowService." + operation})

    post("RegisterDomain", {"name": "fuzz-domain", "workflowExecutionRetentionPeriodInDays": "1"})
    yield post
    healthy = post("DescribeDomain", {"name": "fuzz-domain"})
    assert healthy.status_code == 200, "the server is not healthy after fuzzing"
    session.close()


def _check(response, allow_ok=False):  # type: ignore[no-untyped-def]
    event(f"HTTP {response.status_code}")
    allowed = (200, 400) if allow_ok else (400,)
    assert response.status_code in allowed, (response.status_code, response.text[:300])
    assert "<html" not in response.text[:200].lower()
    body = response.json() if response.text.strip() else {}
    assert isinstance(body, dict), body
    if response.status_code == 400:
        event(str(body.get("__type", "")).rsplit("#", 1)[-1])
        assert isinstance(body.get("__type"), str) and "#" in body["__type"], body
        assert isinstance(body.get("message"), str) and body["message"], body
    return body


@FUZZ
@given(operation=st.sampled_from(sorted(OPERATIONS)), payload=st.binary(max_size=200))
def test_random_bytes(http, operation, payload):  # type: ignore[no-untyped-def]
    _check(http(operation, payload))


@FUZZ
@given(operation=st.sampled_from(sorted(OPERATIONS)),
       payload=st.dictionaries(st.text(max_size=20), json_values, max_size=5))
def test_random_objects(http, operation, payload):  # type: ignore[no-untyped-def]
    if {"domain", "taskList"} <= set(payload) and operation.startswith("PollFor"):
        payload["domain"] = "fuzz-missing"
    _check(http(operation, payload), allow_ok=True)


@st.composite
def mutated(draw):  # type: ignore[no-untyped-def]
    operation = draw(st.sampled_from(sorted(BASE)))
    body = dict(BASE[operation])
    members = sorted(SHAPES[OPERATIONS[operation]["input"]]["members"])
    for member in draw(st.lists(st.sampled_from(members), min_size=1, max_size=3, unique=True)):
        if draw(st.booleans()) and member in body:
            del body[member]
        else:
            body[member] = draw(json_values)
    if operation == "RegisterDomain" and isinstance(body.get("name"), str):
        body["name"] = body["name"][:200] + draw(st.uuids()).hex  # never collide with an earlier example
    if operation.startswith("PollFor"):
        body["domain"] = "fuzz-missing"
    return operation, body


@FUZZ
@given(case=mutated())
def test_mutated_members(http, case):  # type: ignore[no-untyped-def]
    operation, body = case
    _check(http(operation, body), allow_ok=True)


DECISION_TYPES = sorted(DECISION_ATTRIBUTES)


@st.composite
def random_decision(draw):  # type: ignore[no-untyped-def]
    decision_type = draw(st.sampled_from(DECISION_TYPES + ["Bogus"]))
    decision = {"decisionType": decision_type}
    if decision_type in DECISION_ATTRIBUTES:
        key, shape = DECISION_ATTRIBUTES[decision_type]
        members = sorted(SHAPES[shape]["members"])
        decision[key] = {m: draw(json_values) for m in draw(st.lists(st.sampled_from(members), max_size=4,
                                                                     unique=True))}
        if draw(st.booleans()):
            decision = {"decisionType": decision_type, "wrongAttributes": decision.pop(key)}
    return decision


@pytest.fixture(scope="module")
def decision_task(module_flow):  # type: ignore[no-untyped-def]
    """One open execution whose current decision task token the fuzz test keeps refreshing."""
    f = module_flow
    state = {"execution": f.start(taskStartToCloseTimeout="NONE", executionStartToCloseTimeout="3600")}
    state["task"] = f.poll_decision()
    return f, state


@FUZZ
@given(decisions=st.lists(random_decision(), min_size=1, max_size=3))
def test_random_decisions(decision_task, decisions):  # type: ignore[no-untyped-def]
    f, state = decision_task
    execution = state["execution"]
    before = f.history(execution)
    response = f.raw("RespondDecisionTaskCompleted", {"taskToken": state["task"]["taskToken"], "decisions": decisions})
    _check(response, allow_ok=True)
    if f.describe(execution)["executionInfo"]["executionStatus"] == "CLOSED":
        # a legal close decision got through: carry on with a new execution
        state["execution"] = f.start(taskStartToCloseTimeout="NONE", executionStartToCloseTimeout="3600")
        state["task"] = f.poll_decision()
        return
    if response.status_code == 400:
        assert f.history(execution) == before, "a rejected decision batch left events behind"
        return
    f.swf.signal_workflow_execution(domain=f.domain, workflowId=execution["workflowId"], signalName="next")
    while True:  # legal decisions may have started children on the same list: answer those empty
        task = f.poll_decision()
        if task["workflowExecution"] == execution:
            state["task"] = task
            return
        f.decide(task)


def test_still_healthy_after_fuzzing(flow):  # type: ignore[no-untyped-def]
    f = flow
    execution, task = f.run_to_first_decision()
    f.decide(task, f.schedule("a1"))
    f.swf.respond_activity_task_completed(taskToken=f.poll_activity()["taskToken"])
    f.complete(f.poll_decision())
    assert f.types(execution)[-1] == "WorkflowExecutionCompleted"
