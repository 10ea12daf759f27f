"""Optional SigV4 checking (``--verify-signatures``): recompute the signature with known keys.

By default the server accepts any signature, as local development services do.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from typing import Dict, Mapping, Optional

from swfkit.exceptions import (IncompleteSignatureException, InvalidSignatureException,
                               MissingAuthenticationTokenException, UnrecognizedClientException)

AUTH = re.compile(r"^AWS4-HMAC-SHA256\s+Credential=([^,\s]+),\s*SignedHeaders=([^,\s]+),\s*"
                  r"Signature=([0-9a-f]{64})\s*$")


def _hmac(key: bytes, text: str) -> bytes:
    return hmac.new(key, text.encode(), hashlib.sha256).digest()


def verify(keys: Mapping[str, str], method: str, path: str, headers: Mapping[str, str], body: bytes) -> None:
    """Check the request's SigV4 signature against ``keys`` (access key id -> secret key).

    Raises the SWF error a real endpoint answers with when the signature is missing or wrong.
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
