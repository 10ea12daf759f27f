"""The pytest fixtures: swf_server, swf_env, swf_domain; time skipping on the embedded server."""
from __future__ import annotations

import os
import threading
from datetime import timedelta
from typing import Any, Iterator

import boto3
import pytest

from swfkit import futures, testing
from swfkit.exceptions import ValidationError
from swfkit.testing.plugin import _NUMBERS  # noqa: F401  (the module is importable without side effects)


def test_public_names() -> None:
    assert sorted(testing.__all__) == ["MockSWF", "SWFTestServer", "SkippingClock", "mock_swf"]
    assert all(hasattr(testing, name) for name in testing.__all__)


def test_swf_server_gives_endpoint_client_and_clock(swf_server: Any) -> None:
    assert swf_server.endpoint_url.startswith("http://127.0.0.1:")
    domain = swf_server.register_domain("fixture-domain")
    names = [d["name"] for d in swf_server.layer1.list_domains(registration_status="REGISTERED")["domainInfos"]]
    assert names == [domain]
    before = swf_server.clock.now()
    swf_server.clock.advance(timedelta(hours=2))
    assert swf_server.clock.now() == before + 7200
    assert swf_server.clock.as_datetime().timestamp() == before + 7200
    with pytest.raises(ValidationError, match="seconds"):
        swf_server.clock.advance(timedelta(seconds=-1))


def test_swf_env_points_boto3_at_the_tests_server(swf_server: Any, swf_env: Any, swf_domain: str) -> None:
    assert swf_env is swf_server
    assert os.environ["AWS_ENDPOINT_URL_SWF"] == swf_server.endpoint_url
    swf = boto3.client("swf")
    assert swf.describe_domain(name=swf_domain)["domainInfo"]["status"] == "REGISTERED"
    # the domain is on this test's server, not the shared one
    assert [d["name"] for d in swf.list_domains(registrationStatus="REGISTERED")["domainInfos"]] == [swf_domain]


def test_swf_domain_is_fresh_on_the_shared_server(swf_env: Any, swf_domain: str, swf_session_server: Any) -> None:
    assert swf_env is swf_session_server
    swf = boto3.client("swf")
    assert swf.describe_domain(name=swf_domain)["domainInfo"]["name"] == swf_domain
    assert swf_domain.startswith("test_swf_domain_is_fresh_on_the_shared_server-")


def test_swf_env_is_undone_after_the_test() -> None:
    assert os.environ.get("AWS_ENDPOINT_URL_SWF") is None


# -- time skipping with a futures workflow: a 7-day timer and a 1-hour activity timeout -----------------------

@futures.activity(task_list="nobody-polls", schedule_to_close_timeout=3600, start_to_close_timeout=3600)
def never_runs() -> None:  # pragma: no cover - no worker polls its task list
    return None


@futures.workflow(name="reminder", task_list="reminder-decisions", execution_start_to_close_timeout=30 * 86400)
class Reminder:
    def run(self) -> str:
        try:
            self.submit(never_runs).result()
            first = "ran"
        except futures.ActivityTimedOut as err:
            first = err.timeout_type or "?"
        self.sleep(timedelta(days=7).total_seconds())
        return "%s, then a week later" % first


@pytest.fixture
def decider(swf_server: Any, swf_domain: str) -> Iterator[Any]:
    from swfkit.actors import ensure_registered

    decider = futures.FuturesDecider(swf_server.layer1, [Reminder], domain=swf_domain)
    ensure_registered(swf_server.layer1, swf_domain, workflow_types=decider.workflow_types,
                      activity_types=[never_runs.swfkit_activity])
    thread = threading.Thread(target=decider.run, daemon=True)
    thread.start()
    yield decider
    decider.stop()
    thread.join(10)


def test_time_skipping_fires_a_week_timer_and_an_hour_timeout_at_once(swf_server: Any, swf_domain: str,
                                                                       decider: Any) -> None:
    swf = swf_server.layer1
    swf.start_workflow_execution(domain=swf_domain, workflow_id="remind",
                                 workflow_type={"name": "reminder", "version": "1"})
    swf_server.wait_for_event(swf_domain, "remind", "ActivityTaskScheduled")
    swf_server.clock.advance(timedelta(hours=1))
    swf_server.wait_for_event(swf_domain, "remind", "TimerStarted")
    swf_server.clock.advance(timedelta(days=7))
    close = swf_server.wait_for_event(swf_domain, "remind", "close")
    assert close["eventType"] == "WorkflowExecutionCompleted"
    assert close["workflowExecutionCompletedEventAttributes"]["result"] == '"SCHEDULE_TO_CLOSE, then a week later"'
    events = swf_server.history(swf_domain, "remind")
    fired = next(e for e in events if e["eventType"] == "TimerFired")
    started = next(e for e in events if e["eventType"] == "WorkflowExecutionStarted")
    assert fired["eventTimestamp"] - started["eventTimestamp"] >= 7 * 86400 + 3600
