"""The asyncio HTTP send: one ``aiohttp`` session per client and event loop.

This is the only module that touches ``aiohttp`` (the optional ``swfkit[async]`` extra), and the
one place its exceptions become ``swfkit.exceptions.TransportError``; it is imported only when an
``AsyncLayer1`` first sends, so ``import swfkit.layer1`` never imports aiohttp or asyncio.

Why aiohttp rather than httpx (both measured against the embedded server, see
benchmarks/async_layer1_bench.py): a call costs about what the sync client's does with aiohttp and
more than twice that with httpx, whose pure-Python stack (anyio, httpcore, h11) does more per
request; aiohttp's per-request ``sock_read`` timeout holds a 70 s long poll while other calls keep
their 30 s; its connector keeps connections alive and closes (never reuses) one whose request was
cancelled; it is released every few weeks with binary wheels for CPython 3.10 and later.

Connections: ``pool_size`` caps the connections open at once (calls past it wait for one); idle
ones are kept alive and reused. A cancelled call (``task.cancel()``) raises ``CancelledError`` in
its caller and its connection is closed, so the pool never hands out a socket with an answer
still coming.
"""
from __future__ import annotations

import asyncio
import os
from typing import Any, Dict, Optional, Tuple

from swfkit.exceptions import ConfigurationError, TransportError
from swfkit.layer1.transport import HTTPResponse, _reason

INSTALL_HINT = "AsyncLayer1 needs aiohttp: pip install 'swfkit[async]'"


def import_aiohttp() -> Any:
    """``aiohttp``, or a ``ConfigurationError`` saying how to install it."""
    try:
        import aiohttp
    except ImportError as err:
        raise ConfigurationError(INSTALL_HINT) from err
    return aiohttp


class AsyncTransport:
    """POSTs signed requests to one endpoint from one event loop (the running one when built).

    Args:
        endpoint_url: ``http(s)://host[:port]/``.
        pool_size: connections open at once, at most (0 = no limit).
        trust_env: honour ``HTTP(S)_PROXY``/``NO_PROXY`` and ``REQUESTS_CA_BUNDLE``/``CURL_CA_BUNDLE``,
            read once, when the transport is built (as the sync transport does).
    """

    def __init__(self, endpoint_url: str, *, pool_size: int = 100, trust_env: bool = True) -> None:
        aiohttp = import_aiohttp()
        self.endpoint_url = endpoint_url
        self.loop = asyncio.get_running_loop()
        ssl: Any = True
        bundle = (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")) if trust_env else None
        if bundle and endpoint_url.startswith("https:"):
            import ssl as ssl_module

            ssl = ssl_module.create_default_context(cafile=bundle)
        self.connector = aiohttp.TCPConnector(limit=pool_size, limit_per_host=0, ssl=ssl)
        # The proxy is looked up once, here: aiohttp's trust_env reads the environment (and .netrc)
        # on every request, which more than doubled a call's cost.
        self.proxy: Optional[str] = environment_proxy(endpoint_url) if trust_env else None
        self.session = aiohttp.ClientSession(
            connector=self.connector, trust_env=False, auto_decompress=False,
            cookie_jar=aiohttp.DummyCookieJar(),  # SWF sets no cookies; a jar costs per call
        )
        self._timeouts: Dict[Tuple[float, float], Any] = {}
        self._client_timeout = aiohttp.ClientTimeout
        self._aborted = False
        self._closing: Optional["asyncio.Task[None]"] = None
        self._errors = (aiohttp.ClientError, asyncio.TimeoutError, OSError)
        self._retryable = (aiohttp.ClientConnectionError, aiohttp.ClientPayloadError, asyncio.TimeoutError,
                           ConnectionError)
        self._not_retryable = (aiohttp.ClientSSLError, aiohttp.InvalidURL)

    def _timeout(self, timeout: Tuple[float, float]) -> Any:
        found = self._timeouts.get(timeout)
        if found is None:
            connect, read = timeout
            # sock_read: the longest wait for the next bytes, as requests' read timeout is.
            found = self._timeouts[timeout] = self._client_timeout(total=None, sock_connect=connect, sock_read=read)
        return found

    async def send(self, operation: str, headers: Dict[str, str], body: bytes,
                   timeout: Tuple[float, float]) -> HTTPResponse:
        """POST ``body`` with ``headers``; any failure to get an answer is a ``TransportError``.

        Its ``retryable`` attribute says whether sending again may help (connection refused or
        reset, timeouts), as opposed to a bad URL, a certificate failure or an aborted client.
        Cancellation is not a failure: ``CancelledError`` goes through untouched.
        """
        if self._aborted:
            raise aborted_error(operation, "not sent")
        try:
            async with self.session.post(self.endpoint_url, data=body, headers=headers, timeout=self._timeout(timeout),
                                         allow_redirects=False, proxy=self.proxy) as response:
                content = await response.read()
                return HTTPResponse(response.status, response.headers, content)
        except self._errors as err:
            if self._aborted:
                raise aborted_error(operation, "abandoned") from err
            error = TransportError("%s: no answer from %s: %s" % (operation, self.endpoint_url, _reason(err)),
                                   operation=operation)
            error.retryable = (isinstance(err, self._retryable)  # type: ignore[attr-defined]
                               and not isinstance(err, self._not_retryable))
            raise error from err

    @property
    def connections(self) -> Tuple[int, int]:
        """(in use, idle) connections now, for tests and diagnostics (read from aiohttp's
        connector; (0, 0) once closed)."""
        connector = self.session.connector
        if connector is None or connector.closed:
            return (0, 0)
        idle = sum(len(kept) for kept in getattr(connector, "_conns", {}).values())
        return (len(getattr(connector, "_acquired", ())), idle)

    def abort(self) -> None:
        """Make every send in flight fail and every later one fail at once; from the loop, any
        thread, or a signal handler. The connections are closed at the loop's next turn (through
        ``call_soon_threadsafe``, safe from all three): a long poll waiting for its answer wakes up
        with a closed connection."""
        self._aborted = True
        self._on_loop(self._start_closing)

    def _on_loop(self, callback: Any) -> None:
        if self.loop.is_closed():
            return  # nothing can run on a closed loop: its sockets went with it
        try:
            self.loop.call_soon_threadsafe(callback)
        except RuntimeError:  # the loop closed in between
            pass

    def _start_closing(self) -> None:
        if self._closing is None and not self.loop.is_closed():
            self._closing = self.loop.create_task(self.session.close())

    async def aclose(self) -> None:
        """Close the connections and wait until they are closed."""
        self._start_closing()
        if self._closing is not None:
            await self._closing

    def close(self) -> None:
        """Start closing the connections without waiting (``aclose`` waits); from any thread."""
        self._on_loop(self._start_closing)


def environment_proxy(endpoint_url: str) -> Optional[str]:
    """The proxy the environment names for ``endpoint_url`` (``HTTP(S)_PROXY`` unless ``NO_PROXY``
    lists the host), or None."""
    import urllib.parse
    import urllib.request

    parts = urllib.parse.urlsplit(endpoint_url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if not proxy or urllib.request.proxy_bypass(parts.hostname or ""):
        return None
    return proxy


def aborted_error(operation: str, what: str) -> TransportError:
    """The error of a call that an ``abort()`` stopped (``what``: "not sent" or "abandoned"): never retried."""
    error = TransportError("%s: %s: the client was aborted" % (operation, what), operation=operation)
    error.retryable = False  # type: ignore[attr-defined]
    return error
