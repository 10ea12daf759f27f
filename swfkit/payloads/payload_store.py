"""``PayloadStore``: what the codec needs from a store, and the size rules every store shares."""
from __future__ import annotations

from typing import Protocol

from swfkit.payloads.payload_references import Reference

__all__ = ["PayloadStore", "DEFAULT_MAX_SIZE"]

#: Largest value a store accepts unless configured otherwise (64 MiB).
DEFAULT_MAX_SIZE = 64 * 1024 * 1024


class PayloadStore(Protocol):
    """Stores values by content key; ``FileStore`` and ``S3Store`` implement it.

    Attributes:
        kind: ``"s3"`` or ``"file"`` (which references it can read).
        max_size: the largest value in bytes it accepts.
    """

    kind: str
    max_size: int

    def url(self, key: str) -> str:
        """The reference's first word for ``key``, e.g. ``swfkit+s3://bucket/prefix/key``."""

    def put(self, key: str, data: bytes) -> None:
        """Store ``data`` under ``key`` (raises ``PayloadStoreError`` when it cannot)."""

    def get(self, key: str) -> bytes:
        """The value stored under ``key`` (raises ``PayloadNotFoundError`` when there is none)."""

    def exists(self, key: str) -> bool:
        """Whether ``key`` is stored."""

    def fetch(self, reference: Reference) -> bytes:
        """The value any reference of this store's kind names (another bucket or directory too)."""
