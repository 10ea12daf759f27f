"""An error answer from SWF becomes the matching ``swfkit.exceptions`` class.

The code is read the way botocore reads it: ``__type`` cut at the first ``:`` and kept after the
last ``#``; the message from ``message`` or ``Message``. An answer that is not JSON (a proxy's
HTML page) or has no ``__type`` gets its HTTP status as the code.
"""
from __future__ import annotations

import json
from typing import Any, Mapping, Optional

from swfkit.exceptions import ServiceError, service_error


def error_code(type_field: str) -> str:
    """``com.amazonaws.swf.base.model#UnknownResourceFault:http://...`` → ``UnknownResourceFault``."""
    return type_field.split(":", 1)[0].rsplit("#", 1)[-1]


def from_answer(operation: str, status: int, body: bytes, request_id: Optional[str]) -> ServiceError:
    """The exception for a non-200 answer."""
    document: Any = None
    try:
        document = json.loads(body) if body else None
    except ValueError:
        document = None
    if isinstance(document, Mapping) and isinstance(document.get("__type"), str):
        code = error_code(document["__type"])
        message = document.get("message") or document.get("Message") or ""
    else:
        from http.client import responses as status_reasons  # only on this rare path: import cost

        code = str(status)
        message = status_reasons.get(status, "")
        if isinstance(document, Mapping):
            message = document.get("message") or document.get("Message") or message
        elif body:
            message = "%s: %s" % (message, body[:200].decode("utf-8", "replace"))
    return service_error(code, str(message), request_id=request_id, status_code=status, operation=operation)
