"""Serving a ``MetricsRegistry`` to Prometheus over HTTP, on the standard library only.

``serve_metrics(registry, port=9100)`` starts an ``http.server`` in a daemon thread: ``GET
/metrics`` (or ``/``) answers the registry in the text exposition format 0.0.4. It binds
127.0.0.1 unless told otherwise: metrics name task lists and workflow types, which are not for
every network the host is on.
"""
from __future__ import annotations

import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional

from ..exceptions import ConfigurationError
from .metrics_registry import MetricsRegistry

log = logging.getLogger("swfkit.actors.prometheus_exporter")

__all__ = ["MetricsServer", "serve_metrics", "CONTENT_TYPE", "DEFAULT_ADDRESS"]

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
DEFAULT_ADDRESS = "127.0.0.1"


class MetricsServer:
    """An HTTP server answering ``registry.render()`` at ``/metrics``, in a daemon thread.

    Args:
        registry: what to serve.
        port: TCP port (0: a free one, see ``port``).
        address: interface to bind (default loopback only; ``0.0.0.0`` for every interface).

    Raises:
        ConfigurationError: the address cannot be bound (port in use, unknown address).
    """

    def __init__(self, registry: MetricsRegistry, port: int = 9100, address: str = DEFAULT_ADDRESS) -> None:
        self.registry = registry
        handler = type("MetricsHandler", (_Handler,), {"registry": registry})
        try:
            self._server = ThreadingHTTPServer((address, port), handler)
        except OSError as err:
            raise ConfigurationError("metrics: cannot listen on %s:%d: %s" % (address, port, err)) from None
        self._server.daemon_threads = True
        self._thread: Optional[threading.Thread] = threading.Thread(
            target=self._server.serve_forever, name="swfkit-metrics-http", daemon=True)
        self._thread.start()
        log.info("serving metrics at %s", self.url)

    @property
    def port(self) -> int:
        """The port listened on."""
        return int(self._server.server_address[1])

    @property
    def url(self) -> str:
        """``http://ADDRESS:PORT/metrics``."""
        host = self._server.server_address[0]
        return "http://%s:%d/metrics" % ("[%s]" % host if ":" in str(host) else host, self.port)

    def close(self) -> None:
        """Stop serving and release the port."""
        thread, self._thread = self._thread, None
        if thread is not None:
            self._server.shutdown()
            self._server.server_close()
            thread.join(5)

    def __enter__(self) -> "MetricsServer":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()


def serve_metrics(registry: MetricsRegistry, port: int = 9100, address: str = DEFAULT_ADDRESS) -> MetricsServer:
    """Start serving ``registry`` at ``http://address:port/metrics``; ``close()`` the result to stop.

    Raises:
        ConfigurationError: the address cannot be bound.
    """
    return MetricsServer(registry, port, address)


class _Handler(BaseHTTPRequestHandler):
    registry: MetricsRegistry

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        if self.path.split("?", 1)[0] not in ("/metrics", "/"):
            self.send_error(404, "metrics are at /metrics")
            return
        try:
            body = self.registry.render().encode("utf-8")
        except Exception:  # never take the worker down for a scrape
            log.exception("rendering metrics failed")
            self.send_error(500)
            return
        self.send_response(200)
        self.send_header("Content-Type", CONTENT_TYPE)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: Any) -> None:
        log.debug("metrics scrape from %s: " + format, self.address_string(), *args)
