"""The hand-written two-step decider runs to completion on the embedded server."""
from __future__ import annotations

import importlib.util
import pathlib
from types import ModuleType

import pytest

EXAMPLE = pathlib.Path(__file__).resolve().parents[2] / "examples" / "two_step_decider.py"


def load_example() -> ModuleType:
    spec = importlib.util.spec_from_file_location("two_step_decider", EXAMPLE)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_example_imports_only_the_low_layers() -> None:
    import ast

    tree = ast.parse(EXAMPLE.read_text())
    modules = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    modules |= {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    parts = {name.split(".")[1] for name in modules if name.startswith("swfkit.")}
    assert parts == {"layer1", "history", "decisions", "exceptions", "server"}


def test_two_steps_run_in_order_and_the_result_comes_back(swf_endpoint: str) -> None:
    example = load_example()
    assert example.main(swf_endpoint, "hello", timeout=20.0) == "B(A(hello))"


def test_a_failing_step_fails_the_workflow(swf_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> None:
    example = load_example()

    def broken(data: str) -> str:
        raise ValueError("no B today")

    monkeypatch.setitem(example.ACTIVITIES, "StepB", broken)
    with pytest.raises(RuntimeError, match="WorkflowExecutionFailed"):
        example.main(swf_endpoint, "hello", timeout=20.0)


def test_decide_is_a_pure_function_of_the_state() -> None:
    example = load_example()
    from swfkit.history import History

    events = [
        {"eventId": 1, "eventType": "WorkflowExecutionStarted", "eventTimestamp": 1700000000.0,
         "workflowExecutionStartedEventAttributes": {
             "input": "x", "workflowType": example.WORKFLOW_TYPE, "taskList": example.TASK_LIST,
             "childPolicy": "TERMINATE", "executionStartToCloseTimeout": "600", "taskStartToCloseTimeout": "30"}},
        {"eventId": 2, "eventType": "DecisionTaskScheduled", "eventTimestamp": 1700000000.0,
         "decisionTaskScheduledEventAttributes": {"taskList": example.TASK_LIST, "startToCloseTimeout": "30"}},
        {"eventId": 3, "eventType": "DecisionTaskStarted", "eventTimestamp": 1700000001.0,
         "decisionTaskStartedEventAttributes": {"scheduledEventId": 2, "identity": "d"}},
    ]
    first = example.decide(History.from_events(events).fold()).to_list()
    assert [d["decisionType"] for d in first] == ["ScheduleActivityTask"]
    attributes = first[0]["scheduleActivityTaskDecisionAttributes"]
    assert attributes["activityType"] == example.STEP_A and attributes["input"] == "x"
    assert example.decide(History.from_events(events).fold()).to_list() == first  # deterministic


def test_script_runs_against_an_endpoint(swf_endpoint: str, run_example) -> None:  # type: ignore[no-untyped-def]
    done = run_example("two_step_decider.py", "--endpoint-url", swf_endpoint, "--input", "cli")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "B(A(cli))"


def test_script_defaults_to_an_embedded_server(run_example, monkeypatch: pytest.MonkeyPatch) -> None:  # type: ignore[no-untyped-def]
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):  # works without any credentials
        monkeypatch.delenv(name)
    done = run_example("two_step_decider.py", "--input", "embedded")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "B(A(embedded))"
