"""``WorkflowType`` and ``ActivityType`` with their collections on a domain.

Registration defaults are plain attributes in Python types (``timedelta`` timeouts, ``"NONE"`` for
no limit, task list names, integer priorities); they are read with ``Describe*Type`` when first
needed, and what ``create`` was given reads back the same after ``refresh``.
"""
from __future__ import annotations

import datetime
from typing import Any, Dict, Mapping, Optional, Tuple

from swfkit.exceptions import TypeAlreadyExistsFault, UnknownResourceFault
from swfkit.models.querysets import QuerySet
from swfkit.models.wire_values import (
    Duration, TaskList, drop_none, duration_from_wire, duration_to_wire, priority_from_wire, priority_to_wire,
    task_list_from_wire, task_list_to_wire, timestamp_from_wire,
)

_DURATION, _TASK_LIST, _PRIORITY, _TEXT = "duration", "task_list", "priority", "text"


class RegisteredType:
    """What workflow and activity types share: identity, status, dates, defaults."""

    KIND = ""  # "Workflow" or "Activity"
    DEFAULTS: Dict[str, Tuple[str, str]] = {}  # python attribute -> (wire member, kind)

    def __init__(self, domain: Any, name: str, version: str, *, status: Optional[str] = None,
                 description: Optional[str] = None, creation_date: Optional[datetime.datetime] = None,
                 deprecation_date: Optional[datetime.datetime] = None) -> None:
        self.domain = domain
        self.name = name
        self.version = version
        self.status = status
        self.description = description
        self.creation_date = creation_date
        self.deprecation_date = deprecation_date
        self._configuration: Optional[Dict[str, Any]] = None

    @property
    def layer1(self) -> Any:
        return self.domain.layer1

    @property
    def _key(self) -> str:
        return "%sType" % self.KIND.lower()  # workflowType / activityType

    def to_wire(self) -> Dict[str, str]:
        """``{"name": ..., "version": ...}``."""
        return {"name": self.name, "version": self.version}

    @classmethod
    def from_info(cls, domain: Any, info: Mapping[str, Any], configuration: Optional[Mapping[str, Any]] = None) -> Any:
        kind = info["%sType" % cls.KIND.lower()]
        obj = cls(domain, kind["name"], kind["version"])
        obj._update(info, configuration)
        return obj

    def _update(self, info: Mapping[str, Any], configuration: Optional[Mapping[str, Any]]) -> None:
        self.status = info.get("status")
        self.description = info.get("description")
        self.creation_date = timestamp_from_wire(info.get("creationDate"))
        self.deprecation_date = timestamp_from_wire(info.get("deprecationDate"))
        if configuration is not None:
            self._configuration = dict(configuration)

    def describe(self) -> Dict[str, Any]:
        """``Describe*Type``'s answer (``typeInfo``, ``configuration``)."""
        method = getattr(self.layer1, "describe_%s_type" % self.KIND.lower())
        answer: Dict[str, Any] = method(domain=self.domain.name, **{"%s_type" % self.KIND.lower(): self.to_wire()})
        return answer

    def refresh(self) -> Any:
        """Re-read status, dates and registration defaults."""
        answer = self.describe()
        self._update(answer["typeInfo"], answer.get("configuration", {}))
        return self

    def _act(self, verb: str) -> None:
        method = getattr(self.layer1, "%s_%s_type" % (verb, self.KIND.lower()))
        method(domain=self.domain.name, **{"%s_type" % self.KIND.lower(): self.to_wire()})

    def deprecate(self) -> None:
        self._act("deprecate")
        self.status = "DEPRECATED"

    def undeprecate(self) -> None:
        self._act("undeprecate")
        self.status = "REGISTERED"

    def delete(self) -> None:
        """Delete the type (it must be deprecated first: ``TypeNotDeprecatedFault``)."""
        self._act("delete")

    @property
    def defaults(self) -> Dict[str, Any]:
        """The registration defaults in Python types (described on first use); unset ones are ``None``."""
        if self._configuration is None:
            self.refresh()
        configuration = self._configuration or {}
        out: Dict[str, Any] = {}
        for attribute, (member, kind) in self.DEFAULTS.items():
            value = configuration.get(member)
            if kind == _DURATION:
                value = duration_from_wire(value)
            elif kind == _TASK_LIST:
                value = task_list_from_wire(value)
            elif kind == _PRIORITY:
                value = priority_from_wire(value)
            out[attribute] = value
        return out

    def __getattr__(self, name: str) -> Any:
        if name in type(self).DEFAULTS:
            return self.defaults[name]
        raise AttributeError(name)

    def __eq__(self, other: object) -> bool:
        return type(other) is type(self) and (other.domain, other.name, other.version) == (
            self.domain, self.name, self.version)

    def __hash__(self) -> int:
        return hash((self.KIND, self.domain.name, self.name, self.version))

    def __repr__(self) -> str:
        return "%sType(%r, %r, domain=%r)" % (self.KIND, self.name, self.version, self.domain.name)


def _defaults_to_wire(cls: Any, operation: str, defaults: Mapping[str, Any]) -> Dict[str, Any]:
    wire: Dict[str, Any] = {}
    for attribute, value in defaults.items():
        if attribute not in cls.DEFAULTS:
            raise TypeError("%s() got an unexpected keyword argument %r (expected one of: %s)"
                            % (operation, attribute, ", ".join(sorted(cls.DEFAULTS))))
        member, kind = cls.DEFAULTS[attribute]
        if kind == _DURATION:
            value = duration_to_wire(value, operation, member)
        elif kind == _TASK_LIST:
            value = task_list_to_wire(value)
        elif kind == _PRIORITY:
            value = priority_to_wire(value)
        wire[attribute] = value
    return drop_none(**wire)


