"""Answers' header blocks are read like ``http.client`` reads them, without the email parser."""
from __future__ import annotations

import http.client
import io

import pytest

from swfkit.layer1.transport import MAX_HEADERS, _lean_response_class


class FakeSocket:
    def __init__(self, data: bytes) -> None:
        self.data = data

    def makefile(self, mode: str) -> io.BufferedReader:
        return io.BufferedReader(io.BytesIO(self.data))


def both(raw: bytes, method: str = "POST") -> tuple:
    lean = _lean_response_class()(FakeSocket(raw), method=method)  # type: ignore[arg-type]
    stock = http.client.HTTPResponse(FakeSocket(raw), method=method)  # type: ignore[arg-type]
    lean.begin()
    stock.begin()
    return lean, stock


def same(lean: http.client.HTTPResponse, stock: http.client.HTTPResponse) -> None:
    assert lean.msg.items() == stock.msg.items()
    for name in ("status", "reason", "version", "chunked", "length", "will_close"):
        assert getattr(lean, name) == getattr(stock, name), name
    assert lean.read() == stock.read()


@pytest.mark.parametrize("raw", [
    b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.0\r\nContent-Length: 2\r\n"
    b"x-amzn-RequestId: 1-2-3\r\n\r\n{}",
    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 5\r\nConnection: close\r\n\r\nerror",
    b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
    b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\n{}",
    b"HTTP/1.1 200 OK\r\n\r\nuntil the connection closes",
    b"HTTP/1.1 204 No Content\r\nX-A:  spaced value  \r\nx-a: again\r\n\r\n",
    b"HTTP/1.1 200 OK\nContent-Length: 2\nX-Folded: first\n  second\n\n{}",
    b"HTTP/1.1 100 Continue\r\nX-Skipped: 1\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: -4\r\nKeep-Alive: timeout=5\r\n\r\n",
    b"HTTP/1.1 200 OK\r\nContent-Length: nope\r\nEmpty:\r\n\r\nrest",
])
def test_like_http_client(raw: bytes) -> None:
    same(*both(raw))


def test_head_answers_have_no_body() -> None:
    same(*both(b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n", method="HEAD"))


def test_limits_and_bad_status_lines_raise() -> None:
    response_class = _lean_response_class()
    many = b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(MAX_HEADERS + 1)) + b"\r\n"
    with pytest.raises(http.client.HTTPException):
        response_class(FakeSocket(many)).begin()  # type: ignore[arg-type]
    with pytest.raises(http.client.LineTooLong):
        response_class(FakeSocket(b"HTTP/1.1 200 OK\r\nX: " + b"v" * 70000 + b"\r\n\r\n")).begin()  # type: ignore[arg-type]
    with pytest.raises(http.client.HTTPException):
        response_class(FakeSocket(b"SPDY/3 200 OK\r\n\r\n")).begin()  # type: ignore[arg-type]


def test_the_client_connections_use_it(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The pool behind a Layer1's adapter builds connections whose answers use the lean class."""
    from swfkit.layer1 import Layer1

    swf = Layer1(region="us-east-1", endpoint_url="http://127.0.0.1:9", aws_access_key_id="a", aws_secret_access_key="b")
    transport = swf._open_transport()
    import requests

    request = requests.Request("POST", transport.endpoint_url).prepare()
    pool = transport.adapter.get_connection_with_tls_context(request, True, proxies={})
    assert pool.ConnectionCls.response_class.__name__ == "LeanHTTPResponse"
    assert transport.adapter.get_connection_with_tls_context(request, True, proxies={}) is pool
