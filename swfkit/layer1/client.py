"""``Layer1``: the SWF client. ``call`` is the one place that validates, signs, sends, retries and
maps faults; the 39 named methods (``*_operations.py``, generated) are thin wrappers over it."""
from __future__ import annotations

import json
import logging
import threading
import time
from typing import Any, Dict, Iterator, List, Mapping, Optional, Sequence

from swfkit.exceptions import ServiceError, TransportError
from swfkit.layer1 import endpoints
from swfkit.layer1.domain_operations import DomainOperations
from swfkit.layer1.execution_operations import ExecutionOperations
from swfkit.layer1.faults import from_answer
from swfkit.layer1.call_interceptors import CallOutcome, notify_after, notify_before
from swfkit.layer1.client_settings import ClientSettings
from swfkit.layer1.pagination import operation_name, pages, wire_arguments
from swfkit.layer1.signing import Signer
from swfkit.layer1.task_operations import TaskOperations
from swfkit.layer1.transport import Transport, request_id
from swfkit.layer1.type_operations import TypeOperations

logger = logging.getLogger(__name__)

class Layer1(DomainOperations, TypeOperations, ExecutionOperations, TaskOperations, ClientSettings):
    """A client for every operation of the SWF API.

    Args:
        region: AWS region; else ``AWS_DEFAULT_REGION``, ``AWS_REGION``, the region of an AWS
            endpoint host, the profile's region, or ``us-east-1`` on a loopback endpoint.
        endpoint_url: e.g. ``http://127.0.0.1:8000``; else ``AWS_ENDPOINT_URL_SWF``,
            ``AWS_ENDPOINT_URL`` or ``https://swf.{region}.amazonaws.com``.
        profile: a profile of the shared AWS config/credentials files.
        aws_access_key_id, aws_secret_access_key, aws_session_token: explicit credentials; else
            botocore's credential chain; on a loopback endpoint, dummy ones when the chain has none.
        max_attempts: attempts per call, first included; else ``SWF_CONNECTION_RETRIES`` + 1, else 5.
        connect_timeout, read_timeout: socket timeouts in seconds (long polls read for at least
            ``LONG_POLL_READ_TIMEOUT_SECONDS``, more than SWF's 60 s hold).
        pool_size: keep-alive connections kept, one per thread calling concurrently.
        trust_env: honour proxy and CA bundle environment variables.
        interceptors: ``swfkit.layer1.call_interceptors.CallInterceptor`` objects told of every call
            (operation, duration, attempts, fault): for metrics and tracing. Copies keep them.

    Credentials are resolved on the first call (or by ``resolve_credentials()``), as the other AWS
    SDKs do: building a client reads no credential source and imports no part of botocore, so a
    supervisor that only hands the client to its worker processes never pays for them.

    Raises:
        ConfigurationError: no region, an unknown profile, half of an explicit key pair, or a bad
            setting (the message says what to set). Missing credentials are raised by the first
            call, before anything is sent.
    """

    def __init__(
        self,
        region: Optional[str] = None,
        endpoint_url: Optional[str] = None,
        *,
        profile: Optional[str] = None,
        aws_access_key_id: Optional[str] = None,
        aws_secret_access_key: Optional[str] = None,
        aws_session_token: Optional[str] = None,
        max_attempts: Optional[int] = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 30.0,
        pool_size: int = 10,
        trust_env: bool = True,
        interceptors: Optional[Sequence[Any]] = None,
    ) -> None:
        super().__init__(region, endpoint_url, dict(
            profile=profile, aws_access_key_id=aws_access_key_id, aws_secret_access_key=aws_secret_access_key,
            aws_session_token=aws_session_token, max_attempts=max_attempts, connect_timeout=connect_timeout,
            read_timeout=read_timeout, pool_size=pool_size, trust_env=trust_env, interceptors=interceptors))
        self._pool_size = endpoints.pool_size(pool_size)
        # Opened on the first call: building a client stays cheap (no requests import, no proxy
        # lookup) for programs that create one and may never call. The signer too (see the class
        # docstring), once, under the lock.
        self._transport: Optional[Transport] = None
        self._open_lock = threading.Lock()  # guards opening the transport and the signer

    def _open_transport(self) -> Transport:
        with self._open_lock:
            if self._transport is None:
                self._transport = Transport(self.endpoint_url, pool_size=self._pool_size, trust_env=self._trust_env)
                if self._aborted:  # abort() came first (it takes no lock: see there)
                    self._transport.abort()
            return self._transport

    def resolve_credentials(self) -> Any:
        """Resolve the credentials now instead of on the first call; return botocore's credentials.

        For programs that want a configuration error at start-up rather than at their first call::

            swf = Layer1(region="eu-west-1")
            swf.resolve_credentials()   # ConfigurationError here if no source has credentials

        Raises:
            ConfigurationError: no credentials anywhere in the chain, or a broken profile.
        """
        return self._open_signer().credentials

    def _open_signer(self) -> Signer:
        with self._open_lock:
            if self._signer is None:
                self._signer = self._new_signer()
            return self._signer

    def call(self, operation: str, params: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Send one SWF operation with wire-form parameters; return the parsed answer.

        Args:
            operation: the API name, e.g. ``"PollForDecisionTask"``.
            params: the request as SWF's JSON names it (``{"domain": ..., "taskList": {...}}``).

        Returns:
            The answer's JSON object (``{}`` for operations without output).

        Raises:
            ValidationError: bad input, before anything is sent.
            ServiceError: SWF answered with a fault (a subclass per fault code).
            TransportError: no answer after the last attempt.
        """
        if self.interceptors:
            return self._intercepted_call(operation, params)
        return self._call(operation, params, None)

    def _intercepted_call(self, operation: str, params: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
        interceptors = self.interceptors
        states = notify_before(interceptors, operation, {} if params is None else params)
        attempts = [0]
        started = time.perf_counter()
        try:
            answer = self._call(operation, params, attempts)
        except BaseException as error:
            fault = getattr(error, "code", None) or type(error).__name__
            notify_after(interceptors, states, CallOutcome(operation, time.perf_counter() - started, attempts[0],
                                                           fault, error))
            raise
        notify_after(interceptors, states, CallOutcome(operation, time.perf_counter() - started, attempts[0]))
        return answer

    def _call(self, operation: str, params: Optional[Mapping[str, Any]], attempts: Optional[List[int]]) -> Dict[str, Any]:
        prepared = self._prepared.get(operation) or self._prepare(operation)
        validate, headers, timeout = prepared
        body = json.dumps(validate({} if params is None else params)).encode("utf-8")
        signer = self._signer or self._open_signer()
        transport = self._transport or self._open_transport()
        attempt = 0
        while True:
            attempt += 1
            if attempts is not None:
                attempts[0] = attempt
            signed = signer.sign(self.endpoint_url, headers, body)
            signed["User-Agent"] = self._user_agent
            signed["Accept-Encoding"] = "identity"
            signed["Content-Length"] = str(len(body))
            try:
                answer = transport.send(operation, signed, body, timeout)
            except TransportError as error:
                if self.retry_policy.should_retry(error, attempt):
                    logger.info("retrying %s after attempt %d: %s", operation, attempt, error)
                    continue
                raise
            if answer.status == 200:
                return self._parse(operation, answer)
            fault = from_answer(operation, answer.status, answer.body, request_id(answer.headers))
            if self.retry_policy.should_retry(fault, attempt):
                logger.info("retrying %s after attempt %d: %s", operation, attempt, fault)
                continue
            raise fault

    @staticmethod
    def _parse(operation: str, answer: Any) -> Dict[str, Any]:
        if not answer.body:
            return {}
        try:
            document = json.loads(answer.body)
        except ValueError as err:
            raise ServiceError("answer is not JSON: %r" % answer.body[:200], code="InvalidResponse",
                               request_id=request_id(answer.headers), status_code=answer.status,
                               operation=operation) from err
        if not isinstance(document, dict):
            raise ServiceError("answer is not a JSON object: %r" % answer.body[:200], code="InvalidResponse",
                               request_id=request_id(answer.headers), status_code=answer.status,
                               operation=operation)
        return document

    def paginate(self, operation: str, **params: Any) -> Iterator[Dict[str, Any]]:
        """Iterate over the pages of a paginated operation, fetching each only when reached.

        Args:
            operation: ``"GetWorkflowExecutionHistory"`` or ``"get_workflow_execution_history"``.
            **params: the method's keyword arguments (snake_case; wire names are accepted too).

        Yields:
            Each page's answer dict, in order, until one has no ``nextPageToken``.
        """
        operation = operation_name(operation)
        return pages(self.call, operation, wire_arguments(operation, params))

    def close(self) -> None:
        """Close the client's connections (a later call opens new ones)."""
        with self._open_lock:
            transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    def abort(self) -> None:
        """Make this client's calls in flight, and every later one, fail now with a ``TransportError``
        that is not retried (thread-safe); the sockets are shut down, so the endpoint sees them go.
        Actors abandon a long poll this way only on a loopback endpoint (the embedded server):
        real SWF may still hand a task to a poll it holds, and that task would wait for its timeout."""
        # No lock: abort() runs in signal handlers, maybe on the very thread that holds _open_lock
        # while it resolves credentials. The flag is set before the transport is read, and
        # _open_transport reads the flag after setting the transport, so one of them aborts it.
        self._aborted = True
        transport = self._transport
        if transport is not None:
            transport.abort()

    def __enter__(self) -> "Layer1":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        return "Layer1(region=%r, endpoint_url=%r)" % (self.region, self.endpoint_url)

