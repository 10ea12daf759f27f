"""The metrics registry, the interceptors counting into it and the Prometheus exporter: scraped over
real HTTP and checked against the executions' histories (in this process, and from the
``swfkit worker start --processes 2 --threads 2 --metrics-port`` command)."""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from typing import Any, Dict, Iterator, List

import pytest

from conftest import running
from prometheus_text import Exposition, scrape
from sample_actors import DOMAIN, FanOutDecider, SampleWorker
from session_processes import REPO, bare_environment, leftover_processes
from swfkit.actors.metrics_interceptors import METRICS, CallMetrics, TaskMetrics
from swfkit.actors.metrics_registry import MetricsRegistry
from swfkit.actors.prometheus_exporter import serve_metrics
from swfkit.exceptions import ConfigurationError
from swfkit.layer1 import Layer1
from workflow_runs import events, of_type, start, wait_closed

HERE = os.path.dirname(os.path.abspath(__file__))


def test_render_is_the_text_format_with_help_type_and_cumulative_buckets() -> None:
    registry = MetricsRegistry()
    registry.counter("jobs_total", "Jobs done,\nby queue.", ("queue",))
    registry.histogram("job_seconds", "Job time.", ("queue",), buckets=(0.1, 1.0))
    registry.inc("jobs_total", ('fa"st\\',))
    registry.inc("jobs_total", ('fa"st\\',), 2)
    for value in (0.05, 0.1, 0.5, 3.0):
        registry.observe("job_seconds", ("q",), value)
    assert registry.render().splitlines() == [
        "# HELP job_seconds Job time.",
        "# TYPE job_seconds histogram",
        'job_seconds_bucket{queue="q",le="0.1"} 2',
        'job_seconds_bucket{queue="q",le="1"} 3',
        'job_seconds_bucket{queue="q",le="+Inf"} 4',
        'job_seconds_sum{queue="q"} 3.65',
        'job_seconds_count{queue="q"} 4',
        "# HELP jobs_total Jobs done,\\nby queue.",
        "# TYPE jobs_total counter",
        'jobs_total{queue="fa\\"st\\\\"} 3',
    ]
    assert registry.value("jobs_total", ('fa"st\\',)) == 3 and registry.value("job_seconds", ("q",)) == 4
    with pytest.raises(ValueError, match="jobs_total"):
        registry.counter("jobs_total", "Jobs done.", ("queue", "host"))
    with pytest.raises(ValueError, match="increasing"):
        registry.histogram("bad_seconds", "Bad.", buckets=(1.0, 0.5))


def test_exporter_serves_metrics_on_loopback_and_refuses_a_taken_port() -> None:
    registry = MetricsRegistry()
    registry.counter("up_total", "Up.")
    registry.inc("up_total")
    with serve_metrics(registry, port=0) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert scrape(server.url).total("up_total") == 1
        with pytest.raises(ConfigurationError, match="cannot listen on 127.0.0.1:%d" % server.port):
            serve_metrics(registry, port=server.port)
        import urllib.error
        import urllib.request
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(server.url.replace("/metrics", "/other"), timeout=5)
        assert missing.value.code == 404


def check_against_history(metrics: Exposition, history: List[Dict[str, Any]], count: int,
                          type_name: str = "double") -> None:
    """The counters agree with what SWF recorded for an execution of ``count`` ``type_name``
    activities and one failing boom (the only executions on the server)."""
    for name, (kind, _, _, _) in METRICS.items():
        assert metrics.types[name] == kind and name in metrics.helps
    activity = dict(kind="activity", domain=DOMAIN, task_list="workers")
    completed = len(of_type(history, "ActivityTaskCompleted"))
    assert completed == count
    assert metrics.total("swfkit_tasks_closed_total", result="completed", type=type_name, **activity) == completed
    assert metrics.total("swfkit_tasks_closed_total", result="failed", type="boom", **activity) == \
        len(of_type(history, "ActivityTaskFailed")) == 1
    started = len(of_type(history, "ActivityTaskStarted"))
    assert metrics.total("swfkit_tasks_started_total", **activity) == started
    assert metrics.total("swfkit_polls_total", outcome="task", **activity) == started
    assert metrics.total("swfkit_task_run_seconds_count", **activity) == started
    assert metrics.total("swfkit_task_run_seconds_bucket", le="+Inf", **activity) == started
    assert metrics.total("swfkit_layer1_calls_total", operation="RespondActivityTaskCompleted") == completed
    assert metrics.total("swfkit_layer1_calls_total", operation="RespondActivityTaskFailed") == 1
    assert metrics.total("swfkit_layer1_call_duration_seconds_count", operation="RespondActivityTaskCompleted") \
        == completed
    assert metrics.total("swfkit_poll_errors_total") == 0


