"""Offloading payloads over SWF's size limits to a store, with references in their place.

::

    from swfkit.payloads import FileStore, Payloads

    payloads = Payloads(FileStore("/var/lib/swf-payloads"))
    text = payloads.encode("RespondActivityTaskCompleted.result", "x" * 40_000)
    # 'swfkit+file:///var/lib/swf-payloads/<sha256> 40000'
    payloads.decode(text) == "x" * 40_000

Or configure it for every actor and command from the environment: ``SWFKIT_PAYLOAD_STORE``
(``s3://bucket/prefix`` or ``file:///dir``), ``SWFKIT_PAYLOAD_THRESHOLD``, ``SWFKIT_PAYLOAD_CACHE``
(``Payloads.from_environment()``). The codec modules (``payload_references``, ``payload_fields``, ``codec``) do no
I/O of their own; ``FileStore``, ``S3Store`` (botocore, imported on first use) and ``DiskCache`` do.
See docs/payloads.md.
"""
from swfkit.exceptions import (
    PayloadError,
    PayloadIntegrityError,
    PayloadNotFoundError,
    PayloadStoreError,
    PayloadTooLargeError,
)
from swfkit.payloads.codec import Payloads
from swfkit.payloads.disk_cache import DEFAULT_CACHE_BYTES, DiskCache
from swfkit.payloads.payload_fields import PAYLOAD_FIELDS, check_fits
from swfkit.payloads.file_store import FileStore
from swfkit.payloads.payload_references import Reference, content_key, parse_reference
from swfkit.payloads.s3_store import S3Store
from swfkit.payloads.payload_store import DEFAULT_MAX_SIZE, PayloadStore

__all__ = [
    "DEFAULT_CACHE_BYTES", "DEFAULT_MAX_SIZE", "DiskCache", "FileStore", "PAYLOAD_FIELDS", "PayloadError",
    "PayloadIntegrityError", "PayloadNotFoundError", "PayloadStore", "PayloadStoreError", "PayloadTooLargeError",
    "Payloads", "Reference", "S3Store", "check_fits", "content_key", "parse_reference",
]
