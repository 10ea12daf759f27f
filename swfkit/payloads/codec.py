"""``Payloads``: the offload codec. Decides what to offload and turns values into references and
back; the store and caches it is given do the I/O (this module performs none itself).

Encoding (``encode``, ``encode_attributes``): a value longer than its field's threshold (SWF's
limit unless configured lower) is stored under its sha256 and replaced by its reference. Decoding
(``decode``): a reference is resolved through the memory cache, then the disk cache, then the
store (once per process); anything else passes through unchanged. ``reference`` computes the
reference of a value without storing it: a replayed decision recomputes the references of
everything it asked for before, and only those in the decisions actually sent are stored
(``encode_attributes``), so replay costs no writes.
"""
from __future__ import annotations

import threading
from typing import Any, Dict, Mapping, Optional, Set, Tuple

from swfkit.exceptions import (
    PayloadError,
    PayloadIntegrityError,
    PayloadNotFoundError,
    PayloadTooLargeError,
)
from swfkit.payloads.payload_fields import PAYLOAD_FIELDS, SMALLEST_LIMIT, fit_reason, limit_of
from swfkit.payloads.memory_cache import DEFAULT_MEMORY_BYTES, MemoryCache
from swfkit.payloads.payload_references import Reference, content_key, parse_reference
from swfkit.payloads.payload_store import PayloadStore

__all__ = ["Payloads"]


