"""Throttling, 5xx and connection failures are retried with capped, jittered exponential backoff."""
from __future__ import annotations

from typing import List

import pytest
import requests
import responses

from swfkit import exceptions
from swfkit.layer1 import Layer1
from swfkit.layer1.retries import RetryPolicy
from tests.layer1.conftest import ENDPOINT, answer

THROTTLED = {"__type": "com.amazon.coral.availability#ThrottlingException", "message": "Rate exceeded"}


@pytest.fixture
def sleeps(swf) -> List[float]:  # type: ignore[no-untyped-def]
    slept: List[float] = []
    swf.retry_policy.sleep = slept.append
    swf.retry_policy.jitter = lambda: 1.0
    return slept


def test_throttling_then_success(swf, http, sleeps) -> None:  # type: ignore[no-untyped-def]
    answer(http, THROTTLED, status=400)
    answer(http, THROTTLED, status=400)
    answer(http, {"count": 2})
    assert swf.count_pending_decision_tasks(domain="d", task_list={"name": "t"}) == {"count": 2}
    assert len(http.calls) == 3
    assert sleeps == [0.25, 0.5]
    # each attempt is signed afresh (a new X-Amz-Date/Authorization may differ) but the body is the same
    assert len({call.request.body for call in http.calls}) == 1


def test_server_errors_exhaust_the_attempts(swf, http, sleeps) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        answer(http, {"__type": "com.amazon.coral.service#InternalFailure", "message": "boom"}, status=500)
    with pytest.raises(exceptions.InternalFailure) as caught:
        swf.describe_domain(name="d")
    assert caught.value.status_code == 500
    assert len(http.calls) == 3 and len(sleeps) == 2


def test_any_5xx_is_retried(swf, http, sleeps) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"__type": "SomethingOdd", "message": "x"}, status=503)
    answer(http, {"domainInfo": {"name": "d"}})
    assert swf.describe_domain(name="d")["domainInfo"]["name"] == "d"


def test_faults_are_not_retried(swf, http, sleeps) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"__type": "com.amazonaws.swf.base.model#UnknownResourceFault", "message": "gone"}, status=400)
    with pytest.raises(exceptions.UnknownResourceFault):
        swf.respond_activity_task_completed(task_token="t")
    assert len(http.calls) == 1 and sleeps == []


def test_connection_errors_are_retried(swf, http, sleeps) -> None:  # type: ignore[no-untyped-def]
    http.add(responses.POST, ENDPOINT + "/", body=requests.ConnectionError("reset"))
    http.add(responses.POST, ENDPOINT + "/", body=requests.ReadTimeout("slow"))
    answer(http, {"count": 1})
    assert swf.count_pending_activity_tasks(domain="d", task_list={"name": "t"}) == {"count": 1}
    assert len(sleeps) == 2


def test_certificate_errors_are_not_retried(swf, http, sleeps) -> None:  # type: ignore[no-untyped-def]
    http.add(responses.POST, ENDPOINT + "/", body=requests.exceptions.SSLError("bad certificate"))
    with pytest.raises(exceptions.TransportError):
        swf.describe_domain(name="d")
    assert sleeps == []


def test_backoff_is_capped_full_jitter() -> None:
    policy = RetryPolicy(10, base=1.0, cap=5.0, jitter=lambda: 1.0)
    assert [policy.delay(retry) for retry in range(1, 6)] == [1.0, 2.0, 4.0, 5.0, 5.0]
    policy.jitter = lambda: 0.0
    assert policy.delay(4) == 0.0

    policy = RetryPolicy(10, base=1.0, cap=5.0)
    assert all(0.0 <= policy.delay(8) <= 5.0 for _ in range(200))
    assert len({policy.delay(8) for _ in range(20)}) > 1


@pytest.mark.parametrize("env, argument, expected", [
    (None, None, 5), ("2", None, 3), ("0", None, 1), ("9", 2, 2), (None, 1, 1),
])
def test_attempts_from_argument_or_swf_connection_retries(monkeypatch, env, argument, expected) -> None:  # type: ignore[no-untyped-def]
    if env is not None:
        monkeypatch.setenv("SWF_CONNECTION_RETRIES", env)
    assert Layer1(region="us-east-1", endpoint_url=ENDPOINT, max_attempts=argument).retry_policy.max_attempts == expected


@pytest.mark.parametrize("env, argument", [("lots", None), (None, 0), (None, True)])
def test_bad_attempt_settings(monkeypatch, env, argument) -> None:  # type: ignore[no-untyped-def]
    if env is not None:
        monkeypatch.setenv("SWF_CONNECTION_RETRIES", env)
    with pytest.raises(exceptions.ConfigurationError, match="SWF_CONNECTION_RETRIES|max_attempts"):
        Layer1(region="us-east-1", endpoint_url=ENDPOINT, max_attempts=argument)


def test_bad_url_errors_are_not_retried(swf, http, sleeps) -> None:  # type: ignore[no-untyped-def]
    http.add(responses.POST, ENDPOINT + "/", body=requests.exceptions.InvalidURL("bad url"))
    with pytest.raises(exceptions.TransportError) as caught:
        swf.describe_domain(name="d")
    assert sleeps == [] and caught.value.retryable is False


def test_socket_errors_while_reading_are_transport_errors(swf, http, sleeps) -> None:  # type: ignore[no-untyped-def]
    http.add(responses.POST, ENDPOINT + "/", body=ConnectionResetError("reset by peer"))
    answer(http, {"count": 1})
    assert swf.count_pending_activity_tasks(domain="d", task_list={"name": "t"}) == {"count": 1}
    assert len(sleeps) == 1


def test_real_connection_dropped_without_answer_is_retried() -> None:
    """A loopback server that hangs up on the first request and answers the second."""
    import socket
    import threading

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(4)
    served = []

    def serve() -> None:
        for attempt in range(2):
            connection, _ = listener.accept()
            with connection:
                connection.recv(65536)
                served.append(attempt)
                if attempt == 1:
                    body = b'{"count": 9, "truncated": false}'
                    connection.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s"
                                       % (len(body), body))

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    swf = Layer1(region="us-east-1", endpoint_url="http://127.0.0.1:%d" % listener.getsockname()[1], max_attempts=2)
    swf.retry_policy.sleep = lambda seconds: None
    try:
        assert swf.count_pending_decision_tasks(domain="d", task_list={"name": "t"})["count"] == 9
    finally:
        swf.close()
        thread.join(5)
        listener.close()
    assert served == [0, 1]
