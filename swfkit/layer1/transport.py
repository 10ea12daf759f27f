"""The HTTP send: one ``requests`` session per client, used through its adapter.

This is the only module that touches ``requests``, and the one place its exceptions become
``swfkit.exceptions.TransportError``. ``Session.post`` does per-call work a client with a fixed
endpoint does not need (merging environment settings, cookies, hooks, redirects), so requests are
prepared here and handed straight to the mounted ``HTTPAdapter``; proxies and the CA bundle from the
environment (``trust_env``) are resolved once, when the transport is built. Below the adapter, the
pool's connections read an answer's header block with a plain line parser instead of the email
package (``http.client``'s way, ~20 us an answer): SWF answers carry a handful of headers.
"""
from __future__ import annotations

import os
import socket
import weakref
from typing import Any, Callable, Dict, List, Mapping, MutableSet, NamedTuple, Optional, Tuple

from swfkit.exceptions import TransportError


class HTTPResponse(NamedTuple):
    """What came back: the status, the headers (case-insensitive mapping) and the raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


MAX_HEADER_LINE = 65536
MAX_HEADERS = 100


def _lean_response_class() -> Any:
    """``http.client.HTTPResponse`` whose header block is read line by line into an ``HTTPMessage``.

    ``begin`` is ``http.client``'s own apart from that; header values are what the email parser
    gives (folded continuation lines included, line endings and all).
    """
    import http.client

    class LeanHTTPResponse(http.client.HTTPResponse):
        def begin(self) -> None:
            if self.headers is not None:
                return
            while True:
                version, status, reason = self._read_status()
                if status != http.client.CONTINUE:
                    break
                self._read_header_lines()  # the 100 answer's headers are skipped
            self.code = self.status = status
            self.reason = reason.strip()
            if version in ("HTTP/1.0", "HTTP/0.9"):
                self.version = 10
            elif version.startswith("HTTP/1."):
                self.version = 11
            else:
                raise http.client.UnknownProtocol(version)
            message = http.client.HTTPMessage()
            for name, value in self._read_header_lines():
                message[name] = value
            self.headers = self.msg = message
            transfer_encoding = message.get("transfer-encoding")
            self.chunked = bool(transfer_encoding and transfer_encoding.lower() == "chunked")
            if self.chunked:
                self.chunk_left = None
            self.will_close = self._check_close()
            self.length = None
            length = message.get("content-length")
            if length and not self.chunked:
                try:
                    self.length = int(length)
                except ValueError:
                    self.length = None
                else:
                    if self.length < 0:
                        self.length = None
            if status in (http.client.NO_CONTENT, http.client.NOT_MODIFIED) or 100 <= status < 200 \
                    or self._method == "HEAD":
                self.length = 0
            if not self.will_close and not self.chunked and self.length is None:
                self.will_close = True

        def _read_header_lines(self) -> List[Tuple[str, str]]:
            headers: List[Tuple[str, str]] = []  # (name, value with its line ending: folded lines keep theirs, as email does)
            while True:
                line = self.fp.readline(MAX_HEADER_LINE + 1)
                if len(line) > MAX_HEADER_LINE:
                    raise http.client.LineTooLong("header line")
                if line in (b"\r\n", b"\n", b""):
                    return [(name, value.rstrip("\r\n")) for name, value in headers]
                text = line.decode("iso-8859-1")
                if text[0] in " \t" and headers:  # a folded line continues the previous header
                    name, value = headers[-1]
                    headers[-1] = (name, value + text)
                    continue
                if len(headers) >= MAX_HEADERS:
                    raise http.client.HTTPException("got more than %d headers" % MAX_HEADERS)
                name, _, value = text.partition(":")
                headers.append((name, value.lstrip()))

    return LeanHTTPResponse


def _adapter_class(connected: Callable[[Any], None]) -> Any:
    """An ``HTTPAdapter`` for one fixed endpoint: its connection pool and request URL are looked up
    once, its connections parse answers' headers leanly (and are handed to ``connected`` once
    they connect, so ``Transport.abort`` can find them), and answers are wrapped without the
    charset guessing SWF never needs."""
    from requests.adapters import HTTPAdapter
    from requests.models import Response

    response_class = _lean_response_class()

    class EndpointAdapter(HTTPAdapter):
        _pool: Any = None
        _request_url: Optional[str] = None

        def get_connection_with_tls_context(self, request: Any, verify: Any, proxies: Any = None, cert: Any = None) -> Any:
            if self._pool is None:
                pool: Any = super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
                connection_class = pool.ConnectionCls

                def connect(connection: Any) -> None:
                    connection_class.connect(connection)
                    connected(connection)

                pool.ConnectionCls = type("Lean" + connection_class.__name__, (connection_class,),
                                          {"response_class": response_class, "connect": connect})
                self._pool = pool
            return self._pool

        def request_url(self, request: Any, proxies: Any) -> str:
            if self._request_url is None:
                self._request_url = super().request_url(request, proxies)
            return self._request_url

        def build_response(self, req: Any, resp: Any) -> Any:
            response = Response()
            response.status_code = getattr(resp, "status", None)  # type: ignore[assignment]
            response.headers = resp.headers  # urllib3's HTTPHeaderDict is case-insensitive already
            response.raw = resp
            response.reason = getattr(resp, "reason", None)  # type: ignore[assignment]
            response.url = req.url
            response.request = req
            response.connection = self
            return response

        def close(self) -> None:
            self._pool = None
            super().close()

    return EndpointAdapter


class Transport:
    """POSTs signed requests to one endpoint over a pool of keep-alive connections.

    Args:
        endpoint_url: ``http(s)://host[:port]/``.
        pool_size: connections kept open to the endpoint (one per concurrent caller).
        trust_env: honour ``HTTP(S)_PROXY``/``NO_PROXY`` and ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``.
    """

    def __init__(self, endpoint_url: str, *, pool_size: int = 10, trust_env: bool = True) -> None:
        import requests
        import urllib3.exceptions
        from requests.utils import get_environ_proxies

        self.endpoint_url = endpoint_url
        self.session = requests.Session()
        self.session.trust_env = trust_env
        # Retries are swfkit's job (retries.py): the adapter must not retry behind our back.
        self._opened: MutableSet[Any] = weakref.WeakSet()
        self._aborted = False
        self.adapter = _adapter_class(self._connected)(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
        self.session.mount("http://", self.adapter)
        self.session.mount("https://", self.adapter)
        self._prepared_request = requests.PreparedRequest
        # urllib3's own errors (and bare socket errors) can escape while the body is read from ``raw``.
        self._errors = (requests.RequestException, urllib3.exceptions.HTTPError, OSError)
        self._retryable = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError,
                           urllib3.exceptions.ProtocolError, urllib3.exceptions.TimeoutError,
                           ConnectionError, TimeoutError)
        self._not_retryable = (requests.exceptions.SSLError, requests.exceptions.InvalidURL,
                               requests.exceptions.InvalidHeader)
        self.proxies: Dict[str, str] = get_environ_proxies(endpoint_url) if trust_env else {}
        self.verify: Any = True
        if trust_env:
            self.verify = os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or True

    def send(self, operation: str, headers: Dict[str, str], body: bytes, timeout: Tuple[float, float]) -> HTTPResponse:
        """POST ``body`` with ``headers``; any failure to get an answer is a ``TransportError``.

        The error's ``retryable`` attribute says whether sending again may help (connection
        refused or reset, timeouts), as opposed to a bad URL or a certificate failure.
        """
        if self._aborted:
            error = TransportError("%s: not sent: the client was aborted" % operation, operation=operation)
            error.retryable = False  # type: ignore[attr-defined]
            raise error
        request = self._prepared_request()
        request.method = "POST"
        request.url = self.endpoint_url
        request.headers = headers  # type: ignore[assignment]
        request.body = body
        try:
            response = self.adapter.send(request, stream=False, timeout=timeout, verify=self.verify,
                                         cert=None, proxies=self.proxies)
            content = response.raw.read(decode_content=True)
        except self._errors as err:
            error = TransportError("%s: no answer from %s: %s" % (operation, self.endpoint_url, _reason(err)),
                                   operation=operation)
            error.retryable = (isinstance(err, self._retryable)  # type: ignore[attr-defined]
                               and not isinstance(err, self._not_retryable))
            raise error from err
        return HTTPResponse(response.status_code, response.headers, content or b"")

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()

    def _connected(self, connection: Any) -> None:
        self._opened.add(connection)  # before the check: abort() sets the flag, then reads the set
        if self._aborted:
            _shut(connection)

    def abort(self) -> None:
        """Make every send in flight fail now and every later one fail at once (any thread).

        The sockets are shut down, not just closed: a thread blocked reading an answer (a long
        poll) wakes up with end-of-file, and the server sees the connection go.
        """
        self._aborted = True
        for connection in list(self._opened):
            _shut(connection)


def _reason(error: BaseException) -> str:
    """The short words for a failed request ("Connection refused", "timed out"), not urllib3's
    nested retry and pool text; the full chain stays on ``__cause__``."""
    seen = set()
    current: Optional[BaseException] = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            return current.strerror
        if isinstance(current, TimeoutError) or "timeout" in type(current).__name__.lower():
            return "timed out"
        current = current.__cause__ or current.__context__ or _wrapped(current)
    return "%s: %s" % (type(error).__name__, error)


def _wrapped(error: BaseException) -> Optional[BaseException]:
    # requests and urllib3 keep the error they wrap in args[0] or .reason rather than __cause__.
    reason = getattr(error, "reason", None)
    if isinstance(reason, BaseException):
        return reason
    first = error.args[0] if error.args else None
    return first if isinstance(first, BaseException) else None


def _shut(connection: Any) -> None:
    sock = getattr(connection, "sock", None)
    if sock is not None:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:  # already closed
            pass


def request_id(headers: Optional[Mapping[str, str]]) -> Optional[str]:
    """The ``x-amzn-RequestId`` of an answer (``headers`` is case-insensitive)."""
    if not headers:
        return None
    return headers.get("x-amzn-RequestId") or headers.get("x-amz-request-id")
