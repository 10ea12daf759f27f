"""Starting a futures workflow on SWF from Python: its input envelope, with the current trace context.

::

    execution = futures.start(layer1, Arith, args=(3,), domain="demo")   # {"workflowId", "runId"}

Under a current OpenTelemetry span, the input carries the span's W3C trace context in its
``trace`` field (``trace_context``), so the activities' spans join the starter's trace.
"""
from __future__ import annotations

import uuid
from typing import Any, Dict, Iterable, Mapping, Optional, Sequence

from swfkit.actors.tracing import current_trace
from swfkit.futures.definitions import definition_of
from swfkit.futures.serializers import encode_args

__all__ = ["start", "workflow_input"]


def workflow_input(workflow: Any, *args: Any, **kwargs: Any) -> str:
    """The wire input that starts ``workflow(*args, **kwargs)`` (for ``start_workflow_execution``).

    With an OpenTelemetry span current, the envelope carries its trace context (``"trace"``); else
    the input is what the decider decodes anyway (a JSON list, or ``{"args", "kwargs"}``).

    Raises:
        WorkflowUsageError: ``workflow`` is not an ``@workflow`` class.
        ValidationError: an argument is not serializable, or the input is too long.
    """
    definition = definition_of(workflow)
    return encode_args(definition.serializer, args, kwargs, "start(%s)" % definition.name, current_trace())


def start(layer1: Any, workflow: Any, args: Sequence[Any] = (), kwargs: Optional[Mapping[str, Any]] = None, *,
          domain: str, workflow_id: Optional[str] = None, tags: Optional[Iterable[str]] = None,
          **options: Any) -> Dict[str, str]:
    """Start an execution of the ``@workflow`` class ``workflow`` with ``args``/``kwargs``.

    Args:
        layer1: a ``swfkit.layer1.Layer1``.
        domain: the domain.
        workflow_id: the execution's id (default: ``<workflow name>-<12 hex>``).
        tags: its tag list.
        **options: more ``start_workflow_execution`` arguments (``task_list``,
            ``execution_start_to_close_timeout``, ``child_policy``...); unset ones fall back to the
            type's registered defaults.

    Returns:
        ``{"workflowId": ..., "runId": ...}``.

    Raises:
        WorkflowUsageError: ``workflow`` is not an ``@workflow`` class.
        ValidationError: bad arguments or options (nothing is sent).
        ServiceError: SWF refused the start (e.g. ``WorkflowExecutionAlreadyStartedFault``).
    """
    definition = definition_of(workflow)
    input = workflow_input(workflow, *args, **dict(kwargs or {}))
    workflow_id = workflow_id or "%s-%s" % (definition.name, uuid.uuid4().hex[:12])
    answer = layer1.start_workflow_execution(
        domain=domain, workflow_id=workflow_id, workflow_type={"name": definition.name, "version": definition.version},
        input=input, tag_list=list(tags) if tags is not None else None, **options)
    return {"workflowId": workflow_id, "runId": answer["runId"]}
