"""OpenTelemetry adapter: a CLIENT span per SWF call (against the embedded server), a CONSUMER span
per task parented by the trace context its input carries; a clear error without OpenTelemetry."""
from __future__ import annotations

import json
import sys
from typing import Any, Iterator, Tuple

import pytest

pytest.importorskip("opentelemetry.sdk")

from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from swfkit.actors import ActivityTask, DecisionTask
from swfkit.actors.task_interceptors import PollOutcome, TaskInfo, TaskOutcome
from swfkit.actors.trace_fields import checked_trace, trace_of_input, trace_from_environment, with_trace
from swfkit.actors.tracing import TracingActorInterceptor, TracingCallInterceptor, current_trace
from swfkit.exceptions import ConfigurationError, UnknownResourceFault
from swfkit.layer1 import Layer1
from swfkit.layer1.call_interceptors import CallOutcome

TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
TRACE_ID = 0x0af7651916cd43dd8448eb211c80319c
PARENT_SPAN_ID = 0xb7ad6b7169203331


@pytest.fixture
def spans() -> Iterator[Tuple[TracerProvider, InMemorySpanExporter]]:
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    yield provider, exporter
    provider.shutdown()


def traced_client(endpoint: str, provider: TracerProvider) -> Layer1:
    return Layer1(endpoint_url=endpoint, region="us-east-1", aws_access_key_id="k", aws_secret_access_key="s",
                  interceptors=[TracingCallInterceptor(tracer_provider=provider)])


# -- calls --------------------------------------------------------------------------------------------
def test_one_client_span_per_call_with_the_aws_sdk_attributes(swf_endpoint: str, spans: Any) -> None:
    provider, exporter = spans
    swf = traced_client(swf_endpoint, provider)
    swf.register_domain(name="traced", workflow_execution_retention_period_in_days="1")
    swf.describe_domain(name="traced")
    finished = exporter.get_finished_spans()
    assert [s.name for s in finished] == ["SWF/RegisterDomain", "SWF/DescribeDomain"]
    span = finished[1]
    assert span.kind is SpanKind.CLIENT
    assert dict(span.attributes) == {"rpc.system": "aws-api", "rpc.service": "SWF", "rpc.method": "DescribeDomain",
                                     "swf.attempts": 1}
    assert span.status.status_code is StatusCode.UNSET
    assert finished[0].attributes["swf.attempts"] == 1


def test_a_fault_sets_the_error_status_request_id_and_exception(swf_endpoint: str, spans: Any) -> None:
    provider, exporter = spans
    swf = traced_client(swf_endpoint, provider)
    with pytest.raises(UnknownResourceFault) as raised:
        swf.describe_domain(name="missing")
    (span,) = exporter.get_finished_spans()
    assert span.status.status_code is StatusCode.ERROR
    assert span.status.description == "UnknownResourceFault"
    assert span.attributes["error.type"] == "UnknownResourceFault"
    assert span.attributes["aws.request_id"] == raised.value.request_id and raised.value.request_id
    (event,) = span.events
    assert event.name == "exception" and event.attributes["exception.type"].endswith("UnknownResourceFault")


def test_a_call_span_is_a_child_of_the_current_span_and_current_while_it_runs(swf_endpoint: str, spans: Any) -> None:
    from swfkit.layer1.call_interceptors import CallInterceptor

    provider, exporter = spans
    seen = []

    class Peek(CallInterceptor):  # listed after the tracing one: called inside its span
        def before_call(self, operation: str, params: Any) -> Any:
            seen.append(trace.get_current_span().get_span_context().span_id)

    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1", aws_access_key_id="k", aws_secret_access_key="s",
                 interceptors=[TracingCallInterceptor(tracer_provider=provider), Peek()])
    with provider.get_tracer("test").start_as_current_span("request") as outer:
        with pytest.raises(UnknownResourceFault):
            swf.describe_domain(name="nowhere")
        assert trace.get_current_span() is outer  # the call's span is no longer current
    call, request = exporter.get_finished_spans()
    assert call.name == "SWF/DescribeDomain" and request.name == "request"
    assert call.parent.span_id == outer.get_span_context().span_id
    assert call.context.trace_id == outer.get_span_context().trace_id
    assert seen == [call.context.span_id]


