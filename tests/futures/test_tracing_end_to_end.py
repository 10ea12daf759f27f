"""End to end on the embedded server: a futures workflow started under a span carries the span's trace
context through the decider to its activities and child, whose task spans join the starter's trace.

``RECORD_HISTORY=1 python3 -m pytest tests/futures/test_tracing_end_to_end.py`` rewrites
trace_field_history.json (replayed by test_trace_envelope.py)."""
from __future__ import annotations

import json
import os
import time
from typing import Any, Dict, Iterator, List, Tuple

import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from conftest import attributes
from swfkit import futures
from swfkit.actors import Worker, ensure_registered, polling
from swfkit.actors.tracing import TracingActorInterceptor, TracingCallInterceptor
from swfkit.layer1 import Layer1
from test_trace_envelope import RECORDED, TracedChild, TracedParent, traced_greet

DOMAIN = "tracing"
CLOSED = ("WorkflowExecutionCompleted", "WorkflowExecutionFailed", "WorkflowExecutionTimedOut")


@pytest.fixture
def spans() -> Iterator[Tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


def client(endpoint: str, provider: TracerProvider) -> Layer1:
    return Layer1(endpoint_url=endpoint, region="us-east-1", aws_access_key_id="k", aws_secret_access_key="s",
                  interceptors=[TracingCallInterceptor(tracer_provider=provider)])


def history(swf: Layer1, execution: Dict[str, str]) -> List[Dict[str, Any]]:
    return [event for page in swf.paginate("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution)
            for event in page["events"]]


def scheduled_child_id(events: List[Dict[str, Any]]) -> str:
    (child,) = [attributes(e)["workflowId"] for e in events if e["eventType"] == "StartChildWorkflowExecutionInitiated"]
    return child


def run_traced(endpoint: str, provider: TracerProvider,
               **worker_options: Any) -> Tuple[Any, Dict[str, str], List[Dict[str, Any]]]:
    """Start TracedParent("Ada", times=2) under a span "checkout"; run it to its close."""
    tasks = TracingActorInterceptor(tracer_provider=provider)
    decider = futures.FuturesDecider(client(endpoint, provider), [TracedParent, TracedChild], domain=DOMAIN,
                                     interceptors=[tasks])
    worker = Worker(client(endpoint, provider), DOMAIN, "trace-work", interceptors=[tasks], **worker_options)
    traced_greet.register(worker)
    starter = client(endpoint, provider)
    ensure_registered(starter, DOMAIN, workflow_types=decider.workflow_types,
                      activity_types=[traced_greet.swfkit_activity])
    with polling(decider, worker):
        with provider.get_tracer("shop").start_as_current_span("checkout") as checkout:
            execution = futures.start(starter, TracedParent, args=("Ada",), kwargs={"times": 2}, domain=DOMAIN)
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            events = history(starter, execution)
            if events[-1]["eventType"] in CLOSED:
                break
            time.sleep(0.05)
    return checkout, execution, events


@pytest.mark.parametrize("worker_options", [{}, {"pipelined_answers": False}, {"threads": 3}],
                         ids=["answers-pipelined", "answers-inline", "threads"])
def test_the_trace_context_goes_from_the_starter_to_the_activities(swf_endpoint: str, spans: Any,
                                                                   worker_options: Dict[str, Any]) -> None:
    provider, exporter = spans
    checkout, execution, events = run_traced(swf_endpoint, provider, **worker_options)
    assert events[-1]["eventType"] == "WorkflowExecutionCompleted", events[-1]
    assert json.loads(attributes(events[-1])["result"]) == ["hello Ada!", "hello Ada!", "hello Ada?"]
    trace_id, span_id = checkout.get_span_context().trace_id, checkout.get_span_context().span_id
    traceparent = "00-%032x-%016x-%02x" % (trace_id, span_id, checkout.get_span_context().trace_flags)

    # The wire: the start's input, and every input the decider scheduled, carry the starter's span.
    started = json.loads(attributes(events[0])["input"])
    assert started == {"args": ["Ada"], "kwargs": {"times": 2}, "trace": {"traceparent": traceparent}}
    scheduled = [json.loads(attributes(e)["input"]) for e in events
                 if e["eventType"] in ("ActivityTaskScheduled", "StartChildWorkflowExecutionInitiated")]
    assert len(scheduled) == 3 and all(s["trace"] == {"traceparent": traceparent} for s in scheduled)

    # The spans: the start call under the starter's span, as a CLIENT span.
    finished = exporter.get_finished_spans()
    (start_call,) = [s for s in finished if s.name == "SWF/StartWorkflowExecution"]
    assert start_call.kind is SpanKind.CLIENT and start_call.parent.span_id == span_id

    # Every task's span is in the starter's trace: activities (of the parent and of the child) and
    # decisions under the starter's span, as the trace field carried it.
    in_trace = [s for s in finished if s.context.trace_id == trace_id]
    activities = [s for s in in_trace if s.name == "activity traced_greet/1"]
    decisions = [s for s in in_trace if s.name.startswith("decision ")]
    assert len(activities) == 3 and all(s.kind is SpanKind.CONSUMER for s in activities)
    assert all(s.parent.span_id == span_id for s in activities + decisions)
    assert {s.attributes["swf.workflow.id"] for s in activities} == {
        execution["workflowId"], scheduled_child_id(events)}
    assert all(s.attributes["swf.task.outcome"] == "completed" for s in activities + decisions)
    assert {s.name for s in decisions} == {"decision traced-parent/1", "decision traced-child/1"}
    # none outside the trace (later decision tasks' pages start after the workflow's input)
    assert len([s for s in finished if s.name.startswith("activity ")]) == 3
    assert len([s for s in finished if s.name.startswith("decision ")]) == len(decisions) >= 4
    # Each task's answer is sent under its span (from the worker's responder thread too) ...
    for task_span, answer in ((activities, "SWF/RespondActivityTaskCompleted"),
                              (decisions, "SWF/RespondDecisionTaskCompleted")):
        answers = [s for s in in_trace if s.name == answer]
        assert sorted(s.parent.span_id for s in answers) == sorted(s.context.span_id for s in task_span)
    # ... and the polls between tasks are not in the trace: a task's span stops being current.
    assert not [s.name for s in in_trace if s.name.startswith("SWF/PollFor")]

    if os.environ.get("RECORD_HISTORY") and not worker_options:
        with open(RECORDED, "w", encoding="utf-8") as handle:
            json.dump({"description": "TracedParent('Ada', times=2) started under a span, recorded on the embedded "
                       "server by tests/futures/test_tracing_end_to_end.py", "execution": execution, "events": events},
                      handle, indent=1)
            handle.write("\n")
