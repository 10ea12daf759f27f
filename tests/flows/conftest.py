"""Fixtures for the flows tests: the test flows and examples importable, engines in-process and
on the embedded server (decider and workers in threads of the test process)."""
from __future__ import annotations

import pathlib
import sys
from typing import Any, Callable, Iterator

import pytest

HERE = pathlib.Path(__file__).resolve().parent
EXAMPLES = HERE.parents[1] / "examples" / "flows"
for path in (HERE, EXAMPLES):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

DOMAIN = "flows-tests"


@pytest.fixture
def swf_endpoint() -> Iterator[str]:
    """An embedded server with 0.5 s long polls (stopping threads waits for their poll)."""
    from swfkit.server import running

    with running(db=None, poll_timeout=0.5) as endpoint_url:
        yield endpoint_url


def client(endpoint_url: str) -> Any:
    from swfkit.layer1 import Layer1

    return Layer1(endpoint_url=endpoint_url, region="us-east-1", aws_access_key_id="tests",
                  aws_secret_access_key="tests")


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
        yield lambda **options: flows.Engine(client(endpoint_url), DOMAIN, run_workers=True, timeout=90,
                                             worker_threads=options.pop("worker_threads", 3), **options)
