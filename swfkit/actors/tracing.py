"""OpenTelemetry spans for SWF calls and tasks, used only when ``opentelemetry-api`` is installed.

::

    from swfkit.actors.tracing import TracingActorInterceptor, TracingCallInterceptor

    layer1 = Layer1(interceptors=[TracingCallInterceptor()])        # a CLIENT span per call
    worker = Worker(layer1, "demo", "work", interceptors=[TracingActorInterceptor()])  # a CONSUMER span per task

Importing this module imports no part of OpenTelemetry; building an interceptor does, and raises
``ConfigurationError`` saying what to install when it is missing. Spans go to the global tracer
provider unless one is given (``opentelemetry-sdk`` configures and exports them; with the API
alone they are no-ops).

A task span's parent is the trace context its input carries (``trace_fields``: the futures
envelope's ``trace`` field; for a decision task, the workflow's input), else whatever span is
current. While a call or task span is open it is the current span of the thread (or task) doing
the work, so spans the activity code opens, and the calls it makes, nest under it.

Where a task's span stops being current: a worker may send a task's answer, and so call
``task_closed``, from another thread than the one that ran the task (``pipelined_answers``), where
the context made current in ``task_started`` cannot be undone. So the thread that ran it undoes it
itself, the next time it polls (``poll_finished``, or a traced ``PollFor...`` call) or starts a task;
the span itself always ends in ``task_closed``. What was made current is tracked per context (a
thread's, or an asyncio task's for the async actors), so tasks sharing an event loop never undo
each other's.
"""
from __future__ import annotations

import contextvars
import sys
import threading
from collections import OrderedDict
from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from swfkit import __version__
from swfkit.exceptions import ConfigurationError
from swfkit.layer1.call_interceptors import CallInterceptor, CallOutcome

from .task_interceptors import FAILED, TIMED_OUT, ActorInterceptor, PollOutcome, TaskInfo, TaskOutcome
from .trace_fields import checked_trace, trace_of_input

__all__ = ["TracingCallInterceptor", "TracingActorInterceptor", "current_trace", "task_trace"]

#: Runs whose trace field a ``TracingActorInterceptor`` remembers (the most recently seen).
MAX_REMEMBERED_RUNS = 10_000

INSTALL_HINT = ("OpenTelemetry tracing needs the opentelemetry-api package: pip install opentelemetry-api "
                "(and opentelemetry-sdk to record and export spans)")


def _opentelemetry() -> Any:
    """The ``opentelemetry`` modules the interceptors use, imported on first need.

    Raises:
        ConfigurationError: ``opentelemetry-api`` is not installed (``setting="opentelemetry"``).
    """
    try:
        from opentelemetry import context, trace
        from opentelemetry.trace.propagation.tracecontext import TraceContextTextMapPropagator
    except ImportError as err:
        raise ConfigurationError("%s (%s)" % (INSTALL_HINT, err), setting="opentelemetry") from None
    return context, trace, TraceContextTextMapPropagator()


def current_trace() -> Optional[Dict[str, str]]:
    """The W3C trace context of the span current in this thread (or task), as a ``trace`` field.

    None when no valid span is current, and whenever OpenTelemetry was never imported in this process
    (then nothing can have opened a span): starting a workflow never imports it.
    """
    trace_api = sys.modules.get("opentelemetry.trace")
    if trace_api is None:
        return None
    if not trace_api.get_current_span().get_span_context().is_valid:
        return None
    _, _, propagator = _opentelemetry()
    carrier: Dict[str, str] = {}
    propagator.inject(carrier)
    return checked_trace(carrier)


def task_trace(task: TaskInfo) -> Optional[Dict[str, str]]:
    """The default extractor: the ``trace`` field of an activity task's input, or of a decision
    task's workflow input (as recorded: an offloaded input is not fetched for this).

    For a decision task, ``task.task`` is the poll's first page or a ``DecisionTask``. A first page
    that starts after WorkflowExecutionStarted (incremental history) is searched for an input the
    workflow's decider scheduled, which carries the same field (a futures decider copies it).
    """
    polled = task.task
    if task.kind == "activity":
        return trace_of_input(getattr(polled, "input", None))
    if isinstance(polled, Mapping):
        for event in polled.get("events") or ():
            key = _CARRYING_EVENTS.get(str(event.get("eventType"))) if isinstance(event, Mapping) else None
            if key is not None:
                found = trace_of_input((event.get(key) or {}).get("input"))
                if found is not None or key == "workflowExecutionStartedEventAttributes":
                    return found
        return None
    execution = getattr(getattr(polled, "state", None), "execution", None)
    return trace_of_input(getattr(execution, "input", None))


