"""``S3Store`` against a real HTTP S3 endpoint (moto's server on 127.0.0.1), boto3 reading back."""
from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest

from swfkit.exceptions import ConfigurationError, PayloadNotFoundError, PayloadStoreError
from swfkit.payloads import Payloads, S3Store, parse_reference

BIG = "ü" + "s" * 50_000


def test_put_get_exists_and_independent_read(s3_bucket: str, s3_reader) -> None:  # type: ignore[no-untyped-def]
    store = S3Store(s3_bucket, prefix="swf/payloads/")
    codec = Payloads(store)
    reference = codec.encode("RespondActivityTaskCompleted.result", BIG)
    data = BIG.encode("utf-8")
    key = "swf/payloads/" + hashlib.sha256(data).hexdigest()
    assert reference == "swfkit+s3://%s/%s %d" % (s3_bucket, key, len(data))
    assert s3_reader.get_object(Bucket=s3_bucket, Key=key)["Body"].read() == data
    assert store.exists(hashlib.sha256(data).hexdigest()) and not store.exists("0" * 64)
    fresh = Payloads(S3Store(s3_bucket, prefix="swf/payloads"))
    assert fresh.decode(reference) == BIG and fresh.store_reads == 1


def test_server_side_encryption_is_requested(s3_bucket: str, s3_reader) -> None:  # type: ignore[no-untyped-def]
    store = S3Store(s3_bucket, sse="AES256")
    Payloads(store).encode("input", BIG)
    key = hashlib.sha256(BIG.encode("utf-8")).hexdigest()
    assert s3_reader.head_object(Bucket=s3_bucket, Key=key)["ServerSideEncryption"] == "AES256"


def test_simpleflow_references_written_and_read(s3_bucket: str, s3_reader) -> None:  # type: ignore[no-untyped-def]
    codec = Payloads(S3Store(s3_bucket, prefix="jumbo", reference_scheme="simpleflow+s3"))
    reference = codec.encode("input", BIG)
    assert reference.startswith("simpleflow+s3://%s/jumbo/" % s3_bucket)
    # written by simpleflow (any key, its own bucket): read through the default S3 reader
    s3_reader.put_object(Bucket=s3_bucket, Key="prefix/5d7191af-3962", Body=b'"written by simpleflow"')
    file_codec = Payloads(_file_store())
    text = "simpleflow+s3://%s/prefix/5d7191af-3962 23" % s3_bucket
    assert file_codec.decode(text) == '"written by simpleflow"'


def _file_store():  # type: ignore[no-untyped-def]
    import tempfile

    from swfkit.payloads import FileStore

    return FileStore(tempfile.mkdtemp())


def test_missing_object(s3_bucket: str) -> None:
    codec = Payloads(S3Store(s3_bucket))
    reference = "swfkit+s3://%s/nothing-here 3" % s3_bucket
    with pytest.raises(PayloadNotFoundError) as caught:
        codec.decode(reference, event_id=12)
    assert caught.value.reference == reference and caught.value.event_id == 12


def test_unreachable_store_is_retried_then_a_store_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = S3Store("bucket", endpoint_url="http://127.0.0.1:%d" % port, max_attempts=2)
    with pytest.raises(PayloadStoreError, match="after 2 attempts") as caught:
        Payloads(store).encode("input", BIG)
    assert "botocore" not in type(caught.value).__module__


def test_bad_configuration() -> None:
    with pytest.raises(ConfigurationError, match="bucket"):
        S3Store("a/b")
    with pytest.raises(ConfigurationError, match="sse"):
        S3Store("b", sse="des")


def test_importing_payloads_does_not_import_botocore() -> None:
    code = "import sys, swfkit.payloads; print('botocore' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_reference_parsing_matches_what_the_store_writes(s3_bucket: str) -> None:
    reference = Payloads(S3Store(s3_bucket, prefix="p")).encode("input", BIG)
    parsed = parse_reference(reference)
    assert parsed is not None and (parsed.bucket, parsed.key.split("/")[0]) == (s3_bucket, "p")
