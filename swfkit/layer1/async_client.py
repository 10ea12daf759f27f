"""``AsyncLayer1``: the SWF client for asyncio programs (``pip install 'swfkit[async]'``).

The same 39 operations as ``Layer1``, as coroutines, generated from the same tables
(``async_*_operations.py``); ``call`` validates, signs, sends, retries and maps faults as
``Layer1.call`` does, with the same validation (``input_checks``), fault classes
(``faults.from_answer``), retry policy (waiting with ``asyncio.sleep``), signer, configuration and
call interceptors. Only the send differs: ``async_transport.AsyncTransport`` (aiohttp).
"""
from __future__ import annotations

import asyncio
import importlib.util
import json
import logging
import threading
import time
from typing import Any, AsyncIterator, Dict, List, Mapping, Optional, Sequence

from swfkit.exceptions import ConfigurationError, TransportError
from swfkit.layer1 import endpoints
from swfkit.layer1.async_domain_operations import AsyncDomainOperations
from swfkit.layer1.async_execution_operations import AsyncExecutionOperations
from swfkit.layer1.async_task_operations import AsyncTaskOperations
from swfkit.layer1.async_transport import INSTALL_HINT, AsyncTransport
from swfkit.layer1.async_type_operations import AsyncTypeOperations
from swfkit.layer1.call_interceptors import CallOutcome, notify_after, notify_before
from swfkit.layer1.client import Layer1
from swfkit.layer1.client_settings import ClientSettings
from swfkit.layer1.faults import from_answer
from swfkit.layer1.pagination import async_pages, operation_name, wire_arguments
from swfkit.layer1.signing import Signer
from swfkit.layer1.transport import request_id

logger = logging.getLogger("swfkit.layer1.client")  # the same logger as Layer1: one switch for both