def test_worker_and_decider_metrics_scraped_over_http_match_the_history(registered: Any, endpoint: str) -> None:
    registry = MetricsRegistry()
    client = Layer1(endpoint_url=endpoint, region="us-east-1", interceptors=[CallMetrics(registry)])
    worker = SampleWorker(client, interceptors=[TaskMetrics(registry)], threads=2)
    decider = FanOutDecider(client.copy(), interceptors=[TaskMetrics(registry)])
    with serve_metrics(registry, port=0) as server, running(decider), running(worker):
        execution = start(registered, "metrics", {"count": 6, "activity": ["double", "1"], "input": 1})
        failing = start(registered, "metrics-boom", {"count": 1, "activity": ["boom", "1"], "attempts": 1})
        wait_closed(registered, execution)
        wait_closed(registered, failing)
        time.sleep(0.3)  # the last answers' task_closed
        metrics = scrape(server.url)
    history = events(registered, execution) + events(registered, failing)
    check_against_history(metrics, history, 6)
    decisions = dict(kind="decision", domain=DOMAIN, task_list="deciders", type="fanout", version="1")
    assert metrics.total("swfkit_tasks_closed_total", result="completed", **decisions) == \
        len(of_type(history, "DecisionTaskCompleted"))
    assert metrics.total("swfkit_task_wait_seconds_count", **decisions) == len(of_type(history, "DecisionTaskCompleted"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def pool_command(endpoint: str, tmp_path: Any) -> Iterator[Any]:
    """``swfkit worker start sample_actors:SampleWorker --processes 2 --threads 2 --metrics-port P``."""
    port = _free_port()
    env = dict(bare_environment(tmp_path), SWF_DOMAIN=DOMAIN, PYTHONPATH=os.pathsep.join([str(REPO), HERE]))
    process = subprocess.Popen([sys.executable, "-m", "swfkit", "worker", "start", "sample_actors:SampleWorker",
                                "--processes", "2", "--threads", "2", "--metrics-port", str(port),
                                "--endpoint-url", endpoint], env=env, cwd=HERE, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    process.metrics_url = "http://127.0.0.1:%d/metrics" % port  # type: ignore[attr-defined]
    try:
        yield process
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        assert leftover_processes(process.pid) == []


def test_a_pool_serves_the_sum_of_its_processes(registered: Any, pool_command: Any, tmp_path: Any) -> None:
    with running(FanOutDecider(registered)):
        # activities that take a while: 2 threads per process, so both processes take some of the 8
        execution = start(registered, "pool-metrics", {"count": 8, "activity": ["sleepy", "1"],
                                                       "input": {"seconds": 0.4, "log_dir": str(tmp_path)}})
        failing = start(registered, "pool-metrics-boom", {"count": 1, "activity": ["boom", "1"], "attempts": 1})
        wait_closed(registered, execution, timeout=60)
        wait_closed(registered, failing, timeout=60)
    history = events(registered, execution) + events(registered, failing)
    pids = {json.loads(e["activityTaskStartedEventAttributes"]["identity"])["pid"]
            for e in of_type(history, "ActivityTaskStarted")}
    assert len(pids) == 2  # so the sum below is over both children
    deadline = time.monotonic() + 10  # children hand their counts over every 0.5 s
    while True:
        metrics = scrape(pool_command.metrics_url)
        if metrics.total("swfkit_tasks_closed_total", kind="activity") == 9 or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    check_against_history(metrics, history, 8, "sleepy")
    assert metrics.total("swfkit_layer1_calls_total", operation="DescribeDomain") >= 1  # the command's own check
    pool_command.send_signal(signal.SIGTERM)
    assert pool_command.wait(30) == 0


def test_decider_command_serves_decision_metrics(registered: Any, endpoint: str, tmp_path: Any) -> None:
    port = _free_port()
    env = dict(bare_environment(tmp_path), SWF_DOMAIN=DOMAIN, PYTHONPATH=os.pathsep.join([str(REPO), HERE]))
    process = subprocess.Popen([sys.executable, "-m", "swfkit", "decider", "start", "sample_actors:FanOutDecider",
                                "--metrics-port", str(port), "--endpoint-url", endpoint], env=env, cwd=HERE,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        with running(SampleWorker(registered)):
            execution = start(registered, "decider-metrics", {"count": 3, "activity": ["double", "1"], "input": 1})
            wait_closed(registered, execution, timeout=60)
        completed = len(of_type(events(registered, execution), "DecisionTaskCompleted"))
        decisions = dict(kind="decision", domain=DOMAIN, task_list="deciders", type="fanout", version="1")
        deadline = time.monotonic() + 10  # the last task_closed runs just after its answer
        while True:
            metrics = scrape("http://127.0.0.1:%d/metrics" % port)
            if metrics.total("swfkit_tasks_closed_total", **decisions) >= completed or time.monotonic() > deadline:
                break
            time.sleep(0.1)
        assert metrics.total("swfkit_tasks_closed_total", result="completed", **decisions) == completed
        assert metrics.total("swfkit_task_wait_seconds_count", **decisions) == completed
        assert metrics.total("swfkit_layer1_calls_total", operation="RespondDecisionTaskCompleted") == completed
        process.send_signal(signal.SIGTERM)
        assert process.wait(30) == 0
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
