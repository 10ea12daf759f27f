"""Where the command line finds its endpoint, region, domain and credentials.

The command-line options (``--endpoint-url``, ``--region``, ``--profile``) are handed to
:class:`swfkit.layer1.Layer1`, which applies the one rule of :mod:`swfkit.layer1.endpoints` for
everything they leave open: the environment (``AWS_ENDPOINT_URL_SWF``, ``AWS_ENDPOINT_URL``;
``AWS_DEFAULT_REGION``, then ``AWS_REGION``), the region of an AWS endpoint host, botocore's
credential chain, and for a loopback endpoint (the embedded server) ``us-east-1`` and dummy
credentials. The domain comes from ``--domain`` or ``SWF_DOMAIN``.
"""
from __future__ import annotations

import argparse
import os
from typing import TYPE_CHECKING, Any, Dict, Optional, Sequence

from swfkit.cli.failure_lines import UsageError

if TYPE_CHECKING:  # imported when a client is made, not with the CLI
    from swfkit.layer1 import Layer1


def endpoint_url(args: argparse.Namespace) -> Optional[str]:
    """The SWF endpoint chosen by ``--endpoint-url`` or the environment (None: AWS's own)."""
    from swfkit.layer1.endpoints import configured_endpoint

    return configured_endpoint(getattr(args, "endpoint_url", None))


def domain(args: argparse.Namespace, explicit: Optional[str] = None) -> str:
    """The domain to work in: an explicit argument, ``--domain``, or ``SWF_DOMAIN``.

    Raises:
        UsageError: when none of them is set.
    """
    chosen = explicit or getattr(args, "domain", None) or os.environ.get("SWF_DOMAIN")
    if not chosen:
        raise UsageError("no domain: pass --domain NAME or set SWF_DOMAIN")
    return chosen


def client_options(args: argparse.Namespace) -> Dict[str, Any]:
    """Keyword arguments for :class:`swfkit.layer1.Layer1` (also picklable for worker processes)."""
    options: Dict[str, Any] = {"region": getattr(args, "region", None) or None,
                               "endpoint_url": getattr(args, "endpoint_url", None) or None}
    if getattr(args, "profile", None):
        options["profile"] = args.profile
    return options


def make_client(args: argparse.Namespace, interceptors: Optional[Sequence[Any]] = None) -> Layer1:
    """A :class:`~swfkit.layer1.Layer1` for the endpoint, region and credentials the user chose.

    Credentials are resolved here, not at the client's first call: every command calls SWF anyway,
    and ``decider start``/``worker start`` must fail in one line before they start any process.

    Args:
        args: the parsed command line.
        interceptors: the client's call interceptors (metrics), if any.
    """
    from swfkit.layer1 import Layer1

    options = client_options(args)
    if interceptors:
        options["interceptors"] = list(interceptors)
    client = Layer1(**options)
    client.resolve_credentials()
    return client
