"""``replay_history`` / ``assert_replays`` on histories written by the local runner (the embedded server's
recordings are replayed in tests/cli/test_replay_command.py)."""
from __future__ import annotations

import json
import pathlib

import pytest

from swfkit import futures
from swfkit.exceptions import HistoryError
from swfkit.futures import LocalRunner, assert_replays, load_history, replay_history


@futures.activity(task_list="replayer-work")
def add_one(x: int) -> int:
    return x + 1


@futures.activity(task_list="replayer-work")
def double(x: int) -> int:
    return x * 2


@futures.workflow(name="replayer-flow", task_list="replayer-deciders")
class Flow:
    def run(self, x: int) -> int:
        first = self.submit(add_one, x).result()
        self.sleep(5)
        return self.submit(double, first).result()


@futures.workflow(name="replayer-flow", version="2", task_list="replayer-deciders")
class SwappedFlow:
    """The same flow after a careless change: ``double`` first."""

    def run(self, x: int) -> int:
        first = self.submit(double, x).result()
        self.sleep(5)
        return self.submit(add_one, first).result()


@futures.workflow(name="replayer-flow", version="3", task_list="replayer-deciders")
class LongerFlow:
    """The flow with one more step at the end: it asks for more than the history recorded."""

    def run(self, x: int) -> int:
        first = self.submit(add_one, x).result()
        self.sleep(5)
        second = self.submit(double, first).result()
        return self.submit(add_one, second).result()


@pytest.fixture(scope="module")
def events():
    return LocalRunner().run(Flow, json.dumps([3])).runs[0]


def test_the_same_code_replays_cleanly(events, tmp_path: pathlib.Path) -> None:
    report = replay_history(Flow, events)
    assert report.clean and report.decision_tasks == 4 and report.divergence is None
    path = tmp_path / "flow.json"
    path.write_text(json.dumps(events))
    assert assert_replays(Flow, path).clean
    path.write_text(json.dumps({"description": "golden", "events": events}))
    assert load_history(path) == events
    assert Flow.swfkit_replay(events).to_dict()["clean"] is True


def test_a_changed_order_is_the_first_divergence(events) -> None:
    report = replay_history(SwappedFlow, events)
    assert not report.clean
    scheduled = next(e["eventId"] for e in events if e["eventType"] == "ActivityTaskScheduled")
    assert report.divergence.event_id == scheduled
    assert "add_one" in report.divergence.recorded and "double" in report.divergence.requested
    with pytest.raises(AssertionError, match="does not replay"):
        assert_replays(SwappedFlow, events)


def test_asking_for_more_at_the_end_diverges_at_the_close(events) -> None:
    report = replay_history(LongerFlow, events)
    closed = next(e["eventId"] for e in events if e["eventType"] == "WorkflowExecutionCompleted")
    assert report.divergence is not None and report.divergence.event_id == closed
    assert report.divergence.recorded.startswith("CompleteWorkflowExecution")
    assert report.divergence.requested.startswith("ScheduleActivityTask")


def test_bad_history_files(tmp_path: pathlib.Path) -> None:
    (tmp_path / "a.json").write_text("{nope")
    (tmp_path / "b.json").write_text('{"events": 3}')
    for name in ("a.json", "b.json"):
        with pytest.raises(HistoryError, match=name):
            load_history(tmp_path / name)