# -- tasks --------------------------------------------------------------------------------------------
def activity_info(input: Any) -> TaskInfo:
    task = ActivityTask(task_token="t", activity_id="1-greet", activity_type={"name": "greet", "version": "1"},
                        input=input, workflow_execution={"workflowId": "w-1", "runId": "r-1"}, started_event_id=6)
    return TaskInfo("activity", "demo", "work", "greet", "1", "w-1", "r-1", "1-greet", 6, "host:1", task=task)


def test_an_activity_span_is_parented_by_the_trace_field_of_its_input(spans: Any) -> None:
    provider, exporter = spans
    tracer = TracingActorInterceptor(tracer_provider=provider)
    info = activity_info(json.dumps({"args": ["Ada"], "trace": {"traceparent": TRACEPARENT, "tracestate": "k=v"}}))
    state = tracer.task_started(info)
    assert trace.get_current_span().get_span_context().trace_id == TRACE_ID  # current while the activity runs
    tracer.task_closed(info, TaskOutcome("completed", 0.01), state)
    assert not trace.get_current_span().get_span_context().is_valid
    (span,) = exporter.get_finished_spans()
    assert span.name == "activity greet/1" and span.kind is SpanKind.CONSUMER
    assert span.context.trace_id == TRACE_ID and span.parent.span_id == PARENT_SPAN_ID and span.parent.is_remote
    assert span.context.trace_state.get("k") == "v"
    assert dict(span.attributes) == {
        "swf.domain": "demo", "swf.task_list": "work", "swf.workflow.id": "w-1", "swf.run_id": "r-1",
        "swf.started_event_id": 6, "swf.type": "greet/1", "swf.activity.id": "1-greet",
        "swf.task.outcome": "completed"}
    assert span.status.status_code is StatusCode.UNSET


@pytest.mark.parametrize("input", [None, "[1, 2]", '"trace"', "not json {", '{"trace": {"traceparent": "%s"}}' % TRACEPARENT,
                                   '{"args": [], "trace": {"traceparent": "00-00000000000000000000000000000000-b7ad6b7169203331-01"}}',
                                   "s3://offloaded/payload-reference"])
def test_without_a_valid_field_the_span_starts_a_trace_of_its_own(spans: Any, input: Any) -> None:
    provider, exporter = spans
    tracer = TracingActorInterceptor(tracer_provider=provider)
    info = activity_info(input)
    tracer.task_closed(info, TaskOutcome("completed", 0.0), tracer.task_started(info))
    (span,) = exporter.get_finished_spans()
    assert span.parent is None and span.context.trace_id != TRACE_ID


def test_a_failed_task_has_the_error_status_and_its_exception(spans: Any) -> None:
    provider, exporter = spans
    tracer = TracingActorInterceptor(tracer_provider=provider)
    info = activity_info("[1]")
    error = RuntimeError("boom")
    tracer.task_closed(info, TaskOutcome("failed", 0.1, reason="RuntimeError", error=error), tracer.task_started(info))
    info2 = activity_info("[2]")
    tracer.task_closed(info2, TaskOutcome("timed_out", 0.1), tracer.task_started(info2))
    info3 = activity_info("[3]")
    tracer.task_closed(info3, TaskOutcome("canceled", 0.1), tracer.task_started(info3))
    failed, timed_out, canceled = exporter.get_finished_spans()
    assert (failed.status.status_code, failed.status.description) == (StatusCode.ERROR, "RuntimeError")
    assert [e.name for e in failed.events] == ["exception"]
    assert (timed_out.status.status_code, timed_out.status.description) == (StatusCode.ERROR, "timed_out")
    assert canceled.status.status_code is StatusCode.UNSET
    assert [s.attributes["swf.task.outcome"] for s in (failed, timed_out, canceled)] == ["failed", "timed_out", "canceled"]


