"""SigV4 signing through botocore's ``SigV4Auth`` on a small ``AWSRequest``.

The signer is cached for as long as the credentials stay the same: static credentials are frozen
once; refreshable ones (instance roles, SSO, assume-role) are asked for their current frozen value
on every call, which refreshes them when botocore decides they are about to expire.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

def _request_class() -> Any:
    from botocore.awsrequest import AWSRequest

    class SWFRequest(AWSRequest):
        """An ``AWSRequest`` whose body is already the bytes to send.

        ``AWSRequest.body`` prepares a whole request each time it is read (twice per signature);
        our body is final bytes, so it is returned as is.
        """

        @property
        def body(self) -> Any:
            return self.data

    return SWFRequest


def host_header(url: str) -> str:
    """The ``Host`` value SigV4 signs for ``url``: lower case, default port left out."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or ""
    if ":" in host:
        host = "[%s]" % host
    if parts.port is not None and parts.port != {"http": 80, "https": 443}.get(parts.scheme):
        host = "%s:%d" % (host, parts.port)
    return host


#: botocore's signing name for SWF.
SIGNING_NAME = "swf"


class Signer:
    """Adds ``X-Amz-Date``, ``X-Amz-Security-Token`` and ``Authorization`` to a request's headers.

    Args:
        credentials: botocore ``Credentials`` or ``RefreshableCredentials``.
        region: the signing region.
    """

    def __init__(self, credentials: Any, region: str) -> None:
        from botocore.auth import SigV4Auth

        self._credentials = credentials
        self._region = region
        self._auth_class = SigV4Auth
        self._request_class = _request_class()
        self._refreshable = hasattr(credentials, "refresh_needed")
        self._frozen: Optional[Any] = None
        self._auth: Any = None
        if not self._refreshable:
            self._current_auth()

    def _current_auth(self) -> Any:
        if self._auth is not None and not self._refreshable:
            return self._auth
        frozen = self._credentials.get_frozen_credentials()
        if frozen != self._frozen:
            self._frozen = frozen
            self._auth = self._auth_class(frozen, SIGNING_NAME, self._region)
        return self._auth

    def sign(self, url: str, headers: Dict[str, str], body: bytes) -> Dict[str, str]:
        """Return ``headers`` plus the SigV4 headers for a ``POST`` of ``body`` to ``url``.

        Every header in ``headers`` is signed; pass ``Host`` (see ``host_header``) to spare botocore
        parsing the URL twice per request.
        """
        request = self._request_class(method="POST", url=url, data=body, headers=headers)
        self._current_auth().add_auth(request)
        signed = request.headers
        headers = headers.copy()
        headers["X-Amz-Date"] = signed["X-Amz-Date"]
        token = signed.get("X-Amz-Security-Token")
        if token:
            headers["X-Amz-Security-Token"] = token
        headers["Authorization"] = signed["Authorization"]
        return headers
