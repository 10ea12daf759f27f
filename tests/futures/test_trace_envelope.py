"""The ``trace`` field of the input envelope: never an argument, old inputs unchanged, copied by the
decider into what it schedules (the same on every replay), added by ``start`` under a current span."""
from __future__ import annotations

import json
import pathlib
from typing import Any, Dict, List

import pytest

from conftest import attributes
from swfkit import futures
from swfkit.futures import JSON, LocalRunner, assert_replays, load_history, replay_history
from swfkit.futures.serializers import decode_args, encode_args

TRACE = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01", "tracestate": "vendor=1"}
RECORDED = pathlib.Path(__file__).with_name("trace_field_history.json")


@futures.activity(task_list="trace-work", start_to_close_timeout=30)
def traced_greet(name: str, punctuation: str = "!") -> str:
    return "hello " + name + punctuation


@futures.workflow(name="traced-child", task_list="trace-deciders")
class TracedChild:
    def run(self, name: str) -> str:
        return self.submit(traced_greet, name, punctuation="?").result()


@futures.workflow(name="traced-parent", task_list="trace-deciders")
class TracedParent:
    def run(self, name: str, times: int = 1) -> List[str]:
        greetings = [f.result() for f in self.map(traced_greet, [name] * times)]
        greetings.append(self.submit(TracedChild, name).result())
        return greetings


@futures.workflow(name="traced-loop", task_list="trace-deciders")
class TracedLoop:
    def run(self, left: int) -> int:
        self.submit(traced_greet, str(left)).result()
        if left:
            self.continue_as_new(left - 1)
        return 0


# -- encoding ------------------------------------------------------------------------------------------
@pytest.mark.parametrize("args, kwargs", [((), {}), ((1, "a"), {}), ((1,), {"b": [2]}), ((), {"only": None})])
def test_the_field_round_trips_and_is_never_an_argument(args: Any, kwargs: Any) -> None:
    text = encode_args(JSON, args, kwargs, "test", TRACE)
    envelope = json.loads(text)
    assert envelope["trace"] == TRACE and envelope["args"] == list(args)
    assert ("kwargs" in envelope) == bool(kwargs)
    assert decode_args(JSON, text) == (args, kwargs)


def test_without_a_field_the_encoding_is_unchanged() -> None:
    assert encode_args(JSON, (1, 2), {}, "test") == "[1,2]"
    assert encode_args(JSON, (1,), {"b": 2}, "test") == '{"args":[1],"kwargs":{"b":2}}'


@pytest.mark.parametrize("text, decoded", [
    (None, ((), {})), ("", ((), {})), ("[3]", ((3,), {})), ('{"args": [1], "kwargs": {"b": 2}}', ((1,), {"b": 2})),
    ('{"kwargs": {"b": 2}}', ((), {"b": 2})), ('"text"', (("text",), {})), ("{}", (({},), {})),
    ('{"name": "Ada"}', (({"name": "Ada"},), {})),
    # a dict of "trace" alone was, and stays, one argument; an envelope's trace may be anything
    ('{"trace": {"traceparent": "x"}}', (({"trace": {"traceparent": "x"}},), {})),
    ('{"args": [1], "trace": "not a trace context"}', ((1,), {})),
    ('{"args": [1], "other": 2}', (({"args": [1], "other": 2},), {})),
])
def test_old_inputs_decode_as_before(text: Any, decoded: Any) -> None:
    assert decode_args(JSON, text) == decoded


# -- the decider copies the workflow's field -------------------------------------------------------------
def scheduled_inputs(events: List[Dict[str, Any]]) -> List[Any]:
    return [json.loads(attributes(e)["input"]) for e in events
            if e["eventType"] in ("ActivityTaskScheduled", "StartChildWorkflowExecutionInitiated")]


