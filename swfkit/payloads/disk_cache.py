"""``DiskCache``: a bounded on-disk LRU cache of fetched payloads, safe for several processes.

Entries are files named by the sha256 of the reference's location. Every write goes to a
temporary file renamed into place (``os.replace`` is atomic on POSIX and Windows), so a reader in
another process sees a whole entry or none; a hit touches the file's mtime, and eviction removes
the least recently used files until the total is under the cap. Processes share nothing but the
directory: each keeps an estimate of the total and rescans the directory when the estimate passes
the cap, or every ``RESCAN_EVERY`` writes, so writes by other processes are counted too.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
import time
from typing import List, Optional, Tuple

__all__ = ["DiskCache", "DEFAULT_CACHE_BYTES"]

#: Default cap of the cache (1 GiB).
DEFAULT_CACHE_BYTES = 1024 ** 3
#: Writes between two rescans of the directory (bounds how far other processes' writes overshoot).
RESCAN_EVERY = 64
#: Temporary files older than this (seconds) were left by a process that died mid-write.
STALE_TEMPORARY_SECONDS = 3_600
_TEMPORARY = ".tmp-"


class DiskCache:
    """A directory of cached payloads holding at most ``max_bytes``.

    Args:
        directory: the cache directory (created on first write).
        max_bytes: the cap on the entries' total size (default 1 GiB).
    """

    def __init__(self, directory: str, max_bytes: int = DEFAULT_CACHE_BYTES) -> None:
        if max_bytes <= 0:
            raise ValueError("DiskCache: max_bytes: must be > 0, got %r" % (max_bytes,))
        self.directory = os.path.abspath(directory)
        self.max_bytes = max_bytes
        self._estimate: Optional[int] = None
        self._writes = 0

    def __repr__(self) -> str:
        return "DiskCache(%r, max_bytes=%d)" % (self.directory, self.max_bytes)

    def _path(self, name: str) -> str:
        return os.path.join(self.directory, hashlib.sha256(name.encode("utf-8")).hexdigest())

    def get(self, name: str) -> Optional[bytes]:
        """The cached bytes of ``name`` (a reference's location), or None."""
        path = self._path(name)
        try:
            with open(path, "rb") as source:
                data = source.read()
        except OSError:
            return None
        try:
            os.utime(path)  # most recently used
        except OSError:
            pass  # evicted by another process meanwhile: the bytes we read are still whole
        return data

    def put(self, name: str, data: bytes) -> None:
        """Cache ``data`` under ``name``; never raises (a cache that cannot write is only slower)."""
        if len(data) > self.max_bytes:
            return
        try:
            os.makedirs(self.directory, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=_TEMPORARY)
            try:
                with os.fdopen(handle, "wb") as out:
                    out.write(data)
                os.replace(temporary, self._path(name))
            except BaseException:
                _remove(temporary)
                raise
        except OSError:
            return
        self._writes += 1
        if self._estimate is None or self._writes % RESCAN_EVERY == 0:
            self._estimate = self.evict()
        else:
            self._estimate += len(data)
            if self._estimate > self.max_bytes:
                self._estimate = self.evict()

    def entries(self) -> List[Tuple[float, int, str]]:
        """``(mtime, size, path)`` of every entry, oldest first (stale temporaries removed)."""
        found = []
        now = time.time()
        try:
            listing = list(os.scandir(self.directory))
        except OSError:
            return []
        for entry in listing:
            try:
                info = entry.stat()
            except OSError:
                continue  # removed meanwhile
            if entry.name.startswith(_TEMPORARY):
                if now - info.st_mtime > STALE_TEMPORARY_SECONDS:
                    _remove(entry.path)
                continue
            found.append((info.st_mtime, info.st_size, entry.path))
        found.sort()
        return found

    def total_bytes(self) -> int:
        """The entries' total size now."""
        return sum(size for _, size, _ in self.entries())

    def evict(self) -> int:
        """Remove least recently used entries until the total is within the cap; returns the total."""
        entries = self.entries()
        total = sum(size for _, size, _ in entries)
        for _, size, path in entries:
            if total <= self.max_bytes:
                break
            _remove(path)
            total -= size
        return total


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
