"""Run a futures workflow on an SWF endpoint from one process: a FuturesDecider thread and worker
threads, each with its own client. Used by the examples' ``__main__`` and by their tests.

With no endpoint, an embedded swfkit server is started on a free loopback port (no AWS account).
"""
from __future__ import annotations

import contextlib
import json
import time
import uuid
from typing import Any, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from swfkit.actors import Worker, ensure_registered, polling
from swfkit.futures import FuturesDecider, activities_in, definition_of
from swfkit.layer1 import Layer1

DOMAIN = "futures-examples"
CREDENTIALS = {"region": "us-east-1", "aws_access_key_id": "example", "aws_secret_access_key": "example"}
CLOSE_EVENTS = ("WorkflowExecutionCompleted", "WorkflowExecutionFailed", "WorkflowExecutionTimedOut",
                "WorkflowExecutionCanceled", "WorkflowExecutionTerminated")


def client(endpoint_url: str) -> Layer1:
    return Layer1(endpoint_url=endpoint_url, **CREDENTIALS)


def events_of(swf: Layer1, execution: Dict[str, str]) -> List[Dict[str, Any]]:
    """Every event of one run (wire dicts)."""
    found: List[Dict[str, Any]] = []
    for page in swf.paginate("GetWorkflowExecutionHistory", domain=DOMAIN, execution=execution):
        found.extend(page["events"])
    return found


@contextlib.contextmanager
def actors_running(endpoint_url: str, workflows: Sequence[Any], activities: Iterable[Any],
                   worker_threads: int = 4) -> Iterator[None]:
    """A FuturesDecider for ``workflows`` and ``worker_threads`` workers for ``activities``, in threads."""
    activities = list(activities)
    task_lists = sorted({a.swfkit_activity.task_list for a in activities})
    actors: List[Any] = []
    decider = FuturesDecider(client(endpoint_url), workflows, domain=DOMAIN)  # decides for all of them
    actors.append(decider)
    for task_list in task_lists:
        for _ in range(worker_threads):
            worker = Worker(client(endpoint_url), DOMAIN, task_list)
            for act in activities:
                if act.swfkit_activity.task_list == task_list:
                    act.register(worker)
            actors.append(worker)
    ensure_registered(actors[0].layer1, DOMAIN, workflow_types=decider.workflow_types,
                      activity_types=[a.swfkit_activity for a in activities])
    with polling(*actors):
        yield


def run_on_endpoint(endpoint_url: str, workflow: Any, *args: Any, workflows: Sequence[Any] = (),
                    activities: Optional[Iterable[Any]] = None, signals: Sequence[Tuple[float, str, Any]] = (),
                    worker_threads: int = 4, timeout: float = 60.0) -> Tuple[Dict[str, Any], List[List[Dict[str, Any]]]]:
    """Start ``workflow(*args)`` and wait for it to close, following continue-as-new.

    Args:
        workflows: other workflow classes it starts (children).
        activities: the @activity objects (default: those of the workflow's module).
        signals: ``(seconds_after_start, name, input)`` sent to the execution.

    Returns:
        (the closing event, the events of every run).
    """
    import sys

    definition = definition_of(workflow)
    if activities is None:
        activities = activities_in(sys.modules[workflow.__module__])
    swf = client(endpoint_url)
    workflow_id = "%s-%s" % (definition.name, uuid.uuid4().hex[:8])
    with actors_running(endpoint_url, [workflow, *workflows], activities, worker_threads):
        r = definition.registration
        run_id = swf.start_workflow_execution(
            domain=DOMAIN, workflow_id=workflow_id, workflow_type={"name": r.name, "version": r.version},
            input=json.dumps(list(args)))["runId"]
        started = time.monotonic()
        pending = sorted(signals, key=lambda s: s[0])
        runs: List[List[Dict[str, Any]]] = []
        execution = {"workflowId": workflow_id, "runId": run_id}
        while time.monotonic() < started + timeout:
            while pending and time.monotonic() >= started + pending[0][0]:
                _, name, value = pending.pop(0)
                swf.signal_workflow_execution(domain=DOMAIN, workflow_id=workflow_id, signal_name=name,
                                              input=json.dumps(value))
            events = events_of(swf, execution)
            last = events[-1] if events else {}
            if last.get("eventType") == "WorkflowExecutionContinuedAsNew":
                runs.append(events)
                execution = {"workflowId": workflow_id,
                             "runId": last["workflowExecutionContinuedAsNewEventAttributes"]["newExecutionRunId"]}
            elif last.get("eventType") in CLOSE_EVENTS:
                runs.append(events)
                return last, runs
            time.sleep(0.05)
    raise TimeoutError("%s still open after %.0f s" % (workflow_id, timeout))


def result_of(close_event: Dict[str, Any]) -> Any:
    """The decoded result of a completed execution (RuntimeError with the event otherwise)."""
    if close_event["eventType"] != "WorkflowExecutionCompleted":
        raise RuntimeError("the workflow did not complete: %s" % close_event)
    text = close_event["workflowExecutionCompletedEventAttributes"].get("result")
    return None if text is None else json.loads(text)


@contextlib.contextmanager
def embedded_endpoint() -> Iterator[str]:
    """An embedded server with short long polls, for ``python examples/futures/<example>.py``."""
    from swfkit.server import running

    with running(db=None, poll_timeout=1.0) as url:
        yield url
