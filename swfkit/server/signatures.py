"""Optional SigV4 checking (``--verify-signatures``): recompute the signature with known keys.

By default the server accepts any signature, as local development services do.
"""
from __future__ import annotations

import calendar
import hashlib
import hmac
import re
import time
from typing import Dict, Mapping, Optional

from swfkit.exceptions import (IncompleteSignatureException, InvalidSignatureException,
                               MissingAuthenticationTokenException, UnrecognizedClientException)

#: How far a request's X-Amz-Date may be from the server's clock, as AWS allows (seconds).
MAX_CLOCK_SKEW = 15 * 60
AMZ_DATE = "%Y%m%dT%H%M%SZ"

AUTH = re.compile(r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*"
                  r"Signature=([0-9a-f]{64})\s*$")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def _amz_time(seconds: float) -> str:
    return time.strftime(AMZ_DATE, time.gmtime(seconds))


def check_date(amz_date: str, now: float) -> None:
    """Refuse a request signed more than 15 minutes from ``now``, so a captured one can't be replayed.

    Raises:
        IncompleteSignatureException: no usable X-Amz-Date.
        InvalidSignatureException: the date is too far in the past or the future (AWS's words).
    """
    try:
        signed = calendar.timegm(time.strptime(amz_date, AMZ_DATE))
    except ValueError:
        raise IncompleteSignatureException("Authorization header requires existence of a valid "
                                           "'X-Amz-Date' header (yyyyMMdd'T'HHmmss'Z')",
                                           status_code=403) from None
    if signed < now - MAX_CLOCK_SKEW:
        raise InvalidSignatureException(
            "Signature expired: %s is now earlier than %s (%s - 15 min.)"
            % (amz_date, _amz_time(now - MAX_CLOCK_SKEW), _amz_time(now)), status_code=403)
    if signed > now + MAX_CLOCK_SKEW:
        raise InvalidSignatureException(
            "Signature not yet current: %s is still later than %s (%s + 15 min.)"
            % (amz_date, _amz_time(now + MAX_CLOCK_SKEW), _amz_time(now)), status_code=403)


def verify(keys: Mapping[str, str], method: str, path: str, headers: Mapping[str, str], body: bytes,
           now: Optional[float] = None) -> None:
    """Check the request's SigV4 signature against ``keys`` (access key id -> secret key).

    Args:
        now: the wall clock in epoch seconds (default: ``time.time()``; never a test's manual
            clock, which moves for timeouts, not for signatures).

    Raises the SWF error a real endpoint answers with when the signature is missing, wrong or
    signed more than 15 minutes from now.
    """
    lowered: Dict[str, str] = {k.lower(): v for k, v in headers.items()}
    auth: Optional[str] = lowered.get("authorization")
    if not auth:
        raise MissingAuthenticationTokenException("Missing Authentication Token", status_code=403)
    match = AUTH.match(auth)
    if not match:
        raise IncompleteSignatureException("Authorization header is not a complete SigV4 signature",
                                           status_code=403)
    credential, signed_headers, signature = match.groups()
    parts = credential.split("/")
    if len(parts) != 5 or parts[4] != "aws4_request":
        raise IncompleteSignatureException("Malformed credential scope", status_code=403)
    access_key, date, region, service, _ = parts
    secret = keys.get(access_key)
    if secret is None:
        raise UnrecognizedClientException("The security token included in the request is invalid.",
                                          status_code=403)
    amz_date = lowered.get("x-amz-date", "")
    check_date(amz_date, time.time() if now is None else now)
    names = signed_headers.split(";")
    if "host" not in names or any(name not in lowered for name in names):
        raise IncompleteSignatureException("Signed headers are missing from the request", status_code=403)
    canonical_headers = "".join("%s:%s\n" % (n, " ".join(lowered[n].strip().split())) for n in names)
    path_part, _, query = path.partition("?")
    canonical = "\n".join([method, path_part or "/", query, canonical_headers, signed_headers,
                           hashlib.sha256(body).hexdigest()])
    scope = "/".join(parts[1:])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", amz_date, scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = _hmac(_hmac(_hmac(_hmac(("AWS4" + secret).encode(), date), region), service), "aws4_request")
    expected = hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise InvalidSignatureException("The request signature we calculated does not match the "
                                        "signature you provided.", status_code=403)
