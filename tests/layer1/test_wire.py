"""Every operation's request is byte for byte what botocore sends for the same input."""
from __future__ import annotations

import datetime
import inspect
import json
from typing import Any, Dict, Tuple

import boto3
import pytest

from swfkit.layer1.operation_names import WIRE_NAMES
from swfkit.spec import OPERATIONS, SHAPES
from tests.layer1.conftest import BOTOCORE_KEEPS_SUBSECONDS, ENDPOINT, answer, sample

OPERATION_NAMES = sorted(OPERATIONS)


class _Raw:
    def stream(self, **kwargs: Any):  # type: ignore[no-untyped-def]
        yield b"{}"


@pytest.fixture(scope="module")
def botocore_request():  # type: ignore[no-untyped-def]
    """Serialize a call with boto3 and return (X-Amz-Target, body bytes) without sending it."""
    from botocore.awsrequest import AWSResponse

    client = boto3.client("swf", region_name="us-east-1", endpoint_url=ENDPOINT,
                          aws_access_key_id="k", aws_secret_access_key="s")
    captured: Dict[str, Any] = {}

    def capture(request: Any, **kwargs: Any) -> Any:
        captured["target"] = request.headers["X-Amz-Target"].decode() if isinstance(request.headers["X-Amz-Target"], bytes) else request.headers["X-Amz-Target"]
        captured["content_type"] = request.headers["Content-Type"]
        captured["body"] = request.body
        return AWSResponse(request.url, 200, {}, _Raw())

    client.meta.events.register("before-send.swf.*", capture)

    def serialize(operation: str, params: Dict[str, Any]) -> Tuple[str, bytes]:
        getattr(client, OPERATIONS[operation]["method"])(**params)
        content_type = captured["content_type"]
        return captured["target"], captured["body"], content_type.decode() if isinstance(content_type, bytes) else content_type

    return serialize


def full_input(operation: str) -> Dict[str, Any]:
    return sample(OPERATIONS[operation]["input"])


def test_all_39_operations_are_covered() -> None:
    assert len(OPERATION_NAMES) == 39


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_call_sends_what_botocore_sends(operation: str, swf, http, botocore_request) -> None:  # type: ignore[no-untyped-def]
    params = full_input(operation)
    answer(http, {})
    swf.call(operation, params)
    ours = http.calls[-1].request
    target, body, content_type = botocore_request(operation, params)
    assert ours.headers["X-Amz-Target"] == target == "SimpleWorkflowService." + operation
    assert ours.headers["Content-Type"] == content_type == "application/x-amz-json-1.0"
    assert ours.body == body


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_method_sends_what_botocore_sends(operation: str, swf, http, botocore_request) -> None:  # type: ignore[no-untyped-def]
    params = full_input(operation)
    kwargs = {snake: params[wire] for snake, wire in WIRE_NAMES[operation].items()}
    answer(http, {})
    getattr(swf, OPERATIONS[operation]["method"])(**kwargs)
    _, body, _ = botocore_request(operation, params)
    assert http.calls[-1].request.body == body


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_required_only_matches_botocore(operation: str, swf, http, botocore_request) -> None:  # type: ignore[no-untyped-def]
    shape = SHAPES[OPERATIONS[operation]["input"]]
    params = {member: value for member, value in full_input(operation).items() if member in shape.get("required", ())}
    answer(http, {})
    swf.call(operation, params)
    _, body, _ = botocore_request(operation, params)
    assert http.calls[-1].request.body == body


@pytest.mark.parametrize("stamp, wire", [
    (datetime.datetime(2024, 1, 2, 3, 4, 5, 999999), 1704164645.999999),          # naive = UTC
    (datetime.datetime(2024, 1, 2, 3, 4, 5, tzinfo=datetime.timezone(datetime.timedelta(hours=2))), 1704157445),
    (1704164645, 1704164645), (1704164645.75, 1704164645.75), (0, 0), (1 + 3691 / 10**6, 1.003691),
])
def test_timestamps_are_epoch_seconds_like_current_botocore(stamp: Any, wire: Any, swf, http, botocore_request) -> None:  # type: ignore[no-untyped-def]
    # Current botocore: whole seconds as an integer, finer as a float rounded once to the microsecond.
    params = {"domain": "d", "startTimeFilter": {"oldestDate": stamp, "latestDate": stamp}}
    answer(http, {"count": 1})
    swf.call("CountOpenWorkflowExecutions", params)
    sent = http.calls[-1].request.body
    oldest = json.loads(sent)["startTimeFilter"]["oldestDate"]
    assert oldest == wire and type(oldest) is type(wire)
    if BOTOCORE_KEEPS_SUBSECONDS or isinstance(wire, int):  # older botocore truncated sub-seconds
        assert sent == botocore_request("CountOpenWorkflowExecutions", params)[1]
    assert params["startTimeFilter"]["oldestDate"] is stamp  # the caller's dict is left alone


