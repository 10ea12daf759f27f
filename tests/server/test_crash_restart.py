"""Crash safety: SIGKILL the server process under load, restart it on the same SQLite file, verify.

Whatever the server acknowledged before the kill must be there after it (one transaction per call),
no event may be lost or duplicated, task tokens handed out before the crash must still work, and a
timer that fell due while the server was down must fire once it is back.
"""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections import Counter

import pytest

# Starts the server through swfkit/server/command.py (the `swfkit server` CLI's two functions), so
# this works whether or not the top-level CLI wires it. A --poll-timeout flag is used when offered.
LAUNCHER = r"""
import argparse, sys
from swfkit.server import command
parser = argparse.ArgumentParser()
command.add_arguments(parser)
argv = sys.argv[1:]
if "--poll-timeout" in parser._option_string_actions:
    argv += ["--poll-timeout", "1"]
sys.exit(command.run(parser.parse_args(argv)))
"""


MARKERS = 300


class ServerProcess:
    def __init__(self, db: str) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-c", LAUNCHER, "--db", db, "--port", "0"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
        self.endpoint_url = self._read_endpoint()

    def _read_endpoint(self) -> str:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()  # type: ignore[union-attr]
            if not line:
                if self.proc.poll() is not None:
                    break
                continue
            match = re.search(r"http://[\w.\-]+:\d+", line)
            if match:
                return match.group(0)
        self.proc.kill()
        raise AssertionError(f"server did not print its endpoint; stderr: {self.proc.stderr.read()[-2000:]}")

    def kill9(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                return self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        return self.proc.returncode


@pytest.fixture
def servers():  # type: ignore[no-untyped-def]
    started = []

    def start(db: str) -> ServerProcess:
        s = ServerProcess(db)
        started.append(s)
        return s

    yield start
    for s in started:
        if s.proc.poll() is None:
            s.proc.kill()
            s.proc.wait()
        for stream in (s.proc.stdout, s.proc.stderr):
            stream.close()  # type: ignore[union-attr]


def _check_history(events):  # type: ignore[no-untyped-def]
    """Structural integrity of one run's history: no gaps, no duplicates, one decision task started (and one waiting) at most."""
    ids = [e["eventId"] for e in events]
    assert ids == list(range(1, len(ids) + 1)), ids
    open_decisions = waiting = 0
    started_for = Counter()
    closed_for = Counter()
    for e in events:
        et = e["eventType"]
        key = et[0].lower() + et[1:] + "EventAttributes"
        # as SWF: the next task may be scheduled while one is started; one of each at most
        waiting += {"DecisionTaskScheduled": 1, "DecisionTaskStarted": -1}.get(et, 0)
        open_decisions += {"DecisionTaskStarted": 1, "DecisionTaskCompleted": -1}.get(et, 0)
        if et == "DecisionTaskTimedOut":
            if e[key].get("startedEventId"):
                open_decisions -= 1
            else:
                waiting -= 1
        assert 0 <= open_decisions <= 1 and 0 <= waiting <= 1, (
            f"decision tasks started/waiting: {open_decisions}/{waiting} at event {e['eventId']}")
        if et == "ActivityTaskStarted":
            started_for[e[key]["scheduledEventId"]] += 1
        if et in ("ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCanceled"):
            closed_for[e[key]["scheduledEventId"]] += 1
    assert all(n == 1 for n in started_for.values()), started_for
    assert all(n == 1 for n in closed_for.values()), closed_for
    assert sum(1 for e in events if e["eventType"] == "WorkflowExecutionStarted") == 1


def test_sigkill_under_load_then_restart(tmp_path, servers, boto_client_factory, flow_factory):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "swf.sqlite3")
    first = servers(db)
    swf = boto_client_factory(first.endpoint_url, read_timeout=5)
    flow = flow_factory(swf, first.endpoint_url, "crash-domain")
    swf.register_domain(name=flow.domain, workflowExecutionRetentionPeriodInDays="1")
    flow.register_workflow_type()
    flow.register_activity_type()

    # Deterministic state held across the crash: a started activity, a started decision task, a timer.
    held, task = flow.run_to_first_decision(workflow_id="held")
    flow.decide(task, flow.schedule("a1"), flow.decision("StartTimer", timerId="t1", startToFireTimeout="1"))
    held_activity = flow.poll_activity()
    timer_execution, task = flow.run_to_first_decision(workflow_id="timer")
    flow.decide(task, flow.decision("StartTimer", timerId="due", startToFireTimeout="1"))
    overdue, task = flow.run_to_first_decision(workflow_id="overdue")
    flow.decide(task, flow.schedule("late", taskList={"name": "nobody"}, scheduleToStartTimeout="1"))
    decision_held = flow.start("decision-held", taskList={"name": "held-list"})
    held_decision = flow.poll_decision("held-list")
    assert held_decision["workflowExecution"] == decision_held

    # Load: a driver thread starts executions and runs them through an activity until the kill.
    acked = {"started": {}, "decided": set(), "completed": set()}
    stop = threading.Event()

    def drive() -> None:
        client = boto_client_factory(first.endpoint_url, read_timeout=3)
        f = flow_factory(client, first.endpoint_url, flow.domain)
        i = 0
        while not stop.is_set():
            try:
                wid = f"load-{i}"
                i += 1
                run = f.start(wid, taskList={"name": "load"})
                acked["started"][wid] = run["runId"]
                t = f.poll_decision("load", wait=2)
                # a big batch, so the kill often lands inside a decision's transaction
                f.decide(t, f.schedule("x", taskList={"name": "load-act"}),
                         *[f.decision("RecordMarker", markerName=f"m{j}") for j in range(MARKERS)])
                acked["decided"].add(t["workflowExecution"]["runId"])
                a = f.poll_activity("load-act", wait=2)
                client.respond_activity_task_completed(taskToken=a["taskToken"], result="ok")
                acked["completed"].add(a["workflowExecution"]["runId"])
            except Exception:  # the server is being killed: calls in flight fail
                if stop.is_set():
                    return
                time.sleep(0.01)

    driver = threading.Thread(target=drive, daemon=True)
    driver.start()
    time.sleep(1.5)
    first.kill9()
    stop.set()
    driver.join(timeout=10)
    assert len(acked["completed"]) >= 5, f"the load barely got going: {len(acked['completed'])} round trips"
    time.sleep(0.5)  # the 1-second timers are overdue by now

    second = servers(db)
    swf2 = boto_client_factory(second.endpoint_url, read_timeout=5)
    after = flow_factory(swf2, second.endpoint_url, flow.domain)

    # Acknowledged writes survived.
    for wid, run_id in acked["started"].items():
        execution = {"workflowId": wid, "runId": run_id}
        events = after.history(execution)
        _check_history(events)
        types = [e["eventType"] for e in events]
        # every load decision is one schedule + MARKERS markers: all of a batch or none of it
        assert types.count("MarkerRecorded") == MARKERS * types.count("DecisionTaskCompleted"), \
            "a decision batch was half applied"
        if run_id in acked["decided"]:
            assert "ActivityTaskScheduled" in types, (wid, types)
        if run_id in acked["completed"]:
            assert "ActivityTaskCompleted" in types, (wid, types)

    # Overdue timers fire after the restart, once.
    events = after.wait_for(timer_execution, "TimerFired", wait=3)
    _check_history(events)
    assert [e["eventType"] for e in events].count("TimerFired") == 1
    after.wait_for(held, "TimerFired", wait=3)
    events = after.wait_for(overdue, "ActivityTaskTimedOut", wait=3)
    _check_history(events)
    timed_out = [e for e in events if e["eventType"] == "ActivityTaskTimedOut"]
    assert len(timed_out) == 1
    assert timed_out[0]["activityTaskTimedOutEventAttributes"]["timeoutType"] == "SCHEDULE_TO_START"

    # Tokens handed out before the crash still work.
    swf2.respond_activity_task_completed(taskToken=held_activity["taskToken"], result="after-crash")
    assert after.types(held).count("ActivityTaskCompleted") == 1
    after.complete(held_decision, result="after-crash")
    assert after.types(decision_held)[-1] == "WorkflowExecutionCompleted"

    # And the restarted server takes new work.
    fresh = after.start("fresh")
    assert after.types(fresh) == ["WorkflowExecutionStarted", "DecisionTaskScheduled"]
    for execution in (held, timer_execution, overdue, decision_held, fresh):
        _check_history(after.history(execution))

    assert second.stop() == 0, "the server did not shut down cleanly on SIGTERM"


