"""Opaque task tokens and page tokens, signed with the store's secret so garbage is refused.

A task token names (kind, execution row, scheduled event id, started event id); it stays valid
across restarts (the secret lives in the database) and becomes stale when the task closes.
A page token carries the position after the last item served, a hash of the query it belongs
to, and its creation time (tokens expire after 24 hours, as SWF's do).
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
from typing import Any, Dict, List, Optional, Tuple

from swfkit.exceptions import ValidationException

PAGE_TOKEN_LIFETIME = 24 * 3600.0


def _sign(secret: bytes, payload: bytes) -> str:
    return hmac.digest(secret, payload, "sha256")[:8].hex()  # one-shot C HMAC: tokens are hot


def _encode(secret: bytes, value: Any) -> str:
    payload = json.dumps(value, separators=(",", ":")).encode()
    return base64.urlsafe_b64encode(payload).decode().rstrip("=") + "." + _sign(secret, payload)


def _decode(secret: bytes, token: Any) -> Optional[Any]:
    if not isinstance(token, str) or "." not in token:
        return None
    body, _, mac = token.rpartition(".")
    try:
        payload = base64.urlsafe_b64decode(body + "=" * (-len(body) % 4))
    except (ValueError, TypeError):
        return None
    if not hmac.compare_digest(_sign(secret, payload), mac):
        return None
    try:
        return json.loads(payload)
    except ValueError:
        return None


TASK_TOKEN = re.compile(r"([ad])\.([0-9]{1,18})\.([0-9]{1,18})\.([0-9]{1,18})\.([0-9a-f]{16})\Z")


def task_token(secret: bytes, kind: str, execution: int, scheduled: int, started: int) -> str:
    """Make the token handed out with a started task (a hot path: plain text plus a MAC)."""
    payload = "%s.%d.%d.%d" % (kind[0], execution, scheduled, started)
    return payload + "." + _sign(secret, payload.encode())


def parse_task_token(secret: bytes, token: Any, kind: str) -> Tuple[int, int, int]:
    """Return (execution row, scheduled event id, started event id) of a well-formed token.

    Raises:
        ValidationException: ``token`` is no token this server issued for a ``kind`` task (garbage,
            truncated, altered, or a token of the other kind), as SWF answers such a token. A
            well-formed token whose task is gone is the caller's UnknownResourceFault.
    """
    match = TASK_TOKEN.match(token) if isinstance(token, str) else None
    if match is None or match.group(1) != kind[0] or not hmac.compare_digest(
            _sign(secret, token[:match.start(5) - 1].encode()), match.group(5)):
        raise ValidationException("1 validation error detected: Value at 'taskToken' failed to satisfy "
                                  "constraint: Member must be a %s task token issued by this service"
                                  % kind)
    return int(match.group(2)), int(match.group(3)), int(match.group(4))


def query_hash(params: Dict[str, Any]) -> str:
    """A short hash of a request's arguments other than the paging ones."""
    rest = {k: v for k, v in params.items() if k not in ("nextPageToken", "maximumPageSize")}
    return hashlib.sha256(json.dumps(rest, sort_keys=True, default=str).encode()).hexdigest()[:12]


def page_token(secret: bytes, params: Dict[str, Any], position: List[Any], now: float) -> str:
    """Make the ``nextPageToken`` for the page that follows ``position``."""
    return _encode(secret, {"q": query_hash(params), "p": position, "t": round(now, 3)})


def parse_page_token(secret: bytes, params: Dict[str, Any], now: float) -> Optional[List[Any]]:
    """Return the position in ``params["nextPageToken"]`` (None when absent) or raise a 400."""
    token = params.get("nextPageToken")
    if token is None:
        return None
    value = _decode(secret, token)
    if not isinstance(value, dict) or not isinstance(value.get("p"), list):
        raise ValidationException("Invalid value for nextPageToken: not a token this server issued")
    if value.get("q") != query_hash(params):
        raise ValidationException(
            "Invalid value for nextPageToken: the other arguments must stay unchanged between pages")
    if now - float(value.get("t", 0)) > PAGE_TOKEN_LIFETIME:
        raise ValidationException("Specified token has exceeded its maximum lifetime")
    position: List[Any] = value["p"]
    return position