def test_unicode_is_escaped_like_botocore(swf, http, botocore_request) -> None:  # type: ignore[no-untyped-def]
    params = {"domain": "d", "workflowId": "w", "signalName": "s", "input": "h\u00e9llo \u2603 \"q\" \\ \n"}
    answer(http, {})
    swf.call("SignalWorkflowExecution", params)
    assert http.calls[-1].request.body == botocore_request("SignalWorkflowExecution", params)[1]


@pytest.mark.parametrize("operation", OPERATION_NAMES)
def test_method_signature_docstring_and_hints(operation: str) -> None:
    from swfkit.layer1 import Layer1

    method = getattr(Layer1, OPERATIONS[operation]["method"])
    signature = inspect.signature(method)
    shape = SHAPES[OPERATIONS[operation]["input"]]
    parameters = [p for name, p in signature.parameters.items() if name != "self"]
    assert {p.name for p in parameters} == set(WIRE_NAMES[operation])
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters)
    for parameter in parameters:
        wire = WIRE_NAMES[operation][parameter.name]
        assert (parameter.default is inspect.Parameter.empty) == (wire in shape.get("required", ()))
        assert parameter.annotation is not inspect.Parameter.empty
    assert method.__doc__ and method.__doc__.strip()[0].isupper()


def test_none_means_not_sent(swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, {})
    swf.poll_for_decision_task(domain="d", task_list={"name": "main"}, identity=None, maximum_page_size=None)
    assert json.loads(http.calls[0].request.body) == {"domain": "d", "taskList": {"name": "main"}}


def test_request_is_signed_and_answer_parsed(swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"count": 4, "truncated": False})
    assert swf.count_pending_activity_tasks(domain="d", task_list={"name": "t"}) == {"count": 4, "truncated": False}
    headers = http.calls[0].request.headers
    assert headers["Authorization"].startswith("AWS4-HMAC-SHA256 Credential=testing-access-key/")
    assert "/us-east-1/swf/aws4_request" in headers["Authorization"]
    assert headers["Host"] == "swf.test"
    assert headers["Content-Length"] == str(len(http.calls[0].request.body))


def test_empty_answer_is_an_empty_dict(swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, None)
    assert swf.respond_activity_task_completed(task_token="t", result="r") == {}


def test_empty_long_poll_has_no_task_token(swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"previousStartedEventId": 0, "startedEventId": 0})
    task = swf.poll_for_decision_task(domain="d", task_list={"name": "main"})
    assert not task.get("taskToken")


def test_long_polls_read_longer_than_sixty_seconds(swf, http) -> None:  # type: ignore[no-untyped-def]
    answer(http, {"startedEventId": 0})
    answer(http, {"count": 0})
    swf.poll_for_activity_task(domain="d", task_list={"name": "main"})
    swf.count_pending_activity_tasks(domain="d", task_list={"name": "main"})
    poll_timeout = http.calls[0].request.req_kwargs["timeout"]
    other_timeout = http.calls[1].request.req_kwargs["timeout"]
    assert poll_timeout[1] >= 70 > 60
    assert other_timeout == (10.0, 30.0)


def test_generated_modules_are_current(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The committed operation modules are what tools/generate_layer1_operations.py writes now."""
    import importlib.util
    import pathlib

    root = pathlib.Path(__file__).resolve().parents[2]
    spec = importlib.util.spec_from_file_location("generator", root / "tools" / "generate_layer1_operations.py")
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)  # type: ignore[union-attr]
    generator.TARGET_DIR = tmp_path
    generator.ROOT = tmp_path.parent
    generator.main()
    for path in tmp_path.glob("*.py"):
        assert path.read_text() == (root / "swfkit" / "layer1" / path.name).read_text(), path.name
    assert len(list(tmp_path.glob("*.py"))) == 9  # names, 4 groups, 4 groups as coroutines


from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=st.text(min_size=1, max_size=40), number=st.integers(min_value=0, max_value=1000),
       stamp=st.floats(min_value=0, max_value=4e9, allow_nan=False))
def test_any_text_numbers_and_times_match_botocore(text: str, number: int, stamp: float, swf, http,  # type: ignore[no-untyped-def]
                                                   botocore_request) -> None:
    if not BOTOCORE_KEEPS_SUBSECONDS:
        stamp = float(int(stamp))
    params = {"domain": text, "startTimeFilter": {"oldestDate": stamp}, "tagFilter": {"tag": text},
              "maximumPageSize": number, "reverseOrder": bool(number % 2)}
    answer(http, {"executionInfos": []})
    swf.call("ListOpenWorkflowExecutions", params)
    assert http.calls[-1].request.body == botocore_request("ListOpenWorkflowExecutions", params)[1]
