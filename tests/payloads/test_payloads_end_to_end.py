"""Offloaded payloads end to end on the embedded server: deciders and workers with a FileStore
(and S3 through moto's server), big inputs, results, signals and heartbeats."""
from __future__ import annotations

import contextlib
import hashlib
import json
import pathlib
import time
import uuid
from typing import Any, Dict, Iterator, List, Sequence

import pytest

from swfkit import futures
from swfkit.actors import Decider, Worker, ensure_registered, polling
from swfkit.actors.registration import WorkflowTypeRegistration
from swfkit.decisions import Decisions
from swfkit.history.events import WorkflowExecutionStarted
from swfkit.layer1 import Layer1
from swfkit.payloads import FileStore, Payloads, S3Store

DOMAIN = "payloads"
MB = 1024 * 1024
CLOSE = ("WorkflowExecutionCompleted", "WorkflowExecutionFailed", "WorkflowExecutionTimedOut",
         "WorkflowExecutionTerminated", "WorkflowExecutionCanceled")


def client(endpoint: str) -> Layer1:
    return Layer1(endpoint_url=endpoint, region="us-east-1", aws_access_key_id="k", aws_secret_access_key="s")


@futures.activity(task_list="payload-work", start_to_close_timeout=60)
def five_megabytes(seed: str) -> str:
    return (seed * (5 * MB // len(seed) + 1))[: 5 * MB]


@futures.activity(task_list="payload-work", start_to_close_timeout=60)
def two_megabytes(seed: str) -> str:
    return (seed * (2 * MB // len(seed) + 1))[: 2 * MB]


@futures.activity(task_list="payload-work", start_to_close_timeout=60)
def digest(text: str) -> Dict[str, Any]:
    return {"length": len(text), "sha256": hashlib.sha256(text.encode()).hexdigest()}


@futures.activity(task_list="payload-work", start_to_close_timeout=60)
def blob(index: int) -> str:
    return ("%05d" % index) * 8_000  # 40,000 characters, distinct per index


@futures.activity(task_list="payload-beats", start_to_close_timeout=60, heartbeat_timeout=60)
def beats(x: int) -> int:
    return x


@futures.workflow(name="big_payloads", task_list="payload-decisions")
class BigPayloads:
    def run(self, big_input: str) -> Dict[str, Any]:
        five = self.submit(five_megabytes, "abc").result()
        two = self.submit(two_megabytes, "xyz").result()
        passed = self.submit(digest, two).result()  # a 2 MB result handed to the next activity
        signal = self.wait_signal("big").result()
        return {"input": len(big_input), "five": len(five), "passed": passed, "signal": len(signal),
                "echo": five[:10] * 4_000}  # a 40 KB result of the workflow itself


@futures.workflow(name="fan_in_blobs", task_list="payload-decisions")
class FanInBlobs:
    def run(self, n: int) -> int:
        results = [self.submit(blob, i) for i in range(n)]
        total = sum(len(f.result()) for f in results)
        self.timer(1).result()  # one more decision after every result is in
        return total


@futures.workflow(name="beating", task_list="payload-decisions")
class Beating:
    def run(self) -> int:
        return self.submit(beats, 7).result()


def events_of(swf: Layer1, execution: Dict[str, str]) -> List[Dict[str, Any]]:
    found: List[Dict[str, Any]] = []
    for page in swf.paginate("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution):
        found.extend(page["events"])
    return found


def wait_closed(swf: Layer1, execution: Dict[str, str], timeout: float = 120.0) -> List[Dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = events_of(swf, execution)
        if events and events[-1]["eventType"] in CLOSE:
            return events
        time.sleep(0.1)
    raise AssertionError("still open: %s" % [e["eventType"] for e in events_of(swf, execution)])


def attributes(event: Dict[str, Any]) -> Dict[str, Any]:
    return event[event["eventType"][0].lower() + event["eventType"][1:] + "EventAttributes"]


@contextlib.contextmanager
def running(endpoint: str, deciders: Sequence[Any], workers: Sequence[Any]) -> Iterator[None]:
    with polling(*deciders, *workers):
        yield


def futures_actors(endpoint: str, codec: Any, workflows: Sequence[Any], activities: Sequence[Any],
                   workers: int = 2, threads: int = 1) -> Any:
    decider = futures.FuturesDecider(client(endpoint), workflows, domain=DOMAIN, payloads=codec)
    task_lists = sorted({a.swfkit_activity.task_list for a in activities})
    pool = []
    for task_list in task_lists:
        for _ in range(workers):
            worker = Worker(client(endpoint), DOMAIN, task_list, payloads=codec, threads=threads)
            for act in activities:
                if act.swfkit_activity.task_list == task_list:
                    act.register(worker)
            pool.append(worker)
    ensure_registered(decider.layer1, DOMAIN, workflow_types=decider.workflow_types,
                      activity_types=[a.swfkit_activity for a in activities])
    return decider, pool


def start(swf: Layer1, name: str, input: str) -> Dict[str, str]:
    workflow_id = "%s-%s" % (name, uuid.uuid4().hex[:8])
    run_id = swf.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id,
                                          workflow_type={"name": name, "version": "1"}, input=input)["runId"]
    return {"workflowId": workflow_id, "runId": run_id}


@pytest.mark.parametrize("per_task_list, threads", [(2, 1), (1, 3)])  # (1, 3): the codec in a threaded worker
def test_big_input_results_signal_and_chained_result(swf_endpoint: str, tmp_path: pathlib.Path, per_task_list: int,
                                                     threads: int) -> None:
    store = FileStore(tmp_path / "store")
    codec = Payloads(store)
    swf = client(swf_endpoint)
    decider, workers = futures_actors(swf_endpoint, Payloads(store), [BigPayloads],
                                      [five_megabytes, two_megabytes, digest], workers=per_task_list,
                                      threads=threads)
    big_input = json.dumps(["i" * MB])
    with running(swf_endpoint, [decider], workers):
        execution = start(swf, "big_payloads", codec.encode("StartWorkflowExecution.input", big_input))
        signal = codec.encode("SignalWorkflowExecution.input", json.dumps("s" * 100 * 1024))
        swf.signal_workflow_execution(domain=DOMAIN, workflow_id=execution["workflowId"], signal_name="big",
                                      input=signal)
        events = wait_closed(swf, execution)
    assert events[-1]["eventType"] == "WorkflowExecutionCompleted", events[-1]
    reader = Payloads(FileStore(tmp_path / "store"))
    result_text = attributes(events[-1])["result"]
    assert reader.is_reference(result_text)
    result = json.loads(reader.decode(result_text))
    two = ("xyz" * (2 * MB // 3 + 1))[: 2 * MB]
    assert result["input"] == MB and result["five"] == 5 * MB and result["signal"] == 100 * 1024
    assert result["passed"] == {"length": 2 * MB, "sha256": hashlib.sha256(two.encode()).hexdigest()}
    completed = [attributes(e)["result"] for e in events if e["eventType"] == "ActivityTaskCompleted"]
    assert all(reader.is_reference(text) for text in completed[:2])
    assert int(completed[0].rsplit(" ", 1)[1]) == len(json.dumps("abc" * 1).encode()) - 5 + 5 * MB + 2
    scheduled = [attributes(e) for e in events if e["eventType"] == "ActivityTaskScheduled"]
    assert reader.is_reference(scheduled[2]["input"])  # the 2 MB result, passed on by reference
    assert all(len(json.dumps(e)) < 40_000 for e in events)  # nothing big ever reached SWF


def test_heartbeat_with_ten_kilobytes_of_details(swf_endpoint: str, tmp_path: pathlib.Path) -> None:
    codec = Payloads(FileStore(tmp_path / "store"))
    swf = client(swf_endpoint)
    decider, _ = futures_actors(swf_endpoint, codec, [Beating], [beats])
    worker = Worker(client(swf_endpoint), DOMAIN, "payload-beats", payloads=codec)
    beats.register(worker)
    with running(swf_endpoint, [decider], []):
        execution = start(swf, "beating", "[]")
        task = None
        deadline = time.monotonic() + 30
        while task is None and time.monotonic() < deadline:
            task = worker.poll()
        assert task is not None
        details = "d" * 10 * 1024
        assert task.heartbeat(details) is False  # accepted: the 2,048 limit was met by offloading
        stored = [p for p in (tmp_path / "store").iterdir() if p.read_text() == details]
        assert len(stored) == 1
        worker.handle(task)
        events = wait_closed(swf, execution)
    assert events[-1]["eventType"] == "WorkflowExecutionCompleted"


def test_second_decision_with_200_offloaded_results_reads_nothing(swf_endpoint: str, tmp_path: pathlib.Path) -> None:
    store = FileStore(tmp_path / "store")
    decider_codec = Payloads(store)  # no disk cache: every fetch beyond memory is a store read
    decider, workers = futures_actors(swf_endpoint, None, [FanInBlobs], [blob], workers=4)
    decider.payloads = decider_codec
    for worker in workers:
        worker.payloads = Payloads(store)
    swf = client(swf_endpoint)
    with running(swf_endpoint, [decider], workers):
        execution = start(swf, "fan_in_blobs", "[200]")
        events = wait_closed(swf, execution, timeout=300)
    assert events[-1]["eventType"] == "WorkflowExecutionCompleted", events[-1]
    assert attributes(events[-1])["result"] == str(200 * 40_000)
    decisions = sum(e["eventType"] == "DecisionTaskCompleted" for e in events)
    assert decisions >= 3 and decider_codec.store_reads == 200  # each result fetched once, never again


class SimpleflowReader(Decider):
    """A plain decider reading a history written with simpleflow-style references."""

    domain, task_list = DOMAIN, "simpleflow-decisions"
    workflow_types = [WorkflowTypeRegistration("simpleflow_reader", "1", task_list="simpleflow-decisions",
                                               execution_start_to_close_timeout=600,
                                               task_start_to_close_timeout=30, child_policy="TERMINATE")]
    seen: List[Any] = []

    def decide(self, task: Any) -> Decisions:
        decisions = Decisions()
        started = task.new_events[0]
        self.seen.append((task.input, started.input, isinstance(started, WorkflowExecutionStarted)))
        decisions.complete_workflow_execution(result=json.dumps(len(task.input)))
        return decisions


def test_decider_reads_simpleflow_references(swf_endpoint: str, s3_bucket: str, s3_reader,  # type: ignore[no-untyped-def]
                                             tmp_path: pathlib.Path) -> None:
    value = json.dumps("from simpleflow " * 4_000)
    s3_reader.put_object(Bucket=s3_bucket, Key="jumbo/5d7191af-3962-4c67", Body=value.encode())
    reference = "simpleflow+s3://%s/jumbo/5d7191af-3962-4c67 %d" % (s3_bucket, len(value.encode()))
    decider = SimpleflowReader(client(swf_endpoint), payloads=Payloads(FileStore(tmp_path)))
    decider.ensure_registered()
    swf = client(swf_endpoint)
    with running(swf_endpoint, [decider], []):
        execution = start(swf, "simpleflow_reader", reference)
        events = wait_closed(swf, execution, timeout=60)
    assert attributes(events[-1])["result"] == str(len(value))
    assert SimpleflowReader.seen[-1] == (value, value, True)
    assert decider.payloads.readers["s3"] is not None and isinstance(decider.payloads.readers["s3"], S3Store)


def test_a_missing_payload_leaves_the_decision_to_be_retried(swf_endpoint: str, tmp_path: pathlib.Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    decider = futures.FuturesDecider(client(swf_endpoint), [BigPayloads], domain=DOMAIN,
                                     payloads=Payloads(FileStore(tmp_path)))
    ensure_registered(decider.layer1, DOMAIN, workflow_types=decider.workflow_types)
    swf = client(swf_endpoint)
    missing = "swfkit+file://%s/%s 100" % (tmp_path, "0" * 64)
    execution = start(swf, "big_payloads", missing)
    page = None
    while page is None:
        page = decider.poll()
    decider.handle(page)
    types = [e["eventType"] for e in events_of(swf, execution)]
    assert "WorkflowExecutionFailed" not in types and "DecisionTaskCompleted" not in types
    assert "PayloadNotFoundError" in caplog.text and missing in caplog.text
    swf.terminate_workflow_execution(domain=DOMAIN, workflow_id=execution["workflowId"])
