"""Configuration from the environment, like the rest of swfkit (read when asked, never at import).

- ``SWFKIT_PAYLOAD_STORE``: ``s3://bucket/prefix`` or ``file:///abs/dir``; S3 options as a query:
  ``?sse=AES256``, ``&kms_key_id=...``, ``&scheme=simpleflow`` (write simpleflow's references),
  and for either store ``&max_size=64MiB``. Unset or empty: no offload.
- ``SWFKIT_PAYLOAD_THRESHOLD``: offload values longer than this many characters (default: only
  those over SWF's limit of their field).
- ``SWFKIT_PAYLOAD_CACHE``: ``DIR`` or ``DIR:SIZE`` (``/var/cache/swfkit:2GiB``) for the on-disk
  cache, ``off`` for none; default ``$XDG_CACHE_HOME/swfkit/payloads`` (``~/.cache/...``), 1 GiB.
"""
from __future__ import annotations

import os
import re
from typing import Any, Mapping, Optional
from urllib.parse import parse_qs, unquote, urlsplit

from swfkit.exceptions import ConfigurationError
from swfkit.payloads.disk_cache import DEFAULT_CACHE_BYTES, DiskCache
from swfkit.payloads.file_store import FileStore
from swfkit.payloads.payload_store import DEFAULT_MAX_SIZE

__all__ = ["payloads_from_environment", "store_from_url", "cache_from_text", "parse_size", "default_reader"]

_SIZE = re.compile(r"\s*(\d+)\s*([KMGT]?)(i?)B?\s*\Z", re.IGNORECASE)
_CACHE_SIZE = re.compile(r":(\d+\s*[KMGT]?i?B?)\Z", re.IGNORECASE)
_POWERS = {"": 0, "K": 1, "M": 2, "G": 3, "T": 4}
_S3_OPTIONS = {"sse", "kms_key_id", "scheme", "max_size"}


def parse_size(text: str, name: str) -> int:
    """``"64MiB"``, ``"2GB"``, ``"1048576"`` -> bytes (binary multiples either way).

    Raises:
        ConfigurationError: naming ``name`` when ``text`` is no size.
    """
    match = _SIZE.match(text)
    if not match:
        raise ConfigurationError("%s: %r is not a size (examples: 1048576, 64MiB, 1GiB)" % (name, text))
    return int(match.group(1)) * 1024 ** _POWERS[match.group(2).upper()]


def store_from_url(url: str, name: str = "SWFKIT_PAYLOAD_STORE") -> Any:
    """The store a ``s3://bucket/prefix?...`` or ``file:///dir`` URL describes.

    Raises:
        ConfigurationError: naming ``name`` and what is wrong.
    """
    parts = urlsplit(url.strip())
    options = {key: values[-1] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
    unknown = set(options) - (_S3_OPTIONS if parts.scheme == "s3" else {"max_size"})
    if unknown:
        raise ConfigurationError("%s: unknown option %s in %r" % (name, ", ".join(sorted(unknown)), url))
    max_size = parse_size(options["max_size"], name + " max_size") if "max_size" in options else DEFAULT_MAX_SIZE
    if parts.scheme == "s3":
        if not parts.netloc:
            raise ConfigurationError("%s: %r names no bucket (expected s3://bucket/prefix)" % (name, url))
        scheme = options.get("scheme", "swfkit")
        if scheme not in ("swfkit", "simpleflow"):
            raise ConfigurationError("%s: scheme: must be swfkit or simpleflow, got %r" % (name, scheme))
        from swfkit.payloads.s3_store import S3Store

        return S3Store(parts.netloc, prefix=unquote(parts.path), sse=options.get("sse") or None,
                       kms_key_id=options.get("kms_key_id") or None, max_size=max_size,
                       reference_scheme=scheme + "+s3")
    if parts.scheme == "file":
        path = unquote(parts.path)
        if parts.netloc or not os.path.isabs(path):
            raise ConfigurationError("%s: %r: a file store needs an absolute path, file:///dir" % (name, url))
        return FileStore(path, max_size=max_size)
    raise ConfigurationError("%s: %r: expected s3://bucket/prefix or file:///absolute/dir" % (name, url))


def _default_cache_directory(environ: Mapping[str, str]) -> str:
    base = environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "swfkit", "payloads")


def cache_from_text(text: Optional[str], environ: Mapping[str, str]) -> Optional[DiskCache]:
    """The disk cache ``SWFKIT_PAYLOAD_CACHE`` describes (``DIR``, ``DIR:SIZE``, ``off``; unset: default)."""
    text = (text or "").strip()
    if text.lower() in ("off", "none", "0"):
        return None
    directory, size = text, DEFAULT_CACHE_BYTES
    match = _CACHE_SIZE.search(text)
    if match:
        directory, size = text[: match.start()], parse_size(match.group(1), "SWFKIT_PAYLOAD_CACHE")
    return DiskCache(directory or _default_cache_directory(environ), size)


def _threshold(text: Optional[str]) -> Optional[int]:
    if text is None or not text.strip():
        return None
    try:
        value = int(text.strip())
    except ValueError:
        value = -1
    if value < 0:
        raise ConfigurationError("SWFKIT_PAYLOAD_THRESHOLD: must be a number of characters >= 0, got %r" % text)
    return value


def payloads_from_environment(cls: Any, environ: Optional[Mapping[str, str]] = None) -> Any:
    """``cls(store, threshold=..., cache=...)`` from the environment, or None with no store set."""
    env: Mapping[str, str] = os.environ if environ is None else environ
    url = (env.get("SWFKIT_PAYLOAD_STORE") or "").strip()
    if not url:
        return None
    store = store_from_url(url)
    return cls(store, threshold=_threshold(env.get("SWFKIT_PAYLOAD_THRESHOLD")),
               cache=cache_from_text(env.get("SWFKIT_PAYLOAD_CACHE"), env))


def default_reader(kind: str) -> Any:
    """A store able to read references of ``kind`` with default settings (any bucket or path)."""
    if kind == "s3":
        from swfkit.payloads.s3_store import S3Store

        return S3Store("references")  # fetch() reads the reference's own bucket
    return FileStore(os.sep)

