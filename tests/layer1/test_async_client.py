"""``AsyncLayer1`` behaves as ``Layer1``: the same fault classes, validation before sending, retries,
interceptors, pagination and long polls; plus what only a coroutine client has: cancellation that
leaks no connection, ``abort()`` from the loop or another thread, one event loop at a time."""
from __future__ import annotations

import asyncio
import gc
import http.server
import json
import pickle
import socket
import subprocess
import sys
import threading
import time
import warnings
from typing import Any, Callable, Iterator, List, Mapping, Tuple

import pytest

from swfkit import exceptions
from swfkit.layer1 import AsyncLayer1, Layer1
from swfkit.layer1.call_interceptors import CallInterceptor, CallOutcome

from tests.conftest import TEST_REGION
from tests.layer1.test_faults import NAMESPACES
from tests.layer1.test_validation import SCHEDULE

pytest.importorskip("aiohttp")

THROTTLED = {"__type": "com.amazon.coral.availability#ThrottlingException", "message": "Rate exceeded"}
DROP = "drop"  # the stub closes the connection without answering
SLOW = "slow"  # the stub answers {} after 1.5 s


class Stub:
    """A loopback HTTP/1.1 server answering queued (status, JSON body) pairs, keep-alive, recording
    each request's headers and body; answers ``{}`` when the queue is empty."""

    def __init__(self) -> None:
        self.answers: List[Any] = []
        self.requests: List[Tuple[Mapping[str, str], bytes]] = []
        stub = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                stub.requests.append((dict(self.headers), body))
                queued = stub.answers.pop(0) if stub.answers else (200, {})
                if queued == DROP:
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if queued == SLOW:
                    time.sleep(1.5)
                    queued = (200, {})
                status, document = queued
                payload = json.dumps(document).encode()
                self.send_response(status)
                self.send_header("x-amzn-RequestId", "rid-7")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = "http://127.0.0.1:%d" % self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def answer(self, document: Any = None, status: int = 200) -> None:
        self.answers.append((status, {} if document is None else document))


@pytest.fixture
def stub() -> Iterator[Stub]:
    server = Stub()
    server.thread.start()
    try:
        yield server
    finally:
        server.server.shutdown()
        server.server.server_close()


def run(client: AsyncLayer1, work: Callable[[AsyncLayer1], Any]) -> Any:
    """Run ``work(client)`` in a fresh event loop and close the client's connections before it ends."""
    async def main() -> Any:
        async with client:
            return await work(client)

    return asyncio.run(main())


def async_client(url: str, **options: Any) -> AsyncLayer1:
    options.setdefault("max_attempts", 3)
    swf = AsyncLayer1(region=TEST_REGION, endpoint_url=url, **options)
    swf.retry_policy.async_sleep = _no_wait
    return swf


async def _no_wait(seconds: float) -> None:
    return None


# -- faults, validation, retries: the sync client's outcomes --------------------------------------

@pytest.mark.parametrize("code", sorted(NAMESPACES))
def test_each_fault_maps_to_the_class_the_sync_client_raises(code: str, stub: Stub) -> None:
    for _ in range(6):  # throttling is retried: enough answers for both clients' three attempts
        stub.answer({"__type": NAMESPACES[code], "message": "it went wrong"}, status=400)
    with pytest.raises(exceptions.ServiceError) as sync_caught:
        sync = Layer1(region=TEST_REGION, endpoint_url=stub.url, max_attempts=3)
        sync.retry_policy.sleep = lambda seconds: None
        sync.describe_domain(name="d")
    sent_by_sync = len(stub.requests)
    with pytest.raises(exceptions.ServiceError) as caught:
        run(async_client(stub.url), lambda swf: swf.describe_domain(name="d"))
    error = caught.value
    assert type(error) is type(sync_caught.value) is getattr(exceptions, code)
    assert (error.code, error.message, error.request_id, error.status_code, error.operation) == (
        code, "it went wrong", "rid-7", 400, "DescribeDomain")
    assert len(stub.requests) - sent_by_sync == sent_by_sync == (3 if code == "ThrottlingException" else 1)


