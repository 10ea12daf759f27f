"""Where a client sends its requests and as whom: region, endpoint, credentials, attempts.

Region, endpoint and settings are resolved when a ``Layer1`` is built, credentials on its first
call; nothing here runs at import time. The credential chain is botocore's own (environment,
shared files and profiles, SSO, container and instance metadata); this module only picks the order
of the cheap sources and translates botocore's errors into ``ConfigurationError``.
"""
from __future__ import annotations

import os
from typing import Any, Optional, Tuple

from swfkit.exceptions import ConfigurationError

#: Attempts per call (first try included) when neither the argument nor the environment says.
DEFAULT_MAX_ATTEMPTS = 5

_MISSING_REGION = (
    "no AWS region: pass Layer1(region=...), set AWS_REGION or AWS_DEFAULT_REGION, "
    "or set `region` in the profile of ~/.aws/config"
)
_MISSING_CREDENTIALS = (
    "no AWS credentials: pass aws_access_key_id= and aws_secret_access_key=, set "
    "AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or configure a profile (profile= or AWS_PROFILE) "
    "in ~/.aws/credentials or ~/.aws/config"
)


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

    def __init__(self, profile: Optional[str]) -> None:
        self.profile = profile
        self._session: Any = None

    @property
    def session(self) -> Any:
        if self._session is None:
            self._session = botocore_session(self.profile)
        return self._session

    def region(self, region: Optional[str]) -> str:
        """The region: argument, ``AWS_REGION``, ``AWS_DEFAULT_REGION``, then the profile."""
        found = region or _env("AWS_REGION") or _env("AWS_DEFAULT_REGION")
        if not found:
            found = self.session.get_config_variable("region")
        if not found:
            raise ConfigurationError(_MISSING_REGION)
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
        if found is None:
            raise ConfigurationError(_MISSING_CREDENTIALS)
        return found


def check_explicit_keys(access_key: Optional[str], secret_key: Optional[str]) -> bool:
    """True if an explicit key pair is given; half of one is a ``ConfigurationError``."""
    if not (access_key or secret_key):
        return False
    if not (access_key and secret_key):
        raise ConfigurationError("pass both aws_access_key_id and aws_secret_access_key")
    return True


def endpoint_url(endpoint: Optional[str], region: str) -> str:
    """The endpoint: argument, ``AWS_ENDPOINT_URL_SWF``, ``AWS_ENDPOINT_URL``, else SWF's public one."""
    if not endpoint and (_env("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS") or "").lower() != "true":
        endpoint = _env("AWS_ENDPOINT_URL_SWF") or _env("AWS_ENDPOINT_URL")
    if not endpoint:
        suffix = "amazonaws.com.cn" if region.startswith("cn-") else "amazonaws.com"
        endpoint = "https://swf.%s.%s" % (region, suffix)
    if not endpoint.startswith(("http://", "https://")):
        raise ConfigurationError("endpoint_url must start with http:// or https://, got %r" % endpoint)
    return endpoint.rstrip("/") + "/"


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
