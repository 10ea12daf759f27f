"""Fixtures for the flows tests: the test flows and examples importable, engines in-process and
on the embedded server (decider and workers in threads of the test process)."""
from __future__ import annotations

import pathlib
import sys
from typing import Any, Callable, Iterator

import pytest

HERE = pathlib.Path(__file__).resolve().parent
for path in (HERE, HERE.parents[1] / "examples" / "flows"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from flows_testing import DOMAIN, client  # noqa: E402  (importable once the folder is on the path)


@pytest.fixture
def swf_endpoint() -> Iterator[str]:
    """An embedded server with 0.5 s long polls (stopping threads waits for their poll)."""
    from swfkit.server import running

    with running(db=None, poll_timeout=0.5) as endpoint_url:
        yield endpoint_url


@pytest.fixture(params=["local", "server"])
def make_engine(request: Any) -> Iterator[Callable[..., Any]]:
    """``make_engine(**options)``: an in-process Engine (run_local), or one on an embedded server
    running its decider and workers in threads."""
    from swfkit import flows

    if request.param == "local":
        yield lambda **options: flows.Engine(**options)
        return
    from swfkit.server import running

    with running(db=None, poll_timeout=0.5) as endpoint_url:
        client(endpoint_url).register_domain(name=DOMAIN, workflow_execution_retention_period_in_days="1")
        yield lambda **options: flows.Engine(client(endpoint_url), DOMAIN, run_workers=True, timeout=90,
                                             worker_threads=options.pop("worker_threads", 3), **options)
