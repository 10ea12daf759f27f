"""Configuration from the environment: SWFKIT_PAYLOAD_STORE / _THRESHOLD / _CACHE."""
from __future__ import annotations

import pathlib

import pytest

from swfkit.exceptions import ConfigurationError
from swfkit.payloads import DiskCache, FileStore, Payloads, S3Store


def test_no_store_configured_means_none() -> None:
    assert Payloads.from_environment({}) is None
    assert Payloads.from_environment({"SWFKIT_PAYLOAD_STORE": "  "}) is None


def test_file_store_with_threshold_and_cache(tmp_path: pathlib.Path) -> None:
    codec = Payloads.from_environment({
        "SWFKIT_PAYLOAD_STORE": "file://%s" % tmp_path, "SWFKIT_PAYLOAD_THRESHOLD": "1000",
        "SWFKIT_PAYLOAD_CACHE": "%s:2MiB" % (tmp_path / "cache")})
    assert isinstance(codec, Payloads) and isinstance(codec.store, FileStore)
    assert codec.store.directory == str(tmp_path) and codec.threshold == 1000
    assert isinstance(codec.cache, DiskCache)
    assert (codec.cache.directory, codec.cache.max_bytes) == (str(tmp_path / "cache"), 2 * 1024 ** 2)
    assert Payloads.from_environment({"SWFKIT_PAYLOAD_STORE": "file://%s" % tmp_path}).decode("x") == "x"


def test_s3_store_options_and_default_cache(tmp_path: pathlib.Path) -> None:
    codec = Payloads.from_environment({
        "SWFKIT_PAYLOAD_STORE": "s3://bucket/some/prefix?sse=aws:kms&kms_key_id=k1&scheme=simpleflow&max_size=5MiB",
        "XDG_CACHE_HOME": str(tmp_path)})
    assert codec is not None
    store = codec.store
    assert isinstance(store, S3Store)
    assert (store.bucket, store.prefix, store.sse, store.kms_key_id, store.scheme, store.max_size) == (
        "bucket", "some/prefix", "aws:kms", "k1", "simpleflow+s3", 5 * 1024 ** 2)
    assert codec.cache.directory == str(tmp_path / "swfkit" / "payloads")
    assert codec.cache.max_bytes == 1024 ** 3
    off = Payloads.from_environment({"SWFKIT_PAYLOAD_STORE": "s3://bucket", "SWFKIT_PAYLOAD_CACHE": "off"})
    assert off is not None and off.cache is None


@pytest.mark.parametrize("environ, names", [
    ({"SWFKIT_PAYLOAD_STORE": "ftp://host/dir"}, "SWFKIT_PAYLOAD_STORE"),
    ({"SWFKIT_PAYLOAD_STORE": "file://relative/dir"}, "absolute"),
    ({"SWFKIT_PAYLOAD_STORE": "s3:///prefix"}, "bucket"),
    ({"SWFKIT_PAYLOAD_STORE": "s3://b?colour=red"}, "colour"),
    ({"SWFKIT_PAYLOAD_STORE": "s3://b?scheme=other"}, "scheme"),
    ({"SWFKIT_PAYLOAD_STORE": "file:///tmp", "SWFKIT_PAYLOAD_THRESHOLD": "-3"}, "SWFKIT_PAYLOAD_THRESHOLD"),
    ({"SWFKIT_PAYLOAD_STORE": "file:///tmp", "SWFKIT_PAYLOAD_CACHE": "/tmp/c:lots"}, None),
])
def test_bad_values_name_the_variable(environ: dict, names: str) -> None:
    if names is None:  # "/tmp/c:lots" is a directory name, not a size: accepted as such
        assert Payloads.from_environment(environ).cache.directory == "/tmp/c:lots"
        return
    with pytest.raises(ConfigurationError, match=names):
        Payloads.from_environment(environ)
