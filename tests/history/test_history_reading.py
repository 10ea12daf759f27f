"""History: construction, lookups, laziness over pages, and a real lazy read from the server."""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import pytest

from history_wire import Wire, golden
from swfkit.exceptions import HistoryError
from swfkit.history import History, fold
from swfkit.history.events import ActivityTaskCompleted, WorkflowExecutionStarted


def paged(events: List[Dict[str, Any]], size: int) -> List[Dict[str, Any]]:
    pages = [{"events": events[i:i + size]} for i in range(0, len(events), size)]
    for number, page in enumerate(pages[:-1]):
        page["nextPageToken"] = "token-%d" % (number + 1)
    return pages


class FakeLayer1:
    """Serves pages 2.. of a history for a poll or GetWorkflowExecutionHistory, recording calls."""

    def __init__(self, pages: List[Dict[str, Any]]) -> None:
        self.pages = pages
        self.calls: List[Dict[str, Any]] = []

    def _page(self, token: Optional[str]) -> Dict[str, Any]:
        return self.pages[0 if token is None else int(token.rsplit("-", 1)[1])]

    def poll_for_decision_task(self, **kwargs: Any) -> Dict[str, Any]:
        self.calls.append(dict(kwargs, operation="PollForDecisionTask"))
        return dict(self._page(kwargs["next_page_token"]), taskToken="tok")

    def get_workflow_execution_history(self, **kwargs: Any) -> Dict[str, Any]:
        self.calls.append(dict(kwargs, operation="GetWorkflowExecutionHistory"))
        return self._page(kwargs["next_page_token"])


def test_lookups_iteration_and_len() -> None:
    events = golden("activity_round_trip")
    history = History.from_pages(paged(events, 5))
    assert isinstance(history[1], WorkflowExecutionStarted)
    assert history[7].event_type == "ActivityTaskCompleted" and isinstance(history[7], ActivityTaskCompleted)
    assert history[7] is history[7]  # built once
    assert len(history) == len(events)
    assert [event.event_id for event in history] == list(range(1, len(events) + 1))
    assert [event.raw for event in history] == events and history.raw_events == events
    for missing in (0, -1, len(events) + 1, "3"):
        with pytest.raises(KeyError):
            history[missing]  # type: ignore[index]
    assert [event.event_id for event in history.new_events(13)] == [14, 15, 16, 17]
    assert len(history.new_events()) == len(events)
    assert history.fold() == fold(events)


def test_from_events_and_malformed_pages() -> None:
    events = golden("signals")
    assert History.from_events(iter(events)).fold() == fold(events)
    with pytest.raises(HistoryError, match="page 2"):
        len(History.from_pages([{"events": events[:2]}, ["not", "a", "page"]]))
    with pytest.raises(HistoryError, match="'events' must be a list"):
        len(History.from_pages([{"events": "nope"}]))


def test_decision_task_history_reads_further_pages_only_when_needed() -> None:
    events = golden("cancellations")
    pages = paged(events, 10)
    layer1 = FakeLayer1(pages)
    task = dict(pages[0], taskToken="tok", startedEventId=22, previousStartedEventId=18,
                workflowExecution={"workflowId": "w", "runId": "r"}, workflowType={"name": "f", "version": "1"})
    history = History.for_decision_task(layer1, task, domain="d", task_list="deciders", identity="me")
    assert history[3].event_type == "DecisionTaskStarted"
    assert layer1.calls == []  # the first page came with the task
    assert (history.started_event_id, history.previous_started_event_id) == (22, 18)
    assert [event.event_id for event in history.new_events()] == list(range(19, 25))
    assert [call["next_page_token"] for call in layer1.calls] == ["token-1", "token-2"]
    for call in layer1.calls:  # every page: same domain, task list and identity, as SWF requires
        assert (call["operation"], call["domain"], call["task_list"], call["identity"]) == (
            "PollForDecisionTask", "d", {"name": "deciders"}, "me")
    assert history.fold() == fold(events)


