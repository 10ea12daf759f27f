"""``ClientSettings``: what ``Layer1`` and ``AsyncLayer1`` resolve, check and keep alike.

Both clients take the same settings with the same defaults, environment variables and errors;
this base holds them once: the region and endpoint, the explicit keys, the timeouts, the retry
policy, the interceptors, the signer made from the credentials, each operation's prepared
headers, and the copies (``copy()``, and ``__reduce__`` for another process). Each client keeps
what differs: its transport, its pool size rule and how it opens things (a lock, or the loop).
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type, TypeVar

from swfkit.layer1 import endpoints
from swfkit.layer1.call_interceptors import interceptors_tuple
from swfkit.layer1.input_checks import input_check
from swfkit.layer1.retries import RetryPolicy
from swfkit.layer1.signing import Signer, host_header
from swfkit.spec import METADATA
from swfkit.spec.limits import LONG_POLL_READ_TIMEOUT_SECONDS

__all__ = ["ClientSettings", "LONG_POLLS", "request_headers", "user_agent"]

#: The operations that read for at least ``LONG_POLL_READ_TIMEOUT_SECONDS``.
LONG_POLLS = frozenset({"PollForDecisionTask", "PollForActivityTask"})
_CONTENT_TYPE = "application/x-amz-json-%s" % METADATA["jsonVersion"]

Client = TypeVar("Client", bound="ClientSettings")


def user_agent() -> str:
    """The ``User-Agent`` both clients send."""
    from swfkit import __version__

    return "swfkit/%s" % __version__


def request_headers(host: str, operation: str) -> Dict[str, str]:
    """The headers signed for ``operation`` (both clients): only what SWF needs; User-Agent and
    Accept-Encoding are added after signing."""
    return {
        "Host": host,
        "X-Amz-Target": "%s.%s" % (METADATA["targetPrefix"], operation),
        "Content-Type": _CONTENT_TYPE,
    }


class ClientSettings:
    """The settings part of a client (see the module docstring).

    Args:
        region, endpoint_url: as the client was given them.
        options: the client's keyword settings by name (``profile``, ``aws_access_key_id``,
            ``aws_secret_access_key``, ``aws_session_token``, ``max_attempts``, ``connect_timeout``,
            ``read_timeout``, ``pool_size``, ``trust_env``, ``interceptors``): kept as given, which is
            what a copy is rebuilt from.

    Raises:
        ConfigurationError: no region, an unknown profile, half of an explicit key pair, or a bad
            timeout or attempt count.
    """

    def __init__(self, region: Optional[str], endpoint_url: Optional[str], options: Dict[str, Any]) -> None:
        self._options = options
        self.interceptors: Tuple[Any, ...] = interceptors_tuple(options["interceptors"])
        configuration = endpoints.Configuration(options["profile"], endpoint_url)
        self.region: str = configuration.region(region)
        self.endpoint_url: str = endpoints.endpoint_url(configuration.endpoint, self.region)
        endpoints.check_explicit_keys(options["aws_access_key_id"], options["aws_secret_access_key"])
        if options["profile"] is not None:
            configuration.session  # a named profile that does not exist is an error now, not at the first call
        self._configuration = configuration
        connect, read = endpoints.timeouts(options["connect_timeout"], options["read_timeout"])
        self._timeout = (connect, read)
        self._long_poll_timeout = (connect, max(read, float(LONG_POLL_READ_TIMEOUT_SECONDS)))
        self.retry_policy = RetryPolicy(endpoints.max_attempts(options["max_attempts"]))
        self._trust_env: bool = options["trust_env"]
        # Resolved on the first call, once (each client says under what).
        self._signer: Optional[Signer] = None
        self._aborted = False
        self._user_agent = user_agent()
        self._host = host_header(self.endpoint_url)
        self._prepared: Dict[str, Tuple[Any, Dict[str, str], Tuple[float, float]]] = {}

    def _new_signer(self) -> Signer:
        """A signer for the client's credentials: explicit ones, else botocore's chain (which may
        read files or ask the instance metadata service)."""
        options = self._options
        credentials = self._configuration.credentials(
            options["aws_access_key_id"], options["aws_secret_access_key"], options["aws_session_token"])
        return Signer(credentials, self.region)

    def _prepare(self, operation: str) -> Tuple[Any, Dict[str, str], Tuple[float, float]]:
        """The operation's input check, signed headers and timeouts, worked out once per client."""
        timeout = self._long_poll_timeout if operation in LONG_POLLS else self._timeout
        prepared = self._prepared[operation] = (input_check(operation), request_headers(self._host, operation),
                                                timeout)
        return prepared

    def _settings(self) -> Dict[str, Any]:
        # max_attempts as resolved: a copy made where SWF_CONNECTION_RETRIES differs keeps this one's.
        return dict(self._options, max_attempts=self.retry_policy.max_attempts)

    def copy(self: Client, **changes: Any) -> Client:
        """A new client with the same settings (its own connections), ``changes`` applied.

        For example ``swf.copy(max_attempts=1)`` for a client dedicated to long polls.
        """
        options = self._settings()
        region = changes.pop("region", self.region)
        endpoint = changes.pop("endpoint_url", self.endpoint_url.rstrip("/"))
        options.update(changes)
        return type(self)(region, endpoint, **options)

    def __reduce__(self) -> Any:
        # Connections, locks and refreshable credentials do not cross processes: the copy is built
        # afresh from the same settings (credentials re-resolved unless they were given explicitly).
        return (_rebuild, (type(self), self.region, self.endpoint_url.rstrip("/"), self._settings()))


def _rebuild(client_type: Type[Client], region: str, endpoint_url: str, options: Dict[str, Any]) -> Client:
    return client_type(region, endpoint_url, **options)
