"""No secret reaches a log line or an error message of swfkit's own (issue 12, item 16).

The secrets: a ``--credentials`` secret of ``swfkit server``, the secret key and the session token
of the environment. Every test captures what the command wrote and greps it for them.
"""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from typing import Any

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
CLI_SECRET = "cli-secret-9f3a7c21"
ENV_SECRET = "env-secret-5b8d0e44"
SESSION_TOKEN = "session-token-c0ffee77"


def test_server_debug_log_and_errors_never_show_a_credentials_secret() -> None:
    env = dict(os.environ, PYTHONPATH=ROOT, AWS_SECRET_ACCESS_KEY=ENV_SECRET, AWS_ACCESS_KEY_ID="AKIDENV",
               AWS_SESSION_TOKEN=SESSION_TOKEN)
    process = subprocess.Popen(
        [sys.executable, "-m", "swfkit", "--log-level", "DEBUG", "server", "--poll-timeout", "1",
         "--verify-signatures", "--credentials", "AKIDCLI:" + CLI_SECRET],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    try:
        assert process.stdout is not None
        endpoint = process.stdout.readline().strip()
        assert endpoint.startswith("http://127.0.0.1:"), endpoint
        import boto3
        from botocore.exceptions import ClientError

        for key_id, secret in (("AKIDCLI", CLI_SECRET), ("AKIDCLI", "wrong-secret-0000"), ("AKIDENV", ENV_SECRET)):
            client = boto3.session.Session().client(
                "swf", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id=key_id,
                aws_secret_access_key=secret, aws_session_token=SESSION_TOKEN)
            try:
                client.list_domains(registrationStatus="REGISTERED")
            except ClientError:
                pass
            client.close()
    finally:
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    assert "swfkit.cli DEBUG swfkit server:" in err, err  # the debug line is there...
    assert "AKIDCLI" in err                                 # ...naming the key id...
    for secret in (CLI_SECRET, ENV_SECRET, SESSION_TOKEN):  # ...and no secret
        assert secret not in err and secret not in out, secret


def test_a_malformed_credentials_value_is_not_echoed(swfkit: Any) -> None:
    code, out, err = swfkit("--log-level", "DEBUG", "server", "--verify-signatures", "--credentials", CLI_SECRET)
    assert code == 2 and "--credentials must be KEY_ID:SECRET" in err
    assert CLI_SECRET not in err and CLI_SECRET not in out


def test_client_debug_log_never_shows_the_environment_secrets(endpoint_env: str, swfkit: Any, monkeypatch: Any) -> None:
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIDENV")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", ENV_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", SESSION_TOKEN)
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    code, out, err = swfkit("--log-level", "DEBUG", "domain", "list")
    assert code == 0, err
    assert "DEBUG" in err
    for secret in (ENV_SECRET, SESSION_TOKEN):
        assert secret not in err and secret not in out, (secret, err[-2000:])
    code, out, err = swfkit("--log-level", "DEBUG", "domain", "describe", "missing-domain")
    assert code != 0
    for secret in (ENV_SECRET, SESSION_TOKEN):
        assert secret not in err and secret not in out, secret


def test_mask_covers_messages_arguments_and_tracebacks() -> None:
    import logging

    from swfkit.cli.redaction import SecretMask, redact_argv, secrets_in

    secrets = secrets_in(["server", "--credentials=K:" + CLI_SECRET], {"AWS_SESSION_TOKEN": SESSION_TOKEN,
                                                                      "AWS_SECRET_ACCESS_KEY": "x"})
    assert secrets == sorted([CLI_SECRET, SESSION_TOKEN], key=len, reverse=True)  # "x" is a dummy
    assert redact_argv(["--credentials", "K:" + CLI_SECRET]) == ["--credentials", "K:****"]
    try:
        raise ValueError("boom " + CLI_SECRET)
    except ValueError:
        record = logging.LogRecord("t", logging.ERROR, __file__, 1, "args %s %s", (CLI_SECRET, {"x-amz-security-token": "abcdefgh"}), sys.exc_info())
    SecretMask(secrets).filter(record)
    text = logging.Formatter().format(record)
    assert CLI_SECRET not in text and "abcdefgh" not in text and "boom ****" in text
