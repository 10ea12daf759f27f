"""Error answers become swfkit exceptions carrying code, message, request id, status and operation."""
from __future__ import annotations

import pytest
import responses

from swfkit import exceptions
from swfkit.layer1.faults import error_code
from swfkit.spec import FAULTS
from tests.layer1.conftest import ENDPOINT, answer

NAMESPACES = {name: "com.amazonaws.swf.base.model#" + name for name in FAULTS}
NAMESPACES.update({
    "ThrottlingException": "com.amazon.coral.availability#ThrottlingException",
    "ValidationException": "com.amazon.coral.validate#ValidationException",
    "SerializationException": "com.amazon.coral.service#SerializationException",
    "UnknownOperationException": "com.amazon.coral.service#UnknownOperationException",
    "AccessDeniedException": "com.amazon.coral.service#AccessDeniedException",
    "UnrecognizedClientException": "com.amazon.coral.service#UnrecognizedClientException",
    "InvalidSignatureException": "com.amazon.coral.service#InvalidSignatureException",
    "IncompleteSignatureException": "com.amazon.coral.service#IncompleteSignatureException",
    "MissingAuthenticationTokenException": "com.amazon.coral.service#MissingAuthenticationTokenException",
})


@pytest.mark.parametrize("code", sorted(NAMESPACES))
def test_each_fault_maps_to_its_class(code: str, swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"__type": NAMESPACES[code], "message": "it went wrong"}, status=400, request_id="rid-7")
    with pytest.raises(exceptions.ServiceError) as caught:
        swf.describe_domain(name="d")
    error = caught.value
    assert type(error) is getattr(exceptions, code)
    assert (error.code, error.message, error.request_id, error.status_code, error.operation) == (
        code, "it went wrong", "rid-7", 400, "DescribeDomain")
    # faults are sent once; throttling is retried until the attempts (3 here) run out
    assert len(http.calls) == (3 if code == "ThrottlingException" else 1)


def test_eleven_modelled_faults_are_swf_faults() -> None:
    assert len(FAULTS) == 11
    assert all(issubclass(getattr(exceptions, name), exceptions.SWFFault) for name in FAULTS)


def test_unknown_code_is_a_plain_service_error(swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"__type": "com.example#BrandNewFault", "Message": "capital M"}, status=400)
    with pytest.raises(exceptions.ServiceError) as caught:
        swf.list_domains(registration_status="REGISTERED")
    assert type(caught.value) is exceptions.ServiceError
    assert caught.value.code == "BrandNewFault" and caught.value.message == "capital M"


def test_type_is_cut_at_colon_then_after_last_hash() -> None:
    assert error_code("com.amazonaws.swf.base.model#UnknownResourceFault:http://internal.amazon.com/coral") == "UnknownResourceFault"
    assert error_code("ValidationException") == "ValidationException"
    assert error_code("a#b#TypeDeprecatedFault") == "TypeDeprecatedFault"


def test_html_error_page_gives_status_code(swf, http) -> None:  # type: ignore[no-untyped-def]
    http.add(responses.POST, ENDPOINT + "/", body=b"<html>Bad Gateway</html>", status=502)
    http.add(responses.POST, ENDPOINT + "/", body=b"<html>Bad Gateway</html>", status=502)
    http.add(responses.POST, ENDPOINT + "/", body=b"<html>Bad Gateway</html>", status=502)
    with pytest.raises(exceptions.ServiceError) as caught:
        swf.describe_domain(name="d")
    assert caught.value.code == "502" and caught.value.status_code == 502
    assert "Bad Gateway" in caught.value.message


def test_answer_that_is_not_json_is_a_service_error(swf, http) -> None:  # type: ignore[no-untyped-def]
    http.add(responses.POST, ENDPOINT + "/", body=b"not json", status=200)
    with pytest.raises(exceptions.ServiceError) as caught:
        swf.describe_domain(name="d")
    assert caught.value.code == "InvalidResponse" and caught.value.operation == "DescribeDomain"


def test_connection_failure_is_a_transport_error_from_requests(http) -> None:  # type: ignore[no-untyped-def]
    import requests

    from swfkit.layer1 import Layer1

    swf = Layer1(region="us-east-1", endpoint_url=ENDPOINT, max_attempts=1)
    http.add(responses.POST, ENDPOINT + "/", body=requests.ConnectionError("refused"))
    with pytest.raises(exceptions.TransportError) as caught:
        swf.describe_domain(name="d")
    assert caught.value.operation == "DescribeDomain"
    assert isinstance(caught.value.__cause__, requests.ConnectionError)
    assert not isinstance(caught.value, requests.RequestException)


def test_real_refused_connection(free_port: int) -> None:
    from swfkit.layer1 import Layer1

    swf = Layer1(region="us-east-1", endpoint_url="http://127.0.0.1:%d" % free_port, max_attempts=2,
                 connect_timeout=2.0)
    swf.retry_policy.sleep = lambda seconds: None
    with pytest.raises(exceptions.TransportError, match="CountPendingDecisionTasks"):
        swf.count_pending_decision_tasks(domain="d", task_list={"name": "t"})
    swf.close()


@pytest.fixture
def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
