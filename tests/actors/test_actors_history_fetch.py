"""A decision task always carries the complete history, whether the decider held the run or not."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from sample_actors import DOMAIN, DECISIONS
from swfkit.actors import Decider, DecisionTask
from swfkit.decisions import Decisions
from swfkit.history import ExecutionState, History
from swfkit.layer1 import Layer1
from workflow_runs import events, start


class PageRecordingLayer1(Layer1):
    """Records the first event id of each decision task's first page, and counts further pages."""

    def __init__(self, endpoint_url: str) -> None:
        super().__init__(endpoint_url=endpoint_url, region="us-east-1")
        self.first_event_ids: List[int] = []
        self.further_pages = 0

    def poll_for_decision_task(self, **arguments: Any) -> Dict[str, Any]:
        page = super().poll_for_decision_task(**arguments)
        if arguments.get("next_page_token"):
            self.further_pages += 1
        elif page.get("events"):
            self.first_event_ids.append(page["events"][0]["eventId"])
        return page


class Marking(Decider):
    """Records a marker per decision; keeps every task."""

    domain = DOMAIN
    task_list = DECISIONS

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.seen: List[DecisionTask] = []
        self.states: List[ExecutionState] = []  # snapshots: a task's state moves on with the run's next decision

    def decide(self, task: DecisionTask) -> Decisions:
        self.seen.append(task)
        self.states.append(task.state.copy())
        decisions = Decisions()
        decisions.record_marker("decided", details=str(len(self.seen)))
        return decisions


def assert_complete(client: Any, execution: Dict[str, str], task: DecisionTask, state: ExecutionState) -> None:
    """The task's history (still readable after later decisions) and the state it was decided on are
    those of every event up to the task."""
    upto = [e for e in events(client, execution) if e["eventId"] <= task.started_event_id]
    assert [e.event_id for e in task.history] == list(range(1, task.started_event_id + 1))
    assert state == History.from_events(upto).fold()


def decide_after_signal(client: Any, decider: Decider, name: str) -> None:
    client.signal_workflow_execution(domain=DOMAIN, workflow_id="sticky", signal_name=name)
    assert decider.run_once()


@pytest.mark.parametrize("page_size", [1000, 2])
def test_the_same_decider_fetches_only_new_events(registered: Any, endpoint: str, page_size: int) -> None:
    layer1 = PageRecordingLayer1(endpoint)
    decider = Marking(layer1, maximum_page_size=page_size)
    execution = start(registered, "sticky", {"count": 0})
    assert decider.run_once()
    for name in ("one", "two", "three"):
        decide_after_signal(registered, decider, name)
    assert layer1.first_event_ids[0] == 1 and all(first > 1 for first in layer1.first_event_ids[1:])
    assert (layer1.further_pages > 0) == (page_size == 2)
    for task, state in zip(decider.seen, decider.states):
        assert_complete(registered, execution, task, state)
    assert [len(s.signals) for s in decider.states] == [0, 1, 2, 3]
    assert [len(s.markers.get("decided", [])) for s in decider.states] == [0, 1, 2, 3]


@pytest.mark.parametrize("page_size", [1000, 3])
def test_a_decider_that_missed_decisions_reads_the_whole_history(registered: Any, endpoint: str,
                                                                 page_size: int) -> None:
    first = Marking(PageRecordingLayer1(endpoint), maximum_page_size=page_size)
    second = Marking(PageRecordingLayer1(endpoint), maximum_page_size=page_size)
    execution = start(registered, "sticky", {"count": 0})
    assert first.run_once()
    decide_after_signal(registered, second, "to-second")      # second never saw the run: full read
    decide_after_signal(registered, first, "back-to-first")   # first's copy is stale: full read
    for task, state in zip(first.seen + second.seen, first.states + second.states):
        assert_complete(registered, execution, task, state)
    assert first.states[-1].markers["decided"][-1].details == "1"  # the second decider's marker
    assert [s.name for s in first.states[-1].signals] == ["to-second", "back-to-first"]


def test_incremental_history_can_be_switched_off(registered: Any, endpoint: str) -> None:
    layer1 = PageRecordingLayer1(endpoint)
    decider = Marking(layer1, incremental_history=False)
    execution = start(registered, "sticky", {"count": 0})
    assert decider.run_once()
    decide_after_signal(registered, decider, "one")
    assert layer1.first_event_ids == [1, 1]
    assert_complete(registered, execution, decider.seen[-1], decider.states[-1])


def test_a_decision_folds_only_its_new_events_into_the_runs_state(registered: Any, endpoint: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The run's state is folded further in place (no copy of it, no re-fold of old events)."""
    folded: List[int] = []
    apply_raw = ExecutionState.apply_raw

    def counting(self: ExecutionState, raws: Any) -> None:
        raws = list(raws)
        folded.append(len(raws))
        apply_raw(self, raws)

    monkeypatch.setattr(ExecutionState, "apply_raw", counting)
    decider = Marking(PageRecordingLayer1(endpoint))
    start(registered, "sticky", {"count": 0})
    assert decider.run_once()
    decide_after_signal(registered, decider, "one")
    first, second = decider.seen
    assert second.state is first.state  # the decider's own, documented: copy() to keep a snapshot
    new = second.started_event_id - first.started_event_id
    assert folded == [first.started_event_id, new]
