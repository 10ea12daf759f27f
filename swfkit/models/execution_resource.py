"""``WorkflowExecution`` and the ``WorkflowExecutions`` collection of a domain."""
from __future__ import annotations

import datetime
from typing import Any, Dict, Iterator, List, Mapping, Optional

from swfkit.exceptions import UnknownResourceFault, ValidationError
from swfkit.models.querysets import QuerySet
from swfkit.models.wire_values import drop_none, timestamp_from_wire, type_to_wire

#: Open executions live at most a year, closed ones are kept at most 90 days: a year back finds all.
DEFAULT_LOOKBACK = datetime.timedelta(days=366)


class WorkflowExecution:
    """One run of a workflow.

    Attributes:
        domain, workflow_id, run_id, workflow_type (``WorkflowType`` or ``None`` until described),
        status (``OPEN``/``CLOSED``), close_status, start_timestamp / close_timestamp (aware UTC
        datetimes), tags (list), cancel_requested (bool), parent (``WorkflowExecution`` or ``None``).
    """

    def __init__(self, domain: Any, workflow_id: str, run_id: str, *, workflow_type: Any = None,
                 status: Optional[str] = None) -> None:
        self.domain = domain
        self.workflow_id = workflow_id
        self.run_id = run_id
        self.workflow_type = workflow_type
        self.status = status
        self.close_status: Optional[str] = None
        self.start_timestamp: Optional[datetime.datetime] = None
        self.close_timestamp: Optional[datetime.datetime] = None
        self.tags: List[str] = []
        self.cancel_requested = False
        self.parent: Optional[WorkflowExecution] = None

    @property
    def layer1(self) -> Any:
        return self.domain.layer1

    def to_wire(self) -> Dict[str, str]:
        """``{"workflowId": ..., "runId": ...}``."""
        return {"workflowId": self.workflow_id, "runId": self.run_id}

    @classmethod
    def from_info(cls, domain: Any, info: Mapping[str, Any]) -> "WorkflowExecution":
        execution = info["execution"]
        obj = cls(domain, execution["workflowId"], execution["runId"])
        obj._update(info)
        return obj

    def _update(self, info: Mapping[str, Any]) -> None:
        from swfkit.models.type_resources import WorkflowType

        kind = info.get("workflowType")
        if kind is not None:
            self.workflow_type = WorkflowType(self.domain, kind["name"], kind["version"])
        self.status = info.get("executionStatus")
        self.close_status = info.get("closeStatus")
        self.start_timestamp = timestamp_from_wire(info.get("startTimestamp"))
        self.close_timestamp = timestamp_from_wire(info.get("closeTimestamp"))
        self.tags = list(info.get("tagList") or [])
        self.cancel_requested = bool(info.get("cancelRequested", False))
        parent = info.get("parent")
        self.parent = WorkflowExecution(self.domain, parent["workflowId"], parent["runId"]) if parent else None

    def describe(self) -> Dict[str, Any]:
        """``DescribeWorkflowExecution``'s answer (info, configuration, open counts, context)."""
        answer: Dict[str, Any] = self.layer1.describe_workflow_execution(domain=self.domain.name,
                                                                         execution=self.to_wire())
        return answer

    def refresh(self) -> "WorkflowExecution":
        """Re-read status, close status, timestamps and tags."""
        self._update(self.describe()["executionInfo"])
        return self

    def history(self, *, reverse: bool = False, page_size: Optional[int] = None) -> Iterator[Dict[str, Any]]:
        """The history events (wire dicts), fetched page by page as the iteration goes."""
        pages = self.layer1.paginate("GetWorkflowExecutionHistory", domain=self.domain.name, execution=self.to_wire(),
                                     reverse_order=reverse or None, maximum_page_size=page_size)
        for page in pages:
            yield from page.get("events", ())

    def signal(self, signal_name: str, input: Optional[str] = None) -> None:
        """Send a signal to this run."""
        self.layer1.signal_workflow_execution(**drop_none(
            domain=self.domain.name, workflow_id=self.workflow_id, run_id=self.run_id, signal_name=signal_name,
            input=input))

    def request_cancel(self) -> None:
        """Ask the run to cancel itself (its decider sees ``WorkflowExecutionCancelRequested``)."""
        self.layer1.request_cancel_workflow_execution(domain=self.domain.name, workflow_id=self.workflow_id,
                                                      run_id=self.run_id)

    def terminate(self, *, reason: Optional[str] = None, details: Optional[str] = None,
                  child_policy: Optional[str] = None) -> None:
        """End the run at once (``TERMINATED``)."""
        self.layer1.terminate_workflow_execution(**drop_none(
            domain=self.domain.name, workflow_id=self.workflow_id, run_id=self.run_id, reason=reason,
            details=details, child_policy=child_policy))
        self.status, self.close_status = "CLOSED", "TERMINATED"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, WorkflowExecution) and (other.domain, other.workflow_id, other.run_id) == (
            self.domain, self.workflow_id, self.run_id)

    def __hash__(self) -> int:
        return hash((self.domain.name, self.workflow_id, self.run_id))

    def __repr__(self) -> str:
        return "WorkflowExecution(%r, %r, status=%r)" % (self.workflow_id, self.run_id, self.status)


