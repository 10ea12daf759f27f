"""Fixtures for the embedded server's tests: a server per module, boto3 as the independent peer.

boto3 is the client here on purpose: it is not ours, so a test passing means the server speaks
SWF's wire protocol as AWS's own SDK expects it. Wire-level tests use raw HTTP (``raw_call``).
Each test gets its own freshly registered domain (``flow``), so one server per module is enough.
"""
from __future__ import annotations

import json
import time
import uuid
from typing import Any, Callable, Dict, Iterator, List, Optional, Tuple

import pytest
import requests

#: Empty long polls return after this long on the module servers (real SWF: 60 s).
POLL_TIMEOUT = 1.0
REGION = "us-east-1"
ACCESS_KEY = "testing-access-key"
SECRET_KEY = "testing-secret-key"
TARGET_PREFIX = "SimpleWorkflowService."
CONTENT_TYPE = "application/x-amz-json-1.0"

WORKFLOW = {"name": "wf", "version": "1"}
ACTIVITY = {"name": "act", "version": "1"}
DECISION_LIST = "decisions"
ACTIVITY_LIST = "activities"


def make_client(endpoint_url: str, read_timeout: float = 70):  # type: ignore[no-untyped-def]
    """A boto3 SWF client on ``endpoint_url`` with dummy credentials and no retries to hide bugs.

    ``total_max_attempts=1``: botocore reads ``max_attempts=1`` as one *retry*, which would quietly
    repeat a request the server answered with a 5xx or dropped.
    """
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client(
        "swf",
        endpoint_url=endpoint_url,
        region_name=REGION,
        aws_access_key_id=ACCESS_KEY,
        aws_secret_access_key=SECRET_KEY,
        config=Config(read_timeout=read_timeout, retries={"total_max_attempts": 1}),
    )


def raw_call(endpoint_url: str, operation: Optional[str], body: Any, *, headers: Optional[Dict[str, str]] = None,
             target: Optional[str] = None, timeout: float = 10.0) -> requests.Response:
    """POST ``body`` (a dict → JSON, or bytes/str as is) to the server the way SWF's clients do."""
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    sent = {"Content-Type": CONTENT_TYPE}
    if target is not None:
        sent["X-Amz-Target"] = target
    elif operation is not None:
        sent["X-Amz-Target"] = TARGET_PREFIX + operation
    sent.update(headers or {})
    return requests.post(endpoint_url + "/", data=data, headers=sent, timeout=timeout)


def fault(call: Callable[..., Any], **kwargs: Any) -> str:
    """Make a boto3 call that must fail with an HTTP 400 SWF fault; return the fault code."""
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as info:
        call(**kwargs)
    response = info.value.response
    assert response["ResponseMetadata"]["HTTPStatusCode"] == 400, response
    assert response["Error"].get("Message"), f"fault without a message: {response}"
    return response["Error"]["Code"]


def attrs(event: Dict[str, Any]) -> Dict[str, Any]:
    """The ``<eventType>EventAttributes`` member of a history event (asserting it is there)."""
    et = event["eventType"]
    key = et[0].lower() + et[1:] + "EventAttributes"
    assert key in event, f"event {event['eventId']} {et} lacks {key}: {event}"
    return event[key]


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


