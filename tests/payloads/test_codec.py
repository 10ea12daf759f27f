"""The codec with real stores: references, thresholds, limits, reasons, caches, faults."""
from __future__ import annotations

import ast
import json
import pathlib
import pickle

import pytest

import swfkit.payloads as payloads_package
from swfkit.exceptions import (
    PayloadIntegrityError, PayloadNotFoundError, PayloadTooLargeError, SWFError, ValidationError,
)
from swfkit.payloads import DiskCache, FileStore, Payloads, check_fits, parse_reference
from swfkit.payloads.payload_fields import PAYLOAD_FIELDS, REASON_FIELDS

BIG = "é" + "x" * 40_000  # over the 32,768 limit; not ASCII, so bytes != characters


def test_public_names() -> None:
    assert sorted(payloads_package.__all__) == sorted([
        "DEFAULT_CACHE_BYTES", "DEFAULT_MAX_SIZE", "DiskCache", "FileStore", "PAYLOAD_FIELDS", "PayloadError",
        "PayloadIntegrityError", "PayloadNotFoundError", "PayloadStore", "PayloadStoreError",
        "PayloadTooLargeError", "Payloads", "Reference", "S3Store", "check_fits", "content_key",
        "parse_reference"])
    for name in payloads_package.__all__:
        assert getattr(payloads_package, name) is not None


PURE = ("payload_references.py", "payload_fields.py", "codec.py", "memory_cache.py", "payload_store.py")
IO_MODULES = {"os", "io", "socket", "tempfile", "pathlib", "shutil", "urllib", "botocore", "boto3", "requests"}


@pytest.mark.parametrize("name", PURE)
def test_codec_modules_are_pure(name: str) -> None:
    """The codec modules import nothing that does I/O (stores and caches are handed in)."""
    path = pathlib.Path(payloads_package.__file__).parent / name
    for node in ast.walk(ast.parse(path.read_text())):
        modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else \
            [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        for module in modules:
            assert module.split(".")[0] not in IO_MODULES, (name, module)
            assert module not in ("swfkit.payloads.payload_settings", "swfkit.payloads.s3_store") or \
                isinstance(node, ast.ImportFrom) and node.col_offset > 0, (name, module)  # lazy only


def test_limits_table_comes_from_the_model() -> None:
    assert PAYLOAD_FIELDS["RecordActivityTaskHeartbeat"] == {"details": 2048}
    assert PAYLOAD_FIELDS["RespondActivityTaskCompleted"] == {"result": 32768}
    assert PAYLOAD_FIELDS["ScheduleActivityTask"] == {"input": 32768, "control": 32768}
    assert PAYLOAD_FIELDS["RespondDecisionTaskCompleted"] == {"executionContext": 32768}
    assert "reason" not in PAYLOAD_FIELDS["RespondActivityTaskFailed"]
    assert REASON_FIELDS["FailWorkflowExecution"] == {"reason": 256}


def test_round_trip_through_a_file_store(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path / "store"))
    reference = codec.encode("RespondActivityTaskCompleted.result", BIG)
    parsed = parse_reference(reference)
    assert parsed is not None and parsed.scheme == "swfkit+file"
    assert parsed.size == len(BIG.encode("utf-8"))
    stored = pathlib.Path(parsed.location)
    assert stored.parent == tmp_path / "store" and stored.read_bytes() == BIG.encode("utf-8")
    assert Payloads(FileStore(tmp_path / "store"), cache=None).decode(reference) == BIG
    # content addressed: the same value is stored once, under the same reference
    assert codec.encode("ScheduleActivityTask.input", BIG) == reference
    assert len(list((tmp_path / "store").iterdir())) == 1


def test_values_under_the_threshold_pass_through(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path))
    small = json.dumps({"a": 1})
    assert codec.encode("RespondActivityTaskCompleted.result", small) is small
    assert codec.decode(small) is small and codec.decode(None) is None
    assert codec.encode("input", None) is None
    assert list(tmp_path.iterdir()) == [] and codec.store_writes == 0


def test_threshold_and_per_field_limits(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path), threshold=100)
    assert codec.encode("input", "x" * 100) == "x" * 100
    assert codec.is_reference(codec.encode("input", "x" * 101))
    default = Payloads(FileStore(tmp_path))
    assert default.encode("RespondActivityTaskCompleted.result", "h" * 3000) == "h" * 3000
    assert default.is_reference(default.encode("RecordActivityTaskHeartbeat.details", "h" * 3000))


def test_store_maximum_size(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path, max_size=50_000))
    with pytest.raises(PayloadTooLargeError, match="50000"):
        codec.encode("input", "x" * 50_001)


def test_reason_is_cut_and_kept_whole_in_details(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path))
    reason = "R" * 300
    sent = codec.encode_attributes("RespondActivityTaskFailed", {"reason": reason, "details": "trace"})
    assert len(sent["reason"]) == 256 and sent["reason"].endswith("…[truncated]")
    assert sent["details"] == "reason: %s\n\ntrace" % reason


def test_encode_attributes_offloads_each_payload_member(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path))
    sent = codec.encode_attributes("ScheduleActivityTask", {"activityId": "a", "input": BIG, "control": "c"})
    assert codec.is_reference(sent["input"]) and sent["control"] == "c" and sent["activityId"] == "a"
    assert codec.decode(sent["input"]) == BIG


def test_reference_stores_nothing_until_sent(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path))
    reference = codec.reference("ScheduleActivityTask", "input", BIG)
    assert codec.is_reference(reference) and list(tmp_path.iterdir()) == []
    assert codec.decode(reference) == BIG  # pending values decode from memory
    codec.encode_attributes("ScheduleActivityTask", {"activityId": "a", "input": reference})
    assert len(list(tmp_path.iterdir())) == 1 and codec.store_writes == 1
    codec.encode_attributes("ScheduleActivityTask", {"activityId": "a", "input": reference})
    assert codec.store_writes == 1
    other = codec.reference("ScheduleActivityTask", "input", BIG + "!")
    codec.discard_pending()
    codec.encode_attributes("ScheduleActivityTask", {"activityId": "a", "input": other})
    assert codec.store_writes == 1  # discarded: not a pending reference any more


