"""A loopback server recomputes each request's SigV4 signature with the known secret."""
from __future__ import annotations

import http.server
import json
import threading
from typing import Iterator

import pytest

from swfkit.exceptions import InvalidSignatureException
from swfkit.layer1 import Layer1

SECRET = "the-known-secret"


def signature_matches(method: str, host_url: str, headers: dict, body: bytes) -> bool:
    """Rebuild the request from what arrived and sign it again with botocore."""
    from botocore.auth import SigV4Auth
    from botocore.awsrequest import AWSRequest
    from botocore.credentials import Credentials

    authorization = headers["Authorization"]
    fields = dict(part.strip().split("=", 1) for part in authorization.split(" ", 1)[1].split(","))
    access_key, date, region, service, _ = fields["Credential"].split("/")
    signed_names = fields["SignedHeaders"].split(";")
    lowered = {name.lower(): value for name, value in headers.items()}
    request = AWSRequest(method=method, url=host_url, data=body,
                         headers={name: lowered[name] for name in signed_names})
    request.context["timestamp"] = lowered["x-amz-date"]
    auth = SigV4Auth(Credentials(access_key, SECRET, lowered.get("x-amz-security-token")), service, region)
    canonical = auth.canonical_request(request)
    expected = auth.signature(auth.string_to_sign(request, canonical), request)
    return date == lowered["x-amz-date"][:8] and expected == fields["Signature"]


@pytest.fixture
def verifying_server() -> Iterator[str]:
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self) -> None:  # noqa: N802
            body = self.rfile.read(int(self.headers["Content-Length"]))
            url = "http://%s/" % self.headers["Host"]
            ok = signature_matches("POST", url, dict(self.headers.items()), body)
            if ok:
                status, answer = 200, {"count": 7, "truncated": False}
            else:
                status, answer = 403, {"__type": "com.amazon.coral.service#InvalidSignatureException",
                                       "message": "The request signature we calculated does not match"}
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("x-amzn-RequestId", "sig-check")
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.mark.parametrize("token", [None, "session-token"])
def test_signature_verifies(verifying_server: str, token) -> None:  # type: ignore[no-untyped-def]
    with Layer1(region="eu-west-1", endpoint_url=verifying_server, aws_access_key_id="AKID",
                aws_secret_access_key=SECRET, aws_session_token=token) as swf:
        for _ in range(2):  # a reused keep-alive connection signs just as well
            assert swf.count_pending_activity_tasks(domain="d", task_list={"name": "\u00e9t\u00e9"})["count"] == 7


def test_wrong_secret_is_rejected(verifying_server: str) -> None:
    with Layer1(region="eu-west-1", endpoint_url=verifying_server, aws_access_key_id="AKID",
                aws_secret_access_key="a-wrong-secret", max_attempts=1) as swf:
        with pytest.raises(InvalidSignatureException) as caught:
            swf.count_pending_activity_tasks(domain="d", task_list={"name": "t"})
    assert caught.value.status_code == 403 and caught.value.request_id == "sig-check"
