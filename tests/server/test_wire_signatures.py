"""--verify-signatures: SigV4 is checked against configured keys, with SWF's error types."""
from __future__ import annotations

import json

import pytest
import requests

KEY_ID, SECRET = "AKIDLOCALTEST", "local-secret-key"


@pytest.fixture(scope="module")
def endpoint():  # type: ignore[no-untyped-def]
    from swfkit.server import running

    with running(db=None, poll_timeout=1.0, verify_keys={KEY_ID: SECRET}) as url:
        yield url


def _client(endpoint, key_id, secret):  # type: ignore[no-untyped-def]
    import boto3
    from botocore.config import Config

    return boto3.session.Session().client("swf", endpoint_url=endpoint, region_name="us-east-1",
                                          aws_access_key_id=key_id, aws_secret_access_key=secret,
                                          config=Config(retries={"max_attempts": 0}))


def _signed(endpoint, body, key_id=KEY_ID, secret=SECRET):  # type: ignore[no-untyped-def]
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="POST", url=endpoint + "/", data=body, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "SimpleWorkflowService.ListDomains"})
    SigV4Auth(Credentials(key_id, secret), "swf", "us-east-1").add_auth(request)
    return dict(request.headers.items())


def _error(response, code):  # type: ignore[no-untyped-def]
    assert response.status_code in (400, 403), response.status_code
    body = response.json()
    assert body["__type"].rsplit("#", 1)[-1] == code and body["message"], body


def test_correctly_signed_boto3_calls_work(endpoint):  # type: ignore[no-untyped-def]
    client = _client(endpoint, KEY_ID, SECRET)
    client.register_domain(name="signed", workflowExecutionRetentionPeriodInDays="1")
    assert client.describe_domain(name="signed")["domainInfo"]["name"] == "signed"


def test_wrong_secret_is_an_invalid_signature(endpoint):  # type: ignore[no-untyped-def]
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as info:
        _client(endpoint, KEY_ID, "wrong").list_domains(registrationStatus="REGISTERED")
    assert info.value.response["Error"]["Code"] == "InvalidSignatureException"


def test_unknown_key_is_unrecognized(endpoint):  # type: ignore[no-untyped-def]
    from botocore.exceptions import ClientError

    with pytest.raises(ClientError) as info:
        _client(endpoint, "AKIDUNKNOWN", SECRET).list_domains(registrationStatus="REGISTERED")
    assert info.value.response["Error"]["Code"] == "UnrecognizedClientException"


def test_missing_and_broken_authorization(endpoint):  # type: ignore[no-untyped-def]
    body = json.dumps({"registrationStatus": "REGISTERED"})
    plain = {"Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "SimpleWorkflowService.ListDomains"}
    _error(requests.post(endpoint + "/", data=body, headers=plain, timeout=5), "MissingAuthenticationTokenException")
    _error(requests.post(endpoint + "/", data=body, headers=dict(plain, Authorization="AWS4-HMAC-SHA256 junk"),
                         timeout=5), "IncompleteSignatureException")


def test_tampered_body_is_an_invalid_signature(endpoint):  # type: ignore[no-untyped-def]
    body = json.dumps({"registrationStatus": "REGISTERED"})
    headers = _signed(endpoint, body)
    ok = requests.post(endpoint + "/", data=body, headers=headers, timeout=5)
    assert ok.status_code == 200, ok.text
    tampered = json.dumps({"registrationStatus": "DEPRECATED"})
    _error(requests.post(endpoint + "/", data=tampered, headers=headers, timeout=5), "InvalidSignatureException")
