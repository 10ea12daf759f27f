"""A pool's children never outlive their supervisor, SIGHUP stops a pool like SIGTERM, and a
crash loop stops the pool with one error (issue 13, items 3 and 7)."""
from __future__ import annotations

import os
import pathlib
import signal
import subprocess
import sys
import textwrap
import time
from typing import Dict, Iterator, List

import pytest
from session_processes import bare_environment, children_of, leftover_processes

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

HEADER = textwrap.dedent('''
    import sys
    from swfkit.actors import Worker, activity
    from swfkit.layer1 import Layer1

    class Idle(Worker):
        domain, task_list = "pools", "nobody-schedules-here"

        @activity("nothing", "1")
        def nothing(self, input):
            return input
''')

GUARDED = HEADER + textwrap.dedent('''
    if __name__ == "__main__":
        Idle(Layer1()).ensure_registered()
        print("started", flush=True)
        sys.exit(Idle(Layer1()).run(processes=2))
''')

UNGUARDED = HEADER + textwrap.dedent('''
    Idle(Layer1()).ensure_registered()
    sys.exit(Idle(Layer1()).run(processes=2))
''')

CRASHING = HEADER + textwrap.dedent('''
    class Crashing(Idle):
        def __setstate__(self, state):
            raise RuntimeError("boom in the child")

    if __name__ == "__main__":
        Crashing(Layer1()).ensure_registered()
        sys.exit(Crashing(Layer1()).run(processes=1))
''')


@pytest.fixture
def endpoint() -> Iterator[str]:
    from swfkit.server import running

    with running(db=None, poll_timeout=60.0) as url:
        yield url


def _start(tmp_path: pathlib.Path, source: str, endpoint: str) -> "subprocess.Popen[str]":
    script = tmp_path / "pool_script.py"
    script.write_text(source)
    env: Dict[str, str] = dict(bare_environment(tmp_path), AWS_ENDPOINT_URL_SWF=endpoint)
    return subprocess.Popen([sys.executable, str(script)], cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, start_new_session=True)


def _wait_for_children(pid: int, count: int) -> List[int]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        children = children_of(pid)
        if len(children) >= count:
            time.sleep(1.0)  # their first long polls are out
            return children
        time.sleep(0.1)
    raise AssertionError("the pool never started %d children" % count)


def _alive(pid: int) -> bool:
    try:
        state = pathlib.Path("/proc/%d/stat" % pid).read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _cleanup(process: "subprocess.Popen[str]") -> None:
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    process.communicate()


def test_children_stop_when_the_supervisor_is_killed(tmp_path: pathlib.Path, endpoint: str) -> None:
    process = _start(tmp_path, GUARDED, endpoint)
    try:
        children = _wait_for_children(process.pid, 2)
        process.kill()  # kill -9: no chance to stop its children
        process.wait()
        deadline = time.monotonic() + 10
        while any(_alive(pid) for pid in children) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not [pid for pid in children if _alive(pid)], "orphaned pool processes keep polling"
    finally:
        _cleanup(process)


def test_sighup_stops_a_pool_gracefully(tmp_path: pathlib.Path, endpoint: str) -> None:
    process = _start(tmp_path, GUARDED, endpoint)
    try:
        _wait_for_children(process.pid, 2)
        started = time.monotonic()
        process.send_signal(signal.SIGHUP)
        assert process.wait(timeout=20) == 0
        assert time.monotonic() - started < 10
        assert leftover_processes(process.pid) == []
    finally:
        _cleanup(process)


def test_a_script_without_a_main_guard_stops_with_one_clear_error(tmp_path: pathlib.Path, endpoint: str) -> None:
    process = _start(tmp_path, UNGUARDED, endpoint)
    try:
        _, err = process.communicate(timeout=60)
    finally:
        _cleanup(process)
    assert process.returncode == 1, err
    assert 'if __name__ == "__main__":' in err
    assert err.count("Traceback") <= 1, err  # no crash loop of tracebacks
    assert leftover_processes(process.pid) == []


def test_a_crash_loop_stops_the_pool_naming_the_last_error(tmp_path: pathlib.Path, endpoint: str) -> None:
    process = _start(tmp_path, CRASHING, endpoint)
    try:
        _, err = process.communicate(timeout=90)
    finally:
        _cleanup(process)
    assert process.returncode == 1, err
    assert "5 times in a row" in err and "Its last error: RuntimeError: boom in the child" in err
    assert leftover_processes(process.pid) == []
