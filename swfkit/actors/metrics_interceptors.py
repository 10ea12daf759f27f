"""Interceptors counting what actors and clients do into a ``MetricsRegistry``.

``TaskMetrics`` is an actor interceptor (``Worker``/``Decider``/async actors' ``interceptors=``),
``CallMetrics`` a client one (``Layer1``/``AsyncLayer1``'s ``interceptors=``); give both the same
registry and serve it with ``swfkit.actors.prometheus_exporter``. The metric names are in
``METRICS`` (and docs/observability.md).
"""
from __future__ import annotations

from typing import Any, Optional, Tuple

from ..layer1.call_interceptors import CallInterceptor, CallOutcome
from .metrics_registry import DURATION_BUCKETS, MetricsRegistry
from .task_interceptors import ActorInterceptor, PollOutcome, TaskInfo, TaskOutcome

__all__ = ["TaskMetrics", "CallMetrics", "METRICS", "declare_metrics"]

POLL_LABELS = ("kind", "domain", "task_list")
TASK_LABELS = ("kind", "domain", "task_list", "type", "version")

#: Upper bounds (seconds) of the call duration buckets: long polls are held up to 60 s.
CALL_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 75.0)

#: name -> (kind, labels, help, buckets): every family the two interceptors write.
METRICS = {
    "swfkit_polls_total": ("counter", POLL_LABELS + ("outcome",),
                           "Long polls ended, by outcome: task (a task came), empty, error.", ()),
    "swfkit_poll_errors_total": ("counter", POLL_LABELS + ("error",),
                                 "Long polls that raised, by fault code or exception type (the loop retries them).", ()),
    "swfkit_tasks_started_total": ("counter", TASK_LABELS,
                                   "Tasks handed to the code (do / decide), per task list and type.", ()),
    "swfkit_tasks_closed_total": ("counter", TASK_LABELS + ("result",),
                                  "Tasks ended, by result: completed, failed, canceled, timed_out.", ()),
    "swfkit_task_wait_seconds": ("histogram", TASK_LABELS,
                                 "Seconds tasks waited in their task list (scheduled to started), where known "
                                 "(decision tasks).", DURATION_BUCKETS),
    "swfkit_task_run_seconds": ("histogram", TASK_LABELS,
                                "Seconds from a task's start to its answer.", DURATION_BUCKETS),
    "swfkit_layer1_calls_total": ("counter", ("operation",), "SWF operations called (retries inside one call).", ()),
    "swfkit_layer1_faults_total": ("counter", ("operation", "fault"),
                                   "SWF operations that raised, by fault code (ValidationError, TransportError "
                                   "for what got no answer).", ()),
    "swfkit_layer1_call_duration_seconds": ("histogram", ("operation",),
                                            "Seconds per SWF operation, retries and backoff included.", CALL_BUCKETS),
}


def declare_metrics(registry: MetricsRegistry) -> MetricsRegistry:
    """Declare every family of ``METRICS`` in ``registry`` (idempotent); returns it."""
    for name, (kind, labels, help_text, buckets) in METRICS.items():
        if kind == "counter":
            registry.counter(name, help_text, labels)
        else:
            registry.histogram(name, help_text, labels, buckets)
    return registry


class TaskMetrics(ActorInterceptor):
    """Counts polls and tasks, and times tasks, into ``registry`` (a new one if not given).

    Args:
        registry: where to count (shared with a ``CallMetrics`` and an exporter).
    """

    def __init__(self, registry: Optional[MetricsRegistry] = None) -> None:
        self.registry = declare_metrics(registry if registry is not None else MetricsRegistry())

    def poll_finished(self, poll: PollOutcome) -> None:
        labels = (poll.kind, poll.domain, poll.task_list)
        if poll.error is not None:
            self.registry.inc("swfkit_polls_total", labels + ("error",))
            error = getattr(poll.error, "code", None) or type(poll.error).__name__
            self.registry.inc("swfkit_poll_errors_total", labels + (str(error),))
        else:
            self.registry.inc("swfkit_polls_total", labels + ("task" if poll.got_task else "empty",))

    def task_started(self, task: TaskInfo) -> Any:
        self.registry.inc("swfkit_tasks_started_total", _task_labels(task))
        return None

    def task_closed(self, task: TaskInfo, outcome: TaskOutcome, state: Any) -> None:
        labels = _task_labels(task)
        self.registry.inc("swfkit_tasks_closed_total", labels + (outcome.result,))
        self.registry.observe("swfkit_task_run_seconds", labels, outcome.run_time)
        if outcome.wait_time is not None:
            self.registry.observe("swfkit_task_wait_seconds", labels, outcome.wait_time)


class CallMetrics(CallInterceptor):
    """Counts and times every SWF operation a client sends, and its faults, into ``registry``.

    Args:
        registry: where to count (shared with a ``TaskMetrics`` and an exporter).
    """

    def __init__(self, registry: Optional[MetricsRegistry] = None) -> None:
        self.registry = declare_metrics(registry if registry is not None else MetricsRegistry())

    def after_call(self, outcome: CallOutcome, state: Any) -> None:
        labels = (outcome.operation,)
        self.registry.inc("swfkit_layer1_calls_total", labels)
        if outcome.fault is not None:
            self.registry.inc("swfkit_layer1_faults_total", (outcome.operation, outcome.fault))
        self.registry.observe("swfkit_layer1_call_duration_seconds", labels, outcome.duration)


def _task_labels(task: TaskInfo) -> Tuple[str, ...]:
    return (task.kind, task.domain, task.task_list, task.type_name, task.type_version)
