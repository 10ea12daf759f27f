"""Long polling: empty polls wait out the poll timeout; a waiting poller is woken by new work at once."""
from __future__ import annotations

import threading
import time


def _poll_in_thread(client, operation, **kw):  # type: ignore[no-untyped-def]
    result = {}

    def run() -> None:
        t0 = time.monotonic()
        result["task"] = getattr(client, operation)(**kw)
        result["returned"] = time.monotonic()
        result["elapsed"] = result["returned"] - t0

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, result


def test_empty_decision_poll_waits_for_the_poll_timeout(flow):  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    task = flow.swf.poll_for_decision_task(domain=flow.domain, taskList={"name": "nothing-here"})
    elapsed = time.monotonic() - t0
    assert not task.get("taskToken")
    assert flow.poll_timeout * 0.9 <= elapsed <= flow.poll_timeout + 1.0, elapsed


def test_empty_activity_poll_waits_for_the_poll_timeout(flow):  # type: ignore[no-untyped-def]
    t0 = time.monotonic()
    task = flow.swf.poll_for_activity_task(domain=flow.domain, taskList={"name": "nothing-here"})
    elapsed = time.monotonic() - t0
    assert not task.get("taskToken")
    assert flow.poll_timeout * 0.9 <= elapsed <= flow.poll_timeout + 1.0, elapsed


def test_waiting_decision_poller_gets_a_new_task_quickly(flow, client_factory):  # type: ignore[no-untyped-def]
    poller = client_factory()
    thread, result = _poll_in_thread(poller, "poll_for_decision_task", domain=flow.domain,
                                     taskList={"name": "decisions"}, identity="waiting")
    time.sleep(0.3)  # the poll is now waiting on an empty list
    assert thread.is_alive()
    execution = flow.start()
    scheduled_at = time.monotonic()
    thread.join(timeout=5)
    assert result["task"].get("taskToken"), "the waiting poller returned empty"
    assert result["task"]["workflowExecution"] == execution
    assert result["returned"] - scheduled_at < 0.25, result["returned"] - scheduled_at
    started = flow.history(execution)[2]
    assert started["eventType"] == "DecisionTaskStarted" and flow.attrs(started)["identity"] == "waiting"


def test_waiting_activity_poller_gets_a_new_task_quickly(flow, client_factory):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    poller = client_factory()
    thread, result = _poll_in_thread(poller, "poll_for_activity_task", domain=flow.domain,
                                     taskList={"name": "activities"})
    time.sleep(0.3)
    assert thread.is_alive()
    flow.decide(task, flow.schedule("a1"))
    scheduled_at = time.monotonic()
    thread.join(timeout=5)
    assert result["task"].get("activityId") == "a1"
    assert result["returned"] - scheduled_at < 0.25, result["returned"] - scheduled_at


def test_one_task_wakes_exactly_one_of_several_waiters(flow, client_factory):  # type: ignore[no-untyped-def]
    polls = [_poll_in_thread(client_factory(), "poll_for_decision_task", domain=flow.domain,
                             taskList={"name": "decisions"}) for _ in range(4)]
    time.sleep(0.3)
    flow.start()
    for thread, _ in polls:
        thread.join(timeout=flow.poll_timeout + 5)
    got = [r["task"].get("taskToken") for _, r in polls]
    assert sum(1 for t in got if t) == 1, got


def test_task_lists_are_isolated(flow):  # type: ignore[no-untyped-def]
    flow.start(taskList={"name": "mine"})
    other = flow.swf.poll_for_decision_task(domain=flow.domain, taskList={"name": "decisions"})
    assert not other.get("taskToken")
    assert flow.poll_decision("mine")["events"][0]["eventType"] == "WorkflowExecutionStarted"


def test_domains_are_isolated(flow, swf, endpoint):  # type: ignore[no-untyped-def]
    flow.start()
    elsewhere = flow.unique("dom")
    swf.register_domain(name=elsewhere, workflowExecutionRetentionPeriodInDays="1")
    empty = swf.poll_for_decision_task(domain=elsewhere, taskList={"name": "decisions"})
    assert not empty.get("taskToken")
    assert flow.poll_decision()["taskToken"]


def test_poll_on_unknown_domain_is_unknown_resource(flow):  # type: ignore[no-untyped-def]
    assert flow.fault(flow.swf.poll_for_decision_task, domain="ghost-domain",
                      taskList={"name": "x"}) == "UnknownResourceFault"
    assert flow.fault(flow.swf.poll_for_activity_task, domain="ghost-domain",
                      taskList={"name": "x"}) == "UnknownResourceFault"


def test_decision_and_activity_lists_of_the_same_name_are_separate(flow):  # type: ignore[no-untyped-def]
    execution = flow.start(taskList={"name": "shared"})
    activity = flow.swf.poll_for_activity_task(domain=flow.domain, taskList={"name": "shared"})
    assert not activity.get("taskToken"), "a decision task was handed to an activity poller"
    task = flow.poll_decision("shared")
    flow.decide(task, flow.schedule("a1", taskList={"name": "shared"}))
    assert flow.swf.count_pending_decision_tasks(domain=flow.domain, taskList={"name": "shared"})["count"] == 0
    assert flow.poll_activity("shared")["workflowExecution"] == execution


def test_waiting_poller_of_another_domain_is_not_woken(flow, swf, client_factory):  # type: ignore[no-untyped-def]
    other = flow.unique("dom")
    swf.register_domain(name=other, workflowExecutionRetentionPeriodInDays="1")
    thread, result = _poll_in_thread(client_factory(), "poll_for_decision_task", domain=other,
                                     taskList={"name": "decisions"})
    time.sleep(0.2)
    execution = flow.start()
    thread.join(timeout=flow.poll_timeout + 5)
    assert not result["task"].get("taskToken"), "a poller of another domain got the task"
    assert flow.poll_decision()["workflowExecution"] == execution


def test_stopping_the_server_releases_waiting_polls():  # type: ignore[no-untyped-def]
    import boto3
    from botocore.config import Config
    from botocore.exceptions import BotoCoreError, ClientError

    from swfkit.server import SWFServer

    server = SWFServer(None, poll_timeout=30.0).start()
    client = boto3.session.Session().client("swf", endpoint_url=server.endpoint_url, region_name="us-east-1",
                                            aws_access_key_id="k", aws_secret_access_key="s",
                                            config=Config(read_timeout=40, retries={"total_max_attempts": 1}))
    client.register_domain(name="stopping", workflowExecutionRetentionPeriodInDays="1")
    outcome = {}

    def poll() -> None:
        try:
            outcome["task"] = client.poll_for_decision_task(domain="stopping", taskList={"name": "l"})
        except (BotoCoreError, ClientError) as err:  # a dropped connection is an acceptable end too
            outcome["error"] = err

    thread = threading.Thread(target=poll, daemon=True)
    thread.start()
    time.sleep(0.3)
    t0 = time.monotonic()
    server.stop()
    thread.join(timeout=10)
    assert not thread.is_alive(), "a waiting poll kept running after the server stopped"
    assert time.monotonic() - t0 < 6, "stopping the server waited for the long poll to expire"
    assert "error" in outcome or not outcome["task"].get("taskToken")
    client.close()
