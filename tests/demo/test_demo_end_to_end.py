"""``swfkit demo`` as a user runs it: a fresh interpreter, no AWS configuration at all."""
from __future__ import annotations

import os
import pathlib
import re
import subprocess
import sys
import time

from session_processes import bare_environment, leftover_processes


def test_swfkit_demo_runs_end_to_end_and_leaves_nothing_behind(tmp_path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "swfkit", "demo"], cwd=tmp_path, env=bare_environment(tmp_path),
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 9)
            process.communicate()
    assert process.returncode == 0, err
    assert "Traceback" not in err
    assert leftover_processes(process.pid) == [], "the demo left processes behind"

    assert re.search(r"^workflow: +fan-out-\w+ \(run \S+\) COMPLETED$", out, re.M), out
    assert re.search(r"^activities: +100 completed, 0 retried, 4 worker processes$", out, re.M), out
    assert re.search(r"^timer: +fired$", out, re.M) and re.search(r"^signal: +received$", out, re.M)
    events = int(re.search(r"^events: +(\d+)$", out, re.M).group(1))
    # started + 100 x (scheduled, started, completed) + timer (2) + signal + decision tasks + close
    assert 100 * 3 + 5 < events < 100 * 3 + 5 + 3 * 101
    elapsed, total = map(float, re.search(r"^elapsed: +([\d.]+) s in the workflow, ([\d.]+) s in all$", out, re.M).groups())
    assert 0 < elapsed <= total < 60
    rate, count, span = re.search(r"^throughput: +([\d.]+) activities/s \((\d+) activities in ([\d.]+) s, ", out, re.M).groups()
    assert int(count) == 100 and 0 < float(span) <= elapsed
    assert abs(float(rate) - 100 / float(span)) <= 0.05 * float(rate) + 0.1
    assert '"sum": 328350' in out
    last = out.split("last 10 events:")[1].splitlines()
    assert last[1].split()[:1] == ["ID"] and "WorkflowExecutionCompleted" in last[-1]
    assert "100/100 activities" in out  # plain progress lines on a pipe
    assert "\r" not in out


def spawned_children(parent: int):
    """Pids of ``parent``'s multiprocessing children (the pools' processes), oldest first."""
    children = []
    for entry in pathlib.Path("/proc").glob("[0-9]*"):
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            command = (entry / "cmdline").read_text()
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and "spawn_main" in command:
            children.append(int(entry.name))
    return sorted(children)


def test_demo_survives_a_killed_worker_process(tmp_path) -> None:
    process = subprocess.Popen([sys.executable, "-m", "swfkit", "demo", "--activities", "300", "--work-ms", "30"],
                               cwd=tmp_path, env=bare_environment(tmp_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 30
        while len(spawned_children(process.pid)) < 5:  # 1 decider + 4 workers
            assert time.monotonic() < deadline and process.poll() is None, "the pools did not start"
            time.sleep(0.1)
        time.sleep(1.0)  # let the workers take tasks
        os.kill(spawned_children(process.pid)[-1], 9)  # the newest: a worker, most likely mid-task
        out, err = process.communicate(timeout=90)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 9)
            process.communicate()
    assert process.returncode == 0, err
    assert re.search(r"process \d died \(exit code -9\) .* restarting", err), err
    assert re.search(r"^activities: +300 completed, [01] retried, 4 worker processes$", out, re.M), out
    assert '"sum": 8955050' in out
    assert leftover_processes(process.pid) == []
