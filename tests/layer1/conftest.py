"""Fixtures for layer1 tests: a client on a fake endpoint whose HTTP is answered by ``responses``."""
from __future__ import annotations

import datetime
import json
from typing import Any, Dict, Iterator, List

import pytest
import responses

from swfkit.spec import SHAPES

ENDPOINT = "http://swf.test"


@pytest.fixture
def http() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        yield mock


@pytest.fixture
def swf(http: responses.RequestsMock):  # type: ignore[no-untyped-def]
    from swfkit.layer1 import Layer1

    client = Layer1(region="us-east-1", endpoint_url=ENDPOINT, max_attempts=3)
    client.retry_policy.sleep = lambda seconds: None
    yield client
    client.close()


def answer(http: responses.RequestsMock, body: Any = None, status: int = 200, request_id: str = "req-1") -> None:
    """Queue one answer."""
    http.add(responses.POST, ENDPOINT + "/", body=b"" if body is None else json.dumps(body).encode(),
             status=status, headers={"x-amzn-RequestId": request_id})


def sent(http: responses.RequestsMock) -> List[Dict[str, Any]]:
    """The JSON bodies sent so far."""
    return [json.loads(call.request.body) for call in http.calls]


def _botocore_keeps_subseconds() -> bool:
    """Whether the installed botocore sends sub-second timestamps (current releases) or truncates
    them to whole seconds (older ones, "legacy" precision). swfkit follows current botocore."""
    from botocore.serialize import JSONSerializer

    moment = datetime.datetime(2024, 1, 1, 0, 0, 0, 500000, tzinfo=datetime.timezone.utc)
    return JSONSerializer()._timestamp_unixtimestamp(moment) != 1704067200


BOTOCORE_KEEPS_SUBSECONDS = _botocore_keeps_subseconds()


def sample(shape_name: str, depth: int = 0) -> Any:
    """A valid value for a shape, with every member of every structure set."""
    shape = SHAPES[shape_name]
    kind = shape["type"]
    if kind == "string":
        if shape.get("enum"):
            return shape["enum"][-1]
        return ("v" + shape_name)[: shape.get("max", 64)].ljust(shape.get("min", 1), "x")
    if kind in ("integer", "long"):
        return max(shape.get("min", 1), min(shape.get("max", 7), 7))
    if kind == "boolean":
        return True
    if kind == "timestamp":
        # Sub-second only where the installed botocore (the reference) keeps sub-seconds too.
        fraction = 987000 if BOTOCORE_KEEPS_SUBSECONDS else 0
        return datetime.datetime(2024, 5, 6, 7, 8, 9, fraction, tzinfo=datetime.timezone.utc)
    if kind == "list":
        return [sample(shape["member"], depth + 1)]
    return {member: sample(member_shape, depth + 1) for member, member_shape in shape["members"].items()}


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "moto: end-to-end test against moto's ThreadedMotoServer (an independent peer)")