def test_a_decision_span_is_parented_by_the_workflow_input(spans: Any) -> None:
    from swfkit.history import History

    provider, exporter = spans
    events = [
        {"eventId": 1, "eventType": "WorkflowExecutionStarted", "eventTimestamp": 0,
         "workflowExecutionStartedEventAttributes": {
             "workflowType": {"name": "Greeter", "version": "1"}, "taskList": {"name": "deciders"},
             "input": json.dumps({"args": [], "trace": {"traceparent": TRACEPARENT}}), "childPolicy": "TERMINATE",
             "executionStartToCloseTimeout": "60", "taskStartToCloseTimeout": "10"}},
        {"eventId": 2, "eventType": "DecisionTaskScheduled", "eventTimestamp": 0,
         "decisionTaskScheduledEventAttributes": {"taskList": {"name": "deciders"}, "startToCloseTimeout": "10"}},
        {"eventId": 3, "eventType": "DecisionTaskStarted", "eventTimestamp": 1,
         "decisionTaskStartedEventAttributes": {"scheduledEventId": 2}},
    ]
    history = History.from_events(events)
    task = DecisionTask("t", {"workflowId": "w-1", "runId": "r-1"}, {"name": "Greeter", "version": "1"}, 3, 0,
                        history, history.fold())
    info = TaskInfo("decision", "demo", "deciders", "Greeter", "1", "w-1", "r-1", "3", 3, "host:1", task=task)
    tracer = TracingActorInterceptor(tracer_provider=provider)
    tracer.task_closed(info, TaskOutcome("completed", 0.01, wait_time=1.0), tracer.task_started(info))
    (span,) = exporter.get_finished_spans()
    assert span.name == "decision Greeter/1" and span.parent.span_id == PARENT_SPAN_ID
    assert "swf.activity.id" not in span.attributes and span.attributes["swf.task.wait_time"] == 1.0


def test_a_decision_span_is_parented_by_the_workflow_input_in_the_polls_first_page(spans: Any) -> None:
    provider, exporter = spans
    page = {"taskToken": "t", "startedEventId": 3, "workflowExecution": {"workflowId": "w-1", "runId": "r-1"},
            "workflowType": {"name": "Greeter", "version": "1"},
            "events": [{"eventId": 1, "eventType": "WorkflowExecutionStarted", "workflowExecutionStartedEventAttributes": {
                "input": json.dumps({"args": [], "trace": {"traceparent": TRACEPARENT}})}}]}
    info = TaskInfo("decision", "demo", "deciders", "Greeter", "1", "w-1", "r-1", "3", 3, "host:1", task=page)
    tracer = TracingActorInterceptor(tracer_provider=provider)
    tracer.task_closed(info, TaskOutcome("completed", 0.01), tracer.task_started(info))
    info = TaskInfo("decision", "demo", "deciders", "Greeter", "1", "w-2", "r-2", "3", 3, "host:1",
                    task=dict(page, events=[]))
    tracer.task_closed(info, TaskOutcome("completed", 0.01), tracer.task_started(info))
    traced, untraced = exporter.get_finished_spans()
    assert traced.parent.span_id == PARENT_SPAN_ID and untraced.parent is None


def test_later_decision_pages_find_the_field_in_what_was_scheduled_or_remembered(spans: Any) -> None:
    provider, exporter = spans
    tracer = TracingActorInterceptor(tracer_provider=provider)

    def decide(run_id: str, events: Any) -> Any:
        page = {"startedEventId": 9, "workflowExecution": {"workflowId": "w", "runId": run_id},
                "workflowType": {"name": "Greeter", "version": "1"}, "events": events}
        info = TaskInfo("decision", "demo", "deciders", "Greeter", "1", "w", run_id, "9", 9, "host:1", task=page)
        tracer.task_closed(info, TaskOutcome("completed", 0.0), tracer.task_started(info))
        return exporter.get_finished_spans()[-1]

    carried = json.dumps({"args": [1], "trace": {"traceparent": TRACEPARENT}})
    incremental = [{"eventId": 4, "eventType": "DecisionTaskCompleted"},
                   {"eventId": 5, "eventType": "ActivityTaskScheduled",
                    "activityTaskScheduledEventAttributes": {"activityId": "1-greet", "input": carried}},
                   {"eventId": 6, "eventType": "ActivityTaskStarted"}]
    assert decide("r-1", incremental).parent.span_id == PARENT_SPAN_ID
    assert decide("r-1", [{"eventId": 12, "eventType": "TimerFired"}]).parent.span_id == PARENT_SPAN_ID  # remembered
    assert decide("r-2", [{"eventId": 12, "eventType": "TimerFired"}]).parent is None  # never seen


