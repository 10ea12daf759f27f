"""``mock_swf()``: the embedded server in place of moto's SWF mock, as a context manager or decorator.

::

    from swfkit.testing import mock_swf

    @mock_swf                                  # was: @moto.mock_aws
    def test_my_decider():
        swf = boto3.client("swf")              # talks to the embedded server
        ...

    with mock_swf() as server:                 # server: an SWFTestServer
        server.clock.advance(timedelta(days=7))

For the duration it starts an ``SWFTestServer`` and sets ``AWS_ENDPOINT_URL_SWF``, the region and
dummy credentials (never real ones, as moto does), so boto3 clients created inside talk to it; it
forgets boto3's default session on the way in and out (a cached one would keep the credentials of
before). swfkit's ``Layer1`` reads the same variables. Clients created before it starts keep their
endpoint. Only SWF is redirected: other services are untouched (keep moto for those).
"""
from __future__ import annotations

import functools
import inspect
import os
import sys
from typing import Any, Callable, Dict, Optional, TypeVar, Union

from swfkit.testing.embedded import SWFTestServer

__all__ = ["mock_swf", "MockSWF", "point_environment_at"]

F = TypeVar("F", bound=Callable[..., Any])
#: Variables that could send requests elsewhere or with real credentials.
_CLEARED = ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ENDPOINT_URL")


def _forget_boto3_session() -> None:
    boto3 = sys.modules.get("boto3")  # never imported here: only if the code under test uses it
    if boto3 is not None:
        setattr(boto3, "DEFAULT_SESSION", None)


def point_environment_at(server: SWFTestServer, environ: Any = os.environ) -> Dict[str, Optional[str]]:
    """Set the variables of ``server.environment`` (and clear profiles, tokens, a general endpoint).

    Returns:
        the previous values (None: was unset), for ``restore_environment``.
    """
    saved: Dict[str, Optional[str]] = {}
    for name in _CLEARED:
        saved[name] = environ.pop(name, None)
    for name, value in server.environment.items():
        saved.setdefault(name, environ.get(name))
        environ[name] = value
    _forget_boto3_session()
    return saved


def restore_environment(saved: Dict[str, Optional[str]], environ: Any = os.environ) -> None:
    """Put back what ``point_environment_at`` changed."""
    for name, value in saved.items():
        if value is None:
            environ.pop(name, None)
        else:
            environ[name] = value
    _forget_boto3_session()


class MockSWF:
    """What ``mock_swf(...)`` returns: enter it (``with``) or decorate with it (functions, test classes).

    Args:
        time_skipping: give the server a ``SkippingClock`` (True, default) or the wall clock.
        poll_timeout: seconds an empty long poll waits.
    """

    def __init__(self, *, time_skipping: bool = True, poll_timeout: float = 1.0) -> None:
        self.time_skipping = time_skipping
        self.poll_timeout = poll_timeout
        self.server: Optional[SWFTestServer] = None
        self._saved: Dict[str, Optional[str]] = {}

    def __enter__(self) -> SWFTestServer:
        if self.server is not None:
            raise RuntimeError("mock_swf: this mock is already active (enter a new mock_swf())")
        clock = None
        if not self.time_skipping:
            from swfkit.server import SystemClock
            clock = SystemClock()
        self.server = SWFTestServer(clock=clock, poll_timeout=self.poll_timeout).start()
        self._saved = point_environment_at(self.server)
        return self.server

    def __exit__(self, *exc: Any) -> None:
        server, self.server = self.server, None
        restore_environment(self._saved)
        if server is not None:
            server.stop()

    def _fresh(self) -> "MockSWF":
        return MockSWF(time_skipping=self.time_skipping, poll_timeout=self.poll_timeout)

    def __call__(self, target: F) -> F:
        if isinstance(target, type):  # a test class: each test method gets its own server
            for name, member in list(vars(target).items()):
                if name.startswith("test") and callable(member):
                    setattr(target, name, self._fresh()(member))
            return target
        if inspect.iscoroutinefunction(target):
            raise TypeError("mock_swf: decorate a plain function (use `with mock_swf():` inside async code)")

        @functools.wraps(target)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with self._fresh():
                return target(*args, **kwargs)
        return wrapper  # type: ignore[return-value]


def mock_swf(target: Optional[Callable[..., Any]] = None, *, time_skipping: bool = True,
             poll_timeout: float = 1.0) -> Union[MockSWF, Any]:
    """An embedded SWF server for a ``with`` block or a decorated test (``@mock_swf`` or ``@mock_swf()``).

    Args:
        target: the function or class when used bare as ``@mock_swf``.
        time_skipping: a ``SkippingClock`` (default) or the wall clock.
        poll_timeout: seconds an empty long poll waits.

    Returns:
        a ``MockSWF`` (entering it yields the ``SWFTestServer``), or the decorated target.
    """
    mock = MockSWF(time_skipping=time_skipping, poll_timeout=poll_timeout)
    return mock if target is None else mock(target)
