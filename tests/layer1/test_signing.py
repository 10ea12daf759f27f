"""The signer's headers are exactly what botocore's ``SigV4Auth`` puts on an ``AWSRequest``."""
from __future__ import annotations

import datetime as dt
from typing import Dict, Optional

import pytest

from swfkit.layer1.signing import Signer, SigningHeaders, host_header

NOW = dt.datetime(2026, 11, 28, 9, 30, 15)


def botocore_headers(url: str, headers: Dict[str, str], body: bytes, token: Optional[str]) -> Dict[str, str]:
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    request = AWSRequest(method="POST", url=url, data=body, headers=headers)
    SigV4Auth(Credentials("AKIDEXAMPLE", "secret/key+example", token), "swf", "eu-west-1").add_auth(request)
    return dict(request.headers.items())


@pytest.fixture(autouse=True)
def fixed_clock(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import botocore.auth

    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda *args, **kwargs: NOW)


@pytest.mark.parametrize("url", ["http://127.0.0.1:8123/", "https://swf.eu-west-1.amazonaws.com/",
                                 "https://[::1]:9443/", "http://LocalHost/"])
@pytest.mark.parametrize("token", [None, "a-session-token"])
@pytest.mark.parametrize("body", [b"", b"{}", '{"domain": "d\u00e9j\u00e0", "taskList": {"name": "t  x"}}'.encode()])
def test_same_headers_as_botocore(url: str, token: Optional[str], body: bytes) -> None:
    from botocore.credentials import Credentials

    headers = {"Host": host_header(url), "X-Amz-Target": "SimpleWorkflowService.PollForDecisionTask",
               "Content-Type": "application/x-amz-json-1.0"}
    ours = Signer(Credentials("AKIDEXAMPLE", "secret/key+example", token), "eu-west-1").sign(url, headers, body)
    assert ours == botocore_headers(url, headers, body, token)
    assert ours["X-Amz-Date"] == "20261128T093015Z"
    assert "SignedHeaders=content-type;host;x-amz-date;" in ours["Authorization"]


def test_without_a_host_header_botocore_derives_it() -> None:
    from botocore.credentials import Credentials

    url = "https://swf.eu-west-1.amazonaws.com:443/"
    headers = {"X-Amz-Target": "SimpleWorkflowService.ListDomains", "Content-Type": "application/x-amz-json-1.0"}
    ours = Signer(Credentials("AKIDEXAMPLE", "secret/key+example"), "eu-west-1").sign(url, headers, b"{}")
    assert ours == botocore_headers(url, headers, b"{}", None)


def test_signing_headers_are_case_insensitive() -> None:
    headers = SigningHeaders({"Host": "h", "X-Amz-Date": "old"})
    assert "host" in headers and "X-AMZ-DATE" in headers and 3 not in headers
    headers["x-amz-date"] = "new"
    assert headers["X-Amz-Date"] == "new" and headers.get("nope") is None
    del headers["HOST"]
    assert headers.items() == [("x-amz-date", "new")] and list(headers) == ["x-amz-date"]