def test_execution_history_is_lazy_too() -> None:
    events = golden("child_workflows")
    layer1 = FakeLayer1(paged(events, 4))
    history = History.for_execution(layer1, "d", ("parent", "run-1"), maximum_page_size=4)
    assert layer1.calls == []  # nothing fetched before it is read
    assert history[6].event_type == "ChildWorkflowExecutionStarted"
    assert len(layer1.calls) == 2
    assert layer1.calls[0]["execution"] == {"workflowId": "parent", "runId": "run-1"}
    assert history.fold().children["child-ok"].status == "completed"
    assert [call["next_page_token"] for call in layer1.calls] == [None, "token-1", "token-2", "token-3"]


def test_bad_arguments_are_named() -> None:
    with pytest.raises(HistoryError, match="taskToken"):
        History.for_decision_task(FakeLayer1([]), {"startedEventId": 0}, domain="d", task_list="t")
    with pytest.raises(HistoryError, match="task_list"):
        History.for_decision_task(FakeLayer1([]), {"taskToken": "x"}, domain="d", task_list=3)  # type: ignore[arg-type]
    with pytest.raises(HistoryError, match="execution"):
        History.for_execution(FakeLayer1([]), "d", "just-an-id")
    with pytest.raises(HistoryError, match="runId is required"):
        History.for_execution(FakeLayer1([]), "d", {"workflowId": "w"})


def test_fold_onto_a_previous_state_only_applies_new_events() -> None:
    wire = Wire()
    wire.start()
    completed = wire.decide()
    wire.run_activity("a", completed)
    before = History.from_events(wire.events).fold()
    wire.decide()
    wire.add("WorkflowExecutionSignaled", signalName="s")
    after = History.from_events(wire.events).fold(before)
    assert after == fold(wire.events) and before == fold(wire.events[:7])
    assert History.from_events(wire.events).fold(after) == after  # nothing new: same state


def test_lazy_history_from_the_embedded_server(layer1: Any) -> None:
    """A real decision task read lazily (2 events a page) and folded, then the execution's history."""
    domain = "history-tests"
    layer1.register_domain(name=domain, workflow_execution_retention_period_in_days="1")
    layer1.register_workflow_type(domain=domain, name="flow", version="1", default_task_list={"name": "d"},
                                  default_child_policy="TERMINATE", default_task_start_to_close_timeout="30",
                                  default_execution_start_to_close_timeout="300")
    layer1.register_activity_type(domain=domain, name="act", version="1", default_task_list={"name": "w"},
                                  default_task_schedule_to_start_timeout="30", default_task_schedule_to_close_timeout="60",
                                  default_task_start_to_close_timeout="30", default_task_heartbeat_timeout="NONE")
    run_id = layer1.start_workflow_execution(domain=domain, workflow_id="lazy", workflow_type={"name": "flow", "version": "1"},
                                             input="hello")["runId"]
    task = layer1.poll_for_decision_task(domain=domain, task_list={"name": "d"}, identity="decider")
    layer1.respond_decision_task_completed(task_token=task["taskToken"], decisions=[{
        "decisionType": "ScheduleActivityTask", "scheduleActivityTaskDecisionAttributes": {
            "activityId": "a1", "activityType": {"name": "act", "version": "1"}, "input": "x"}}])
    work = layer1.poll_for_activity_task(domain=domain, task_list={"name": "w"}, identity="worker")
    layer1.respond_activity_task_completed(task_token=work["taskToken"], result="y")
    task = layer1.poll_for_decision_task(domain=domain, task_list={"name": "d"}, identity="decider",
                                         maximum_page_size=2)
    assert task.get("nextPageToken")  # more than one page: the lazy path is really exercised
    history = History.for_decision_task(layer1, task, domain=domain, task_list="d", identity="decider",
                                        maximum_page_size=2)
    state = history.fold()
    assert state.execution.input == "hello" and state.needs_decision
    assert (state.activities["a1"].status, state.activities["a1"].result) == ("completed", "y")
    assert [event.event_type for event in history.new_events()][-1] == "DecisionTaskStarted"
    assert state.previous_started_event_id == task["previousStartedEventId"]
    layer1.respond_decision_task_completed(task_token=task["taskToken"], decisions=[{
        "decisionType": "CompleteWorkflowExecution", "completeWorkflowExecutionDecisionAttributes": {"result": "z"}}])
    closed = History.for_execution(layer1, domain, {"workflowId": "lazy", "runId": run_id}, maximum_page_size=3).fold()
    assert (closed.execution.close_status, closed.execution.result) == ("COMPLETED", "z")
