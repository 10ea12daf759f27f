"""The pytest plugin (entry point ``pytest11``: installing swfkit enables it): SWF fixtures.

- ``swf_server``: an ``SWFTestServer`` for this test (its own server, a ``SkippingClock``):
  ``.endpoint_url``, ``.layer1``, ``.clock.advance(timedelta(days=7))``, ``.history(...)``.
- ``swf_env``: sets ``AWS_ENDPOINT_URL_SWF``, the region and dummy credentials for the test, so
  unmodified boto3 code talks to the server: the test's ``swf_server`` if it uses one, else the
  session's shared server.
- ``swf_domain``: a fresh registered domain (its name) for this test, on the session's shared
  server (or on the test's ``swf_server``): tests stay isolated without a server each.
- ``swf_session_server``: the shared server itself (wall clock), started the first time a test
  asks for it.

Nothing happens at import or for tests that use none of them: no server starts, no variable is set.
"""
from __future__ import annotations

import itertools
import re
from typing import Any, Iterator

import pytest

__all__ = ["swf_server", "swf_env", "swf_domain", "swf_session_server"]

_NUMBERS = itertools.count(1)


@pytest.fixture(scope="session")
def swf_session_server() -> Iterator[Any]:
    """The embedded server shared by the session's tests (wall clock, in-memory state)."""
    from swfkit.server import SystemClock
    from swfkit.testing.embedded import SWFTestServer

    with SWFTestServer(clock=SystemClock()) as server:
        yield server


@pytest.fixture
def swf_server() -> Iterator[Any]:
    """An embedded server for this test, with a ``SkippingClock`` (``swf_server.clock.advance(...)``)."""
    from swfkit.testing.embedded import SWFTestServer

    with SWFTestServer() as server:
        yield server


def _server_for(request: pytest.FixtureRequest) -> Any:
    name = "swf_server" if "swf_server" in request.fixturenames else "swf_session_server"
    return request.getfixturevalue(name)


@pytest.fixture
def swf_env(request: pytest.FixtureRequest) -> Iterator[Any]:
    """Point boto3 and swfkit at the test's server for this test; yields that server."""
    from swfkit.testing.mock import point_environment_at, restore_environment

    server = _server_for(request)
    saved = point_environment_at(server)
    try:
        yield server
    finally:
        restore_environment(saved)


@pytest.fixture
def swf_domain(request: pytest.FixtureRequest) -> str:
    """A fresh domain registered for this test; its name."""
    server = _server_for(request)
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name)[:150]
    return str(server.register_domain("%s-%d" % (slug, next(_NUMBERS))))
