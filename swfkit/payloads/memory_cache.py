"""``MemoryCache``: decoded payloads kept in the process, bounded, oldest stored out first."""
from __future__ import annotations

import threading
from collections import OrderedDict

__all__ = ["MemoryCache", "DEFAULT_MEMORY_BYTES"]

#: Default bound on the characters held (64 Mi).
DEFAULT_MEMORY_BYTES = 64 * 1024 * 1024


class MemoryCache:
    """Reference text -> value text, bounded by the values' total length.

    Args:
        max_chars: the bound (a value longer than it is not kept).
    """

    def __init__(self, max_chars: int = DEFAULT_MEMORY_BYTES) -> None:
        self.max_chars = max_chars
        self._items: "OrderedDict[str, str]" = OrderedDict()
        self._chars = 0
        self._lock = threading.Lock()  # a worker's responder thread and its poller share the codec
        #: The value cached for a reference, or None. A plain dict lookup: a replay reads every
        #: result on every decision, so hits are not reordered (eviction is oldest-stored first).
        self.get = self._items.get

    def __reduce__(self) -> "tuple[type, tuple[int]]":  # a copy starts empty (another process)
        return (MemoryCache, (self.max_chars,))

    def put(self, reference: str, value: str) -> None:
        if len(value) > self.max_chars:
            return
        with self._lock:
            old = self._items.pop(reference, None)
            if old is not None:
                self._chars -= len(old)
            self._items[reference] = value
            self._chars += len(value)
            while self._chars > self.max_chars:
                _, evicted = self._items.popitem(last=False)
                self._chars -= len(evicted)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self._chars = 0

    def __len__(self) -> int:
        return len(self._items)
