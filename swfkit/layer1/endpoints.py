"""Where a client sends its requests and as whom: region, endpoint, credentials, attempts.

Region, endpoint and settings are resolved when a ``Layer1`` is built, credentials on its first
call; nothing here runs at import time. The credential chain is botocore's own (environment,
shared files and profiles, SSO, container and instance metadata); this module only picks the order
of the cheap sources and translates botocore's errors into ``ConfigurationError``.

The one rule for endpoints, used by ``Layer1`` and the ``swfkit`` command alike:

- endpoint: the argument, ``AWS_ENDPOINT_URL_SWF``, ``AWS_ENDPOINT_URL``, else SWF's public one;
- region: the argument, ``AWS_DEFAULT_REGION`` then ``AWS_REGION`` (botocore's session reads
  ``AWS_DEFAULT_REGION``), the region named by an AWS endpoint host
  (``swf.eu-west-1.amazonaws.com``), the profile's ``region``, else ``us-east-1`` on a loopback
  endpoint (the embedded server), else a ``ConfigurationError``;
- credentials: explicit keys, else botocore's chain, else (loopback endpoint only) dummy keys,
  logged at DEBUG: the embedded server accepts any signature.
"""
from __future__ import annotations

import logging
import os
import re
from typing import Any, Optional, Tuple
from urllib.parse import urlsplit

from swfkit.exceptions import ConfigurationError

log = logging.getLogger(__name__)

#: Attempts per call (first try included) when neither the argument nor the environment says.
DEFAULT_MAX_ATTEMPTS = 5

#: Hosts that are this machine: an endpoint there is the embedded server (or a test double).
LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
#: The region used for a loopback endpoint when nothing else names one.
LOOPBACK_REGION = "us-east-1"
#: Credentials used for a loopback endpoint when botocore's chain finds none.
LOOPBACK_ACCESS_KEY = "swfkit-local"
LOOPBACK_SECRET_KEY = "swfkit-local-secret"

# swf.us-east-1.amazonaws.com, swf-fips.us-gov-west-1.amazonaws.com, swf.cn-north-1.amazonaws.com.cn
_AWS_HOST = re.compile(r"^swf(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$")

#: Missing region / credentials, with advice in the caller's words (``{region}``: how to pass one).
MISSING_REGION = (
    "no AWS region: {region}, set AWS_DEFAULT_REGION (or AWS_REGION), "
    "or set `region` in the profile of ~/.aws/config"
)
MISSING_CREDENTIALS = (
    "no AWS credentials: {credentials}set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a "
    "profile ({profile} or AWS_PROFILE) in ~/.aws/credentials or ~/.aws/config"
)
_MISSING_REGION = MISSING_REGION.format(region="pass Layer1(region=...)")
_MISSING_CREDENTIALS = MISSING_CREDENTIALS.format(
    credentials="pass aws_access_key_id= and aws_secret_access_key=, ", profile="profile=")


def is_loopback(url: Optional[str]) -> bool:
    """True when ``url`` points at this machine (typically the embedded server)."""
    if not url:
        return False
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return False
    return host in LOOPBACK_HOSTS or host.startswith("127.")


def region_of_host(url: Optional[str]) -> Optional[str]:
    """The region an AWS SWF endpoint host names (``https://swf.eu-west-1.amazonaws.com``), else None."""
    if not url:
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    match = _AWS_HOST.match(host)
    return match.group(1) if match else None


def _env(name: str) -> Optional[str]:
    value = os.environ.get(name)
    return value.strip() if value and value.strip() else None


def botocore_session(profile: Optional[str]) -> Any:
    """A botocore session for the profile; a missing profile is a ``ConfigurationError``."""
    import botocore.exceptions
    import botocore.session

    try:
        session = botocore.session.Session(profile=profile)
        session.get_scoped_config()  # raises ProfileNotFound now rather than on first use
    except botocore.exceptions.BotoCoreError as err:
        raise ConfigurationError("AWS configuration: %s" % err) from err
    return session


