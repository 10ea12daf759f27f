"""The HTTP send: one ``requests`` session per client, used through its adapter.

This is the only module that touches ``requests``, and the one place its exceptions become
``swfkit.exceptions.TransportError``. ``Session.post`` does per-call work a client with a fixed
endpoint does not need (merging environment settings, cookies, hooks, redirects), so requests are
prepared here and handed straight to the mounted ``HTTPAdapter``; proxies and the CA bundle from the
environment (``trust_env``) are resolved once, when the transport is built.
"""
from __future__ import annotations

import os
from typing import Any, Dict, Mapping, NamedTuple, Optional, Tuple

from swfkit.exceptions import TransportError


class HTTPResponse(NamedTuple):
    """What came back: the status, the headers (case-insensitive mapping) and the raw body."""

    status: int
    headers: Mapping[str, str]
    body: bytes


def _adapter_class() -> Any:
    """An ``HTTPAdapter`` for one fixed endpoint: its connection pool and request URL are looked up
    once, and answers are wrapped without the cookie jar and charset guessing SWF never needs."""
    from requests.adapters import HTTPAdapter
    from requests.models import Response

    class EndpointAdapter(HTTPAdapter):
        _pool: Any = None
        _request_url: Optional[str] = None

        def get_connection_with_tls_context(self, request: Any, verify: Any, proxies: Any = None, cert: Any = None) -> Any:
            if self._pool is None:
                self._pool = super().get_connection_with_tls_context(request, verify, proxies=proxies, cert=cert)
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
        self.adapter = _adapter_class()(pool_connections=1, pool_maxsize=pool_size, max_retries=0)
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
            error = TransportError("%s: no answer from %s: %s" % (operation, self.endpoint_url, err),
                                   operation=operation)
            error.retryable = (isinstance(err, self._retryable)  # type: ignore[attr-defined]
                               and not isinstance(err, self._not_retryable))
            raise error from err
        return HTTPResponse(response.status_code, response.headers, content or b"")

    def close(self) -> None:
        """Close the pooled connections."""
        self.session.close()


def request_id(headers: Optional[Mapping[str, str]]) -> Optional[str]:
    """The ``x-amzn-RequestId`` of an answer (``headers`` is case-insensitive)."""
    if not headers:
        return None
    return headers.get("x-amzn-RequestId") or headers.get("x-amz-request-id")
