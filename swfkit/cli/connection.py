"""Where the command line finds its endpoint, region, domain and credentials.

Order: the command-line option, then the environment (``AWS_ENDPOINT_URL_SWF``, then
``AWS_ENDPOINT_URL``; ``AWS_DEFAULT_REGION``, then ``AWS_REGION``; ``SWF_DOMAIN``), then
botocore's usual credential chain. A loopback endpoint (the embedded server) needs no AWS
configuration at all: region and credentials fall back to dummies there.
"""
from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any, Dict, Optional
from urllib.parse import urlparse

from swfkit.cli.failure_lines import UsageError

if TYPE_CHECKING:  # imported when a client is made, not with the CLI
    from swfkit.layer1 import Layer1

LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})
DUMMY_REGION = "us-east-1"
DUMMY_ACCESS_KEY = "swfkit-local"
DUMMY_SECRET_KEY = "swfkit-local-secret"


def endpoint_url(args: argparse.Namespace) -> Optional[str]:
    """The SWF endpoint chosen by ``--endpoint-url`` or the environment (None: AWS's own)."""
    return (getattr(args, "endpoint_url", None) or os.environ.get("AWS_ENDPOINT_URL_SWF")
            or os.environ.get("AWS_ENDPOINT_URL") or None)


def is_loopback(url: Optional[str]) -> bool:
    """True when ``url`` points at this machine (typically the embedded server)."""
    return bool(url) and (urlparse(url).hostname or "") in LOOPBACK_HOSTS


def region(args: argparse.Namespace) -> Optional[str]:
    """The region from ``--region`` or the environment; a dummy one for a loopback endpoint."""
    chosen = getattr(args, "region", None) or os.environ.get("AWS_DEFAULT_REGION") or os.environ.get("AWS_REGION")
    if not chosen and is_loopback(endpoint_url(args)):
        return DUMMY_REGION
    return chosen


def domain(args: argparse.Namespace, explicit: Optional[str] = None) -> str:
    """The domain to work in: an explicit argument, ``--domain``, or ``SWF_DOMAIN``.

    Raises:
        UsageError: when none of them is set.
    """
    chosen = explicit or getattr(args, "domain", None) or os.environ.get("SWF_DOMAIN")
    if not chosen:
        raise UsageError("no domain: pass --domain NAME or set SWF_DOMAIN")
    return chosen


def _has_credentials() -> bool:
    if os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY"):
        return True
    import botocore.session  # only when the environment does not already answer

    return botocore.session.get_session().get_credentials() is not None


def client_options(args: argparse.Namespace) -> Dict[str, Any]:
    """Keyword arguments for :class:`swfkit.layer1.Layer1` (also picklable for worker processes)."""
    url = endpoint_url(args)
    options: Dict[str, Any] = {"region": region(args), "endpoint_url": url}
    if getattr(args, "profile", None):
        options["profile"] = args.profile
    elif is_loopback(url) and not _has_credentials():
        # The embedded server accepts any signature; a fresh machine has no AWS setup at all.
        options["aws_access_key_id"] = DUMMY_ACCESS_KEY
        options["aws_secret_access_key"] = DUMMY_SECRET_KEY
    return options


def make_client(args: argparse.Namespace) -> Layer1:
    """A :class:`~swfkit.layer1.Layer1` for the endpoint, region and credentials the user chose.

    Credentials are resolved here, not at the client's first call: every command calls SWF anyway,
    and ``decider start``/``worker start`` must fail in one line before they start any process.
    """
    from swfkit.layer1 import Layer1

    client = Layer1(**client_options(args))
    client.resolve_credentials()
    return client
