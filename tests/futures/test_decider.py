"""FuturesDecider on the embedded server, the CLI hooks, Worker registration and the public names."""
from __future__ import annotations

import logging
import threading
from typing import Any

import pytest

from embedded_run import DOMAIN, client, events_of
from swfkit import futures
from swfkit.actors import Worker, ensure_registered


@futures.activity(task_list="hook-work", start_to_close_timeout=20)
def greet(name: str, punctuation: str = "!") -> str:
    return "hello " + name + punctuation


@futures.workflow(name="greeter", task_list="hook-decisions")
class Greeter:
    def run(self, name: str) -> str:
        return self.submit(greet, name, punctuation="?").result()


def test_public_names() -> None:
    assert sorted(futures.__all__) == sorted([
        "ALL", "ALL_COMPLETED", "FIRST_COMPLETED", "Activity", "ActivityFailed", "ActivityTimedOut",
        "CancelledError", "Chain", "ChildWorkflowFailed", "DoneAndNotDone", "Future", "FutureError", "FuturesDecider",
        "Group", "JSON", "JSONSerializer", "LocalExecution", "LocalRunner", "LocalSignal", "NonDeterministicWorkflowError",
        "ReplayOutcome", "ScheduleFailed", "Serializer", "SignalFailed", "Workflow", "WorkflowDeadlock",
        "WorkflowDefinition", "WorkflowFailed", "WorkflowUsageError", "activities_in", "activity", "definition_of",
        "replay", "run_local", "signal_handler", "wait", "workflow",
        "Divergence", "ReplayReport", "assert_replays", "load_history", "replay_history", "start", "workflow_input"])
    assert all(hasattr(futures, name) for name in futures.__all__)


def test_activity_is_registrable_on_a_worker_and_its_handler_speaks_the_wire(layer1: Any) -> None:
    worker = Worker(layer1, DOMAIN, "hook-work")
    greet.register(worker)
    definition = worker.activities[("greet", "1")]
    assert definition.registration == greet.swfkit_activity
    assert definition.func('{"args":["ann"],"kwargs":{"punctuation":"."}}') == '"hello ann."'
    assert greet("bob") == "hello bob!"
    assert futures.activities_in(__import__(__name__)) == [greet, shout]


def test_cli_hooks_run_local_and_decider(swf_endpoint: str) -> None:
    assert Greeter.swfkit_run_local('["ann"]') == '"hello ann?"'
    assert Greeter.swfkit_run_local('"ann"') == '"hello ann?"'  # a bare value is one argument
    decider = Greeter.swfkit_decider(client(swf_endpoint), domain=DOMAIN, identity="me")
    assert isinstance(decider, futures.FuturesDecider) and decider.task_list == "hook-decisions"
    assert decider.identity == "me" and Greeter.swfkit_workflow.name == "greeter"

    worker = Worker(client(swf_endpoint), DOMAIN, "hook-work")
    greet.register(worker)
    decider.ensure_registered()
    worker.ensure_registered()
    swf = client(swf_endpoint)
    run_id = swf.start_workflow_execution(domain=DOMAIN, workflow_id="greet-1", workflow_type={"name": "greeter",
                                          "version": "1"}, input='["ann"]')["runId"]
    execution = {"workflowId": "greet-1", "runId": run_id}
    threads = [threading.Thread(target=a.run, kwargs={"stop_after_tasks": n}, daemon=True)
               for a, n in ((decider, 2), (worker, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(20)
    events = events_of(swf, execution)
    assert events[-1]["eventType"] == "WorkflowExecutionCompleted"
    assert events[-1]["workflowExecutionCompletedEventAttributes"]["result"] == '"hello ann?"'


def test_run_local_hook_failure_raises_workflow_failed() -> None:
    @futures.workflow(name="hook_failing")
    class Failing:
        def run(self) -> None:
            raise ValueError("bad")
    with pytest.raises(futures.WorkflowFailed) as info:
        Failing.swfkit_run_local(None)
    assert info.value.reason == "ValueError" and "bad" in info.value.details


@futures.workflow(name="drifting", task_list="drift-decisions")
class Drifting:
    version_seen = "a"

    def run(self) -> str:
        chosen = greet if Drifting.version_seen == "a" else shout
        first = self.submit(chosen, "x").result()
        return first


@futures.activity(task_list="hook-work", start_to_close_timeout=20)
def shout(name: str) -> str:
    return name.upper()


def test_non_determinism_on_the_server_leaves_the_history_untouched(swf_endpoint: str,
                                                                   caplog: pytest.LogCaptureFixture) -> None:
    swf = client(swf_endpoint)
    decider = Drifting.swfkit_decider(client(swf_endpoint), domain=DOMAIN)
    worker = Worker(client(swf_endpoint), DOMAIN, "hook-work")
    greet.register(worker)
    shout.register(worker)
    ensure_registered(swf, DOMAIN, workflow_types=decider.workflow_types,
                      activity_types=[greet.swfkit_activity, shout.swfkit_activity])
    run_id = swf.start_workflow_execution(domain=DOMAIN, workflow_id="drift-1",
                                          workflow_type={"name": "drifting", "version": "1"})["runId"]
    execution = {"workflowId": "drift-1", "runId": run_id}
    Drifting.version_seen = "a"
    assert decider.run_once()           # schedules greet
    assert worker.run_once()            # completes it
    Drifting.version_seen = "b"         # "deploy" code that asks for shout at the same position
    try:
        with caplog.at_level(logging.ERROR, logger="swfkit.actors.decider"):
            assert decider.run_once()
    finally:
        Drifting.version_seen = "a"
    events = events_of(swf, execution)
    assert [e["eventType"] for e in events][-1] == "DecisionTaskStarted"  # no decisions recorded
    assert "NonDeterministicWorkflowError" in caplog.text and "event 5" in caplog.text
    assert "'greet'" in caplog.text and "'shout'" in caplog.text


def test_activities_and_deciders_survive_pickling_for_worker_processes(layer1: Any) -> None:
    import pickle

    assert pickle.loads(pickle.dumps(greet)) is greet
    handler = pickle.loads(pickle.dumps(greet.swfkit_handler))
    assert handler('["x"]') == '"hello x!"'
    decider = pickle.loads(pickle.dumps(Greeter.swfkit_decider(layer1, domain=DOMAIN)))
    assert decider.workflow_class({"name": "greeter", "version": "1"}) is Greeter


def test_bare_decorators_and_a_workflow_subclass() -> None:
    @futures.activity
    def triple(x: int) -> int:
        return x * 3

    @futures.workflow
    class Plain:
        def run(self, x: int) -> int:
            return self.submit(triple, x).result()

    class Sub(futures.Workflow):
        def run(self, x: int) -> int:
            return self.submit(triple, x + 1).result()
    decorated = futures.workflow(name="sub")(Sub)

    assert (triple.name, triple.version, triple(2)) == ("triple", "1", 6)
    assert Plain.swfkit_workflow.name == "Plain" and issubclass(Plain, futures.Workflow)
    assert decorated is Sub  # already a Workflow: kept as it is
    assert futures.run_local(Plain, 2) == 6 and futures.run_local(Sub, 2) == 9
