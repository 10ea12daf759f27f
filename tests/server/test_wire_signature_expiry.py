"""--verify-signatures refuses a request signed more than 15 minutes from the server's clock (item 13).

Without this a captured request could be replayed forever. AWS answers InvalidSignatureException
("Signature expired: ... is now earlier than ..."); a request signed within the window passes.
"""
from __future__ import annotations

import datetime
from typing import Any, Iterator

import pytest
import requests

KEY_ID, SECRET = "AKIDEXPIRYTEST", "expiry-secret-key"
BODY = b'{"registrationStatus": "REGISTERED"}'


@pytest.fixture(scope="module")
def endpoint() -> Iterator[str]:
    from swfkit.server import running

    with running(db=None, poll_timeout=1.0, verify_keys={KEY_ID: SECRET}) as url:
        yield url


def _send_signed_at(endpoint: str, shift: datetime.timedelta, monkeypatch: Any) -> requests.Response:
    import botocore.auth
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    when = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + shift
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: when)
    request = AWSRequest(method="POST", url=endpoint + "/", data=BODY, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "SimpleWorkflowService.ListDomains"})
    SigV4Auth(Credentials(KEY_ID, SECRET), "swf", "us-east-1").add_auth(request)
    monkeypatch.undo()
    return requests.post(endpoint + "/", data=BODY, headers=dict(request.headers.items()), timeout=10)


@pytest.mark.parametrize("shift, words", [
    (datetime.timedelta(days=-30), "Signature expired:"),
    (datetime.timedelta(minutes=-16), "Signature expired:"),
    (datetime.timedelta(minutes=16), "Signature not yet current:"),
    (datetime.timedelta(days=700), "Signature not yet current:"),
])
def test_a_request_signed_too_far_from_now_is_refused(endpoint, monkeypatch, shift, words):  # type: ignore[no-untyped-def]
    answer = _send_signed_at(endpoint, shift, monkeypatch)
    assert answer.status_code == 403, answer.text
    body = answer.json()
    assert body["__type"].rsplit("#", 1)[-1] == "InvalidSignatureException"
    assert body["message"].startswith(words), body
    if words == "Signature expired:":
        assert "is now earlier than" in body["message"]


@pytest.mark.parametrize("minutes", [-14, 0, 14])
def test_a_request_signed_within_fifteen_minutes_passes(endpoint, monkeypatch, minutes):  # type: ignore[no-untyped-def]
    answer = _send_signed_at(endpoint, datetime.timedelta(minutes=minutes), monkeypatch)
    assert answer.status_code == 200, answer.text
    assert "domainInfos" in answer.json()


def test_a_signed_request_without_a_date_is_incomplete(endpoint):  # type: ignore[no-untyped-def]
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="POST", url=endpoint + "/", data=BODY, headers={
        "Content-Type": "application/x-amz-json-1.0", "X-Amz-Target": "SimpleWorkflowService.ListDomains"})
    SigV4Auth(Credentials(KEY_ID, SECRET), "swf", "us-east-1").add_auth(request)
    headers = {k: v for k, v in request.headers.items() if k.lower() != "x-amz-date"}
    answer = requests.post(endpoint + "/", data=BODY, headers=headers, timeout=10)
    assert answer.status_code == 403
    assert answer.json()["__type"].rsplit("#", 1)[-1] == "IncompleteSignatureException"
