"""Regions: each request's region (from its SigV4 credential scope) and region-qualified domains.

In SWF a domain belongs to a region: names are unique per region, and everything in a domain
(types, executions, task lists) is in its region. The server keys every domain as
``REGION/NAME`` (``/`` cannot occur in a domain name) so the tables need no region column; only
the domain operations show the bare name, and fault messages are given back the name the client
sent.
"""
from __future__ import annotations

import re
from typing import Optional, Tuple

#: A credential scope's region: the shape AWS region names have (``us-east-1``, ``cn-north-1``...).
REGION_PATTERN = re.compile(r"[a-z0-9][a-z0-9-]{0,49}\Z")


def region_of(authorization: str) -> Optional[str]:
    """The region of a SigV4 ``Authorization`` header's credential scope, or None if it has none.

    ``AWS4-HMAC-SHA256 Credential=AKID/20261206/eu-west-1/swf/aws4_request, SignedHeaders=...``
    gives ``eu-west-1``.
    """
    start = authorization.find("Credential=")
    if start < 0:
        return None
    scope = authorization[start + len("Credential="):].split(",", 1)[0].strip().split("/")
    if len(scope) != 5 or not REGION_PATTERN.match(scope[2]):
        return None
    return scope[2]


def domain_key(region: str, name: str) -> str:
    """The key of domain ``name`` of ``region`` in the tables."""
    return region + "/" + name


def split_key(key: str) -> Tuple[str, str]:
    """(region, name) of a domain key."""
    region, _, name = key.partition("/")
    return region, name
