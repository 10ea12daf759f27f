"""Registering a domain and its workflow and activity types, idempotently.

SWF types are immutable once registered: an existing registration is left as it is
(``DomainAlreadyExistsFault`` / ``TypeAlreadyExistsFault`` are expected, not errors).
"""
from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Optional, Type, Union

from ..exceptions import DomainAlreadyExistsFault, TypeAlreadyExistsFault, ValidationError
from ..spec.limits import TIMEOUT_PATTERN

log = logging.getLogger("swfkit.actors.registration")

Timeout = Union[int, datetime.timedelta, str, None]

__all__ = ["WorkflowTypeRegistration", "ActivityTypeRegistration", "ensure_registered", "ensure_registered_async",
           "registrations", "timeout_text",
           "ACTIVITY_TIMEOUT_DEFAULTS"]

#: What ``@activity`` / ``Worker.register`` register for a timeout left unset: the futures
#: ``@activity``'s defaults. Without them SWF refuses a ``ScheduleActivityTask`` that does not
#: carry every timeout itself (``DEFAULT_SCHEDULE_TO_CLOSE_TIMEOUT_UNDEFINED``...).
ACTIVITY_TIMEOUT_DEFAULTS: Dict[str, Timeout] = {
    "schedule_to_start_timeout": "NONE",
    "start_to_close_timeout": 3600,
    "schedule_to_close_timeout": "NONE",
    "heartbeat_timeout": "NONE",
}


def timeout_text(value: Timeout, operation: str, path: str) -> Optional[str]:
    """SWF's wire form of a timeout: seconds as a string, or ``"NONE"``; None stays None.

    The same forms the decision builders take (``int``, whole-second ``timedelta``, digit string,
    ``"NONE"``), so a default that registers is also one a decision can carry.
    """
    if value is None:
        return None
    if isinstance(value, datetime.timedelta):
        if value.microseconds:
            raise ValidationError(operation, path, "must be a whole number of seconds (%r has a fraction)" % value)
        value = value.days * 86_400 + value.seconds
    if isinstance(value, int) and not isinstance(value, bool):
        if value < 0:
            raise ValidationError(operation, path, "must be a whole number of seconds >= 0, got %r" % value)
        value = str(value)
    if not isinstance(value, str) or not TIMEOUT_PATTERN.match(value):
        raise ValidationError(operation, path, "must be int seconds, a timedelta, a digit string or 'NONE', got %r" % (value,))
    return value


def _task_list(value: Union[str, Dict[str, str], None]) -> Optional[Dict[str, str]]:
    if value is None or isinstance(value, dict):
        return value
    return {"name": value}


@dataclass(frozen=True)
class WorkflowTypeRegistration:
    """A workflow type and the defaults it is registered with (all optional but name/version)."""

    name: str
    version: str
    description: Optional[str] = None
    task_list: Union[str, Dict[str, str], None] = None
    execution_start_to_close_timeout: Timeout = None
    task_start_to_close_timeout: Timeout = None
    child_policy: Optional[str] = None
    task_priority: Optional[str] = None
    lambda_role: Optional[str] = None

    def register_arguments(self, domain: str) -> Dict[str, Any]:
        """Keyword arguments for ``Layer1.register_workflow_type``."""
        op = "RegisterWorkflowType"
        return {
            "domain": domain, "name": self.name, "version": self.version, "description": self.description,
            "default_task_list": _task_list(self.task_list),
            "default_execution_start_to_close_timeout": timeout_text(
                self.execution_start_to_close_timeout, op, "defaultExecutionStartToCloseTimeout"),
            "default_task_start_to_close_timeout": timeout_text(
                self.task_start_to_close_timeout, op, "defaultTaskStartToCloseTimeout"),
            "default_child_policy": self.child_policy,
            "default_task_priority": None if self.task_priority is None else str(self.task_priority),
            "default_lambda_role": self.lambda_role,
        }