def test_activities_and_children_get_the_workflows_trace_field() -> None:
    input = json.dumps({"args": ["Ada"], "kwargs": {"times": 2}, "trace": TRACE})
    done = LocalRunner().run(TracedParent, input)
    assert json.loads(done.result) == ["hello Ada!", "hello Ada!", "hello Ada?"]
    parent = scheduled_inputs(done.runs[0])
    assert parent == [{"args": ["Ada"], "trace": TRACE}] * 2 + [{"args": ["Ada"], "trace": TRACE}]
    child = LocalRunner().run(TracedChild, json.dumps(parent[-1]))  # what the child is started with
    assert scheduled_inputs(child.runs[0]) == [{"args": ["Ada"], "kwargs": {"punctuation": "?"}, "trace": TRACE}]


def test_without_a_field_nothing_is_added() -> None:
    done = LocalRunner().run(TracedParent, json.dumps(["Ada"]))
    assert scheduled_inputs(done.runs[0]) == [["Ada"], ["Ada"]]


def test_an_invalid_field_is_not_copied() -> None:
    done = LocalRunner().run(TracedParent, json.dumps({"args": ["Ada"], "trace": {"traceparent": "garbage"}}))
    assert scheduled_inputs(done.runs[0]) == [["Ada"], ["Ada"]]


def test_continue_as_new_keeps_the_field() -> None:
    done = LocalRunner().run(TracedLoop, json.dumps({"args": [2], "trace": TRACE}))
    assert len(done.runs) == 3
    for run in done.runs:
        assert json.loads(attributes(run[0])["input"])["trace"] == TRACE
        assert scheduled_inputs(run)[0]["trace"] == TRACE


# -- replay ------------------------------------------------------------------------------------------------
def test_a_history_with_the_field_replays_cleanly_and_the_field_is_checked() -> None:
    done = LocalRunner().run(TracedParent, json.dumps({"args": ["Ada"], "trace": TRACE}))
    ids = {"workflow_id": done.workflow_id, "run_id": done.workflow_id + "-run-1"}  # the local runner's
    events = done.runs[0]
    assert replay_history(TracedParent, events, **ids).clean
    # The recorded inputs hold the field: a replay that did not copy it would diverge, so it is compared.
    stripped = json.loads(json.dumps(events))
    attributes(stripped[0])["input"] = json.dumps(["Ada"])
    divergence = replay_history(TracedParent, stripped, **ids).divergence
    assert divergence is not None and divergence.event_id == 5 and '"trace"' in divergence.recorded


def test_a_history_recorded_on_the_server_replays_cleanly() -> None:
    """Recorded by test_tracing_end_to_end.py (RECORD_HISTORY=1) from a run started under a span."""
    events = load_history(RECORDED)
    assert attributes(events[0])["input"].count('"trace"') == 1
    assert all("trace" in value for value in scheduled_inputs(events))
    execution = json.loads(RECORDED.read_text())["execution"]  # child ids derive from it
    assert_replays(TracedParent, RECORDED, workflow_id=execution["workflowId"], run_id=execution["runId"])


# -- start -------------------------------------------------------------------------------------------------
def test_workflow_input_has_no_field_without_a_current_span() -> None:
    assert futures.workflow_input(TracedParent, "Ada") == '["Ada"]'
    assert futures.workflow_input(TracedParent, "Ada", times=2) == '{"args":["Ada"],"kwargs":{"times":2}}'


def test_workflow_input_carries_the_current_span() -> None:
    pytest.importorskip("opentelemetry.sdk")
    from opentelemetry.sdk.trace import TracerProvider

    provider = TracerProvider()
    with provider.get_tracer("test").start_as_current_span("starter") as span:
        text = futures.workflow_input(TracedParent, "Ada")
    context = span.get_span_context()
    assert json.loads(text) == {"args": ["Ada"], "trace": {
        "traceparent": "00-%032x-%016x-%02x" % (context.trace_id, context.span_id, context.trace_flags)}}
    assert decode_args(JSON, text) == (("Ada",), {})
