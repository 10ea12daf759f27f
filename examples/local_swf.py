"""What every example needs around its decider and worker: an SWF endpoint, threads, a wait.

By default each example starts swfkit's embedded SWF server (in memory, on a free loopback
port) and uses dummy credentials, so it runs with no AWS account. Set ``AWS_ENDPOINT_URL_SWF``
to run it against another endpoint (e.g. ``swfkit server`` in another terminal, or real SWF
with ``https://swf.us-east-1.amazonaws.com`` and your credentials).
"""
from __future__ import annotations

import contextlib
import os
import time
from typing import Any, Dict, Iterator, List

from swfkit.actors import polling  # noqa: F401  (the examples import it from here)
from swfkit.layer1 import Layer1

LOCAL = {"region": "us-east-1", "aws_access_key_id": "example", "aws_secret_access_key": "example"}
CLOSE_EVENTS = ("WorkflowExecutionCompleted", "WorkflowExecutionFailed", "WorkflowExecutionTimedOut",
                "WorkflowExecutionCanceled", "WorkflowExecutionTerminated", "WorkflowExecutionContinuedAsNew")


@contextlib.contextmanager
def swf_client(poll_timeout: float = 1.0) -> Iterator[Layer1]:
    """A client on ``AWS_ENDPOINT_URL_SWF`` if set, else on an embedded server started for the example.

    ``poll_timeout`` is how long the embedded server holds an empty long poll: short, so that
    stopping a decider or worker (which finishes its current poll first) is quick.
    """
    endpoint = os.environ.get("AWS_ENDPOINT_URL_SWF")
    if endpoint:
        with Layer1(endpoint_url=endpoint) as swf:
            yield swf
        return
    from swfkit.server import running

    with running(db=None, poll_timeout=poll_timeout) as url:
        with Layer1(endpoint_url=url, **LOCAL) as swf:
            yield swf




def history(swf: Layer1, domain: str, execution: Dict[str, str]) -> List[Dict[str, Any]]:
    """All events of an execution (wire dicts), following the pages."""
    events: List[Dict[str, Any]] = []
    for page in swf.paginate("GetWorkflowExecutionHistory", domain=domain, execution=execution):
        events.extend(page["events"])
    return events


def wait_for_close(swf: Layer1, domain: str, execution: Dict[str, str], timeout: float = 60.0) -> Dict[str, Any]:
    """Wait until the execution closes; return its closing event (a wire dict).

    Raises:
        TimeoutError: the execution is still open after ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        events = history(swf, domain, execution)
        if events and events[-1]["eventType"] in CLOSE_EVENTS:
            return events[-1]
        time.sleep(0.1)
    raise TimeoutError("%s still open after %.0f s" % (execution["workflowId"], timeout))


def result_of(close_event: Dict[str, Any]) -> str:
    """The result of a completed execution; anything else raises RuntimeError with the event."""
    if close_event["eventType"] != "WorkflowExecutionCompleted":
        raise RuntimeError("the workflow did not complete: %s" % close_event)
    return close_event["workflowExecutionCompletedEventAttributes"].get("result", "")