@dataclass(frozen=True)
class ActivityTypeRegistration:
    """An activity type and the defaults it is registered with (all optional but name/version)."""

    name: str
    version: str
    description: Optional[str] = None
    task_list: Union[str, Dict[str, str], None] = None
    task_priority: Optional[str] = None
    schedule_to_start_timeout: Timeout = None
    start_to_close_timeout: Timeout = None
    schedule_to_close_timeout: Timeout = None
    heartbeat_timeout: Timeout = None

    def register_arguments(self, domain: str) -> Dict[str, Any]:
        """Keyword arguments for ``Layer1.register_activity_type``."""
        op = "RegisterActivityType"
        return {
            "domain": domain, "name": self.name, "version": self.version, "description": self.description,
            "default_task_list": _task_list(self.task_list),
            "default_task_priority": None if self.task_priority is None else str(self.task_priority),
            "default_task_schedule_to_start_timeout": timeout_text(
                self.schedule_to_start_timeout, op, "defaultTaskScheduleToStartTimeout"),
            "default_task_start_to_close_timeout": timeout_text(
                self.start_to_close_timeout, op, "defaultTaskStartToCloseTimeout"),
            "default_task_schedule_to_close_timeout": timeout_text(
                self.schedule_to_close_timeout, op, "defaultTaskScheduleToCloseTimeout"),
            "default_task_heartbeat_timeout": timeout_text(
                self.heartbeat_timeout, op, "defaultTaskHeartbeatTimeout"),
        }


def ensure_registered(
    layer1: Any,
    domain: str,
    *,
    workflow_types: Iterable[WorkflowTypeRegistration] = (),
    activity_types: Iterable[ActivityTypeRegistration] = (),
    retention_period_in_days: Union[str, int] = "1",
    description: Optional[str] = None,
) -> None:
    """Register ``domain`` and the given types unless they already exist.

    Args:
        layer1: a ``swfkit.layer1.Layer1``.
        domain: the domain name.
        workflow_types: workflow types with their defaults.
        activity_types: activity types with their defaults.
        retention_period_in_days: for a new domain, "0".."90" or "NONE".
        description: for a new domain.

    Raises:
        ValidationError: a bad name, version or default (before anything is sent).
        ServiceError: any fault other than "already exists".
    """
    for registration in registrations(domain, workflow_types=workflow_types, activity_types=activity_types,
                                      retention_period_in_days=retention_period_in_days, description=description):
        try:
            getattr(layer1, registration.method)(**registration.arguments)
            registration.log_registered()
        except registration.exists:
            registration.log_existing()


async def ensure_registered_async(
    layer1: Any,
    domain: str,
    *,
    workflow_types: Iterable[WorkflowTypeRegistration] = (),
    activity_types: Iterable[ActivityTypeRegistration] = (),
    retention_period_in_days: Union[str, int] = "1",
    description: Optional[str] = None,
) -> None:
    """``ensure_registered`` through an ``AsyncLayer1`` (same arguments, same requests, same errors)."""
    for registration in registrations(domain, workflow_types=workflow_types, activity_types=activity_types,
                                      retention_period_in_days=retention_period_in_days, description=description):
        try:
            await getattr(layer1, registration.method)(**registration.arguments)
            registration.log_registered()
        except registration.exists:
            registration.log_existing()


@dataclass(frozen=True)
class Registration:
    """One register call of ``ensure_registered``: the client method and its keyword arguments."""

    method: str
    arguments: Dict[str, Any]
    what: str
    #: The fault meaning "already registered" (expected, not an error).
    exists: Type[Exception]

    def log_registered(self) -> None:
        log.info("registered %s", self.what)

    def log_existing(self) -> None:
        log.debug("%s already exists", self.what)


def registrations(domain: str, *, workflow_types: Iterable[WorkflowTypeRegistration] = (),
                  activity_types: Iterable[ActivityTypeRegistration] = (),
                  retention_period_in_days: Union[str, int] = "1",
                  description: Optional[str] = None) -> List[Registration]:
    """The calls ``ensure_registered`` makes, in order: the domain, then workflow and activity types.

    Raises:
        ValidationError: a bad name, version or default (every request is built before any is sent).
    """
    calls = [Registration("register_domain", {
        "name": domain, "description": description,
        "workflow_execution_retention_period_in_days": str(retention_period_in_days)}, "domain %s" % domain,
        DomainAlreadyExistsFault)]
    for kind, method, types in (("workflow", "register_workflow_type", workflow_types),
                                ("activity", "register_activity_type", activity_types)):
        for registration in types:
            request = registration.register_arguments(domain)
            calls.append(Registration(method, request, "%s type %s/%s in %s" % (
                kind, request["name"], request["version"], domain), TypeAlreadyExistsFault))
    return calls
