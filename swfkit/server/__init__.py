"""An embedded SWF-compatible server: SWF's JSON wire protocol over stdlib HTTP, state in SQLite.

Usage::

    from swfkit.server import running
    with running() as endpoint_url:          # "http://127.0.0.1:PORT", in-memory state
        boto3.client("swf", endpoint_url=endpoint_url, ...)

``SWFServer`` is the object behind ``running``: ``start()``, ``endpoint_url``, ``stop()``.
"""
from __future__ import annotations

import contextlib
import logging
import threading
from typing import Any, Callable, Dict, Iterator, Mapping, Optional

from swfkit.server.clock import ManualClock, SystemClock
from swfkit.server.context import Context
from swfkit.server.http import IDLE_TIMEOUT, MAX_CONNECTIONS, READ_TIMEOUT, SWFHTTPServer
from swfkit.server.store import Store, database_path
from swfkit.server.timeouts import Scheduler

__all__ = ["SWFServer", "running", "ManualClock", "SystemClock"]

logging.getLogger("swfkit.server").addHandler(logging.NullHandler())


class SWFServer:
    """An SWF-compatible service on a loopback port.

    Args:
        db: SQLite file path for durable state; ``None``: state in memory, histories in an SQLite
            temporary database (memory stays flat; nothing survives the process).
        host: address to bind (loopback by default).
        port: TCP port; 0 picks a free one.
        poll_timeout: seconds an empty long poll waits (SWF: 60).
        lambdas: ``{"name": callable}`` run by ScheduleLambdaFunction; ``None``: Lambda unavailable.
        clock: where time comes from (``SystemClock()``; ``ManualClock()`` for time-skipping tests).
        verify_keys: ``{access_key_id: secret_key}`` to check SigV4 signatures; ``None`` accepts any.
        region: the region of requests that carry none in a SigV4 credential scope (unsigned).
        account: the account id in domain ARNs.
        max_connections: connections served at once; past it a connection gets 503
            ServiceUnavailable (retried by botocore).
        read_timeout: seconds a request's headers and body may take to arrive before its
            connection closes (long polls are not reads: they are never cut short).
        idle_timeout: seconds a keep-alive connection may wait for its next request.

    Raises:
        DatabaseVersionError: ``db`` was written by a newer swfkit (or is no server database).
    """

    def __init__(self, db: Optional[str] = None, host: str = "127.0.0.1", port: int = 0,
                 poll_timeout: float = 60.0, lambdas: Optional[Dict[str, Callable[..., Any]]] = None,
                 clock: Any = None, verify_keys: Optional[Mapping[str, str]] = None,
                 region: str = "us-east-1", account: str = "123456789012",
                 max_connections: int = MAX_CONNECTIONS, read_timeout: float = READ_TIMEOUT,
                 idle_timeout: float = IDLE_TIMEOUT) -> None:
        self.store = Store(database_path(db), region)
        self.ctx = Context(self.store, clock or SystemClock(), poll_timeout, lambdas, region=region,
                           account=account)
        try:
            self._httpd = SWFHTTPServer((host, port), self.ctx, verify_keys, max_connections=max_connections,
                                        read_timeout=read_timeout, idle_timeout=idle_timeout)
        except BaseException:
            self.store.close()
            raise
        self._scheduler = Scheduler(self.ctx)
        self._thread: Optional[threading.Thread] = None
        self._stopped = False

    @property
    def endpoint_url(self) -> str:
        """``http://HOST:PORT`` of the running server."""
        host, port = self._httpd.server_address[:2]
        host = host.decode() if isinstance(host, bytes) else str(host)
        if ":" in host:
            host = "[%s]" % host
        return "http://%s:%d" % (host, port)

    @property
    def clock(self) -> Any:
        return self.ctx.clock

    def start(self) -> "SWFServer":
        """Serve on a background thread and start the timeout scheduler."""
        self._scheduler.start()
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.1},
                                        name="swf-http", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Wake waiting polls, stop serving, close the database (a second call does nothing)."""
        if self._stopped:
            return
        self._stopped = True
        self.ctx.stopping = True
        self.ctx.wake_everyone()
        if self._thread is not None:
            self._httpd.shutdown()
            self._thread.join(5)
            self._scheduler.join()
        self._httpd.server_close()
        self._httpd.close_connections()
        with self.store.lock:  # calls in flight finish first; later ones find the server closed
            self.store.close()

    def fire_due_timeouts(self) -> None:
        """Fire every timeout due by the server's clock now, on the calling thread.

        The scheduler thread does this by itself within milliseconds; tests that move a
        ``ManualClock`` call it to get the resulting events deterministically.
        """
        self._scheduler.run_due()

    def __enter__(self) -> "SWFServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()


@contextlib.contextmanager
def running(db: Optional[str] = None, *, host: str = "127.0.0.1", port: int = 0, poll_timeout: float = 60.0,
            lambdas: Optional[Dict[str, Callable[..., Any]]] = None, clock: Any = None,
            verify_keys: Optional[Mapping[str, str]] = None, **options: Any) -> Iterator[str]:
    """Run an :class:`SWFServer` for the ``with`` block and yield its endpoint URL.

    ``options``: the other keyword arguments of :class:`SWFServer` (``region``, ``account``,
    ``max_connections``, ``read_timeout``, ``idle_timeout``).
    """
    server = SWFServer(db, host=host, port=port, poll_timeout=poll_timeout, lambdas=lambdas, clock=clock,
                       verify_keys=verify_keys, **options)
    server.start()
    try:
        yield server.endpoint_url
    finally:
        server.stop()