def _time_filter(after: Optional[datetime.datetime], before: Optional[datetime.datetime]) -> Dict[str, Any]:
    return drop_none(oldestDate=after, latestDate=before)


def _refine(params: Dict[str, Any], *, closed: Optional[bool] = None, started_after: Optional[datetime.datetime] = None,
            started_before: Optional[datetime.datetime] = None, closed_after: Optional[datetime.datetime] = None,
            closed_before: Optional[datetime.datetime] = None, workflow_id: Optional[str] = None,
            workflow_type: Any = None, tag: Optional[str] = None, close_status: Optional[str] = None,
            reverse: Optional[bool] = None) -> Dict[str, Any]:
    params = dict(params)
    if closed is not None:
        params["_closed"] = closed
    if started_after is not None or started_before is not None:
        params["start_time_filter"] = _time_filter(started_after, started_before)
    if closed_after is not None or closed_before is not None:
        params["_closed"] = True
        params["close_time_filter"] = _time_filter(closed_after, closed_before)
        params.pop("start_time_filter", None)
    for key, value in (("execution_filter", workflow_id and {"workflowId": workflow_id}),
                       ("type_filter", workflow_type and drop_none(**type_to_wire(workflow_type))
                        if not isinstance(workflow_type, str) else {"name": workflow_type}),
                       ("tag_filter", tag and {"tag": tag}),
                       ("close_status_filter", close_status and {"status": close_status})):
        if value:
            params[key] = value
    if close_status:
        params["_closed"] = True
    chosen = [key for key in ("execution_filter", "type_filter", "tag_filter", "close_status_filter") if key in params]
    if len(chosen) > 1:
        raise ValidationError("ListWorkflowExecutions", ", ".join(chosen),
                              "workflow_id, workflow_type, tag and close_status filters are mutually exclusive")
    if reverse is not None:
        params["reverse_order"] = reverse
    return params


class _ExecutionQuerySet(QuerySet[WorkflowExecution]):
    """Open or closed executions; ``_closed`` in the params picks the operation."""

    def __iter__(self) -> Iterator[WorkflowExecution]:
        params = dict(self.params)
        closed = params.pop("_closed", False)
        if "start_time_filter" not in params and "close_time_filter" not in params:
            params["start_time_filter"] = {"oldestDate": datetime.datetime.now(datetime.timezone.utc) - DEFAULT_LOOKBACK}
        operation = "ListClosedWorkflowExecutions" if closed else "ListOpenWorkflowExecutions"
        for page in self.layer1.paginate(operation, **params):
            for item in page.get("executionInfos", ()):
                yield self._build(item)

    def filter(self, **criteria: Any) -> "_ExecutionQuerySet":
        return _ExecutionQuerySet(self.layer1, self.operation, _refine(self.params, **criteria), self.items_key,
                                  self._build, _refine)

    def count(self) -> int:
        """How many executions match (``Count*WorkflowExecutions``; SWF counts up to its limit)."""
        params = dict(self.params)
        closed = params.pop("_closed", False)
        for key in ("reverse_order",):
            params.pop(key, None)
        if "start_time_filter" not in params and "close_time_filter" not in params:
            params["start_time_filter"] = {"oldestDate": datetime.datetime.now(datetime.timezone.utc) - DEFAULT_LOOKBACK}
        method = self.layer1.count_closed_workflow_executions if closed else self.layer1.count_open_workflow_executions
        return int(method(**params)["count"])


class WorkflowExecutions:
    """The executions of a domain: ``all()`` (open ones), ``filter(...)``, ``get``."""

    def __init__(self, domain: Any) -> None:
        self.domain = domain

    def all(self) -> _ExecutionQuerySet:
        """Open executions started within the last year, newest first (lazy, paginated)."""
        return self.filter()

    def filter(self, **criteria: Any) -> _ExecutionQuerySet:
        """Executions matching the criteria.

        Args:
            closed: list closed executions instead of open ones.
            started_after, started_before: start time window (aware datetimes).
            closed_after, closed_before: close time window (implies ``closed``).
            workflow_id, workflow_type (type, ``(name, version)`` or name), tag, close_status:
                at most one of these (SWF's rule).
            reverse: oldest first.
        """
        params = _refine({"domain": self.domain.name}, **criteria)
        return _ExecutionQuerySet(self.domain.layer1, "ListWorkflowExecutions", params, "executionInfos",
                                  lambda info: WorkflowExecution.from_info(self.domain, info), _refine)

    def get(self, workflow_id: str, run_id: Optional[str] = None) -> WorkflowExecution:
        """The run ``run_id`` of ``workflow_id``, or its open run when ``run_id`` is ``None``.

        Raises:
            UnknownResourceFault: no such run (or no open run for ``workflow_id``).
        """
        if run_id is None:
            found = self.filter(workflow_id=workflow_id).first()
            if found is None:
                raise UnknownResourceFault("no open execution with workflowId %r" % workflow_id,
                                           operation="ListOpenWorkflowExecutions")
            run_id = found.run_id
        execution = WorkflowExecution(self.domain, workflow_id, run_id)
        return execution.refresh()
