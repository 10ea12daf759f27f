"""Run an example script as a user would: a fresh interpreter, in its own session."""
from __future__ import annotations

import os
import pathlib
import subprocess
import sys
from typing import Callable

import pytest
from session_processes import run_in_session

REPO = pathlib.Path(__file__).resolve().parents[2]


@pytest.fixture
def run_example() -> Callable[..., subprocess.CompletedProcess]:
    """``run_example("arithmetic.py", "3")``: run it, assert it left no process behind, return the result."""
    def run(script: str, *args: str, timeout: float = 60, **env_vars: str) -> subprocess.CompletedProcess:
        env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""), **env_vars)
        return run_in_session([sys.executable, str(REPO / "examples" / script), *args], cwd=REPO, env=env,
                              timeout=timeout)
    return run