def test_clean_restart_keeps_everything(tmp_path, servers, boto_client_factory, flow_factory):  # type: ignore[no-untyped-def]
    db = str(tmp_path / "clean.sqlite3")
    first = servers(db)
    swf = boto_client_factory(first.endpoint_url, read_timeout=5)
    flow = flow_factory(swf, first.endpoint_url, "clean-domain")
    swf.register_domain(name=flow.domain, workflowExecutionRetentionPeriodInDays="1",
                        tags=[{"key": "k", "value": "v"}])
    flow.register_workflow_type()
    flow.register_activity_type()
    done, task = flow.run_to_first_decision(workflow_id="done")
    flow.complete(task, "r")
    running_, task = flow.run_to_first_decision(workflow_id="running")
    flow.decide(task, flow.schedule("a1"))
    before = {"done": flow.history(done), "running": flow.history(running_)}
    assert first.stop() == 0
    second = servers(db)
    swf2 = boto_client_factory(second.endpoint_url, read_timeout=5)
    after = flow_factory(swf2, second.endpoint_url, flow.domain)
    assert after.history(done) == before["done"] and after.history(running_) == before["running"]
    arn = swf2.describe_domain(name=flow.domain)["domainInfo"]["arn"]
    assert swf2.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "k", "value": "v"}]
    closed = swf2.list_closed_workflow_executions(domain=flow.domain, startTimeFilter={"oldestDate": 0})
    assert [i["execution"] for i in closed["executionInfos"]] == [done]
    # The scheduled activity is still queued and the history continues where it stopped.
    activity = after.poll_activity()
    assert activity["activityId"] == "a1" and activity["startedEventId"] == len(before["running"]) + 1
    assert second.stop() == 0


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_swfkit_server_cli_serves_and_stops_cleanly(tmp_path, stop_signal, boto_client_factory):  # type: ignore[no-untyped-def]
    proc = subprocess.Popen([sys.executable, "-m", "swfkit", "server", "--port", "0", "--db",
                             str(tmp_path / "cli.sqlite3"), "--poll-timeout", "1"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    try:
        line = proc.stdout.readline()  # type: ignore[union-attr]
        match = re.match(r"http://127\.0\.0\.1:(\d+)\s*$", line)
        assert match, f"first stdout line is not the loopback endpoint: {line!r}"
        swf = boto_client_factory(line.strip(), read_timeout=5)
        swf.register_domain(name="cli", workflowExecutionRetentionPeriodInDays="1")
        assert swf.describe_domain(name="cli")["domainInfo"]["status"] == "REGISTERED"
        proc.send_signal(stop_signal)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]


def test_swfkit_server_cli_verify_signatures():  # type: ignore[no-untyped-def]
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ClientError

    proc = subprocess.Popen([sys.executable, "-m", "swfkit", "server", "--port", "0", "--poll-timeout", "1",
                             "--verify-signatures", "--credentials", "AKIDCLI:cli-secret"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    try:
        endpoint = proc.stdout.readline().strip()  # type: ignore[union-attr]
        assert endpoint.startswith("http://127.0.0.1:"), endpoint

        def client(key_id, secret):  # type: ignore[no-untyped-def]
            return boto3.session.Session().client("swf", endpoint_url=endpoint, region_name="us-east-1",
                                                  aws_access_key_id=key_id, aws_secret_access_key=secret,
                                                  config=Config(retries={"total_max_attempts": 1}))

        client("AKIDCLI", "cli-secret").register_domain(name="signed", workflowExecutionRetentionPeriodInDays="1")
        with pytest.raises(ClientError) as info:
            client("AKIDCLI", "wrong").describe_domain(name="signed")
        assert info.value.response["Error"]["Code"] == "InvalidSignatureException"
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=10) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()  # type: ignore[union-attr]
        proc.stderr.close()  # type: ignore[union-attr]


def test_swfkit_server_cli_rejects_verify_signatures_without_keys():  # type: ignore[no-untyped-def]
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    done = subprocess.run([sys.executable, "-m", "swfkit", "server", "--port", "0", "--verify-signatures"],
                          capture_output=True, text=True, timeout=20, env=env,
                          cwd=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    assert done.returncode != 0
    assert "credentials" in done.stderr.lower() and "Traceback" not in done.stderr