class Configuration:
    """Lazily opened botocore session shared by the region and credential lookups."""

    def __init__(self, profile: Optional[str], endpoint: Optional[str] = None) -> None:
        self.profile = profile
        #: The endpoint chosen by the argument or the environment (None: SWF's public one).
        self.endpoint = configured_endpoint(endpoint)
        if self.endpoint is not None:  # a malformed URL is reported as such, not as a missing region
            check_endpoint(self.endpoint)
        self._session: Any = None

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = botocore_session(self.profile)
        return self._session

    def region(self, region: Optional[str]) -> str:
        """The region (order in the module docstring).

        Raises:
            ConfigurationError: no source names a region.
        """
        found = region or _env("AWS_DEFAULT_REGION") or _env("AWS_REGION") or region_of_host(self.endpoint)
        if not found:
            found = self.session.get_config_variable("region")
        if not found and is_loopback(self.endpoint):
            found = LOOPBACK_REGION
        if not found:
            raise ConfigurationError(_MISSING_REGION, setting="region")
        return found

    def credentials(self, access_key: Optional[str], secret_key: Optional[str], token: Optional[str]) -> Any:
        """botocore credentials: explicit keys, else botocore's chain (its own order)."""
        import botocore.credentials
        import botocore.exceptions

        if check_explicit_keys(access_key, secret_key):
            assert access_key is not None and secret_key is not None  # both, checked just above
            return botocore.credentials.Credentials(access_key, secret_key, token, method="explicit")
        try:
            if self.profile is None and self._session is None:
                # The environment is the first link of botocore's chain when no profile is named
                # explicitly; using its provider first avoids importing botocore.session (cold start).
                found = botocore.credentials.EnvProvider().load()
                if found is not None:
                    return found
            found = self.session.get_credentials()
        except botocore.exceptions.BotoCoreError as err:
            raise ConfigurationError("AWS credentials: %s" % err) from err
        if found is None and is_loopback(self.endpoint):
            # The embedded server accepts any signature; a fresh machine has no AWS setup at all.
            log.debug("no AWS credentials found; using dummy ones for the loopback endpoint %s", self.endpoint)
            return botocore.credentials.Credentials(LOOPBACK_ACCESS_KEY, LOOPBACK_SECRET_KEY, method="loopback")
        if found is None:
            raise ConfigurationError(_MISSING_CREDENTIALS, setting="credentials")
        return found


def check_explicit_keys(access_key: Optional[str], secret_key: Optional[str]) -> bool:
    """True if an explicit key pair is given; half of one is a ``ConfigurationError``."""
    if not (access_key or secret_key):
        return False
    if not (access_key and secret_key):
        raise ConfigurationError("pass both aws_access_key_id and aws_secret_access_key")
    return True


def configured_endpoint(endpoint: Optional[str]) -> Optional[str]:
    """The endpoint given by the argument, ``AWS_ENDPOINT_URL_SWF`` or ``AWS_ENDPOINT_URL`` (None: none)."""
    if not endpoint and (_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") or "").lower() != "true":
        endpoint = _env("AWS_ENDPOINT_URL_SWF") or _env("AWS_ENDPOINT_URL")
    return endpoint or None


def check_endpoint(endpoint: str) -> str:
    """``endpoint`` if it is a usable ``http(s)://host[:port]`` URL.

    Raises:
        ConfigurationError: the URL is malformed (the message says how).
    """
    def bad(why: str) -> ConfigurationError:
        return ConfigurationError("endpoint_url %r is malformed: %s" % (endpoint, why), setting="endpoint_url")

    if not endpoint.startswith(("http://", "https://")):
        raise bad("it must start with http:// or https://")
    try:
        parts = urlsplit(endpoint)
        parts.port  # noqa: B018  (raises ValueError for a port that is not a number in 0..65535)
    except ValueError as err:
        raise bad(str(err)) from None
    if not parts.hostname:
        raise bad("it names no host")
    return endpoint


def endpoint_url(endpoint: Optional[str], region: str) -> str:
    """The endpoint: argument, ``AWS_ENDPOINT_URL_SWF``, ``AWS_ENDPOINT_URL``, else SWF's public one."""
    endpoint = configured_endpoint(endpoint)
    if not endpoint:
        suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
        endpoint = "https://swf.%s.%s" % (region, suffix)
    return check_endpoint(endpoint).rstrip("/") + "/"


def max_attempts(attempts: Optional[int]) -> int:
    """Attempts per call: argument, else 1 + ``SWF_CONNECTION_RETRIES`` (simpleflow's), else 5."""
    if attempts is None:
        retries = _env("SWF_CONNECTION_RETRIES")
        if retries is None:
            return DEFAULT_MAX_ATTEMPTS
        try:
            attempts = int(retries) + 1
        except ValueError:
            raise ConfigurationError("SWF_CONNECTION_RETRIES must be a whole number, got %r" % retries) from None
    if isinstance(attempts, bool) or not isinstance(attempts, int) or attempts < 1:
        raise ConfigurationError("max_attempts must be a whole number >= 1, got %r" % (attempts,))
    return attempts


def timeouts(connect: float, read: float) -> Tuple[float, float]:
    """Checked ``(connect, read)`` socket timeouts in seconds."""
    for name, value in (("connect_timeout", connect), ("read_timeout", read)):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
            raise ConfigurationError("%s must be a positive number of seconds, got %r" % (name, value))
    return float(connect), float(read)


def pool_size(size: int) -> int:
    """A checked connection pool size."""
    if isinstance(size, bool) or not isinstance(size, int) or size < 1:
        raise ConfigurationError("pool_size must be a whole number >= 1, got %r" % (size,))
    return size