def test_an_answer_that_is_not_json_is_a_service_error(stub: Stub) -> None:
    stub.answers.append((200, "just a string"))
    with pytest.raises(exceptions.ServiceError) as caught:
        run(async_client(stub.url), lambda swf: swf.describe_domain(name="d"))
    assert caught.value.code == "InvalidResponse"


@pytest.mark.parametrize("operation, params", [
    ("DescribeDomain", {}),
    ("DescribeDomain", {"name": "x" * 257}),
    ("ListDomains", {"registrationStatus": "ACTIVE"}),
    ("RespondDecisionTaskCompleted", {"taskToken": "t", "decisions": SCHEDULE}),
    ("CountOpenWorkflowExecutions", {"domain": "d", "startTimeFilter": {"oldestDate": "yesterday"}}),
])
def test_bad_input_is_refused_before_sending_as_the_sync_client_refuses_it(stub: Stub, operation: str,
                                                                           params: Mapping[str, Any]) -> None:
    with pytest.raises(exceptions.ValidationError) as sync_caught:
        Layer1(region=TEST_REGION, endpoint_url=stub.url).call(operation, params)
    with pytest.raises(exceptions.ValidationError) as caught:
        run(async_client(stub.url), lambda swf: swf.call(operation, params))
    assert str(caught.value) == str(sync_caught.value) and caught.value.operation == operation
    assert stub.requests == []


def test_throttling_and_server_errors_are_retried_with_the_same_backoff(stub: Stub) -> None:
    stub.answer(THROTTLED, status=400)
    stub.answer({"__type": "SomethingOdd", "message": "x"}, status=503)
    stub.answer({"count": 2})
    waits: List[float] = []

    async def wait(seconds: float) -> None:
        waits.append(seconds)

    swf = async_client(stub.url)
    swf.retry_policy.async_sleep = wait
    swf.retry_policy.jitter = lambda: 1.0
    assert run(swf, lambda swf: swf.count_pending_decision_tasks(domain="d", task_list={"name": "t"})) == {"count": 2}
    assert waits == [0.25, 0.5] and len(stub.requests) == 3
    assert len({body for _, body in stub.requests}) == 1  # signed afresh, the same body


def test_a_dropped_connection_is_retried_then_answered(stub: Stub) -> None:
    stub.answers.append(DROP)
    stub.answer({"domainInfos": []})
    assert run(async_client(stub.url), lambda swf: swf.list_domains(registration_status="REGISTERED")) == {"domainInfos": []}
    assert len(stub.requests) == 2


def test_a_refused_connection_is_a_retryable_transport_error_after_the_attempts(free_port: int) -> None:
    import aiohttp

    attempts: List[int] = []

    class Count(CallInterceptor):
        def after_call(self, outcome: CallOutcome, state: Any) -> None:
            attempts.append(outcome.attempts)

    with pytest.raises(exceptions.TransportError, match="CountPendingDecisionTasks: no answer") as caught:
        run(async_client("http://127.0.0.1:%d" % free_port, interceptors=[Count()]),
            lambda swf: swf.count_pending_decision_tasks(domain="d", task_list={"name": "t"}))
    assert caught.value.retryable is True and attempts == [3]  # type: ignore[attr-defined]
    assert isinstance(caught.value.__cause__, aiohttp.ClientError)
    assert not isinstance(caught.value, aiohttp.ClientError)


def test_a_read_timeout_is_a_retryable_transport_error(stub: Stub) -> None:
    stub.answers.append(SLOW)
    with pytest.raises(exceptions.TransportError, match="DescribeDomain: no answer .*timed out") as caught:
        run(async_client(stub.url, read_timeout=0.5, max_attempts=1), lambda swf: swf.describe_domain(name="d"))
    assert caught.value.retryable is True  # type: ignore[attr-defined]


# -- interceptors ---------------------------------------------------------------------------------

