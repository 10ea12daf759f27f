"""Lazily follow ``nextPageToken`` through the pages of a paginated operation.

The paginated operations and their keys come from botocore's paginator model
(``swfkit.spec.PAGINATORS``). For ``PollForDecisionTask`` the pages after the first are more of the
*same* decision task's history: the call is repeated with the same task list and the token.
"""
from __future__ import annotations

from typing import Any, AsyncIterator, Awaitable, Callable, Dict, Iterator, Mapping

from swfkit.exceptions import ValidationError
from swfkit.layer1.operation_names import WIRE_NAMES
from swfkit.spec import OPERATIONS, PAGINATORS


def operation_name(name: str) -> str:
    """``"get_workflow_execution_history"`` or ``"GetWorkflowExecutionHistory"`` → the operation."""
    if name in OPERATIONS:
        return name
    for operation, spec in OPERATIONS.items():
        if spec["method"] == name:
            return operation
    raise ValidationError(name, "", "unknown operation")


def wire_arguments(operation: str, params: Mapping[str, Any]) -> Dict[str, Any]:
    """``paginate``'s keyword arguments (snake_case or wire names; None = not sent) → wire names.

    Raises:
        ValidationError: an argument the operation does not have.
    """
    names = WIRE_NAMES[operation]
    wire: Dict[str, Any] = {}
    for name, value in params.items():
        if value is None:
            continue
        if name not in names and name not in names.values():
            raise ValidationError(operation, name, "unknown argument (expected one of: %s)" % ", ".join(sorted(names)))
        wire[names.get(name, name)] = value
    return wire


def pages(call: Callable[[str, Dict[str, Any]], Dict[str, Any]], operation: str,
          params: Mapping[str, Any]) -> Iterator[Dict[str, Any]]:
    """Yield each page of ``operation``; the next one is only requested when asked for.

    Args:
        call: sends one request (``Layer1.call``).
        operation: a paginated operation, e.g. ``GetWorkflowExecutionHistory``.
        params: the wire parameters of the first page (a ``nextPageToken`` there resumes).
    """
    _check_paginated(operation)
    return _follow(call, operation, dict(params))


def async_pages(call: Callable[[str, Dict[str, Any]], Awaitable[Dict[str, Any]]], operation: str,
                params: Mapping[str, Any]) -> AsyncIterator[Dict[str, Any]]:
    """``pages`` for ``AsyncLayer1``: an async iterator (``async for page in ...``).

    Args:
        call: the coroutine sending one request (``AsyncLayer1.call``).
        operation: a paginated operation.
        params: the wire parameters of the first page.

    Raises:
        ValidationError: ``operation`` is not paginated (at once, not at the first ``async for``).
    """
    _check_paginated(operation)
    return _follow_async(call, operation, dict(params))


def _check_paginated(operation: str) -> None:
    if operation not in PAGINATORS:
        raise ValidationError(operation, "", "not a paginated operation (paginated: %s)" % ", ".join(sorted(PAGINATORS)))


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


async def _follow_async(call: Callable[[str, Dict[str, Any]], Awaitable[Dict[str, Any]]], operation: str,
                        request: Dict[str, Any]) -> AsyncIterator[Dict[str, Any]]:
    token_in = PAGINATORS[operation]["input_token"]
    token_out = PAGINATORS[operation]["output_token"]
    while True:
        page = await call(operation, request)
        yield page
        token = page.get(token_out)
        if not token:
            return
        request = dict(request)
        request[token_in] = token
