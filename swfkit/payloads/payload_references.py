"""Payload references: the short text an SWF field carries instead of an offloaded value (pure).

::

    swfkit+s3://bucket/prefix/<sha256> SIZE
    swfkit+file:///absolute/dir/<sha256> SIZE
    simpleflow+s3://bucket/prefix/<name> SIZE      (read; written when the prefix option says so)

The first word is where the value is stored, the second its size in bytes (UTF-8) so a reader can
decide whether to fetch it. Keys are the sha256 of the value: the same value is stored once and a
replayed decision computes the same reference without any I/O.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Optional

__all__ = ["Reference", "parse_reference", "content_key", "SCHEMES", "S3_SCHEMES"]

#: The schemes a reference may start with, and the store kind each one names.
SCHEMES = {"swfkit+s3": "s3", "swfkit+file": "file", "simpleflow+s3": "s3"}
S3_SCHEMES = frozenset(scheme for scheme, kind in SCHEMES.items() if kind == "s3")
#: The longest reference we accept: anything longer is a value, not a reference.
MAX_REFERENCE_LENGTH = 2_048


@dataclass(frozen=True)
class Reference:
    """One parsed reference.

    Attributes:
        scheme: ``swfkit+s3``, ``swfkit+file`` or ``simpleflow+s3``.
        location: what follows ``scheme://``: ``bucket/key`` for S3, ``/abs/path`` for files.
        size: the stored value's size in bytes.
    """

    scheme: str
    location: str
    size: int

    @property
    def kind(self) -> str:
        """``"s3"`` or ``"file"``."""
        return SCHEMES[self.scheme]

    @property
    def bucket(self) -> str:
        """The S3 bucket (S3 references only)."""
        return self.location.partition("/")[0]

    @property
    def key(self) -> str:
        """The S3 object key, or the file path."""
        return self.location.partition("/")[2] if self.kind == "s3" else self.location

    @property
    def url(self) -> str:
        """The first word, ``scheme://location``."""
        return "%s://%s" % (self.scheme, self.location)

    def __str__(self) -> str:
        return "%s %d" % (self.url, self.size)


def parse_reference(text: Optional[str]) -> Optional[Reference]:
    """The reference ``text`` holds, or None when it is an ordinary value.

    Cheap on ordinary values: the first characters decide (every scheme starts with ``s``).
    """
    if not text or text[0] != "s" or len(text) > MAX_REFERENCE_LENGTH:
        return None
    scheme, sep, rest = text.partition("://")
    if not sep or scheme not in SCHEMES:
        return None
    location, space, size = rest.rpartition(" ")
    if not space or not size.isdigit() or not size.isascii() or not location or " " in location \
            or "\n" in location:
        return None
    if SCHEMES[scheme] == "s3" and not location.partition("/")[2]:
        return None
    if SCHEMES[scheme] == "file" and not location.startswith("/"):
        return None
    return Reference(scheme, location, int(size))


def content_key(data: bytes) -> str:
    """The content address of ``data``: its sha256, hex."""
    return hashlib.sha256(data).hexdigest()