class Recorder(CallInterceptor):
    def __init__(self, name: str, log: List[Any]) -> None:
        self.name, self.log = name, log

    def before_call(self, operation: str, params: Mapping[str, Any]) -> Any:
        self.log.append((self.name + ".before", operation))
        return self.name

    def after_call(self, outcome: CallOutcome, state: Any) -> None:
        self.log.append((self.name + ".after", outcome, state))


def test_interceptors_see_each_call_once_as_the_sync_client_shows_it(stub: Stub) -> None:
    stub.answer(THROTTLED, status=400)
    stub.answer({"count": 1})
    stub.answer({"__type": "com.amazonaws.swf.base.model#UnknownResourceFault", "message": "gone"}, status=400)
    log: List[Any] = []

    async def work(swf: AsyncLayer1) -> None:
        await swf.count_pending_activity_tasks(domain="d", task_list={"name": "t"})
        with pytest.raises(exceptions.UnknownResourceFault):
            await swf.describe_domain(name="d")
        with pytest.raises(exceptions.ValidationError):
            await swf.describe_domain(name="")

    run(async_client(stub.url, interceptors=[Recorder("a", log), Recorder("b", log)]), work)
    assert [entry[0] for entry in log] == ["a.before", "b.before", "b.after", "a.after"] * 3
    outcomes = [entry[1] for entry in log if entry[0] == "a.after"]
    assert [(o.operation, o.attempts, o.fault) for o in outcomes] == [
        ("CountPendingActivityTasks", 2, None), ("DescribeDomain", 1, "UnknownResourceFault"),
        ("DescribeDomain", 0, "ValidationError")]
    assert all(entry[2] == entry[0][0] for entry in log if entry[0].endswith(".after"))


def test_a_failing_interceptor_is_logged_and_ignored(stub: Stub, caplog: Any) -> None:
    class Broken(CallInterceptor):
        def before_call(self, operation: str, params: Mapping[str, Any]) -> Any:
            raise RuntimeError("before broke")

        def after_call(self, outcome: CallOutcome, state: Any) -> None:
            raise RuntimeError("after broke")

    stub.answer({"count": 0})
    assert run(async_client(stub.url, interceptors=[Broken()]),
               lambda swf: swf.count_pending_decision_tasks(domain="d", task_list={"name": "t"})) == {"count": 0}
    assert "before broke" in caplog.text and "after broke" in caplog.text
    with pytest.raises(TypeError, match="before_call/after_call"):
        AsyncLayer1(region=TEST_REGION, endpoint_url=stub.url, interceptors=[object()])


# -- pagination and long polls against the embedded server ----------------------------------------

def test_pagination_is_an_async_iterator_of_pages(swf_endpoint: str) -> None:
    sync = Layer1(region=TEST_REGION, endpoint_url=swf_endpoint)
    for index in range(5):
        sync.register_domain(name="paged-%d" % index, workflow_execution_retention_period_in_days="1")

    async def work(swf: AsyncLayer1) -> Any:
        pages = [page async for page in swf.paginate("list_domains", registration_status="REGISTERED",
                                                      maximum_page_size=2)]
        with pytest.raises(exceptions.ValidationError, match="not a paginated operation"):
            swf.paginate("DescribeDomain", name="d")
        with pytest.raises(exceptions.ValidationError, match="unknown argument"):
            swf.paginate("ListDomains", registration_status="REGISTERED", colour="red")
        return pages

    pages = run(async_client(swf_endpoint), work)
    assert [len(page["domainInfos"]) for page in pages] == [2, 2, 1]
    assert [d["name"] for page in pages for d in page["domainInfos"]] == [
        d["name"] for page in sync.paginate("ListDomains", registration_status="REGISTERED", maximum_page_size=2)
        for d in page["domainInfos"]]