#: Events whose input carries a run's trace field (the workflow's own, or a copy of it).
_CARRYING_EVENTS = {
    "WorkflowExecutionStarted": "workflowExecutionStartedEventAttributes",
    "ActivityTaskScheduled": "activityTaskScheduledEventAttributes",
    "StartChildWorkflowExecutionInitiated": "startChildWorkflowExecutionInitiatedEventAttributes",
}


#: The task scopes made current in this context (a thread's, or an asyncio task's) and not undone
#: yet, innermost last. A tuple, so that a context copied from this one (the answer sent from a
#: responder thread, an asyncio task started by the task) never changes this one's.
_task_scopes: "contextvars.ContextVar[Tuple[_Scope, ...]]" = contextvars.ContextVar("swfkit_task_spans", default=())


def _release_tasks(context_api: Any, until: Any = None) -> None:
    """Undo, innermost first, the task scopes made current in this context (down to ``until``
    included, or all): their tasks are over (the thread is back to polling, or at the next task).
    Scopes made current on another thread (seen here through a copied context) are left alone."""
    scopes = _task_scopes.get()
    if not scopes:
        return
    here = threading.get_ident()
    kept = list(scopes)
    while kept and kept[-1].thread == here:
        scope = kept.pop()
        scope.detach(context_api)
        if scope is until:
            break
    if len(kept) != len(scopes):
        _task_scopes.set(tuple(kept))


class _Scope:
    """An open span and the token that made it current (undone on the thread that made it so)."""

    __slots__ = ("span", "token", "thread")

    def __init__(self, span: Any, token: Any) -> None:
        self.span = span
        self.token = token
        self.thread = threading.get_ident()

    def detach(self, context_api: Any) -> None:
        token, self.token = self.token, None
        if token is not None:
            try:
                context_api.detach(token)
            except Exception:  # pragma: no cover - opentelemetry logs and swallows its own errors
                pass


class TracingCallInterceptor(CallInterceptor):
    """A CLIENT span per SWF call: ``Layer1(interceptors=[TracingCallInterceptor()])``.

    The span is named ``SWF/<operation>`` and carries the OpenTelemetry semantic conventions for
    AWS SDK calls: ``rpc.system="aws-api"``, ``rpc.service="SWF"``, ``rpc.method``, and on a fault
    ``aws.request_id`` (when SWF answered), ``error.type`` (the fault code), error status and the
    exception as an event. swfkit's own: ``swf.domain`` (when the call names one), ``swf.attempts``
    (requests sent, retries included). Retries are inside the one span.

    Args:
        tracer_provider: an OpenTelemetry ``TracerProvider`` (default: the global one).

    Raises:
        ConfigurationError: ``opentelemetry-api`` is not installed.
    """

    def __init__(self, tracer_provider: Any = None) -> None:
        self._context, trace_api, _ = _opentelemetry()
        self._trace = trace_api
        self._tracer = trace_api.get_tracer("swfkit.layer1", __version__, tracer_provider=tracer_provider)
        self._client = trace_api.SpanKind.CLIENT

    def before_call(self, operation: str, params: Mapping[str, Any]) -> Any:
        """Open the call's span and make it current."""
        attributes: Dict[str, Any] = {"rpc.system": "aws-api", "rpc.service": "SWF", "rpc.method": operation}
        domain = params.get("domain")
        if isinstance(domain, str):
            attributes["swf.domain"] = domain
        if operation.startswith("PollFor") and "nextPageToken" not in params:
            _release_tasks(self._context)  # the thread is back to polling (not reading a history page)
        span = self._tracer.start_span("SWF/" + operation, kind=self._client, attributes=attributes)
        return _Scope(span, self._context.attach(self._trace.set_span_in_context(span)))

    def after_call(self, outcome: CallOutcome, state: Any) -> None:
        """Record attempts and any fault, end the span."""
        if not isinstance(state, _Scope):
            return
        span = state.span
        span.set_attribute("swf.attempts", outcome.attempts)
        if outcome.fault is not None:
            request_id = getattr(outcome.error, "request_id", None)
            if request_id:
                span.set_attribute("aws.request_id", request_id)
            span.set_attribute("error.type", outcome.fault)
            if outcome.error is not None:
                span.record_exception(outcome.error)
            span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, outcome.fault))
        state.detach(self._context)  # the call ran on this thread, between before_call and now
        span.end()


