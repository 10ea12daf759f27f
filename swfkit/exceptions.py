"""The one error tree of swfkit.

::

    SWFError
    ├── ServiceError                  an error answered by the SWF service (carries code, message,
    │   │                             request_id, status_code, operation)
    │   ├── SWFFault                  the faults of SWF's model, one class each:
    │   │   ├── UnknownResourceFault, TypeAlreadyExistsFault, TypeDeprecatedFault,
    │   │   │   TypeNotDeprecatedFault, DomainAlreadyExistsFault, DomainDeprecatedFault,
    │   │   │   WorkflowExecutionAlreadyStartedFault, DefaultUndefinedFault,
    │   │   │   LimitExceededFault, OperationNotPermittedFault, TooManyTagsFault
    │   ├── ThrottlingException, ValidationException, SerializationException,
    │   │   UnknownOperationException, AccessDeniedException, UnrecognizedClientException,
    │   │   InvalidSignatureException, IncompleteSignatureException,
    │   │   MissingAuthenticationTokenException, InternalFailure, ServiceUnavailable
    │   └── (any other code: an instance of ServiceError itself, ``code`` set)
    ├── TransportError                the request never got an answer (connection, timeout)
    ├── ConfigurationError            a region, endpoint or credentials are missing or wrong
    ├── ValidationError (ValueError)  bad input caught before anything is sent
    ├── HistoryError
    │   └── HistoryIntegrityError     a history that breaks SWF's lifecycles
    ├── PayloadError                  offloaded payloads (swfkit.payloads); carries ``reference``
    │   ├── PayloadNotFoundError      a reference whose object is missing (and the event id, if known)
    │   ├── PayloadIntegrityError     the stored object's size differs from its reference's
    │   ├── PayloadTooLargeError      a value over the store's maximum size
    │   └── PayloadStoreError         the store could not be reached (after retries)
    └── NonDeterministicWorkflowError replayed workflow code disagrees with its history

Callers read the fields, never parse the messages.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple, Type


class SWFError(Exception):
    """Root of every error swfkit raises."""


class ServiceError(SWFError):
    """An error the SWF service answered with.

    Attributes:
        code: the error code (``__type`` after its last ``#``), e.g. ``UnknownResourceFault``.
        message: the service's message.
        request_id: the ``x-amzn-RequestId`` of the answer, when there was one.
        status_code: the HTTP status.
        operation: the API operation called, e.g. ``PollForDecisionTask``.
    """

    #: The code this class stands for; ``None`` on the generic class.
    default_code: Optional[str] = None
    #: Whether the call may succeed when sent again (throttling, server-side failures).
    retryable: bool = False

    def __init__(
        self,
        message: str = "",
        *,
        code: Optional[str] = None,
        request_id: Optional[str] = None,
        status_code: Optional[int] = None,
        operation: Optional[str] = None,
    ) -> None:
        self.code = code or self.default_code or type(self).__name__
        self.message = message
        self.request_id = request_id
        self.status_code = status_code
        self.operation = operation
        super().__init__(message)

    def __str__(self) -> str:
        where = " (%s)" % self.operation if self.operation else ""
        request = " [request id %s]" % self.request_id if self.request_id else ""
        return "%s%s: %s%s" % (self.code, where, self.message, request)

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:  # keep the fields across pickling (worker processes)
        return (_rebuild_service_error, (type(self), self.message, self.code, self.request_id,
                                         self.status_code, self.operation))


def _rebuild_service_error(cls: Type[ServiceError], message: str, code: Optional[str], request_id: Optional[str],
                           status_code: Optional[int], operation: Optional[str]) -> ServiceError:
    return cls(message, code=code, request_id=request_id, status_code=status_code, operation=operation)


class SWFFault(ServiceError):
    """A fault declared in SWF's API model."""


class UnknownResourceFault(SWFFault):
    """The named resource (domain, type, execution, task) does not exist or is closed."""


class TypeAlreadyExistsFault(SWFFault):
    """The type is already registered (or, for undeprecate, not deprecated)."""


class TypeDeprecatedFault(SWFFault):
    """The type is deprecated."""


class TypeNotDeprecatedFault(SWFFault):
    """The type must be deprecated first (delete)."""


class DomainAlreadyExistsFault(SWFFault):
    """The domain already exists (or, for undeprecate, is not deprecated)."""


class DomainDeprecatedFault(SWFFault):
    """The domain is deprecated."""


class WorkflowExecutionAlreadyStartedFault(SWFFault):
    """An open execution with this workflow id already exists in the domain."""


class DefaultUndefinedFault(SWFFault):
    """A value was neither given nor registered as the type's default."""


class LimitExceededFault(SWFFault):
    """A service limit was reached."""


class OperationNotPermittedFault(SWFFault):
    """The caller may not perform this operation."""


class TooManyTagsFault(SWFFault):
    """More than 50 tags on a domain."""


class ThrottlingException(ServiceError):
    """The request rate was too high."""

    retryable = True


class ValidationException(ServiceError):
    """The service rejected the request's shape or values."""


class SerializationException(ServiceError):
    """The service could not read the request body."""


class UnknownOperationException(ServiceError):
    """The ``X-Amz-Target`` names no operation."""


class AccessDeniedException(ServiceError):
    """The credentials are not allowed to perform the operation."""


class UnrecognizedClientException(ServiceError):
    """The access key is not known to the service."""


class InvalidSignatureException(ServiceError):
    """The request's SigV4 signature does not match."""


class IncompleteSignatureException(ServiceError):
    """The request's SigV4 signature is incomplete."""


class MissingAuthenticationTokenException(ServiceError):
    """The request carried no signature."""


class InternalFailure(ServiceError):
    """The service failed while handling the request."""

    retryable = True


class ServiceUnavailable(ServiceError):
    """The service is temporarily unavailable."""

    retryable = True


SERVICE_ERROR_CLASSES: Dict[str, Type[ServiceError]] = {
    cls.__name__: cls
    for cls in (
        UnknownResourceFault, TypeAlreadyExistsFault, TypeDeprecatedFault, TypeNotDeprecatedFault,
        DomainAlreadyExistsFault, DomainDeprecatedFault, WorkflowExecutionAlreadyStartedFault,
        DefaultUndefinedFault, LimitExceededFault, OperationNotPermittedFault, TooManyTagsFault,
        ThrottlingException, ValidationException, SerializationException, UnknownOperationException,
        AccessDeniedException, UnrecognizedClientException, InvalidSignatureException,
        IncompleteSignatureException, MissingAuthenticationTokenException, InternalFailure,
        ServiceUnavailable,
    )
}
# Other spellings AWS uses for the same conditions.
SERVICE_ERROR_CLASSES.update({
    "Throttling": ThrottlingException,
    "ThrottledException": ThrottlingException,
    "RequestLimitExceeded": ThrottlingException,
    "TooManyRequestsException": ThrottlingException,
    "InternalServerError": InternalFailure,
    "InternalFailureException": InternalFailure,
    "ServiceUnavailableException": ServiceUnavailable,
})


def service_error(
    code: str,
    message: str = "",
    *,
    request_id: Optional[str] = None,
    status_code: Optional[int] = None,
    operation: Optional[str] = None,
) -> ServiceError:
    """Build the exception for an error code; an unknown code gives a plain ``ServiceError``.

    >>> service_error("UnknownResourceFault", "Unknown domain: d").code
    'UnknownResourceFault'
    """
    cls = SERVICE_ERROR_CLASSES.get(code, ServiceError)
    return cls(message, code=code, request_id=request_id, status_code=status_code, operation=operation)


class TransportError(SWFError):
    """The request got no answer: connection refused or reset, DNS failure, read timeout.

    Attributes:
        operation: the API operation that was being called.
    """

    def __init__(self, message: str, *, operation: Optional[str] = None) -> None:
        self.operation = operation
        super().__init__(message)


class ConfigurationError(SWFError):
    """Region, endpoint or credentials are missing or unusable; the message says what to set.

    Attributes:
        setting: what is missing or wrong (``"region"``, ``"credentials"``, ``"endpoint_url"``), when
            known, so a caller (the command line) can give advice in its own words.
    """

    def __init__(self, message: str = "", *, setting: Optional[str] = None) -> None:
        super().__init__(message)
        self.setting = setting


class ValidationError(SWFError, ValueError):
    """Bad input, caught before anything was sent.

    Attributes:
        operation: the API operation or builder, e.g. ``RespondDecisionTaskCompleted``.
        path: where in the input, e.g. ``decisions[3].scheduleActivityTaskDecisionAttributes.activityId``.
        rule: the rule that was broken, e.g. ``length must be at most 256``.
    """

    def __init__(self, operation: str, path: str, rule: str) -> None:
        self.operation = operation
        self.path = path
        self.rule = rule
        super().__init__("%s: %s: %s" % (operation, path or "(input)", rule))

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (type(self), (self.operation, self.path, self.rule))


class HistoryError(SWFError):
    """A workflow history could not be read or folded."""


class HistoryIntegrityError(HistoryError):
    """An event breaks SWF's lifecycle rules.

    Attributes:
        event_id: the id of the event that broke the rule.
        event_type: its type.
        entity: what it applies to, e.g. ``activity 'a1'``.
        state: the entity's state before the event (``None`` when the entity is unknown).
    """

    def __init__(self, event_id: int, event_type: str, entity: str, state: Optional[str], rule: str) -> None:
        self.event_id = event_id
        self.event_type = event_type
        self.entity = entity
        self.state = state
        self.rule = rule
        super().__init__("event %d (%s) on %s in state %s: %s" % (event_id, event_type, entity, state, rule))

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (type(self), (self.event_id, self.event_type, self.entity, self.state, self.rule))


class NonDeterministicWorkflowError(SWFError):
    """Replayed workflow code asked for something other than what its history records.

    Attributes:
        event_id: the history event that recorded the other request.
        what: what was requested, e.g. ``activity 'a-3'``.
        recorded: the history's side (e.g. the activity type and input it recorded).
        requested: the code's side.
    """

    def __init__(self, message: str, *, event_id: int = 0, what: str = "", recorded: Any = None,
                 requested: Any = None) -> None:
        self.event_id = event_id
        self.what = what
        self.recorded = recorded
        self.requested = requested
        super().__init__(message)

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (_rebuild_non_deterministic, (self.args[0] if self.args else "", self.event_id, self.what,
                                             self.recorded, self.requested))


def _rebuild_non_deterministic(message: str, event_id: int, what: str, recorded: Any,
                               requested: Any) -> NonDeterministicWorkflowError:
    return NonDeterministicWorkflowError(message, event_id=event_id, what=what, recorded=recorded, requested=requested)


class PayloadError(SWFError):
    """An offloaded payload could not be stored or read.

    Attributes:
        reference: the reference text (``swfkit+s3://bucket/key SIZE``) or ``None`` before one exists.
        event_id: the history event that carried the reference, when known (0 otherwise).
    """

    def __init__(self, message: str, *, reference: Optional[str] = None, event_id: int = 0) -> None:
        self.reference = reference
        self.event_id = event_id
        super().__init__(message)

    def __reduce__(self) -> Tuple[Any, Tuple[Any, ...]]:
        return (_rebuild_payload_error, (type(self), self.args[0] if self.args else "", self.reference,
                                         self.event_id))


def _rebuild_payload_error(cls: Type[PayloadError], message: str, reference: Optional[str],
                           event_id: int) -> PayloadError:
    return cls(message, reference=reference, event_id=event_id)


class PayloadNotFoundError(PayloadError):
    """The object a reference names does not exist in its store."""


class PayloadIntegrityError(PayloadError):
    """The stored object's size is not the size its reference records."""


class PayloadTooLargeError(PayloadError):
    """A value is larger than the store's configured maximum size."""


class PayloadStoreError(PayloadError):
    """The payload store could not be reached or refused the request, after retries."""


__all__ = [
    "SWFError", "ServiceError", "SWFFault", "service_error", "SERVICE_ERROR_CLASSES",
    "TransportError", "ConfigurationError", "ValidationError", "HistoryError",
    "HistoryIntegrityError", "NonDeterministicWorkflowError", "PayloadError", "PayloadNotFoundError",
    "PayloadIntegrityError", "PayloadTooLargeError", "PayloadStoreError",
] + sorted(name for name in SERVICE_ERROR_CLASSES if name in globals())
