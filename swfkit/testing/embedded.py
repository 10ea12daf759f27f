"""``SWFTestServer``: the embedded server as tests use it (endpoint, client, clock, a few readers).

Shaped like temporalio's ``WorkflowEnvironment``: a context manager that starts the server on a
free loopback port with a ``SkippingClock`` and in-memory state, and gives the endpoint URL, a
``Layer1`` client, the environment variables that point unmodified boto3 code at it, and helpers
to register a domain and wait for history events.
"""
from __future__ import annotations

import itertools
import time
from typing import Any, Callable, Dict, List, Optional

from swfkit.layer1 import Layer1
from swfkit.server import SWFServer

__all__ = ["SWFTestServer", "DUMMY_CREDENTIALS", "CLOSE_EVENTS"]

#: What the server is called with: any key is accepted, these never name a real account.
DUMMY_CREDENTIALS = {"AWS_ACCESS_KEY_ID": "swfkit-testing", "AWS_SECRET_ACCESS_KEY": "swfkit-testing"}
CLOSE_EVENTS = frozenset(("WorkflowExecutionCompleted", "WorkflowExecutionFailed", "WorkflowExecutionTimedOut",
                          "WorkflowExecutionCanceled", "WorkflowExecutionTerminated",
                          "WorkflowExecutionContinuedAsNew"))
_DOMAIN_NUMBERS = itertools.count(1)


class SWFTestServer:
    """An embedded SWF server for one test or a test session.

    Args:
        clock: the server's clock (default: a ``SkippingClock``; ``swfkit.server.SystemClock()`` for
            wall-clock time).
        poll_timeout: seconds an empty long poll waits (short, so stopping actors is quick).
        region: the region of the environment and of domain ARNs.
        lambdas: ``{"name": callable}`` for ScheduleLambdaFunction.

    Attributes:
        server: the ``swfkit.server.SWFServer``. clock: its clock.
    """

    __test__ = False  # not a test class, whatever pytest's collection thinks of the name

    def __init__(self, *, clock: Any = None, poll_timeout: float = 1.0, region: str = "us-east-1",
                 lambdas: Optional[Dict[str, Callable[..., Any]]] = None) -> None:
        from swfkit.testing.time_skipping import SkippingClock

        self.clock = SkippingClock() if clock is None else clock
        self.region = region
        self.server = SWFServer(None, poll_timeout=poll_timeout, clock=self.clock, lambdas=lambdas, region=region)
        if isinstance(self.clock, SkippingClock):
            self.clock.bind(self.server.fire_due_timeouts)
        self._layer1: Optional[Layer1] = None

    def start(self) -> "SWFTestServer":
        """Start serving (returns self)."""
        self.server.start()
        return self

    def stop(self) -> None:
        """Stop the server (a second call does nothing)."""
        if self._layer1 is not None:
            self._layer1.close()
        self.server.stop()

    def __enter__(self) -> "SWFTestServer":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()

    @property
    def endpoint_url(self) -> str:
        """``http://127.0.0.1:PORT``."""
        return self.server.endpoint_url

    @property
    def layer1(self) -> Layer1:
        """A ``Layer1`` client for this server (made on first use, closed with the server)."""
        if self._layer1 is None:
            self._layer1 = Layer1(self.region, self.endpoint_url,
                                  aws_access_key_id=DUMMY_CREDENTIALS["AWS_ACCESS_KEY_ID"],
                                  aws_secret_access_key=DUMMY_CREDENTIALS["AWS_SECRET_ACCESS_KEY"])
        return self._layer1

    @property
    def environment(self) -> Dict[str, str]:
        """The variables that point boto3 (and swfkit) at this server: endpoint, region, dummy keys."""
        return {"AWS_ENDPOINT_URL_SWF": self.endpoint_url, "AWS_DEFAULT_REGION": self.region,
                "AWS_REGION": self.region, **DUMMY_CREDENTIALS}

    def register_domain(self, name: Optional[str] = None, *, retention_days: int = 1) -> str:
        """Register a domain (default: a fresh ``test-N`` name); returns its name."""
        name = name or "test-%d" % next(_DOMAIN_NUMBERS)
        self.layer1.register_domain(name=name, workflow_execution_retention_period_in_days=str(retention_days))
        return name

    def history(self, domain: str, workflow_id: str, run_id: Optional[str] = None) -> List[Dict[str, Any]]:
        """Every event of a run (default: the latest run of ``workflow_id``), as wire dicts."""
        if run_id is None:
            answer = self.layer1.list_open_workflow_executions(
                domain=domain, start_time_filter={"oldestDate": 0}, execution_filter={"workflowId": workflow_id})
            infos = answer.get("executionInfos") or self.layer1.list_closed_workflow_executions(
                domain=domain, start_time_filter={"oldestDate": 0},
                execution_filter={"workflowId": workflow_id}).get("executionInfos", [])
            if not infos:
                raise LookupError("no execution %r in domain %r" % (workflow_id, domain))
            run_id = max(infos, key=lambda info: info["startTimestamp"])["execution"]["runId"]
        events: List[Dict[str, Any]] = []
        for page in self.layer1.paginate("GetWorkflowExecutionHistory", domain=domain,
                                         execution={"workflowId": workflow_id, "runId": run_id}):
            events.extend(page["events"])
        return events

    def wait_for_event(self, domain: str, workflow_id: str, event_type: str, *, count: int = 1,
                       timeout: float = 10.0) -> Dict[str, Any]:
        """Wait (in real time) until the latest run of ``workflow_id`` has ``count`` events of ``event_type``
        (``"close"``: any close event); returns the last such event.

        Raises:
            TimeoutError: not within ``timeout`` seconds (the message lists the history's event types).
        """
        deadline = time.monotonic() + timeout
        while True:
            events = self.history(domain, workflow_id)
            found = [e for e in events if e["eventType"] == event_type
                     or (event_type == "close" and e["eventType"] in CLOSE_EVENTS)]
            if len(found) >= count:
                return found[-1]
            if time.monotonic() > deadline:
                raise TimeoutError("%s: %d x %s not in the history after %.1f s: %s" % (
                    workflow_id, count, event_type, timeout, [e["eventType"] for e in events]))
            time.sleep(0.01)
