"""Every failure is one line on stderr with a non-zero exit code, never a traceback."""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import pathlib

import pytest

from swfkit import exceptions
from swfkit.cli.failure_lines import EXIT_FAULT, EXIT_UNREACHABLE, EXIT_USAGE, UsageError, describe_failure
from tests.cli.conftest import one_line

REPO = pathlib.Path(__file__).resolve().parents[2]


def test_unknown_domain(endpoint_env, swfkit) -> None:
    code, out, err = swfkit("domain", "describe", "no-such-domain")
    assert code == EXIT_FAULT and out == ""
    assert "not found" in one_line(err) and "no-such-domain" in err


def test_unknown_domain_for_workflow_start(endpoint_env, swfkit) -> None:
    code, _, err = swfkit("workflow", "start", "flow", "1", "--domain", "nowhere")
    assert code == EXIT_FAULT and "nowhere" in one_line(err)


@pytest.mark.parametrize("argv", [
    ["workflow", "start", "flow", "1", "--input", "{not json"],
    ["workflow", "signal", "wf", "go", "--input", "[1, 2"],
])
def test_bad_json_input_is_refused_before_sending(argv, swfkit, monkeypatch) -> None:
    # an endpoint nobody listens on: a request would be a transport error, not a usage error
    monkeypatch.setenv("AWS_ENDPOINT_URL_SWF", "http://127.0.0.1:9")
    code, _, err = swfkit(*argv, "--domain", "d")
    assert code == EXIT_USAGE
    assert "--input: not valid JSON" in one_line(err)


def test_missing_domain(endpoint_env, swfkit, monkeypatch) -> None:
    monkeypatch.delenv("SWF_DOMAIN")
    code, _, err = swfkit("type", "list")
    assert code == EXIT_USAGE and "no domain" in one_line(err)


def test_bad_actor_class(swfkit) -> None:
    code, _, err = swfkit("worker", "start", "no_such_module_xyz:Thing")
    assert code == EXIT_USAGE and "cannot import module no_such_module_xyz" in one_line(err)
    code, _, err = swfkit("worker", "start", "swfkit.demo.fan_out:FanOutDecider")
    assert code == EXIT_USAGE and "not a Worker subclass" in one_line(err)


@pytest.mark.parametrize("argv", [
    ["worker", "start", "--processes", "2", "--task-list", "t", "swfkit.demo.fan_out:SquareWorker"],
    ["domain", "list"],
])
def test_missing_credentials_fail_before_any_process_starts(argv, swfkit, monkeypatch, tmp_path) -> None:
    """A real endpoint and no credentials anywhere: one line naming what to set, nothing started."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", raising=False)
    monkeypatch.delenv("AWS_CONTAINER_CREDENTIALS_FULL_URI", raising=False)
    code, out, err = swfkit(*argv, "--endpoint-url", "https://swf.eu-west-1.amazonaws.com",
                            "--region", "eu-west-1", "--domain", "d")
    assert code == EXIT_UNREACHABLE and out == ""
    assert "no AWS credentials" in one_line(err) and "AWS_ACCESS_KEY_ID" in err


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_endpoint_in_a_subprocess() -> None:
    env = dict(os.environ, AWS_ENDPOINT_URL_SWF="http://127.0.0.1:%d" % free_port(), SWF_CONNECTION_RETRIES="0")
    done = subprocess.run([sys.executable, "-m", "swfkit", "domain", "list"], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == EXIT_UNREACHABLE
    assert one_line(done.stderr) == ("swfkit: cannot reach the SWF endpoint %s (ListDomains): Connection refused; "
                                     "check --endpoint-url / AWS_ENDPOINT_URL_SWF" % env["AWS_ENDPOINT_URL_SWF"])


def test_root_reason_of_a_wrapped_connection_failure() -> None:
    try:
        try:
            raise ConnectionRefusedError(111, "Connection refused")
        except OSError as inner:
            raise RuntimeError("pool gave up: HTTPConnectionPool(...) Max retries exceeded") from inner
    except RuntimeError as middle:
        error = exceptions.TransportError("no answer from http://x/", operation="PollForActivityTask")
        error.__cause__ = middle
    message, code = describe_failure(error, endpoint="http://x")
    assert message == ("cannot reach the SWF endpoint http://x (PollForActivityTask): Connection refused; "
                       "check --endpoint-url / AWS_ENDPOINT_URL_SWF")


def test_usage_error_exit_code(swfkit) -> None:
    code, _, err = swfkit("workflow", "frobnicate")
    assert code == 2 and "invalid choice" in err


@pytest.mark.parametrize("error, code, text", [
    (exceptions.service_error("UnknownResourceFault", "Unknown domain: d"), EXIT_FAULT, "not found: Unknown domain: d"),
    (exceptions.service_error("LimitExceededFault", "too\nmany", operation="StartWorkflowExecution"), EXIT_FAULT,
     "LimitExceededFault (StartWorkflowExecution): too many"),
    (exceptions.ValidationError("StartWorkflowExecution", "workflowId", "length must be at most 256"), EXIT_USAGE,
     "invalid input for StartWorkflowExecution: workflowId: length must be at most 256"),
    (exceptions.TransportError("no answer", operation="ListDomains"), EXIT_UNREACHABLE,
     "cannot reach the SWF endpoint (ListDomains): no answer; check --endpoint-url"),
    (exceptions.ConfigurationError("no AWS region"), EXIT_UNREACHABLE, "configuration: no AWS region"),
    (UsageError("--input: not valid JSON"), EXIT_USAGE, "--input: not valid JSON"),
    (KeyboardInterrupt(), 130, "interrupted"),
    (ZeroDivisionError("division by zero"), EXIT_FAULT, "unexpected ZeroDivisionError: division by zero"),
])
def test_failure_table(error, code, text) -> None:
    message, exit_code = describe_failure(error)
    assert exit_code == code
    assert message.startswith(text) and "\n" not in message


def test_worker_on_an_unknown_domain(endpoint_env, swfkit) -> None:
    code, out, err = swfkit("worker", "start", "swfkit.demo.fan_out:SquareWorker", "--domain", "nope")
    assert code == EXIT_FAULT and out == ""
    line = one_line(err)
    assert "Unknown domain: nope" in line  # checked before polling starts
