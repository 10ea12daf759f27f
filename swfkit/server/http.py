"""The HTTP front: ThreadingHTTPServer with keep-alive, SWF's JSON 1.0 framing and error shapes.

What it holds: one thread per open connection (a waiting long poll is one), at most
``max_connections`` of them; past that, a connection is answered ``503 ServiceUnavailable``
(botocore retries it) by one rejecting thread. A connection that sends nothing for
``idle_timeout`` seconds is closed, and so is one whose request (headers and body, from its first
line) has not fully arrived ``read_timeout`` seconds after it began: a watchdog thread enforces
that deadline, so a client trickling bytes cannot stretch it. A long poll is not a read, so it is
never cut short.
"""
from __future__ import annotations

import itertools
import logging
import queue
import select
import socket
import threading
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Mapping, Optional, Set

from swfkit.exceptions import (SerializationException, ServiceError, ServiceUnavailable,
                               UnknownOperationException, ValidationException)
from swfkit.spec import limits

from swfkit.server import service, signatures
from swfkit.server.context import Context
from swfkit.server.regions import region_of

log = logging.getLogger("swfkit.server")

MAX_LINE = 65536
MAX_HEADERS = 100
#: Request ids: a random prefix per process and a counter (unique, and cheaper than uuid4()).
REQUEST_ID_PREFIX = str(uuid.uuid4())[:23]
REQUEST_COUNTER = itertools.count(1)
TARGET_PREFIXES = ("SimpleWorkflowService.", "com.amazonaws.swf.service.model.SimpleWorkflowService.")
CONTENT_TYPE = "application/x-amz-json-1.0"
JSON_CONTENT_TYPE = "application/json"
#: Defaults of the connection limits (see :class:`SWFHTTPServer`).
MAX_CONNECTIONS = 4000
READ_TIMEOUT = 10.0
IDLE_TIMEOUT = 120.0
#: Connections past the cap waiting for their 503; more than this are closed unanswered.
REJECT_QUEUE = 512
#: How long the rejecting thread reads a refused connection's request before answering.
REJECT_READ_SECONDS = 0.5


class SWFHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server carrying the shared :class:`Context`.

    Args:
        address: (host, port) to bind.
        ctx: the server state.
        keys: access key id -> secret to verify signatures with (None: not verified).
        max_connections: connections served at once; more are answered 503 ServiceUnavailable.
        read_timeout: seconds a request's headers or body may stall before the connection closes.
        idle_timeout: seconds a keep-alive connection may wait for its next request.
    """

    daemon_threads = True
    allow_reuse_address = True
    #: A burst of thousands of pollers connecting at once must not overflow the accept queue (the
    #: kernel caps it at net.core.somaxconn).
    request_queue_size = 4096

    def __init__(self, address: Any, ctx: Context, keys: Optional[Mapping[str, str]] = None, *,
                 max_connections: int = MAX_CONNECTIONS, read_timeout: float = READ_TIMEOUT,
                 idle_timeout: float = IDLE_TIMEOUT) -> None:
        self.ctx = ctx
        self.keys = keys
        self.max_connections = max_connections
        self.read_timeout = read_timeout
        self.idle_timeout = idle_timeout
        self.connections: Set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        self.active = 0  # connections with a thread (counted on the accepting thread)
        #: connections inside a request -> when its reading must be over (the watchdog's list)
        self.reading: Dict[socket.socket, float] = {}
        self._watchdog: Optional[threading.Thread] = None
        self._closed = threading.Event()
        self._refused: "queue.Queue[Optional[socket.socket]]" = queue.Queue(REJECT_QUEUE)
        self._rejecter: Optional[threading.Thread] = None
        super().__init__(address, RequestHandler)

    def process_request(self, request: Any, client_address: Any) -> None:
        """Serve the connection on a thread of its own, or refuse it past the cap."""
        with self.connections_lock:
            over = self.active >= self.max_connections
            if not over:
                self.active += 1
        if not over:
            try:
                super().process_request(request, client_address)
            except RuntimeError:  # "can't start new thread": the machine's limit came first
                with self.connections_lock:
                    self.active -= 1
                self.shutdown_request(request)
            return
        if self._rejecter is None:
            self._rejecter = threading.Thread(target=self._reject_forever, name="swf-http-refuse", daemon=True)
            self._rejecter.start()
        try:
            self._refused.put_nowait(request)
        except queue.Full:
            self.shutdown_request(request)

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            with self.connections_lock:
                self.active -= 1

    def _reject_forever(self) -> None:
        while True:
            request = self._refused.get()
            if request is None:
                return
            try:
                _refuse(request)
            except OSError:
                pass
            finally:
                self.shutdown_request(request)

    def reading_started(self, connection: socket.socket) -> None:
        """A request began arriving on ``connection``: it has ``read_timeout`` seconds to finish."""
        with self.connections_lock:
            self.reading[connection] = time.monotonic() + self.read_timeout
            if self._watchdog is None:
                self._watchdog = threading.Thread(target=self._watch_reads, name="swf-http-watchdog",
                                                  daemon=True)
                self._watchdog.start()

    def reading_done(self, connection: socket.socket) -> None:
        """The request on ``connection`` has fully arrived (or the connection is closing)."""
        with self.connections_lock:
            self.reading.pop(connection, None)

    def _watch_reads(self) -> None:
        interval = min(1.0, max(0.05, self.read_timeout / 4))
        while not self._closed.wait(interval):
            now = time.monotonic()
            with self.connections_lock:
                late = [c for c, deadline in self.reading.items() if deadline < now]
                for connection in late:
                    del self.reading[connection]
            for connection in late:
                try:  # the handler's blocked read returns at once and the connection closes
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass

    def server_close(self) -> None:
        self._closed.set()
        super().server_close()
        if self._rejecter is not None:
            try:
                self._refused.put_nowait(None)
            except queue.Full:  # it is busy refusing: it is a daemon thread and dies with us
                pass

    def close_connections(self) -> None:
        """Shut down every open keep-alive connection (their threads then end)."""
        with self.connections_lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


def _refuse(sock: socket.socket) -> None:
    """Read what arrives of a refused connection's request for a moment, then answer 503.

    Reading first matters: closing a socket with unread input sends a reset, and the client would
    see a dropped connection instead of the retryable answer.
    """
    deadline = time.monotonic() + REJECT_READ_SECONDS
    received = b""
    while b"\r\n\r\n" not in received and len(received) < MAX_LINE:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock.settimeout(remaining)
        try:
            chunk = sock.recv(65536)
        except socket.timeout:
            break
        if not chunk:
            break
        received += chunk
    status, body = service.error_body(ServiceUnavailable(
        "The server is at its limit of concurrent connections; retry", status_code=503))
    head = ("HTTP/1.1 %d Service Unavailable\r\nContent-Type: %s\r\nContent-Length: %d\r\n"
            "x-amzn-RequestId: %s-%012x\r\nConnection: close\r\n\r\n"
            % (status, CONTENT_TYPE, len(body), REQUEST_ID_PREFIX, next(REQUEST_COUNTER)))
    sock.settimeout(REJECT_READ_SECONDS)
    sock.sendall(head.encode() + body)
    # drain the rest of the body (if any) so the close is orderly
    sock.shutdown(socket.SHUT_WR)
    try:
        while sock.recv(65536):
            pass
    except OSError:
        pass


def peer_alive(sock: socket.socket) -> bool:
    """Whether the client of ``sock`` is still connected (a closed socket reads as EOF at once).

    Never blocks: ``poll`` with no wait, then a peek only when something is readable.
    """
    poller = select.poll()
    poller.register(sock, select.POLLIN | select.POLLERR | select.POLLHUP)
    events = poller.poll(0)
    if not events:
        return True  # nothing to read: the client waits for its answer
    if events[0][1] & (select.POLLERR | select.POLLHUP):
        return False
    try:
        return bool(sock.recv(1, socket.MSG_PEEK | socket.MSG_DONTWAIT))
    except BlockingIOError:
        return True
    except OSError:
        return False


class RequestHandler(BaseHTTPRequestHandler):
    """One connection; answers every request with JSON and a request id."""

    protocol_version = "HTTP/1.1"
    server: SWFHTTPServer
    server_version = "swfkit"
    sys_version = ""

    def setup(self) -> None:
        super().setup()
        # small answers: send them now instead of waiting for the client's delayed ACK
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.connection.settimeout(self.server.idle_timeout)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)
        self.content_type = CONTENT_TYPE

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
            self.server.reading.pop(self.connection, None)
        try:
            super().finish()
        except OSError:  # the peer is gone already
            pass

    def handle_one_request(self) -> None:
        """Read one request: a lean parser (the stdlib's email-based one costs ~60 us a call).

        Headers land in a dict with lower-cased names; anything malformed closes the connection.
        """
        try:
            self.connection.settimeout(self.server.idle_timeout)
            line = self.rfile.readline(MAX_LINE + 1)
            if not line:
                self.close_connection = True
                return
            # inside a request: the rest of its headers and its body must arrive in time
            self.connection.settimeout(self.server.read_timeout)
            self.server.reading_started(self.connection)
            self.raw_requestline = line
            parts = line.split()
            if len(line) > MAX_LINE or len(parts) != 3 or not parts[2].startswith(b"HTTP/"):
                self.requestline = line[:200].decode("latin-1").rstrip("\r\n")
                self.request_version = "HTTP/1.1"
                self.close_connection = True
                self._fail(SerializationException("Malformed HTTP request line"))
                return
            self.command, self.path, self.request_version = (p.decode("latin-1") for p in parts)
            self.requestline = line.decode("latin-1").rstrip("\r\n")
            headers: Dict[str, str] = {}
            while True:
                line = self.rfile.readline(MAX_LINE + 1)
                if line in (b"\r\n", b"\n", b""):
                    break
                name, sep, value = line.partition(b":")
                if len(line) > MAX_LINE or not sep or len(headers) >= MAX_HEADERS:
                    self.close_connection = True
                    self._fail(SerializationException("Malformed or oversized HTTP headers"))
                    return
                headers[name.strip().lower().decode("latin-1")] = value.strip().decode("latin-1")
            self.headers = self.lean_headers = headers  # type: ignore[assignment]
            # answer as the client asked: SDKs send x-amz-json-1.0, older clients plain JSON
            self.content_type = (JSON_CONTENT_TYPE if headers.get("content-type", "").startswith(
                JSON_CONTENT_TYPE) else CONTENT_TYPE)
            connection = headers.get("connection", "").lower()
            self.close_connection = connection == "close" or (
                self.request_version == "HTTP/1.0" and connection != "keep-alive")
            if headers.get("expect", "").lower() == "100-continue":
                self.wfile.write(b"HTTP/1.1 100 Continue\r\n\r\n")
            handler = getattr(self, "do_" + self.command, None)
            if handler is None:
                self._not_post()
            else:
                handler()
            self.wfile.flush()
        except (socket.timeout, OSError):
            self.close_connection = True

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: bytes) -> None:
        request_id = "%s-%012x" % (REQUEST_ID_PREFIX, next(REQUEST_COUNTER))
        head = ("HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nx-amzn-RequestId: %s\r\n"
                % (status, "OK" if status == 200 else "Error", self.content_type, len(body), request_id))
        if self.close_connection:
            head += "Connection: close\r\n"
        self.wfile.write(head.encode() + b"\r\n" + body)
        if log.isEnabledFor(logging.DEBUG):
            self.log_request(status, len(body))

    def _fail(self, error: ServiceError) -> None:
        self._send(*service.error_body(error))

    def do_POST(self) -> None:  # noqa: N802 - stdlib's name
        try:
            length = int(self.headers.get("content-length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > limits.MAX_REQUEST_BYTES:
            self.close_connection = True
            self._fail(ValidationException("Request size must be between 0 and %d bytes"
                                           % limits.MAX_REQUEST_BYTES))
            return
        if "chunked" in self.headers.get("transfer-encoding", "").lower():
            self.close_connection = True  # the body's framing is unknown to us: drop the connection
            self._fail(SerializationException("Chunked request bodies are not supported; send "
                                              "Content-Length"))
            return
        body = self.rfile.read(length) if length else b""
        self.server.reading_done(self.connection)
        if len(body) < length:  # the client closed, or was cut off, mid-body: nothing to answer
            self.close_connection = True
            return
        target = self.headers.get("x-amz-target", "")
        operation = None
        for prefix in TARGET_PREFIXES:
            if target.startswith(prefix):
                operation = target[len(prefix):]
        if operation is None:
            self._fail(UnknownOperationException("Missing or unknown X-Amz-Target: %r" % target[:100]))
            return
        if self.server.keys is not None:
            try:
                signatures.verify(self.server.keys, "POST", self.path, self.lean_headers, body)
            except ServiceError as err:
                self._fail(err)
                return
        ctx = self.server.ctx
        ctx.local.alive = self._alive  # long polls check it before taking a task
        try:
            status, answer = service.call(ctx, operation, body,
                                          region_of(self.headers.get("authorization", "")))
        finally:
            ctx.local.alive = None
        self._send(status, answer)

    def _alive(self) -> bool:
        return peer_alive(self.connection)

    def _not_post(self) -> None:
        self.close_connection = True
        self._fail(SerializationException("Only POST / with an X-Amz-Target header is served"))

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _not_post  # noqa: N815
