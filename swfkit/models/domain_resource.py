"""``Domain`` and the ``Domains`` collection."""
from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any, Dict, Mapping, Optional, Tuple, Union

from swfkit.exceptions import DomainAlreadyExistsFault, UnknownResourceFault
from swfkit.models.querysets import QuerySet
from swfkit.models.wire_values import UNLIMITED, days_to_wire, drop_none

if TYPE_CHECKING:
    from swfkit.models.execution_resource import WorkflowExecutions
    from swfkit.models.type_resources import ActivityTypes, WorkflowTypes


class Domain:
    """An SWF domain.

    Attributes:
        name, status (``REGISTERED``/``DEPRECATED``), description, arn,
        retention_days: days closed executions are kept (0 for ``NONE``); ``None`` until described.
    """

    def __init__(self, layer1: Any, name: str, *, status: Optional[str] = None, description: Optional[str] = None,
                 arn: Optional[str] = None, retention_days: Optional[int] = None) -> None:
        self.layer1 = layer1
        self.name = name
        self.status = status
        self.description = description
        self.arn = arn
        self.retention_days = retention_days

    @classmethod
    def objects(cls, layer1: Any) -> "Domains":
        """The domains reachable through ``layer1``."""
        return Domains(layer1)

    @classmethod
    def from_info(cls, layer1: Any, info: Mapping[str, Any], configuration: Optional[Mapping[str, Any]] = None) -> "Domain":
        domain = cls(layer1, info["name"])
        domain._update(info, configuration)
        return domain

    def _update(self, info: Mapping[str, Any], configuration: Optional[Mapping[str, Any]]) -> None:
        self.status = info.get("status")
        self.description = info.get("description")
        self.arn = info.get("arn")
        if configuration is not None:
            days = configuration.get("workflowExecutionRetentionPeriodInDays")
            self.retention_days = 0 if days in (None, UNLIMITED) else int(days)

    def describe(self) -> Dict[str, Any]:
        """``DescribeDomain``'s answer (``domainInfo``, ``configuration``)."""
        answer: Dict[str, Any] = self.layer1.describe_domain(name=self.name)
        return answer

    def refresh(self) -> "Domain":
        """Re-read status, description and retention from SWF."""
        answer = self.describe()
        self._update(answer["domainInfo"], answer.get("configuration"))
        return self

    def deprecate(self) -> None:
        self.layer1.deprecate_domain(name=self.name)
        self.status = "DEPRECATED"

    def undeprecate(self) -> None:
        self.layer1.undeprecate_domain(name=self.name)
        self.status = "REGISTERED"

    @property
    def workflow_types(self) -> "WorkflowTypes":
        from swfkit.models.type_resources import WorkflowTypes

        return WorkflowTypes(self)

    @property
    def activity_types(self) -> "ActivityTypes":
        from swfkit.models.type_resources import ActivityTypes

        return ActivityTypes(self)

    @property
    def executions(self) -> "WorkflowExecutions":
        from swfkit.models.execution_resource import WorkflowExecutions

        return WorkflowExecutions(self)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Domain) and other.name == self.name

    def __hash__(self) -> int:
        return hash(("Domain", self.name))

    def __repr__(self) -> str:
        return "Domain(%r, status=%r)" % (self.name, self.status)


def _refine(params: Dict[str, Any], *, status: Optional[str] = None, reverse: Optional[bool] = None) -> Dict[str, Any]:
    params = dict(params)
    if status is not None:
        params["registration_status"] = status
    if reverse is not None:
        params["reverse_order"] = reverse
    return params


class Domains:
    """Query and register domains: ``all()``, ``filter(status=, reverse=)``, ``get``, ``create``,
    ``get_or_create``."""

    def __init__(self, layer1: Any) -> None:
        self.layer1 = layer1

    def all(self) -> QuerySet[Domain]:
        """Registered domains, by name (lazy, paginated)."""
        return self.filter()

    def filter(self, *, status: str = "REGISTERED", reverse: Optional[bool] = None) -> QuerySet[Domain]:
        """Domains with ``status`` (``REGISTERED`` or ``DEPRECATED``), lazily."""
        return QuerySet(self.layer1, "ListDomains", _refine({}, status=status, reverse=reverse), "domainInfos",
                        lambda info: Domain.from_info(self.layer1, info), _refine)

    def get(self, name: str) -> Domain:
        """The domain named ``name``; ``UnknownResourceFault`` if there is none."""
        answer = self.layer1.describe_domain(name=name)
        return Domain.from_info(self.layer1, answer["domainInfo"], answer.get("configuration"))

    def create(self, name: str, *, retention: Union[int, datetime.timedelta, str] = 1,
               description: Optional[str] = None, tags: Optional[Mapping[str, str]] = None) -> Domain:
        """Register a domain.

        Args:
            name: the domain's name.
            retention: days closed executions are kept: whole days, a ``timedelta`` or ``"NONE"``.
            description: free text.
            tags: resource tags, ``{key: value}``.

        Raises:
            DomainAlreadyExistsFault: the name is taken.
        """
        wire_tags = [{"key": key, "value": value} for key, value in tags.items()] if tags else None
        self.layer1.register_domain(**drop_none(
            name=name, description=description,
            workflow_execution_retention_period_in_days=days_to_wire(retention, "RegisterDomain"), tags=wire_tags))
        domain = Domain(self.layer1, name, status="REGISTERED", description=description)
        retained = days_to_wire(retention, "RegisterDomain")
        domain.retention_days = 0 if retained == UNLIMITED else int(retained)
        return domain

    def get_or_create(self, name: str, **defaults: Any) -> Tuple[Domain, bool]:
        """``(domain, created)``: the existing domain, or one registered with ``defaults``."""
        try:
            return self.get(name), False
        except UnknownResourceFault:
            pass
        try:
            return self.create(name, **defaults), True
        except DomainAlreadyExistsFault:  # registered meanwhile by someone else
            return self.get(name), False
