"""Wire robustness: exact limits, unicode round trips, odd framing, clients that go away mid-request."""
from __future__ import annotations

import json
import socket

import requests

TARGET = "SimpleWorkflowService."


def test_data_round_trips_exactly(flow):  # type: ignore[no-untyped-def]
    tricky = "\u0000 nul, \u00e9, \u2028 line sep, \U0001F600 emoji, \"quotes\" \\ backslash \t tab \n nl"
    execution, task = flow.run_to_first_decision(input=tricky)
    assert flow.history(execution)[0]["workflowExecutionStartedEventAttributes"]["input"] == tricky
    flow.decide(task, flow.schedule("a1", input=tricky, control=tricky))
    activity = flow.poll_activity()
    assert activity["input"] == tricky
    flow.swf.respond_activity_task_completed(taskToken=activity["taskToken"], result=tricky)
    completed = [e for e in flow.history(execution) if e["eventType"] == "ActivityTaskCompleted"][0]
    assert flow.attrs(completed)["result"] == tricky


def test_limits_are_inclusive(flow):  # type: ignore[no-untyped-def]
    name = "d" * 256
    flow.swf.register_domain(name=name, workflowExecutionRetentionPeriodInDays="90", description="x" * 1024)
    assert flow.swf.describe_domain(name=name)["domainInfo"]["name"] == name
    flow.register_workflow_type("w" * 256, "v" * 64)
    execution, task = flow.run_to_first_decision(workflow_id="i" * 256, input="x" * 32_768,
                                                 tagList=["t" * 256] * 5)
    flow.decide(task, flow.schedule("a" * 256, input="y" * 32_768))
    activity = flow.poll_activity()
    flow.swf.record_activity_task_heartbeat(taskToken=activity["taskToken"], details="h" * 2048)
    flow.swf.respond_activity_task_failed(taskToken=activity["taskToken"], reason="r" * 256, details="z" * 32_768)
    failed = flow.history(execution)[-2]
    assert failed["eventType"] == "ActivityTaskFailed" and len(flow.attrs(failed)["details"]) == 32_768


def test_chunked_request_body(endpoint):  # type: ignore[no-untyped-def]
    body = json.dumps({"registrationStatus": "REGISTERED"}).encode()
    response = requests.post(endpoint + "/", data=iter([body[:10], body[10:]]), timeout=10, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": TARGET + "ListDomains"})
    assert response.status_code in (200, 400, 411), response.status_code
    assert response.json() is not None
    if response.status_code != 200:
        assert response.json()["__type"] and response.json()["message"]


def test_client_vanishing_mid_body_leaves_the_server_healthy(endpoint, flow):  # type: ignore[no-untyped-def]
    host, port = endpoint.rsplit("/", 1)[-1].split(":")
    for _ in range(5):
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-amz-json-1.0\r\n"
                     b"X-Amz-Target: SimpleWorkflowService.ListDomains\r\nContent-Length: 100\r\n\r\n{\"regis")
        sock.close()
    sock = socket.create_connection((host, int(port)), timeout=5)
    sock.sendall(b"GARBAGE\r\n\r\n")
    sock.recv(4096)  # whatever it answers, it must answer or close, not hang
    sock.close()
    assert flow.swf.describe_domain(name=flow.domain)["domainInfo"]["status"] == "REGISTERED"


def test_keep_alive_connection_serves_many_calls(flow):  # type: ignore[no-untyped-def]
    session = requests.Session()
    headers = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": TARGET + "DescribeDomain"}
    for _ in range(50):
        response = session.post(flow.endpoint_url + "/", data=json.dumps({"name": flow.domain}), headers=headers,
                                timeout=5)
        assert response.status_code == 200
    bad = session.post(flow.endpoint_url + "/", data=b"{", headers=headers, timeout=5)
    assert bad.status_code == 400
    good = session.post(flow.endpoint_url + "/", data=json.dumps({"name": flow.domain}), headers=headers, timeout=5)
    assert good.status_code == 200, "an error answer broke the keep-alive connection"
    session.close()
