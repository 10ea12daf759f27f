"""The HTTP front: ThreadingHTTPServer with keep-alive, SWF's JSON 1.0 framing and error shapes."""
from __future__ import annotations

import logging
import socket
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Mapping, Optional

from swfkit.exceptions import (SerializationException, ServiceError, UnknownOperationException,
                               ValidationException)
from swfkit.spec import limits

from swfkit.server import service, signatures
from swfkit.server.context import Context

log = logging.getLogger("swfkit.server")

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
        super().__init__(address, RequestHandler)


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

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib's name
        log.debug("%s " + format, self.address_string(), *args)

    def _send(self, status: int, body: bytes) -> None:
        request_id = str(uuid.uuid4())
        head = ("HTTP/1.1 %d %s\r\nContent-Type: %s\r\nContent-Length: %d\r\nx-amzn-RequestId: %s\r\n"
                % (status, "OK" if status == 200 else "Error", CONTENT_TYPE, len(body), request_id))
        if self.close_connection:
            head += "Connection: close\r\n"
        self.wfile.write(head.encode() + b"\r\n" + body)
        self.log_request(status, len(body))

    def _fail(self, error: ServiceError) -> None:
        self._send(*service.error_body(error))

    def do_POST(self) -> None:  # noqa: N802 - stdlib's name
        try:
            length = int(self.headers.get("Content-Length") or 0)
        except ValueError:
            length = -1
        if length < 0 or length > limits.MAX_REQUEST_BYTES:
            self.close_connection = True
            self._fail(ValidationException("Request size must be between 0 and %d bytes"
                                           % limits.MAX_REQUEST_BYTES))
            return
        if "chunked" in (self.headers.get("Transfer-Encoding") or "").lower():
            self.close_connection = True  # the body's framing is unknown to us: drop the connection
            self._fail(SerializationException("Chunked request bodies are not supported; send "
                                              "Content-Length"))
            return
        body = self.rfile.read(length) if length else b""
        target = self.headers.get("X-Amz-Target") or ""
        operation = None
        for prefix in TARGET_PREFIXES:
            if target.startswith(prefix):
                operation = target[len(prefix):]
        if operation is None:
            self._fail(UnknownOperationException("Missing or unknown X-Amz-Target: %r" % target[:100]))
            return
        if self.server.keys is not None:
            try:
                signatures.verify(self.server.keys, "POST", self.path, dict(self.headers.items()), body)
            except ServiceError as err:
                self._fail(err)
                return
        status, answer = service.call(self.server.ctx, operation, body)
        self._send(status, answer)

    def _not_post(self) -> None:
        self.close_connection = True
        self._fail(SerializationException("Only POST / with an X-Amz-Target header is served"))

    do_GET = do_PUT = do_DELETE = do_PATCH = do_HEAD = _not_post  # noqa: N815