class Payloads:
    """The offload codec.

    Args:
        store: where offloaded values go (``FileStore``, ``S3Store`` or any ``PayloadStore``).
        threshold: offload values longer than this many characters (default: only over SWF's limit
            of the field; a threshold above the limit counts as the limit).
        cache: a ``DiskCache`` for fetched values (None: none).
        memory_chars: bound of the in-process cache of decoded values.
        readers: stores used to read references of another kind than ``store`` (``{"s3": S3Store(...)}``);
            missing ones are made with default settings when first needed.
    """

    def __init__(self, store: PayloadStore, *, threshold: Optional[int] = None, cache: Any = None,
                 memory_chars: int = DEFAULT_MEMORY_BYTES, readers: Optional[Mapping[str, Any]] = None) -> None:
        if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int) or threshold < 0):
            raise ValueError("Payloads: threshold: must be a number of characters >= 0, got %r" % (threshold,))
        self.store = store
        self.threshold = threshold
        self.cache = cache
        self.memory = MemoryCache(memory_chars)
        # Values this short are under every threshold: ``encode`` returns them at once.
        self._always_inline = min(SMALLEST_LIMIT, threshold if threshold is not None else SMALLEST_LIMIT)
        self.readers: Dict[str, Any] = dict(readers or {})
        self.readers.setdefault(store.kind, store)
        #: Objects fetched from a store by this process (not from a cache): what tests and benchmarks count.
        self.store_reads = 0
        #: Objects written to the store by this process.
        self.store_writes = 0
        self._pending: Dict[str, Tuple[str, bytes]] = {}
        self._stored: Set[str] = set()
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return "Payloads(%r, threshold=%r, cache=%r)" % (self.store, self.threshold, self.cache)

    def __getstate__(self) -> Dict[str, Any]:
        state = dict(self.__dict__)
        state.update(_pending={}, _stored=set(), _lock=None,
                     store_reads=0, store_writes=0)
        return state

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    @classmethod
    def from_environment(cls, environ: Optional[Mapping[str, str]] = None) -> Optional["Payloads"]:
        """The codec ``SWFKIT_PAYLOAD_STORE``/``_THRESHOLD``/``_CACHE`` describe; None when no store is set.

        Raises:
            ConfigurationError: a variable is set to something unusable (the message names it).
        """
        from swfkit.payloads.payload_settings import payloads_from_environment

        return payloads_from_environment(cls, environ)

    # -- encoding ---------------------------------------------------------------------------------
    def offload_at(self, kind: str, member: str) -> int:
        """Values of ``kind.member`` longer than this are offloaded."""
        limit = limit_of(kind, member)
        return limit if self.threshold is None else min(self.threshold, limit)

    def reference(self, kind: str, member: str, text: Optional[str]) -> Optional[str]:
        """``text``, or its reference when it must be offloaded, without storing it yet.

        The value is kept until ``encode_attributes`` sees the reference in a request and stores it
        (or ``discard_pending`` drops it). Pure: no I/O.

        Raises:
            PayloadTooLargeError: the value is over the store's maximum size.
        """
        if text is None or len(text) <= self.offload_at(kind, member):
            return text
        data = text.encode("utf-8")
        if len(data) > self.store.max_size:
            raise PayloadTooLargeError("%s.%s: the value is %d bytes; the payload store %r accepts at most %d"
                                       % (kind, member, len(data), self.store, self.store.max_size))
        key = content_key(data)
        reference = "%s %d" % (self.store.url(key), len(data))
        if reference not in self._stored:
            with self._lock:
                self._pending[reference] = (key, data)
        self.memory.put(reference, text)
        return reference

    def encode(self, field: str, text: Optional[str]) -> Optional[str]:
        """``text``, or the reference of its stored copy when it is over the field's threshold.

        Args:
            field: ``"Kind.member"`` (``"RespondActivityTaskCompleted.result"``,
                ``"ScheduleActivityTask.input"``) or a bare member (``"input"``: the 32,768 limit).
            text: the value (None passes through).

        Raises:
            PayloadTooLargeError: over the store's maximum size.
            PayloadStoreError: the store could not be written (after its retries).
        """
        if text is None or len(text) <= self._always_inline:
            return self._commit(text)  # a short text may be a pending reference: store its value
        kind, _, member = field.rpartition(".")
        return self._commit(self.reference(kind, member, text))

    def _commit(self, text: Optional[str]) -> Optional[str]:
        """Store the pending value ``text`` refers to (if it is a pending reference)."""
        if text is None or not self._pending:
            return text
        with self._lock:
            pending = self._pending.get(text)
        if pending is not None:
            key, data = pending
            self.store.put(key, data)
            self.store_writes += 1
            with self._lock:
                self._pending.pop(text, None)
                self._stored.add(text)
        return text

    def encode_attributes(self, kind: str, attributes: Mapping[str, Any]) -> Dict[str, Any]:
        """The attributes of a request or decision of ``kind`` ready to send: a long ``reason`` cut
        (kept whole in ``details``), each payload member over its threshold offloaded, and pending
        references stored.

        Raises:
            PayloadTooLargeError, PayloadStoreError: as for ``encode``.
        """
        result = fit_reason(kind, dict(attributes))
        for member in PAYLOAD_FIELDS.get(kind, ()):
            value = result.get(member)
            if isinstance(value, str):
                result[member] = self._commit(self.reference(kind, member, value))
        return result

    def discard_pending(self) -> None:
        """Forget references computed but never sent (end of a decision task)."""
        with self._lock:
            self._pending.clear()

    # -- decoding ---------------------------------------------------------------------------------
    @staticmethod
    def is_reference(text: Optional[str]) -> bool:
        """Whether ``text`` is a payload reference (swfkit's or simpleflow's)."""
        return parse_reference(text) is not None

    def decode(self, text: Optional[str], *, event_id: int = 0) -> Optional[str]:
        """The value ``text`` refers to; ``text`` itself when it is no reference.

        Args:
            text: a field's value as SWF holds it.
            event_id: the history event it came from, named by errors.

        Raises:
            PayloadNotFoundError: the referenced object is missing (names the reference and event).
            PayloadIntegrityError: its size differs from the reference's.
            PayloadStoreError: the store could not be reached (after retries).
        """
        if text is None or text[:1] != "s":
            return text
        found = self.memory.get(text)
        if found is not None:
            return found
        reference = parse_reference(text)
        if reference is None:
            return text
        data = self._cached(reference)
        if data is None:
            data = self._fetch(reference, text, event_id)
            if self.cache is not None:
                self.cache.put(reference.url, data)
        value = data.decode("utf-8")
        self.memory.put(text, value)
        return value

    def _cached(self, reference: Reference) -> Optional[bytes]:
        if self.cache is None:
            return None
        data: Optional[bytes] = self.cache.get(reference.url)
        return data if data is not None and len(data) == reference.size else None

    def _fetch(self, reference: Reference, text: str, event_id: int) -> bytes:
        where = " (event %d)" % event_id if event_id else ""
        try:
            data: bytes = self.reader(reference.kind).fetch(reference)
        except PayloadNotFoundError as err:
            raise PayloadNotFoundError("payload %s%s is missing from its store: %s" % (text, where, err),
                                       reference=text, event_id=event_id) from None
        except PayloadError as err:
            raise type(err)("payload %s%s could not be read: %s" % (text, where, err),
                            reference=text, event_id=event_id) from err
        self.store_reads += 1
        if len(data) != reference.size:
            raise PayloadIntegrityError("payload %s%s: the stored object is %d bytes, the reference says %d"
                                        % (text, where, len(data), reference.size), reference=text,
                                        event_id=event_id)
        return data

    def reader(self, kind: str) -> Any:
        """The store reading references of ``kind`` (made with default settings when not given)."""
        found = self.readers.get(kind)
        if found is None:
            from swfkit.payloads.payload_settings import default_reader

            found = self.readers[kind] = default_reader(kind)
        return found
