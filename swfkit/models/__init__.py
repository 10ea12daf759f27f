"""SWF resources as Python objects over a ``Layer1``: domains, workflow and activity types, executions.

>>> from swfkit.layer1 import Layer1
>>> from swfkit.models import Domain
>>> swf = Layer1(endpoint_url="http://127.0.0.1:8000")                       # doctest: +SKIP
>>> domain, _ = Domain.objects(swf).get_or_create("orders", retention=7)     # doctest: +SKIP
>>> flow, _ = domain.workflow_types.get_or_create("ship", "1", default_task_list="deciders",
...     default_execution_start_to_close_timeout=timedelta(hours=1),
...     default_task_start_to_close_timeout=timedelta(seconds=30), default_child_policy="TERMINATE")  # doctest: +SKIP
>>> run = flow.start("order-42", input='{"id": 42}')                         # doctest: +SKIP
>>> [e["eventType"] for e in run.history()]                                  # doctest: +SKIP
"""
from swfkit.models.domain_resource import Domain, Domains
from swfkit.models.execution_resource import WorkflowExecution, WorkflowExecutions
from swfkit.models.querysets import QuerySet
from swfkit.models.type_resources import ActivityType, ActivityTypes, WorkflowType, WorkflowTypes
from swfkit.models.wire_values import UNLIMITED

__all__ = [
    "ActivityType", "ActivityTypes", "Domain", "Domains", "QuerySet", "UNLIMITED", "WorkflowExecution",
    "WorkflowExecutions", "WorkflowType", "WorkflowTypes",
]
