"""Fixtures for the futures tests: the examples importable, an embedded server with short polls."""
from __future__ import annotations

import pathlib
import sys
from typing import Iterator

import pytest

EXAMPLES = pathlib.Path(__file__).resolve().parents[2] / "examples" / "futures"
if str(EXAMPLES) not in sys.path:
    sys.path.insert(0, str(EXAMPLES))


@pytest.fixture
def swf_endpoint() -> Iterator[str]:
    """The embedded server of tests/conftest.py, with 0.5 s long polls: stopping the deciders and
    workers of a test waits for their current poll, and these tests start many."""
    from swfkit.server import running

    with running(db=None, poll_timeout=0.5) as endpoint_url:
        yield endpoint_url


def event_types(events):
    return [event["eventType"] for event in events]


def attributes(event):
    key = event["eventType"][0].lower() + event["eventType"][1:] + "EventAttributes"
    return event.get(key, {})