def test_a_task_closed_on_another_thread_stops_being_current_when_its_thread_polls_again(spans: Any) -> None:
    """A pipelined worker answers (and calls task_closed) from its responder thread."""
    import threading

    provider, exporter = spans
    tracer = TracingActorInterceptor(tracer_provider=provider)
    info = activity_info("[1]")
    state = tracer.task_started(info)
    task_span = trace.get_current_span()
    closer = threading.Thread(target=tracer.task_closed, args=(info, TaskOutcome("completed", 0.0), state))
    closer.start()
    closer.join()
    assert [s.name for s in exporter.get_finished_spans()] == ["activity greet/1"]  # ended over there
    assert trace.get_current_span() is task_span  # still current here: only this thread can undo it
    tracer.poll_finished(PollOutcome("activity", "demo", "work", 0.1, False))
    assert not trace.get_current_span().get_span_context().is_valid

    # The same with the next task instead of a poll: it is not a child of the one before.
    first = tracer.task_started(activity_info("[2]"))
    closer = threading.Thread(target=tracer.task_closed, args=(info, TaskOutcome("completed", 0.0), first))
    closer.start()
    closer.join()
    second = tracer.task_started(activity_info("[3]"))
    tracer.task_closed(info, TaskOutcome("completed", 0.0), second)
    assert not trace.get_current_span().get_span_context().is_valid
    assert second.span.parent is None


def test_tasks_interleaved_on_an_event_loop_each_see_their_own_span(spans: Any, caplog: pytest.LogCaptureFixture) -> None:
    """As the async actors call the hooks: task_started and task_closed in each task's own asyncio task."""
    import asyncio

    provider, exporter = spans
    tracer = TracingActorInterceptor(tracer_provider=provider)
    seen = {}

    async def serve(name: str, first: asyncio.Event, second: asyncio.Event) -> None:
        info = activity_info(json.dumps([name]))
        state = tracer.task_started(info)
        await first.wait()          # the other task starts (and here, ends) meanwhile
        work = asyncio.get_running_loop().create_task(asyncio.sleep(0, trace.get_current_span()))
        seen[name] = (trace.get_current_span(), await work)  # the activity's own asyncio task inherits it
        second.set()
        tracer.task_closed(info, TaskOutcome("completed", 0.0), state)
        assert not trace.get_current_span().get_span_context().is_valid

    async def main() -> None:
        a_go, b_go = asyncio.Event(), asyncio.Event()
        a = asyncio.get_running_loop().create_task(serve("a", a_go, b_go))
        await asyncio.sleep(0)
        b = asyncio.get_running_loop().create_task(serve("b", b_go, asyncio.Event()))
        await asyncio.sleep(0)
        tracer.poll_finished(PollOutcome("activity", "demo", "work", 0.0, True))  # the poll loop, in between
        a_go.set()
        await asyncio.gather(a, b)

    asyncio.run(main())
    assert len(exporter.get_finished_spans()) == 2
    (a_current, a_in_work), (b_current, b_in_work) = seen["a"], seen["b"]
    assert a_current is a_in_work and b_current is b_in_work and a_current is not b_current
    assert {a_current.get_span_context().span_id, b_current.get_span_context().span_id} == \
        {s.context.span_id for s in exporter.get_finished_spans()}
    assert not [r for r in caplog.records if "detach" in r.getMessage()]


def test_a_traced_poll_ends_the_current_task_but_a_history_page_does_not(spans: Any) -> None:
    provider, exporter = spans
    tracer = TracingActorInterceptor(tracer_provider=provider)
    calls = TracingCallInterceptor(tracer_provider=provider)
    info = activity_info("[1]")
    tracer.task_started(info)
    task_span = trace.get_current_span()
    page_call = calls.before_call("PollForDecisionTask", {"domain": "demo", "nextPageToken": "p2"})
    assert page_call.span.parent.span_id == task_span.get_span_context().span_id
    calls.after_call(CallOutcome("PollForDecisionTask", 0.0, 1), page_call)
    assert trace.get_current_span() is task_span
    poll = calls.before_call("PollForActivityTask", {"domain": "demo"})
    assert poll.span.parent is None
    calls.after_call(CallOutcome("PollForActivityTask", 0.0, 1), poll)
    assert not trace.get_current_span().get_span_context().is_valid


