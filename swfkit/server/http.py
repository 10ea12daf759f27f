"""The HTTP front: ThreadingHTTPServer with keep-alive, SWF's JSON 1.0 framing and error shapes."""
from __future__ import annotations

import itertools
import logging
import socket
import threading
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Dict, Mapping, Optional, Set

from swfkit.exceptions import (SerializationException, ServiceError, UnknownOperationException,
                               ValidationException)
from swfkit.spec import limits

from swfkit.server import service, signatures
from swfkit.server.context import Context

log = logging.getLogger("swfkit.server")

MAX_LINE = 65536
MAX_HEADERS = 100
#: Request ids: a random prefix per process and a counter (unique, and cheaper than uuid4()).
REQUEST_ID_PREFIX = str(uuid.uuid4())[:23]
REQUEST_COUNTER = itertools.count(1)
TARGET_PREFIXES = ("SimpleWorkflowService.", "com.amazonaws.swf.service.model.SimpleWorkflowService.")
CONTENT_TYPE = "application/x-amz-json-1.0"


class SWFHTTPServer(ThreadingHTTPServer):
    """A threading HTTP server carrying the shared :class:`Context`."""

    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: Any, ctx: Context, keys: Optional[Mapping[str, str]] = None) -> None:
        self.ctx = ctx
        self.keys = keys
        self.connections: Set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(address, RequestHandler)

    def close_connections(self) -> None:
        """Shut down every open keep-alive connection (their threads then end)."""
        with self.connections_lock:
            for connection in list(self.connections):
                try:
                    connection.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


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
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        try:
            super().finish()
        except OSError:  # the peer is gone already
            pass

    def handle_one_request(self) -> None:
        """Read one request: a lean parser (the stdlib's email-based one costs ~60 us a call).

        Headers land in a dict with lower-cased names; anything malformed closes the connection.
        """
        try:
            line = self.rfile.readline(MAX_LINE + 1)
            if not line:
                self.close_connection = True
                return
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
                % (status, "OK" if status == 200 else "Error", CONTENT_TYPE, len(body), request_id))
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
        status, answer = service.call(self.server.ctx, operation, body)
        self._send(status, answer)

    def _not_post(self) -> None:
        self.close_connection = True
        self._fail(SerializationException("Only POST / with an X-Amz-Target header is served"))

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = _not_post  # noqa: N815