def test_a_long_poll_returns_empty_after_the_servers_hold_and_reads_past_sixty_seconds(swf_endpoint: str) -> None:
    Layer1(region=TEST_REGION, endpoint_url=swf_endpoint).register_domain(
        name="polls", workflow_execution_retention_period_in_days="1")

    async def work(swf: AsyncLayer1) -> Any:
        started = time.monotonic()
        task = await swf.poll_for_decision_task(domain="polls", task_list={"name": "nobody"})
        return task, time.monotonic() - started, swf._transport

    # read_timeout=1 s: other calls would time out on a 2 s wait; polls read for 70 s
    task, waited, transport = run(async_client(swf_endpoint, read_timeout=1.0, max_attempts=1), work)
    assert not task.get("taskToken") and waited >= 1.5  # the fixture's server holds polls 2 s
    poll_timeout = [t for key, t in transport._timeouts.items() if key[1] >= 70]
    assert len(poll_timeout) == 1 and poll_timeout[0].sock_read >= 70 > 60 and poll_timeout[0].total is None


# -- cancellation, abort, closing -----------------------------------------------------------------

@pytest.fixture
def long_poll_endpoint() -> Iterator[str]:
    from swfkit.server import running

    with running(db=None, poll_timeout=60.0) as url:
        Layer1(region=TEST_REGION, endpoint_url=url).register_domain(
            name="waits", workflow_execution_retention_period_in_days="1")
        yield url


def _poll(swf: AsyncLayer1) -> Any:
    return swf.poll_for_activity_task(domain="waits", task_list={"name": "nobody"})


async def _until_waiting(swf: AsyncLayer1) -> None:
    """Until the poll's request is out (its connection taken from the pool) and held by the server."""
    for _ in range(200):
        if swf._transport is not None and swf._transport.connections[0]:
            await asyncio.sleep(0.2)
            return
        await asyncio.sleep(0.01)
    raise AssertionError("the poll never went out")


def test_cancelling_a_waiting_poll_raises_cancelled_and_leaks_no_connection(long_poll_endpoint: str) -> None:
    log: List[Any] = []

    async def work(swf: AsyncLayer1) -> Any:
        await swf.describe_domain(name="waits")  # one kept-alive connection in the pool
        poll = asyncio.create_task(_poll(swf))
        await _until_waiting(swf)
        waiting = swf._transport.connections  # type: ignore[union-attr]
        poll.cancel()
        with pytest.raises(asyncio.CancelledError):
            await asyncio.wait_for(poll, 10)
        after = swf._transport.connections  # type: ignore[union-attr]
        described = await swf.describe_domain(name="waits")  # the client and the server go on
        return waiting, after, described

    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        waiting, after, described = run(async_client(long_poll_endpoint, interceptors=[Recorder("r", log)]), work)
        gc.collect()
    # (in use, idle): the poll took the kept-alive one; cancelled, it was closed, not put back
    assert waiting == (1, 0) and after == (0, 0)
    assert described["domainInfo"]["name"] == "waits"
    assert [o.fault for name, o, _ in (e for e in log if e[0] == "r.after")] == [None, "CancelledError", None]
    assert not [w for w in caught if "nclosed" in str(w.message)], [str(w.message) for w in caught]


@pytest.mark.parametrize("from_thread", [False, True])
def test_abort_fails_the_waiting_poll_at_once_without_retrying(long_poll_endpoint: str, from_thread: bool) -> None:
    async def work(swf: AsyncLayer1) -> Any:
        poll = asyncio.create_task(_poll(swf))
        await _until_waiting(swf)
        started = time.monotonic()
        if from_thread:
            await asyncio.to_thread(swf.abort)
        else:
            swf.abort()
        with pytest.raises(exceptions.TransportError, match="aborted") as caught:
            await asyncio.wait_for(poll, 10)  # the server would hold it 60 s
        with pytest.raises(exceptions.TransportError, match="not sent: the client was aborted"):
            await swf.describe_domain(name="waits")
        return caught.value, time.monotonic() - started

    error, took = run(async_client(long_poll_endpoint, max_attempts=5), work)
    assert error.retryable is False and took < 5  # generous: "at once", against a 60 s hold