class AsyncLayer1(AsyncDomainOperations, AsyncTypeOperations, AsyncExecutionOperations, AsyncTaskOperations,
                  ClientSettings):
    """A client for every operation of the SWF API, as coroutines::

        async with AsyncLayer1(region="eu-west-1") as swf:
            task = await swf.poll_for_activity_task(domain="d", task_list={"name": "main"})

    Args:
        region, endpoint_url, profile, aws_access_key_id, aws_secret_access_key, aws_session_token,
        max_attempts, connect_timeout, read_timeout, trust_env, interceptors: as for ``Layer1``
            (the same defaults, environment variables and loopback dummy credentials).
        pool_size: connections open at once, at most (0 = no limit); calls past it wait for a
            connection. Higher than ``Layer1``'s default (one per thread there) because one event
            loop runs many calls at once: long polls, heartbeats and completions side by side.

    The client belongs to the event loop of its first call (its connections are that loop's) until
    ``aclose()``; a call from another loop drops the first loop's connections and opens new ones.
    Credentials are resolved on the first call, in a worker thread (botocore's chain may read files
    or ask the instance metadata service), or by ``await resolve_credentials()``.

    Raises:
        ConfigurationError: aiohttp is not installed (``pip install 'swfkit[async]'``), no region,
            an unknown profile, half of an explicit key pair, or a bad setting.
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
        pool_size: int = 100,
        trust_env: bool = True,
        interceptors: Optional[Sequence[Any]] = None,
    ) -> None:
        if importlib.util.find_spec("aiohttp") is None:  # found, not imported: building stays cheap
            raise ConfigurationError(INSTALL_HINT)
        super().__init__(region, endpoint_url, dict(
            profile=profile, aws_access_key_id=aws_access_key_id, aws_secret_access_key=aws_secret_access_key,
            aws_session_token=aws_session_token, max_attempts=max_attempts, connect_timeout=connect_timeout,
            read_timeout=read_timeout, pool_size=pool_size, trust_env=trust_env, interceptors=interceptors))
        if pool_size != 0:
            endpoints.pool_size(pool_size)  # the same check as Layer1's; 0 is "no limit" here
        self._pool_size = pool_size
        self._signer_lock = threading.Lock()  # credentials are resolved in worker threads
        self._transport: Optional[AsyncTransport] = None

    # -- opening -------------------------------------------------------------------------------

    def _open_transport(self) -> AsyncTransport:
        loop = asyncio.get_running_loop()
        previous = self._transport
        if previous is not None and previous.loop is loop:
            return previous
        if previous is not None:
            previous.close()  # another loop's connections cannot serve this one
        transport = AsyncTransport(self.endpoint_url, pool_size=self._pool_size, trust_env=self._trust_env)
        self._transport = transport
        if self._aborted:
            transport.abort()
        return transport

    async def resolve_credentials(self) -> Any:
        """Resolve the credentials now instead of on the first call; return botocore's credentials.

        Raises:
            ConfigurationError: no credentials anywhere in the chain, or a broken profile.
        """
        return (await self._open_signer()).credentials

    async def _open_signer(self) -> Signer:
        if self._signer is None:
            # botocore's chain may block (files, the instance metadata service): not on the loop.
            return await asyncio.to_thread(self._resolve_signer)
        return self._signer

    def _resolve_signer(self) -> Signer:
        with self._signer_lock:
            if self._signer is None:
                self._signer = self._new_signer()
            return self._signer

    # -- calling -------------------------------------------------------------------------------

    async def call(self, operation: str, params: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
        """Send one SWF operation with wire-form parameters; return the parsed answer.

        Args:
            operation: the API name, e.g. ``"PollForDecisionTask"``.
            params: the request as SWF's JSON names it (``{"domain": ..., "taskList": {...}}``).

        Returns:
            The answer's JSON object (``{}`` for operations without output).

        Raises:
            ValidationError: bad input, before anything is sent.
            ServiceError: SWF answered with a fault (a subclass per fault code).
            TransportError: no answer after the last attempt (or the client was aborted).
            asyncio.CancelledError: the calling task was cancelled (its connection is closed).
        """
        if self.interceptors:
            return await self._intercepted_call(operation, params)
        return await self._call(operation, params, None)

    async def _intercepted_call(self, operation: str, params: Optional[Mapping[str, Any]]) -> Dict[str, Any]:
        interceptors = self.interceptors
        states = notify_before(interceptors, operation, {} if params is None else params)
        attempts = [0]
        started = time.perf_counter()
        try:
            answer = await self._call(operation, params, attempts)
        except BaseException as error:  # CancelledError too: the interceptor sees every ending
            fault = getattr(error, "code", None) or type(error).__name__
            notify_after(interceptors, states, CallOutcome(operation, time.perf_counter() - started, attempts[0],
                                                           fault, error))
            raise
        notify_after(interceptors, states, CallOutcome(operation, time.perf_counter() - started, attempts[0]))
        return answer

    async def _call(self, operation: str, params: Optional[Mapping[str, Any]],
                    attempts: Optional[List[int]]) -> Dict[str, Any]:
        prepared = self._prepared.get(operation) or self._prepare(operation)
        validate, headers, timeout = prepared
        body = json.dumps(validate({} if params is None else params)).encode("utf-8")
        signer = self._signer or await self._open_signer()
        transport = self._transport
        if transport is None or transport.loop is not asyncio.get_running_loop():
            transport = self._open_transport()
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
                answer = await transport.send(operation, signed, body, timeout)
            except TransportError as error:
                if await self.retry_policy.should_retry_async(error, attempt):
                    logger.info("retrying %s after attempt %d: %s", operation, attempt, error)
                    continue
                raise
            if answer.status == 200:
                return Layer1._parse(operation, answer)
            fault = from_answer(operation, answer.status, answer.body, request_id(answer.headers))
            if await self.retry_policy.should_retry_async(fault, attempt):
                logger.info("retrying %s after attempt %d: %s", operation, attempt, fault)
                continue
            raise fault

    def paginate(self, operation: str, **params: Any) -> AsyncIterator[Dict[str, Any]]:
        """Iterate (``async for``) over the pages of a paginated operation, each fetched when reached.

        Args:
            operation: ``"GetWorkflowExecutionHistory"`` or ``"get_workflow_execution_history"``.
            **params: the method's keyword arguments (snake_case; wire names are accepted too).

        Returns:
            An async iterator of each page's answer dict, until one has no ``nextPageToken``.

        Raises:
            ValidationError: an unknown or unpaginated operation or argument (at once).
        """
        operation = operation_name(operation)
        return async_pages(self.call, operation, wire_arguments(operation, params))

    # -- ending --------------------------------------------------------------------------------

    def abort(self) -> None:
        """Make this client's calls in flight, and every later one, fail with a ``TransportError``
        that is not retried; from the loop, another thread or a signal handler (in flight calls
        fail at the loop's next turn). Async actors abandon a long poll this way on stop, on a
        loopback endpoint only (real SWF may still hand a task to a poll it holds)."""
        self._aborted = True
        transport = self._transport
        if transport is not None:
            transport.abort()

    async def aclose(self) -> None:
        """Close the client's connections and wait until they are closed (a later call opens new ones)."""
        transport, self._transport = self._transport, None
        if transport is not None:
            await transport.aclose()

    def close(self) -> None:
        """Start closing the client's connections without waiting; in a coroutine prefer ``aclose()``."""
        transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    async def __aenter__(self) -> "AsyncLayer1":
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    def __repr__(self) -> str:
        return "AsyncLayer1(region=%r, endpoint_url=%r)" % (self.region, self.endpoint_url)

