"""SigV4 signing through botocore's ``SigV4Auth``, on a request object cut to what it reads.

botocore signs an ``AWSRequest`` whose headers are an ``email.message.Message``; every header read
or written goes through the email package's parsing policy, which was most of a signature's cost.
``SigV4Auth`` only needs a case-insensitive mapping, so the request handed to it carries a small
one, and the one method that builds another ``Message`` (``headers_to_sign``) builds a plain
mapping with the same contents. The canonical request, string to sign and signature are botocore's
own code (``tests/layer1/test_signing.py`` compares every header with an ``AWSRequest`` signature).

The signer is cached for as long as the credentials stay the same: static credentials are frozen
once; refreshable ones (instance roles, SSO, assume-role) are asked for their current frozen value
on every call, which refreshes them when botocore decides they are about to expire.
"""
from __future__ import annotations

from typing import Any, Dict, Iterator, List, Optional, Tuple


class SigningHeaders:
    """The headers of a request being signed: case-insensitive, insertion-ordered, one value each."""

    __slots__ = ("_items",)

    def __init__(self, headers: Dict[str, str]) -> None:
        self._items: Dict[str, Tuple[str, str]] = {name.lower(): (name, value) for name, value in headers.items()}

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._items

    def __getitem__(self, name: str) -> str:
        return self._items[name.lower()][1]

    def __setitem__(self, name: str, value: str) -> None:
        self._items[name.lower()] = (name, value)

    def __delitem__(self, name: str) -> None:
        del self._items[name.lower()]

    def get(self, name: str, default: Optional[str] = None) -> Optional[str]:
        found = self._items.get(name.lower())
        return default if found is None else found[1]

    def items(self) -> List[Tuple[str, str]]:
        return list(self._items.values())

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items.values())


class HeadersToSign(Dict[str, str]):
    """``headers_to_sign``'s result: lower-cased names to values, with the ``get_all`` botocore reads."""

    def get_all(self, name: str, failobj: Any = None) -> Any:
        return [self[name]] if name in self else failobj


class SigningRequest:
    """What ``SigV4Auth.add_auth`` reads and writes of a request: a ``POST`` of final body bytes."""

    __slots__ = ("method", "url", "headers", "body", "params", "context")

    def __init__(self, url: str, headers: Dict[str, str], body: bytes) -> None:
        self.method = "POST"
        self.url = url
        self.headers = SigningHeaders(headers)
        self.body = body
        self.params: Dict[str, str] = {}
        self.context: Dict[str, Any] = {}


_AUTH_CLASS: Any = None


def _auth_class() -> Any:
    """``SigV4Auth`` with a ``headers_to_sign`` that builds a plain mapping (imported on first use)."""
    global _AUTH_CLASS
    if _AUTH_CLASS is None:
        from botocore.auth import SIGNED_HEADERS_BLACKLIST, SigV4Auth

        unsigned = frozenset(SIGNED_HEADERS_BLACKLIST)

        class SWFSigV4Auth(SigV4Auth):
            def headers_to_sign(self, request: Any) -> Any:
                if "Host" not in request.headers:  # botocore derives it from the URL: its own way
                    return super().headers_to_sign(request)
                header_map = HeadersToSign()
                for name, value in request.headers.items():
                    lname = name.lower()
                    if lname not in unsigned:
                        header_map[lname] = value
                return header_map

        _AUTH_CLASS = SWFSigV4Auth
    return _AUTH_CLASS


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
        self._credentials = credentials
        self._region = region
        self._auth_class = _auth_class()
        self._refreshable = hasattr(credentials, "refresh_needed")
        self._frozen: Optional[Any] = None
        self._auth: Any = None
        if not self._refreshable:
            self._current_auth()

    @property
    def credentials(self) -> Any:
        """The botocore credentials this signer signs with."""
        return self._credentials

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
        request = SigningRequest(url, headers, body)
        self._current_auth().add_auth(request)
        signed = request.headers
        headers = headers.copy()
        headers["X-Amz-Date"] = signed["X-Amz-Date"]
        token = signed.get("X-Amz-Security-Token")
        if token:
            headers["X-Amz-Security-Token"] = token
        headers["Authorization"] = signed["Authorization"]
        return headers