class Flow:
    """Drives one test's domain through boto3: register, start, poll, respond, read history."""

    poll_timeout = POLL_TIMEOUT
    attrs = staticmethod(attrs)
    fault = staticmethod(fault)
    unique = staticmethod(unique)

    def __init__(self, client: Any, endpoint_url: str, domain: str) -> None:
        self.swf = client
        self.endpoint_url = endpoint_url
        self.domain = domain

    def raw(self, operation: Optional[str], body: Any, **kwargs: Any) -> requests.Response:
        return raw_call(self.endpoint_url, operation, body, **kwargs)

    # -- registration ------------------------------------------------------------------------
    def register_workflow_type(self, name: str = "wf", version: str = "1", **defaults: Any) -> Dict[str, str]:
        config = {
            "defaultExecutionStartToCloseTimeout": "300",
            "defaultTaskStartToCloseTimeout": "30",
            "defaultTaskList": {"name": DECISION_LIST},
            "defaultChildPolicy": "TERMINATE",
        }
        config.update(defaults)
        config = {k: v for k, v in config.items() if v is not None}
        self.swf.register_workflow_type(domain=self.domain, name=name, version=version, **config)
        return {"name": name, "version": version}

    def register_activity_type(self, name: str = "act", version: str = "1", **defaults: Any) -> Dict[str, str]:
        config = {
            "defaultTaskList": {"name": ACTIVITY_LIST},
            "defaultTaskScheduleToCloseTimeout": "NONE",
            "defaultTaskScheduleToStartTimeout": "NONE",
            "defaultTaskStartToCloseTimeout": "NONE",
            "defaultTaskHeartbeatTimeout": "NONE",
        }
        config.update(defaults)
        config = {k: v for k, v in config.items() if v is not None}
        self.swf.register_activity_type(domain=self.domain, name=name, version=version, **config)
        return {"name": name, "version": version}

    # -- executions --------------------------------------------------------------------------
    def start(self, workflow_id: Optional[str] = None, workflow_type: Optional[Dict[str, str]] = None,
              **kwargs: Any) -> Dict[str, str]:
        workflow_id = workflow_id or unique("wid")
        run = self.swf.start_workflow_execution(
            domain=self.domain, workflowId=workflow_id, workflowType=workflow_type or WORKFLOW, **kwargs)
        return {"workflowId": workflow_id, "runId": run["runId"]}

    def poll_decision(self, task_list: str = DECISION_LIST, wait: float = 5.0, **kwargs: Any) -> Dict[str, Any]:
        """Poll (repeating empty long polls) until a decision task arrives within ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while True:
            task = self.swf.poll_for_decision_task(
                domain=self.domain, taskList={"name": task_list}, identity="decider", **kwargs)
            if task.get("taskToken"):
                return task
            assert time.monotonic() < deadline, f"no decision task on {task_list!r} within {wait} s"

    def poll_activity(self, task_list: str = ACTIVITY_LIST, wait: float = 5.0) -> Dict[str, Any]:
        deadline = time.monotonic() + wait
        while True:
            task = self.swf.poll_for_activity_task(
                domain=self.domain, taskList={"name": task_list}, identity="worker")
            if task.get("taskToken"):
                return task
            assert time.monotonic() < deadline, f"no activity task on {task_list!r} within {wait} s"

    def decide(self, task: Dict[str, Any], *decisions: Dict[str, Any], **kwargs: Any) -> None:
        self.swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=list(decisions), **kwargs)

    def history(self, execution: Dict[str, str], **kwargs: Any) -> List[Dict[str, Any]]:
        events: List[Dict[str, Any]] = []
        token = None
        while True:
            extra = dict(kwargs, nextPageToken=token) if token else kwargs
            page = self.swf.get_workflow_execution_history(domain=self.domain, execution=execution, **extra)
            events.extend(page["events"])
            token = page.get("nextPageToken")
            if not token:
                return events

    def types(self, execution: Dict[str, str]) -> List[str]:
        return [e["eventType"] for e in self.history(execution)]

    def describe(self, execution: Dict[str, str]) -> Dict[str, Any]:
        return self.swf.describe_workflow_execution(domain=self.domain, execution=execution)

    def wait_for(self, execution: Dict[str, str], event_type: str, wait: float = 5.0) -> List[Dict[str, Any]]:
        """History once it holds ``event_type`` (timers and timeouts fire on the server's clock)."""
        deadline = time.monotonic() + wait
        while True:
            events = self.history(execution)
            if any(e["eventType"] == event_type for e in events):
                return events
            assert time.monotonic() < deadline, (
                f"{event_type} not recorded within {wait} s; history: {[e['eventType'] for e in events]}")
            time.sleep(0.05)

    # -- decisions (wire dicts, kept tiny on purpose: the server is under test, not a builder) ----
    @staticmethod
    def schedule(activity_id: str, activity_type: Optional[Dict[str, str]] = None, **kw: Any) -> Dict[str, Any]:
        a = {"activityId": activity_id, "activityType": activity_type or ACTIVITY}
        a.update(kw)
        return {"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": a}

    @staticmethod
    def decision(decision_type: str, **kw: Any) -> Dict[str, Any]:
        key = decision_type[0].lower() + decision_type[1:] + "DecisionAttributes"
        return {"decisionType": decision_type, key: kw}

    def complete(self, task: Dict[str, Any], result: Optional[str] = None) -> None:
        kw = {} if result is None else {"result": result}
        self.decide(task, self.decision("CompleteWorkflowExecution", **kw))

    def run_to_first_decision(self, **start_kwargs: Any) -> Tuple[Dict[str, str], Dict[str, Any]]:
        execution = self.start(**start_kwargs)
        task = self.poll_decision()
        assert task["workflowExecution"] == execution
        return execution, task


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    """One embedded server per test module (in-memory state, short long polls)."""
    from swfkit.server import running

    with running(db=None, poll_timeout=POLL_TIMEOUT) as url:
        yield url


@pytest.fixture(scope="module")
def swf(endpoint: str):  # type: ignore[no-untyped-def]
    """A boto3 SWF client on the module's server."""
    client = make_client(endpoint)
    yield client
    client.close()


def _new_flow(swf: Any, endpoint: str) -> Flow:
    f = Flow(swf, endpoint, unique("dom"))
    swf.register_domain(name=f.domain, workflowExecutionRetentionPeriodInDays="1")
    f.register_workflow_type()
    f.register_activity_type()
    return f


@pytest.fixture
def flow(swf: Any, endpoint: str) -> Flow:
    """A fresh domain on the module's server with the workflow and activity types registered."""
    return _new_flow(swf, endpoint)


@pytest.fixture(scope="module")
def module_flow(swf: Any, endpoint: str) -> Flow:
    """Like ``flow`` but shared by a whole module (for read-only tests over one prepared domain)."""
    return _new_flow(swf, endpoint)


@pytest.fixture
def client_factory(endpoint: str) -> Iterator[Callable[[], Any]]:
    """More boto3 clients (one per thread) on the module's server, closed afterwards."""
    made: List[Any] = []

    def factory() -> Any:
        c = make_client(endpoint)
        made.append(c)
        return c

    yield factory
    for c in made:
        c.close()


@pytest.fixture
def raw(endpoint: str) -> Callable[..., requests.Response]:
    """``raw(operation, body, headers=None, target=None)`` → the server's ``requests.Response``."""

    def call(operation: Optional[str], body: Any, **kwargs: Any) -> requests.Response:
        return raw_call(endpoint, operation, body, **kwargs)

    return call


@pytest.fixture
def flow_factory() -> Callable[..., Flow]:
    """``flow_factory(client, endpoint_url, domain)`` → a ``Flow`` on any server (e.g. a subprocess)."""
    return Flow


@pytest.fixture
def boto_client_factory() -> Iterator[Callable[..., Any]]:
    """``boto_client_factory(endpoint_url, read_timeout=70)`` → a boto3 client, closed afterwards."""
    made: List[Any] = []

    def factory(endpoint_url: str, read_timeout: float = 70) -> Any:
        c = make_client(endpoint_url, read_timeout)
        made.append(c)
        return c

    yield factory
    for c in made:
        c.close()