def test_an_aborted_client_sends_nothing_even_before_its_first_call(stub: Stub) -> None:
    swf = async_client(stub.url)
    swf.abort()
    with pytest.raises(exceptions.TransportError, match="aborted"):
        run(swf, lambda swf: swf.list_domains(registration_status="REGISTERED"))
    assert stub.requests == []


def test_closed_clients_reopen_and_each_event_loop_gets_its_own_connections(stub: Stub) -> None:
    swf = async_client(stub.url)
    first = run(swf, lambda swf: swf.describe_domain(name="a"))
    assert swf._transport is None  # async with closed it
    run(swf, lambda swf: swf.describe_domain(name="b"))
    assert first == {} and len(stub.requests) == 2


def test_the_proxy_is_read_from_the_environment_once(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.local:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")

    async def transports() -> Any:
        swf = AsyncLayer1(region="eu-west-1")
        bypassed = AsyncLayer1(region="eu-west-1", endpoint_url="https://internal.example")
        untrusting = AsyncLayer1(region="eu-west-1", trust_env=False)
        opened = [client._open_transport() for client in (swf, bypassed, untrusting)]
        monkeypatch.setenv("HTTPS_PROXY", "http://other:1")
        again = swf._open_transport()
        for client in (swf, bypassed, untrusting):
            await client.aclose()
        return [transport.proxy for transport in opened] + [again is opened[0]]

    assert asyncio.run(transports()) == ["http://proxy.local:3128", None, None, True]


def test_copies_and_pickles_keep_the_settings(stub: Stub) -> None:
    recorder = Recorder("r", [])
    swf = AsyncLayer1(region=TEST_REGION, endpoint_url=stub.url, max_attempts=2, read_timeout=12.0,
                      interceptors=[recorder])
    copy = swf.copy(max_attempts=1)
    assert isinstance(copy, AsyncLayer1) and copy.retry_policy.max_attempts == 1 and copy.interceptors == (recorder,)
    assert (copy.region, copy.endpoint_url, copy._timeout) == (swf.region, swf.endpoint_url, (10.0, 12.0))
    clone = pickle.loads(pickle.dumps(AsyncLayer1(region=TEST_REGION, endpoint_url=stub.url, max_attempts=2)))
    assert (clone.endpoint_url, clone.retry_policy.max_attempts) == (stub.url + "/", 2)
    assert repr(clone) == "AsyncLayer1(region='us-east-1', endpoint_url=%r)" % (stub.url + "/")


def test_the_requests_are_signed_and_shaped_as_the_sync_clients(stub: Stub) -> None:
    Layer1(region=TEST_REGION, endpoint_url=stub.url).describe_domain(name="d")
    run(async_client(stub.url), lambda swf: swf.describe_domain(name="d"))
    (sync_headers, sync_body), (headers, body) = stub.requests
    assert body == sync_body
    for name in ("Host", "X-Amz-Target", "Content-Type", "User-Agent", "Accept-Encoding", "Content-Length"):
        assert headers[name] == sync_headers[name], name
    assert headers["Authorization"].split("Signature=")[0] == sync_headers["Authorization"].split("Signature=")[0]


# -- the optional extra ---------------------------------------------------------------------------

def test_without_aiohttp_building_or_calling_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch, stub: Stub) -> None:
    swf = async_client(stub.url)
    monkeypatch.setitem(sys.modules, "aiohttp", None)  # what an install without the extra sees
    with pytest.raises(exceptions.ConfigurationError, match=r"pip install 'swfkit\[async\]'"):
        AsyncLayer1(region=TEST_REGION, endpoint_url=stub.url)
    with pytest.raises(exceptions.ConfigurationError, match=r"pip install 'swfkit\[async\]'"):
        asyncio.run(swf.describe_domain(name="d"))
    assert stub.requests == []


def test_importing_layer1_imports_neither_asyncio_nor_aiohttp() -> None:
    code = ("import sys, swfkit.layer1; from swfkit.layer1 import Layer1; "
            "print(sorted(m for m in ('asyncio', 'aiohttp') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


@pytest.fixture
def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
