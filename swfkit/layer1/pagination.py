"""Lazily follow ``nextPageToken`` through the pages of a paginated operation.

The paginated operations and their keys come from botocore's paginator model
(``swfkit.spec.PAGINATORS``). For ``PollForDecisionTask`` the pages after the first are more of the
*same* decision task's history: the call is repeated with the same task list and the token.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterator, Mapping

from swfkit.exceptions import ValidationError
from swfkit.spec import OPERATIONS, PAGINATORS


def operation_name(name: str) -> str:
    """``"get_workflow_execution_history"`` or ``"GetWorkflowExecutionHistory"`` → the operation."""
    if name in OPERATIONS:
        return name
    for operation, spec in OPERATIONS.items():
        if spec["method"] == name:
            return operation
    raise ValidationError(name, "", "unknown operation")


def pages(call: Callable[[str, Dict[str, Any]], Dict[str, Any]], operation: str,
          params: Mapping[str, Any]) -> Iterator[Dict[str, Any]]:
    """Yield each page of ``operation``; the next one is only requested when asked for.

    Args:
        call: sends one request (``Layer1.call``).
        operation: a paginated operation, e.g. ``GetWorkflowExecutionHistory``.
        params: the wire parameters of the first page (a ``nextPageToken`` there resumes).
    """
    if operation not in PAGINATORS:
        raise ValidationError(operation, "", "not a paginated operation (paginated: %s)" % ", ".join(sorted(PAGINATORS)))
    return _follow(call, operation, dict(params))


def _follow(call: Callable[[str, Dict[str, Any]], Dict[str, Any]], operation: str,
            request: Dict[str, Any]) -> Iterator[Dict[str, Any]]:
    token_in = PAGINATORS[operation]["input_token"]
    token_out = PAGINATORS[operation]["output_token"]
    while True:
        page = call(operation, request)
        yield page
        token = page.get(token_out)
        if not token:
            return
        request = dict(request)
        request[token_in] = token
