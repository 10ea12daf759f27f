"""``@activity`` and ``@workflow``: plain Python functions and classes, described for SWF.

An ``@activity`` stays callable as the plain function it decorates; what a worker runs is its
``swfkit_handler`` (wire input in, wire result out). An ``@workflow`` class gains the
``Workflow`` methods (``submit``, ``sleep``...) and the hooks the CLI looks for
(``swfkit_decider``, ``swfkit_run_local``).
"""
from __future__ import annotations

import dataclasses
import functools
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar, Union

from swfkit.actors import ActivityTypeRegistration, WorkflowTypeRegistration
from swfkit.actors.failures import cut
from swfkit.actors.registration import timeout_text
from swfkit.decisions.rules import check_shape
from swfkit.exceptions import ValidationError
from swfkit.futures.serializers import JSON, decode_args, encode_value
from swfkit.futures.workflow_api import Workflow
from swfkit.spec.limits import MAX_DATA_LENGTH, MAX_HISTORY_EVENTS

__all__ = ["Activity", "activity", "workflow", "signal_handler", "WorkflowDefinition", "WORKFLOWS",
           "definition_of", "activities_in"]

C = TypeVar("C", bound=type)
Timeout = Union[int, str, None]
SIGNAL_ATTRIBUTE = "_swfkit_signal_name"

#: Every ``@workflow`` class by (name, version): how a decider finds child workflow types.
WORKFLOWS: Dict[Tuple[str, str], type] = {}


def _check_type(where: str, name: str, version: str) -> None:
    for value, shape, path in ((name, "Name", "name"), (version, "Version", "version")):
        try:
            check_shape(value, shape, path)
        except ValidationError as err:
            raise ValidationError(where, err.path, err.rule) from None