class WorkflowType(RegisteredType):
    """A registered workflow type; ``start`` begins an execution of it."""

    KIND = "Workflow"
    DEFAULTS = {
        "default_task_start_to_close_timeout": ("defaultTaskStartToCloseTimeout", _DURATION),
        "default_execution_start_to_close_timeout": ("defaultExecutionStartToCloseTimeout", _DURATION),
        "default_task_list": ("defaultTaskList", _TASK_LIST),
        "default_task_priority": ("defaultTaskPriority", _PRIORITY),
        "default_child_policy": ("defaultChildPolicy", _TEXT),
        "default_lambda_role": ("defaultLambdaRole", _TEXT),
    }

    def start(self, workflow_id: str, input: Optional[str] = None, *, task_list: Optional[TaskList] = None,
              task_priority: Optional[int] = None, execution_start_to_close_timeout: Optional[Duration] = None,
              task_start_to_close_timeout: Optional[Duration] = None, child_policy: Optional[str] = None,
              tags: Optional[Any] = None, lambda_role: Optional[str] = None) -> Any:
        """Start an execution of this type; unset options fall back to the registered defaults.

        Returns:
            The new ``WorkflowExecution`` (with its ``run_id``).

        Raises:
            WorkflowExecutionAlreadyStartedFault: an open execution already has ``workflow_id``.
            DefaultUndefinedFault: an option was neither given nor registered.
        """
        from swfkit.models.execution_resource import WorkflowExecution

        op = "StartWorkflowExecution"
        answer = self.layer1.start_workflow_execution(**drop_none(
            domain=self.domain.name, workflow_id=workflow_id, workflow_type=self.to_wire(),
            task_list=task_list_to_wire(task_list), task_priority=priority_to_wire(task_priority), input=input,
            execution_start_to_close_timeout=duration_to_wire(execution_start_to_close_timeout, op, "executionStartToCloseTimeout"),
            tag_list=list(tags) if tags is not None else None,
            task_start_to_close_timeout=duration_to_wire(task_start_to_close_timeout, op, "taskStartToCloseTimeout"),
            child_policy=child_policy, lambda_role=lambda_role))
        return WorkflowExecution(self.domain, workflow_id, answer["runId"], workflow_type=self, status="OPEN")


class ActivityType(RegisteredType):
    """A registered activity type."""

    KIND = "Activity"
    DEFAULTS = {
        "default_task_start_to_close_timeout": ("defaultTaskStartToCloseTimeout", _DURATION),
        "default_task_heartbeat_timeout": ("defaultTaskHeartbeatTimeout", _DURATION),
        "default_task_list": ("defaultTaskList", _TASK_LIST),
        "default_task_priority": ("defaultTaskPriority", _PRIORITY),
        "default_task_schedule_to_start_timeout": ("defaultTaskScheduleToStartTimeout", _DURATION),
        "default_task_schedule_to_close_timeout": ("defaultTaskScheduleToCloseTimeout", _DURATION),
    }


class _Types:
    cls: Any = RegisteredType

    def __init__(self, domain: Any) -> None:
        self.domain = domain

    def _refine(self, params: Dict[str, Any], *, name: Optional[str] = None, status: Optional[str] = None,
                reverse: Optional[bool] = None) -> Dict[str, Any]:
        params = dict(params)
        for key, value in (("name", name), ("registration_status", status), ("reverse_order", reverse)):
            if value is not None:
                params[key] = value
        return params

    def all(self) -> QuerySet[Any]:
        """Registered types of the domain (lazy, paginated)."""
        return self.filter()

    def filter(self, *, name: Optional[str] = None, status: str = "REGISTERED", reverse: Optional[bool] = None) -> QuerySet[Any]:
        """Types with ``status`` (``REGISTERED``/``DEPRECATED``), optionally only those named ``name``."""
        params = self._refine({"domain": self.domain.name}, name=name, status=status, reverse=reverse)
        return QuerySet(self.domain.layer1, "List%sTypes" % self.cls.KIND, params, "typeInfos",
                        lambda info: self.cls.from_info(self.domain, info), self._refine)

    def get(self, name: str, version: str) -> Any:
        """The type ``name``/``version`` with its defaults; ``UnknownResourceFault`` if absent."""
        found = self.cls(self.domain, name, version)
        return found.refresh()

    def create(self, name: str, version: str, *, description: Optional[str] = None, **defaults: Any) -> Any:
        """Register the type with its defaults (``default_task_list="main"``, timeouts as ``timedelta``...).

        Raises:
            TypeAlreadyExistsFault: that name and version exist already.
        """
        kind = self.cls.KIND.lower()
        operation = "Register%sType" % self.cls.KIND
        wire = _defaults_to_wire(self.cls, operation, defaults)
        getattr(self.domain.layer1, "register_%s_type" % kind)(**drop_none(
            domain=self.domain.name, name=name, version=version, description=description, **wire))
        created = self.cls(self.domain, name, version, status="REGISTERED", description=description)
        return created

    def get_or_create(self, name: str, version: str, **defaults: Any) -> Tuple[Any, bool]:
        """``(type, created)``: the existing type or a newly registered one."""
        try:
            return self.get(name, version), False
        except UnknownResourceFault:
            pass
        try:
            return self.create(name, version, **defaults), True
        except TypeAlreadyExistsFault:
            return self.get(name, version), False


class WorkflowTypes(_Types):
    """The workflow types of a domain."""

    cls = WorkflowType


class ActivityTypes(_Types):
    """The activity types of a domain."""

    cls = ActivityType