def test_missing_object_names_reference_and_event(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path))
    reference = "swfkit+file://%s/%s 12" % (tmp_path, "0" * 64)
    with pytest.raises(PayloadNotFoundError) as caught:
        codec.decode(reference, event_id=7)
    assert caught.value.reference == reference and caught.value.event_id == 7
    assert "event 7" in str(caught.value) and isinstance(caught.value, SWFError)
    copy = pickle.loads(pickle.dumps(caught.value))
    assert (type(copy), copy.reference, copy.event_id) == (PayloadNotFoundError, reference, 7)


def test_size_mismatch_is_an_integrity_error(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path))
    reference = codec.encode("input", BIG)
    wrong = reference.rsplit(" ", 1)[0] + " 5"
    with pytest.raises(PayloadIntegrityError, match="says 5"):
        Payloads(FileStore(tmp_path)).decode(wrong, event_id=3)


def test_simpleflow_references_are_read(tmp_path: pathlib.Path) -> None:
    (tmp_path / "value").write_text("hello")
    codec = Payloads(FileStore(tmp_path))
    assert codec.decode("swfkit+file://%s/value 5" % tmp_path) == "hello"
    assert parse_reference("simpleflow+s3://jumbo-bucket/with/prefix/5d71 5242880").bucket == "jumbo-bucket"
    assert parse_reference("simpleflow+s3://jumbo-bucket/with/prefix/5d71 5242880").key == "with/prefix/5d71"
    for text in ("simpleflow+s3://bucket 5", "swfkit+file://relative/x 5", "swfkit+s3://b/k five",
                 "s3://b/k 5", "swfkit+s3://b/k 5 extra", "some text"):
        assert parse_reference(text) is None, text


def test_decode_reads_each_reference_once_per_process(tmp_path: pathlib.Path) -> None:
    writer = Payloads(FileStore(tmp_path / "store"))
    references = [writer.encode("input", BIG + str(i)) for i in range(5)]
    reader = Payloads(FileStore(tmp_path / "store"), cache=DiskCache(str(tmp_path / "cache")))
    for _ in range(3):
        assert [reader.decode(r) for r in references] == [BIG + str(i) for i in range(5)]
    assert reader.store_reads == 5
    fresh = Payloads(FileStore(tmp_path / "store"), cache=DiskCache(str(tmp_path / "cache")))
    assert fresh.decode(references[0]) == BIG + "0" and fresh.store_reads == 0  # from the disk cache


def test_a_corrupt_cache_entry_is_refetched(tmp_path: pathlib.Path) -> None:
    writer = Payloads(FileStore(tmp_path / "store"))
    reference = writer.encode("input", BIG)
    cache = DiskCache(str(tmp_path / "cache"))
    cache.put(parse_reference(reference).url, b"short")
    reader = Payloads(FileStore(tmp_path / "store"), cache=cache)
    assert reader.decode(reference) == BIG and reader.store_reads == 1


def test_check_fits_names_field_length_limit_and_fix() -> None:
    check_fits("RespondActivityTaskCompleted", {"result": "x" * 32_768})
    with pytest.raises(ValidationError) as caught:
        check_fits("RespondActivityTaskCompleted", {"result": "x" * 40_000})
    error = caught.value
    assert (error.operation, error.path) == ("RespondActivityTaskCompleted", "result")
    assert "40000" in error.rule and "32768" in error.rule and "SWFKIT_PAYLOAD_STORE" in error.rule


def test_codec_pickles_without_its_process_state(tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path), threshold=10, cache=DiskCache(str(tmp_path / "c")))
    codec.reference("input", "input", "x" * 20)
    copy = pickle.loads(pickle.dumps(codec))
    assert copy.threshold == 10 and copy.store.directory == str(tmp_path) and not copy._pending
    assert copy.decode(copy.encode("input", "y" * 20)) == "y" * 20


def test_encoding_a_pending_reference_stores_its_value(tmp_path: pathlib.Path) -> None:
    """A Worker's handler serializes under the codec (a pending reference); sending it stores it."""
    codec = Payloads(FileStore(tmp_path))
    reference = codec.reference("", "result", BIG)
    assert codec.encode("RespondActivityTaskCompleted.result", reference) == reference
    assert Payloads(FileStore(tmp_path)).decode(reference) == BIG


def test_a_worker_with_a_codec_pickles_for_its_processes(tmp_path: pathlib.Path) -> None:
    from swfkit.actors import Worker
    from swfkit.layer1 import Layer1
    from swfkit.payloads import S3Store

    codec = Payloads(S3Store("bucket", prefix="p"), cache=DiskCache(str(tmp_path)))
    codec.memory.put("swfkit+s3://bucket/p/k 1", "v")
    worker = Worker(Layer1(endpoint_url="http://127.0.0.1:9", region="us-east-1", aws_access_key_id="a",
                           aws_secret_access_key="b"), "d", "t", payloads=codec)
    copy = pickle.loads(pickle.dumps(worker))
    assert copy.payloads.store.bucket == "bucket" and copy.payloads.cache.directory == str(tmp_path)
    assert copy.payloads.memory.get("swfkit+s3://bucket/p/k 1") is None  # each process its own memory
    assert Worker(worker.layer1, "d", "t").payloads is None  # nothing configured: no codec
    assert Worker(worker.layer1, "d", "t", payloads=False).payloads is None
