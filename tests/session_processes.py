"""Helpers for tests that run ``swfkit`` as separate processes in their own session."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
import time
from typing import Dict, List

REPO = pathlib.Path(__file__).resolve().parents[1]


def leftover_processes(session_id: int, grace: float = 5.0) -> List[str]:
    """Command lines of the processes still alive in a session after ``grace`` seconds (Linux /proc).

    The grace covers multiprocessing's resource tracker, which exits on its own a moment after
    the process that started it.
    """
    deadline = time.monotonic() + grace
    while True:
        members = []
        for entry in pathlib.Path("/proc").glob("[0-9]*"):
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
                if int(fields[3]) == session_id and fields[0] != "Z":  # fields: state ppid pgrp session
                    members.append((entry / "cmdline").read_text().replace("\0", " ").strip())
            except (OSError, IndexError, ValueError):
                continue
        if not members or time.monotonic() > deadline:
            return members
        time.sleep(0.1)


def bare_environment(tmp_path: pathlib.Path) -> Dict[str, str]:
    """The environment of a fresh machine: no AWS variables, no config or credential files."""
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_") and name != "SWF_DOMAIN"}
    env.update(HOME=str(tmp_path), PYTHONPATH=str(REPO), AWS_EC2_METADATA_DISABLED="true",
               AWS_CONFIG_FILE=str(tmp_path / "none"), AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))
    return env


def children_of(pid: int) -> List[int]:
    """Ids of the live child processes of ``pid`` (multiprocessing's resource tracker left out)."""
    found = []
    for entry in pathlib.Path("/proc").glob("[0-9]*"):
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid and fields[0] != "Z" and "resource_tracker" not in (entry / "cmdline").read_text():
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def run_in_session(argv: List[str], *, cwd: pathlib.Path, env: Dict[str, str],
                   timeout: float) -> "subprocess.CompletedProcess[str]":
    """Run ``argv`` in a session of its own; kill the session if it overruns ``timeout``; assert it
    left no process behind (Linux)."""
    process = subprocess.Popen(argv, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    finally:
        if process.poll() is None:
            os.killpg(process.pid, 9)
            process.communicate()
    if sys.platform.startswith("linux"):
        assert leftover_processes(process.pid) == [], "%s left processes behind" % argv
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)
