"""Fixtures for the actors tests: an embedded server with short long polls, a registered domain."""
from __future__ import annotations

import contextlib
import threading
from typing import Any, Iterator

import pytest

from sample_actors import DECISIONS, DOMAIN, WORK
from swfkit.actors import ActivityTypeRegistration, WorkflowTypeRegistration, ensure_registered

# Short long polls keep stop() and shutdown fast in tests.
POLL_SECONDS = 0.5

WORKFLOW = WorkflowTypeRegistration("fanout", "1", task_list=DECISIONS, execution_start_to_close_timeout=300,
                                    task_start_to_close_timeout=10, child_policy="TERMINATE")
ACTIVITIES = [ActivityTypeRegistration(name, "1", task_list=WORK, start_to_close_timeout=30,
                                       schedule_to_start_timeout="NONE", schedule_to_close_timeout="NONE",
                                       heartbeat_timeout="NONE")
              for name in ("double", "sleepy", "hang_once", "boom", "cancellable", "unknown")]


@pytest.fixture
def endpoint() -> Iterator[str]:
    from swfkit.server import running

    with running(db=None, poll_timeout=POLL_SECONDS) as url:
        yield url


@pytest.fixture
def client(endpoint: str) -> Any:
    from swfkit.layer1 import Layer1

    with Layer1(endpoint_url=endpoint, region="us-east-1") as layer1:
        yield layer1


@pytest.fixture
def registered(client: Any) -> Any:
    """The client, with the tests' domain, workflow type and activity types registered."""
    ensure_registered(client, DOMAIN, workflow_types=[WORKFLOW], activity_types=ACTIVITIES)
    return client


@contextlib.contextmanager
def running(actor: Any, **run_options: Any) -> Iterator[threading.Thread]:
    """Run ``actor.run(**run_options)`` in a thread; stop and join it on the way out."""
    thread = threading.Thread(target=actor.run, kwargs=run_options, daemon=True)
    thread.start()
    try:
        yield thread
    finally:
        actor.stop()
        thread.join(60)
        # stop() abandons the waiting long poll on a loopback endpoint; the server never hands a
        # task to a poll whose connection is gone, so the next actors of a test get every task.
        assert not thread.is_alive(), "%s did not stop" % actor
