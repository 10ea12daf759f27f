"""Stopping an idle actor on a loopback endpoint abandons its long poll at once (issue 13, item 4)."""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from typing import Any, Iterator

import pytest

from swfkit.actors import Decider, Worker
from swfkit.layer1 import Layer1

# The server's default: a poll waits up to 60 s for a task.
LONG_POLL = 60.0


@pytest.fixture
def long_poll_endpoint() -> Iterator[str]:
    from swfkit.server import running

    with running(db=None, poll_timeout=LONG_POLL) as url:
        yield url


class IdleWorker(Worker):
    domain, task_list = "stop-tests", "nobody-schedules-here"


class IdleDecider(Decider):
    domain, task_list = "stop-tests", "nobody-starts-here"

    def decide(self, task: Any) -> None:
        return None


def _register(url: str) -> Layer1:
    swf = Layer1(endpoint_url=url, region="us-east-1")
    swf.register_domain(name="stop-tests", workflow_execution_retention_period_in_days="1")
    return swf


@pytest.mark.parametrize("actor_class", [IdleWorker, IdleDecider])
def test_stop_abandons_the_waiting_poll(long_poll_endpoint: str, actor_class: Any) -> None:
    actor = actor_class(_register(long_poll_endpoint))
    thread = threading.Thread(target=actor.run, daemon=True)
    thread.start()
    time.sleep(0.5)  # the first long poll is now waiting on the server
    started = time.monotonic()
    actor.stop()
    thread.join(10)
    assert not thread.is_alive()
    assert time.monotonic() - started < 2.0
    assert actor._poller is None  # the poll client is closed with the loop


def test_the_poll_goes_through_a_client_of_its_own_only_on_loopback() -> None:
    remote = IdleWorker(Layer1(endpoint_url="https://swf.us-east-1.amazonaws.com", region="us-east-1"))
    remote._open_poller()
    assert remote.poll_client is remote.layer1  # real SWF: wait for the poll (a task may be on its way)
    local = IdleWorker(Layer1(endpoint_url="http://127.0.0.1:9", region="us-east-1"))
    local._open_poller()
    assert local.poll_client is not local.layer1 and local.poll_client.retry_policy.max_attempts == 1


def test_an_aborted_client_sends_nothing_more() -> None:
    from swfkit.exceptions import TransportError

    swf = Layer1(endpoint_url="http://127.0.0.1:9", region="us-east-1")
    swf.abort()
    started = time.monotonic()
    with pytest.raises(TransportError, match="aborted") as caught:
        swf.list_domains(registration_status="REGISTERED")
    assert caught.value.retryable is False and time.monotonic() - started < 1.0


SCRIPT = textwrap.dedent('''
    import sys
    from swfkit.actors import Decider, Worker
    from swfkit.layer1 import Layer1

    class IdleWorker(Worker):
        domain, task_list = "stop-tests", "nobody-schedules-here"

    class IdleDecider(Decider):
        domain, task_list = "stop-tests", "nobody-starts-here"
        def decide(self, task):
            return None

    actor = {"worker": IdleWorker, "decider": IdleDecider}[sys.argv[1]](Layer1())
    print("polling", flush=True)
    actor.run()
''')


@pytest.mark.parametrize("kind", ["worker", "decider"])
def test_sigterm_to_an_idle_actor_exits_within_two_seconds(long_poll_endpoint: str, kind: str, tmp_path: Any) -> None:
    _register(long_poll_endpoint)
    script = tmp_path / "idle.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, AWS_ENDPOINT_URL_SWF=long_poll_endpoint,
               PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    process = subprocess.Popen([sys.executable, str(script), kind], stdout=subprocess.PIPE, env=env, text=True)
    try:
        assert process.stdout is not None and process.stdout.readline().strip() == "polling"
        time.sleep(1.0)  # imports done, the long poll is out
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert time.monotonic() - started < 2.0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def test_a_polling_actor_keeps_retrying_with_one_short_line_per_failure(caplog: pytest.LogCaptureFixture) -> None:
    """Item 5: once running, an endpoint blip is retried with backoff; each failure is one short line
    (the operating system's reason), not urllib3's nested retry text."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    caplog.set_level(logging.WARNING, logger="swfkit.actors")
    worker = IdleWorker(Layer1(endpoint_url="http://127.0.0.1:%d" % port, region="us-east-1"))
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    time.sleep(2.0)
    worker.stop()
    thread.join(10)
    assert not thread.is_alive()
    failures = [r.getMessage() for r in caplog.records if "poll on stop-tests/" in r.getMessage()]
    assert len(failures) >= 2  # retried, with backoff (0.5 s, then 1 s, ...)
    for line in failures:
        assert line.endswith("no answer from http://127.0.0.1:%d/: Connection refused" % port), line
        assert "HTTPConnectionPool" not in line and "\n" not in line
