"""The HTTP front through real clients: framing, errors, keep-alive, signatures, long polls, CLI."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import boto3
import pytest
import requests
from botocore.config import Config
from botocore.exceptions import ClientError

from swfkit.server import running

TARGET = "SimpleWorkflowService."


def client(url, key="testing-access-key", secret="testing-secret-key"):
    return boto3.client("swf", endpoint_url=url, region_name="us-east-1", aws_access_key_id=key,
                        aws_secret_access_key=secret, config=Config(read_timeout=70, retries={"max_attempts": 0}))


@pytest.fixture(scope="module")
def url():
    with running(poll_timeout=0.3) as endpoint:
        swf = client(endpoint)
        swf.register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")
        swf.register_workflow_type(domain="d", name="wf", version="1", defaultTaskList={"name": "dl"},
                                   defaultExecutionStartToCloseTimeout="600",
                                   defaultTaskStartToCloseTimeout="60", defaultChildPolicy="TERMINATE")
        swf.register_activity_type(domain="d", name="act", version="1", defaultTaskList={"name": "al"},
                                   defaultTaskScheduleToStartTimeout="60",
                                   defaultTaskScheduleToCloseTimeout="60", defaultTaskStartToCloseTimeout="60")
        yield endpoint


def post(url, operation, body, target=TARGET, session=requests):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return session.post(url, data=data, headers={"X-Amz-Target": target + operation,
                                                 "Content-Type": "application/x-amz-json-1.0"})


@pytest.mark.parametrize("operation, body, status, error_type, words", [
    ("ListDomains", b"{not json", 400, "com.amazon.coral.service#SerializationException", "JSON"),
    ("ListDomains", b"[1, 2]", 400, "com.amazon.coral.service#SerializationException", "object"),
    ("ListDomains", b"[" * 100000, 400, "com.amazon.coral.service#SerializationException", "JSON"),
    ("Frobnicate", {}, 400, "com.amazon.coral.service#UnknownOperationException", "Frobnicate"),
    ("ListDomains", {}, 400, "com.amazon.coral.validate#ValidationException", "registrationStatus"),
    ("RegisterDomain", {"name": "x" * 300, "workflowExecutionRetentionPeriodInDays": "1"}, 400,
     "com.amazon.coral.validate#ValidationException", "name"),
    ("RegisterDomain", {"name": "a:b", "workflowExecutionRetentionPeriodInDays": "1"}, 400,
     "com.amazon.coral.validate#ValidationException", "name"),
    ("RegisterDomain", {"name": "ok", "workflowExecutionRetentionPeriodInDays": 1}, 400,
     "com.amazon.coral.validate#ValidationException", "workflowExecutionRetentionPeriodInDays"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "tagList": ["a"] * 6}, 400, "com.amazon.coral.validate#ValidationException",
     "tagList"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "taskStartToCloseTimeout": "abc"}, 400,
     "com.amazon.coral.validate#ValidationException", "taskStartToCloseTimeout"),
    ("StartWorkflowExecution", {"domain": "d", "workflowId": "w", "workflowType": {"name": "wf", "version": "1"},
                                "input": "x" * 40000}, 400, "com.amazon.coral.validate#ValidationException",
     "input"),
    ("DescribeDomain", {"name": "nope"}, 400, "com.amazonaws.swf.base.model#UnknownResourceFault", "nope"),
    ("ListDomains", {"registrationStatus": "REGISTERED", "nextPageToken": "garbage"}, 400,
     "com.amazon.coral.validate#ValidationException", "nextPageToken"),
    ("RespondActivityTaskCompleted", {"taskToken": "garbage"}, 400,
     "com.amazon.coral.validate#ValidationException", "taskToken"),
])
def test_error_framing(url, operation, body, status, error_type, words):
    answer = post(url, operation, body)
    assert answer.status_code == status
    assert answer.headers["Content-Type"] == "application/x-amz-json-1.0"
    assert answer.headers["x-amzn-RequestId"]
    payload = answer.json()
    assert payload["__type"] == error_type
    assert words in payload["message"]


def test_missing_target_get_and_oversized_body(url):
    answer = requests.post(url, data="{}")
    assert answer.status_code == 400 and answer.json()["__type"].endswith("#UnknownOperationException")
    assert requests.get(url).status_code == 400
    big = post(url, "ListDomains", b"{" + b" " * (1024 * 1024 + 10) + b"}")
    assert big.status_code == 400 and big.json()["__type"].endswith("#ValidationException")


def test_legacy_target_prefix_and_keep_alive(url):
    with requests.Session() as session:
        answers = [post(url, "ListDomains", {"registrationStatus": "REGISTERED"},
                        target="com.amazonaws.swf.service.model.SimpleWorkflowService.", session=session)
                   for _ in range(3)]
    assert all(a.status_code == 200 for a in answers)
    assert [d["name"] for d in answers[0].json()["domainInfos"]] == ["d"]
    ids = {a.headers["x-amzn-RequestId"] for a in answers}
    assert len(ids) == 3


def test_boto3_faults_map_to_codes(url):
    swf = client(url)
    with pytest.raises(ClientError) as info:
        swf.register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")
    assert info.value.response["Error"]["Code"] == "DomainAlreadyExistsFault"
    assert info.value.response["ResponseMetadata"]["HTTPStatusCode"] == 400


def test_waiting_poll_is_woken_by_a_new_task():
    got = {}
    with running(poll_timeout=5.0) as slow:
        waiter, starter = client(slow), client(slow)
        starter.register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")
        starter.register_workflow_type(domain="d", name="wf", version="1", defaultTaskList={"name": "dl"},
                                       defaultExecutionStartToCloseTimeout="600",
                                       defaultTaskStartToCloseTimeout="60", defaultChildPolicy="TERMINATE")

        def wait_decision():
            got["task"] = waiter.poll_for_decision_task(domain="d", taskList={"name": "dl"})
            got["at"] = time.perf_counter()

        thread = threading.Thread(target=wait_decision)
        thread.start()
        time.sleep(0.3)
        began = time.perf_counter()
        starter.start_workflow_execution(domain="d", workflowId="w", workflowType={"name": "wf", "version": "1"})
        thread.join(5)
        assert got["task"]["workflowExecution"]["workflowId"] == "w"
        assert got["at"] - began < 1.0  # woken by the new task, long before the 5 s poll timeout


def test_priority_then_fifo_and_exactly_once(url):
    swf = client(url)
    swf.start_workflow_execution(domain="d", workflowId="prio", workflowType={"name": "wf", "version": "1"})
    task = swf.poll_for_decision_task(domain="d", taskList={"name": "dl"})
    decisions = [{"decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
        "activityId": "a%d" % i, "activityType": {"name": "act", "version": "1"},
        "taskList": {"name": "prio"}, "taskPriority": str(prio)}}
        for i, prio in enumerate([0, 5, 0, -3, 5, 0] + [1] * 40)]
    swf.respond_decision_task_completed(taskToken=task["taskToken"], decisions=decisions)
    first = [swf.poll_for_activity_task(domain="d", taskList={"name": "prio"})["activityId"] for _ in range(4)]
    assert first[:2] == ["a1", "a4"] and first[2:] == ["a6", "a7"]
    seen, lock = [], threading.Lock()

    def worker():
        mine = client(url)
        while True:
            got = mine.poll_for_activity_task(domain="d", taskList={"name": "prio"})
            if not got.get("taskToken"):
                return
            mine.respond_activity_task_completed(taskToken=got["taskToken"])
            with lock:
                seen.append(got["activityId"])

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(seen) == sorted(set(seen)) and len(seen) == 42


def test_verify_signatures():
    with running(poll_timeout=0.1, verify_keys={"AKID": "good-secret"}) as endpoint:
        client(endpoint, "AKID", "good-secret").list_domains(registrationStatus="REGISTERED")
        for key, secret, code in (("AKID", "bad", "InvalidSignatureException"),
                                  ("OTHER", "good-secret", "UnrecognizedClientException")):
            with pytest.raises(ClientError) as info:
                client(endpoint, key, secret).list_domains(registrationStatus="REGISTERED")
            assert info.value.response["Error"]["Code"] == code
        unsigned = post(endpoint, "ListDomains", {"registrationStatus": "REGISTERED"})
        assert unsigned.status_code == 403
        assert unsigned.json()["__type"].endswith("#MissingAuthenticationTokenException")


def test_cli_prints_url_and_stops_on_sigterm(tmp_path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    proc = subprocess.Popen([sys.executable, "-m", "swfkit.server.command", "--db", str(tmp_path / "s.db")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        endpoint = proc.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:")
        client(endpoint).register_domain(name="cli", workflowExecutionRetentionPeriodInDays="1")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