class TracingActorInterceptor(ActorInterceptor):
    """A CONSUMER span per task: ``Worker(..., interceptors=[TracingActorInterceptor()])``, ``Decider(...)``.

    Named ``activity <type>/<version>`` or ``decision <workflow type>/<version>``, with
    ``swf.domain``, ``swf.task_list``, ``swf.workflow.id``, ``swf.run_id``, ``swf.activity.id``
    (activity tasks), ``swf.started_event_id``, ``swf.type``, and when the task closed
    ``swf.task.outcome`` (completed, failed, canceled, timed_out) and ``swf.task.wait_time`` (seconds
    in the task list, when known). ``failed`` and ``timed_out`` set the error status (a failure's
    exception is recorded as an event).

    Args:
        tracer_provider: an OpenTelemetry ``TracerProvider`` (default: the global one).
        extract: ``TaskInfo -> trace field or None``: where a task's parent comes from (default
            ``task_trace``: the ``trace`` field of the task's input).

    Raises:
        ConfigurationError: ``opentelemetry-api`` is not installed.
    """

    def __init__(self, tracer_provider: Any = None,
                 extract: Callable[[TaskInfo], Optional[Mapping[str, str]]] = task_trace) -> None:
        self._context, trace_api, self._propagator = _opentelemetry()
        self._trace = trace_api
        self._tracer = trace_api.get_tracer("swfkit.actors", __version__, tracer_provider=tracer_provider)
        self._consumer = trace_api.SpanKind.CONSUMER
        self._extract = extract
        # run id -> its trace field, for the decision tasks whose first page shows none of it.
        self._runs: "OrderedDict[str, Mapping[str, str]]" = OrderedDict()
        self._runs_lock = threading.Lock()

    def _run_trace(self, task: TaskInfo, carried: Optional[Mapping[str, str]]) -> Optional[Mapping[str, str]]:
        """A decision task's trace field: the one found, remembered for the run's later decisions
        (their pages may start after anything carrying it), or the one remembered."""
        with self._runs_lock:
            if carried is not None:
                self._runs[task.run_id] = carried
                self._runs.move_to_end(task.run_id)
                if len(self._runs) > MAX_REMEMBERED_RUNS:
                    self._runs.popitem(last=False)
                return carried
            return self._runs.get(task.run_id)

    def poll_finished(self, poll: PollOutcome) -> None:
        """The thread is polling again: the span of the task it ran before is no longer current."""
        _release_tasks(self._context)

    def task_started(self, task: TaskInfo) -> Any:
        """Open the task's span (under the trace context its input carries) and make it current."""
        attributes: Dict[str, Any] = {
            "swf.domain": task.domain, "swf.task_list": task.task_list, "swf.workflow.id": task.workflow_id,
            "swf.run_id": task.run_id, "swf.started_event_id": task.started_event_id,
            "swf.type": "%s/%s" % (task.type_name, task.type_version)}
        if task.kind == "activity":
            attributes["swf.activity.id"] = task.task_id
        carried = self._extract(task)
        if task.kind == "decision":
            carried = self._run_trace(task, carried)
        parent = self._propagator.extract(dict(carried)) if carried else None
        _release_tasks(self._context)  # a task before this one on this thread is over
        span = self._tracer.start_span("%s %s/%s" % (task.kind, task.type_name, task.type_version), context=parent,
                                       kind=self._consumer, attributes=attributes)
        scope = _Scope(span, self._context.attach(self._trace.set_span_in_context(span)))
        _task_scopes.set(_task_scopes.get() + (scope,))
        return scope

    def task_closed(self, task: TaskInfo, outcome: TaskOutcome, state: Any) -> None:
        """Record the outcome, end the span."""
        if not isinstance(state, _Scope):
            return
        span = state.span
        span.set_attribute("swf.task.outcome", outcome.result)
        if outcome.wait_time is not None:
            span.set_attribute("swf.task.wait_time", outcome.wait_time)
        if outcome.result in (FAILED, TIMED_OUT):
            if outcome.error is not None:
                span.record_exception(outcome.error)
            description = outcome.reason if outcome.result == FAILED and outcome.reason else outcome.result
            span.set_status(self._trace.Status(self._trace.StatusCode.ERROR, description))
        if state in _task_scopes.get():
            _release_tasks(self._context, until=state)  # closed where it ran: undo it now
        span.end()