class Activity:
    """An activity type bound to a Python function (made by ``@activity``).

    Calling it calls the function. ``swfkit_activity`` is its ``ActivityTypeRegistration``;
    ``swfkit_handler`` the callable a ``swfkit.actors.Worker`` runs; ``register(worker)`` adds it.
    """

    __qualname__: str  # the function's, copied onto the instance by functools.update_wrapper

    def __init__(self, func: Callable[..., Any], registration: ActivityTypeRegistration, *, retry: int,
                 backoff: Optional[float], idempotent: bool, serializer: Any) -> None:
        self.func = func
        self.swfkit_activity = registration
        self.name, self.version = registration.name, registration.version
        self.retry, self.backoff, self.idempotent = retry, backoff, idempotent
        self.serializer = serializer
        # Precomputed for the replay's hot path.
        self.wire_type = {"name": self.name, "version": self.version}
        self.short_name = len(self.name) <= 200
        self.submit_where = "submit(%s)" % self.name
        functools.update_wrapper(self, func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.func(*args, **kwargs)

    def __reduce__(self) -> str:
        # Pickled by reference (a module-level name), so a Worker with it can run in child processes.
        return self.__qualname__

    def __repr__(self) -> str:
        return "<activity %s/%s (%s)>" % (self.name, self.version, getattr(self.func, "__qualname__", self.func))

    def swfkit_handler(self, input: Optional[str]) -> Optional[str]:
        """Run the function on a wire input; the wire result (what a Worker sends back)."""
        args, kwargs = decode_args(self.serializer, input)
        value = self.func(*args, **kwargs)
        return encode_value(self.serializer, value, "activity %s/%s" % (self.name, self.version))

    def register(self, worker: Any) -> Any:
        """Register on a ``swfkit.actors.Worker`` (with the type's defaults); returns the handler."""
        defaults = {f.name: getattr(self.swfkit_activity, f.name) for f in dataclasses.fields(self.swfkit_activity)
                    if f.name not in ("name", "version")}
        return worker.register(self.swfkit_handler, name=self.name, version=self.version, **defaults)

    def schedule_options(self) -> Dict[str, Any]:
        """The per-decision overrides for ``schedule_activity_task`` (None: the type's default)."""
        r = self.swfkit_activity
        return {"task_list": r.task_list, "task_priority": r.task_priority,
                "schedule_to_start_timeout": r.schedule_to_start_timeout,
                "start_to_close_timeout": r.start_to_close_timeout,
                "schedule_to_close_timeout": r.schedule_to_close_timeout,
                "heartbeat_timeout": r.heartbeat_timeout}


def activity(name: Optional[str] = None, version: str = "1", *, task_list: Optional[str] = None,
             task_priority: Optional[int] = None, schedule_to_start_timeout: Timeout = "NONE",
             start_to_close_timeout: Timeout = 3600, schedule_to_close_timeout: Timeout = "NONE",
             heartbeat_timeout: Timeout = "NONE", retry: int = 0, backoff: Optional[float] = None,
             idempotent: bool = False, serializer: Any = None,
             description: Optional[str] = None) -> Callable[[Callable[..., Any]], Activity]:
    """Describe a function as an SWF activity type.

    Args:
        name: the type's name (default: the function's name). version: its version.
        task_list: where its tasks go (default: the workflow's ``activity_task_list``, else the
            type's registered default).
        *_timeout: seconds or "NONE"; sent with every ScheduleActivityTask and registered as defaults.
        retry: how many times a failed or timed-out attempt is scheduled again.
        backoff: seconds before the first retry (doubling each time), waited through a timer;
            None retries at once.
        idempotent: use ``activity_id_for(name, version, input)`` as the id (same work, same id,
            one future) instead of a sequence number.
        serializer: ``dumps``/``loads`` object for input and result (default JSON).

    Raises:
        ValidationError: a bad name, version, timeout, retry or backoff (at decoration time).
    """
    if isinstance(name, type(lambda: 0)):  # bare @activity
        return activity()(name)
    if not isinstance(retry, int) or isinstance(retry, bool) or retry < 0:
        raise ValidationError("activity", "retry", "must be an int >= 0, got %r" % (retry,))
    if backoff is not None and (isinstance(backoff, bool) or not isinstance(backoff, (int, float)) or backoff < 0):
        raise ValidationError("activity", "backoff", "must be seconds >= 0 or None, got %r" % (backoff,))
    for path, value in (("schedule_to_start_timeout", schedule_to_start_timeout),
                        ("start_to_close_timeout", start_to_close_timeout),
                        ("schedule_to_close_timeout", schedule_to_close_timeout),
                        ("heartbeat_timeout", heartbeat_timeout)):
        timeout_text(value, "activity", path)

    def decorate(func: Callable[..., Any]) -> Activity:
        if not callable(func):
            raise ValidationError("activity", "func", "@activity decorates a function, got %r" % (func,))
        type_name = name or func.__name__
        _check_type("activity", type_name, str(version))
        registration = ActivityTypeRegistration(
            type_name, str(version), description=description, task_list=task_list,
            task_priority=None if task_priority is None else str(task_priority),
            schedule_to_start_timeout=schedule_to_start_timeout, start_to_close_timeout=start_to_close_timeout,
            schedule_to_close_timeout=schedule_to_close_timeout, heartbeat_timeout=heartbeat_timeout)
        return Activity(func, registration, retry=retry, backoff=backoff, idempotent=idempotent,
                        serializer=serializer or JSON)
    return decorate


@dataclasses.dataclass(frozen=True)
class WorkflowDefinition:
    """What ``@workflow`` knows about a class: its type, defaults and signal handlers."""

    registration: WorkflowTypeRegistration
    activity_task_list: Optional[str]
    serializer: Any
    signal_handlers: Dict[str, str]  # signal name -> method name
    handles_cancel: bool
    continue_as_new_after: Optional[int] = None  # events; used with checkpoint()/restore(state)

    @property
    def name(self) -> str:
        return self.registration.name

    @property
    def version(self) -> str:
        return self.registration.version


def signal_handler(name: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Mark a workflow method ``(self, input)`` to be called for every signal ``name``.

    Handlers run during replay at deterministic points: when ``run`` takes a result (for the
    signals the history holds up to that decision), and before a decision ends.
    """
    if not isinstance(name, str) or not name:
        raise ValidationError("signal_handler", "name", "must be a non-empty signal name, got %r" % (name,))

    def mark(method: Callable[..., Any]) -> Callable[..., Any]:
        setattr(method, SIGNAL_ATTRIBUTE, name)
        return method
    return mark


def workflow(name: Optional[str] = None, version: str = "1", *, task_list: Optional[str] = None,
             activity_task_list: Optional[str] = None, execution_start_to_close_timeout: Timeout = 3600,
             task_start_to_close_timeout: Timeout = 30, child_policy: str = "TERMINATE",
             serializer: Any = None, description: Optional[str] = None,
             handles_cancel: bool = False, continue_as_new_after: Optional[int] = 10_000) -> Callable[[C], C]:
    """Describe a class with ``run(self, *args, **kwargs)`` as an SWF workflow type.

    Args:
        name, version: the workflow type (name defaults to the class name).
        task_list: its decision task list (also the registered default).
        activity_task_list: default task list of the activities it submits.
        execution_start_to_close_timeout, task_start_to_close_timeout, child_policy: sent with
            child starts and continue-as-new, and registered as the type's defaults.
        handles_cancel: if False (default), a cancel request cancels the execution at the next
            decision; if True, ``run`` reads ``self.cancel_requested`` and decides itself.
        continue_as_new_after: for a class with ``checkpoint()``/``restore(state)``, the history
            length (events) past which a waiting run continues as new by itself (None: never).

    The class gains the ``Workflow`` methods unless it already subclasses ``Workflow``.
    """
    if isinstance(name, type):  # bare @workflow
        return workflow()(name)
    if continue_as_new_after is not None and (isinstance(continue_as_new_after, bool) or not isinstance(
            continue_as_new_after, int) or not 10 <= continue_as_new_after <= MAX_HISTORY_EVENTS - 5_000):
        raise ValidationError("workflow", "continue_as_new_after", "must be events in 10..%d or None, got %r"
                              % (MAX_HISTORY_EVENTS - 5_000, continue_as_new_after))

    def decorate(cls: C) -> C:
        if not isinstance(cls, type) or not callable(getattr(cls, "run", None)):
            raise ValidationError("workflow", "cls", "@workflow decorates a class with a run(self, ...) method, "
                                  "got %r" % (cls,))
        if not issubclass(cls, Workflow):
            cls = type(cls.__name__, (cls, Workflow), {"__module__": cls.__module__,  # type: ignore[assignment]
                                                       "__qualname__": cls.__qualname__, "__doc__": cls.__doc__})
        type_name = name or cls.__name__
        _check_type("workflow", type_name, str(version))
        for path, value in (("execution_start_to_close_timeout", execution_start_to_close_timeout),
                            ("task_start_to_close_timeout", task_start_to_close_timeout)):
            timeout_text(value, "workflow", path)
        handlers: Dict[str, str] = {}
        for klass in reversed(cls.__mro__):
            for attribute, value in vars(klass).items():
                signal_name = getattr(value, SIGNAL_ATTRIBUTE, None)
                if signal_name is not None:
                    handlers[signal_name] = attribute
        registration = WorkflowTypeRegistration(
            type_name, str(version), description=description, task_list=task_list,
            execution_start_to_close_timeout=execution_start_to_close_timeout,
            task_start_to_close_timeout=task_start_to_close_timeout, child_policy=child_policy)
        cls.swfkit_definition = WorkflowDefinition(registration, activity_task_list, serializer or JSON,  # type: ignore[attr-defined]
                                                   handlers, handles_cancel, continue_as_new_after)
        cls.swfkit_workflow = registration  # type: ignore[attr-defined]
        WORKFLOWS[(registration.name, registration.version)] = cls
        return cls
    return decorate


def definition_of(cls: Any) -> WorkflowDefinition:
    """The ``WorkflowDefinition`` of an ``@workflow`` class.

    Raises:
        WorkflowUsageError: ``cls`` was not decorated with ``@workflow``.
    """
    from swfkit.futures.errors import WorkflowUsageError

    definition = getattr(cls, "swfkit_definition", None)
    if not isinstance(definition, WorkflowDefinition):
        raise WorkflowUsageError("%r is not a workflow: decorate the class with @workflow(name=..., version=...)"
                                 % (cls,))
    return definition


def activities_in(module: Any) -> List[Activity]:
    """The ``@activity`` objects defined or imported in ``module`` (sorted by type)."""
    found = {id(v): v for v in vars(module).values() if isinstance(v, Activity)}
    return sorted(found.values(), key=lambda a: (a.name, a.version))


def failure_text(text: Optional[str]) -> Optional[str]:
    """``details`` cut to SWF's 32,768 characters (with the visible truncation marker)."""
    return cut(text, MAX_DATA_LENGTH)