def test_an_extractor_of_ones_own(spans: Any) -> None:
    provider, exporter = spans
    tracer = TracingActorInterceptor(tracer_provider=provider, extract=lambda task: {"traceparent": TRACEPARENT})
    info = activity_info("[1]")
    tracer.task_closed(info, TaskOutcome("completed", 0.0), tracer.task_started(info))
    assert exporter.get_finished_spans()[0].context.trace_id == TRACE_ID


# -- the field and the current span ------------------------------------------------------------------------
def test_current_trace_is_the_current_spans_context(spans: Any) -> None:
    provider, _ = spans
    assert current_trace() is None
    with provider.get_tracer("test").start_as_current_span("starter") as span:
        field = current_trace()
    context = span.get_span_context()
    assert field == {"traceparent": "00-%032x-%016x-%02x" % (context.trace_id, context.span_id, context.trace_flags)}


def test_the_field_is_checked_as_w3c_trace_context() -> None:
    assert checked_trace({"traceparent": TRACEPARENT, "tracestate": "a=1", "baggage": "x"}) == \
        {"traceparent": TRACEPARENT, "tracestate": "a=1"}
    assert checked_trace({"traceparent": TRACEPARENT, "tracestate": 3}) == {"traceparent": TRACEPARENT}
    for bad in (None, [], {}, {"traceparent": TRACEPARENT.upper()}, {"traceparent": TRACEPARENT + "-x"},
                {"traceparent": "ff" + TRACEPARENT[2:]}, {"traceparent": TRACEPARENT[:-1]},
                {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01"}):
        assert checked_trace(bad) is None, bad
    assert checked_trace({"traceparent": "01" + TRACEPARENT[2:] + "-future"}) is not None  # later versions may extend
    assert trace_of_input('{"kwargs": {"a": 1}, "trace": {"traceparent": "%s"}}' % TRACEPARENT) == \
        {"traceparent": TRACEPARENT}


def test_with_trace_wraps_any_input_into_an_envelope() -> None:
    field = {"traceparent": TRACEPARENT}
    assert json.loads(with_trace("[1, 2]", field)) == {"args": [1, 2], "trace": field}
    assert json.loads(with_trace(None, field)) == {"args": [], "trace": field}
    assert json.loads(with_trace('{"args": [1], "kwargs": {"a": 2}, "trace": {"traceparent": "old"}}', field)) == \
        {"args": [1], "kwargs": {"a": 2}, "trace": field}
    assert json.loads(with_trace('{"name": "Ada"}', field)) == {"args": [{"name": "Ada"}], "trace": field}
    assert json.loads(with_trace('"Ada"', field)) == {"args": ["Ada"], "trace": field}
    with pytest.raises(ValueError):
        with_trace("[1]", {"traceparent": "nope"})


def test_trace_from_environment() -> None:
    assert trace_from_environment({}) is None
    assert trace_from_environment({"TRACEPARENT": TRACEPARENT, "TRACESTATE": "a=1"}) == \
        {"traceparent": TRACEPARENT, "tracestate": "a=1"}
    with pytest.raises(ValueError, match="TRACEPARENT"):
        trace_from_environment({"TRACEPARENT": "garbage"})


def test_without_opentelemetry_building_an_interceptor_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in sys.modules if n == "opentelemetry" or n.startswith("opentelemetry.")]:
        monkeypatch.setitem(sys.modules, name, None)  # import of a None entry raises ImportError
    monkeypatch.setitem(sys.modules, "opentelemetry", None)
    for cls in (TracingCallInterceptor, TracingActorInterceptor):
        with pytest.raises(ConfigurationError, match="pip install opentelemetry-api") as raised:
            cls()
        assert raised.value.setting == "opentelemetry"
