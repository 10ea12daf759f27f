"""Faults and run_local: a store that cannot be written fails the task (never a dangling reference),
no store means a clear error, run_local offloads like the actors."""
from __future__ import annotations

import json
import pathlib

import pytest

from swfkit import futures
from swfkit.actors import Worker
from swfkit.payloads import FileStore, Payloads

from test_payloads_end_to_end import (
    DOMAIN, Beating, attributes, beats, client, futures_actors, running, start, wait_closed,
)

MB = 1024 * 1024


@futures.activity(task_list="local-work")
def grow(seed: str) -> str:
    return seed * MB


@futures.activity(task_list="local-work")
def size_of(text: str) -> int:
    return len(text)


@futures.workflow(name="local_big", task_list="local-decisions")
class LocalBig:
    def run(self, seed: str) -> int:
        return self.submit(size_of, self.submit(grow, seed).result()).result()


def test_run_local_offloads_through_the_configured_store(tmp_path: pathlib.Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SWFKIT_PAYLOAD_STORE", "file://%s" % (tmp_path / "store"))
    monkeypatch.setenv("SWFKIT_PAYLOAD_CACHE", "off")
    assert futures.run_local(LocalBig, "ab") == 2 * MB
    stored = [p.read_text() for p in (tmp_path / "store").iterdir()]
    assert json.dumps("ab" * MB) in stored  # the 2 MB result, stored once, passed by reference


def test_run_local_without_a_store_names_the_fix() -> None:
    with pytest.raises(futures.ActivityFailed) as caught:
        futures.run_local(LocalBig, "ab")
    assert "SWFKIT_PAYLOAD_STORE" in str(caught.value.details)


def test_unwritable_store_fails_the_activity_task(swf_endpoint: str, tmp_path: pathlib.Path) -> None:
    (tmp_path / "a-file").write_text("not a directory")
    broken = Payloads(FileStore(tmp_path / "a-file" / "store"))
    decider, _ = futures_actors(swf_endpoint, Payloads(FileStore(tmp_path / "ok")), [Beating], [beats])
    worker = Worker(client(swf_endpoint), DOMAIN, "payload-beats", payloads=broken, pipelined_answers=False)
    worker.register(lambda x: "r" * 40_000, name="beats", version="1")
    swf = client(swf_endpoint)
    with running(swf_endpoint, [decider], []):
        execution = start(swf, "beating", "[]")
        task = None
        while task is None:
            task = worker.poll()
        worker.handle(task)
        events = wait_closed(swf, execution, timeout=60)
    failed = [attributes(e) for e in events if e["eventType"] == "ActivityTaskFailed"]
    assert failed and failed[0]["reason"] == "PayloadStoreError"
    assert "could not write" in failed[0]["details"]
    assert not any(e["eventType"] == "ActivityTaskCompleted" for e in events)
