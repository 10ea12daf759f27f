"""Fixtures shared by every test package.

Tests never touch real AWS: credentials and region are dummies, and anything that crosses the
wire goes to the embedded server on a free 127.0.0.1 port, stopped by the test.
"""
from __future__ import annotations

import io
import logging
import os
from typing import Iterator

import pytest

TEST_REGION = "us-east-1"
TEST_ACCESS_KEY = "testing-access-key"
TEST_SECRET_KEY = "testing-secret-key"


@pytest.fixture(autouse=True)
def isolated_aws_environment(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Dummy credentials and region; no profile, config file or endpoint from the developer's machine."""
    for name in list(os.environ):
        if name.startswith(("AWS_", "SWFKIT_PAYLOAD_")) or name in ("SWF_DOMAIN", "SWF_CONNECTION_RETRIES", "SWFKIT_IDENTITY"):
            monkeypatch.delenv(name, raising=False)
    empty = tmp_path_factory.getbasetemp() / "no-aws-config"
    empty.mkdir(exist_ok=True)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(empty / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(empty / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", TEST_ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", TEST_SECRET_KEY)
    monkeypatch.setenv("AWS_DEFAULT_REGION", TEST_REGION)


@pytest.fixture
def swf_endpoint() -> Iterator[str]:
    """An embedded SWF server on a free loopback port (in-memory state, 2 s long polls)."""
    from swfkit.server import running

    with running(db=None, poll_timeout=2.0) as endpoint_url:
        yield endpoint_url


@pytest.fixture
def layer1(swf_endpoint: str):  # type: ignore[no-untyped-def]
    """A ``Layer1`` client talking to the ``swf_endpoint`` server."""
    from swfkit.layer1 import Layer1

    return Layer1(
        endpoint_url=swf_endpoint,
        region=TEST_REGION,
        aws_access_key_id=TEST_ACCESS_KEY,
        aws_secret_access_key=TEST_SECRET_KEY,
    )


@pytest.fixture
def json_lines() -> Iterator[io.StringIO]:
    """Everything logged while inside, as JSON lines."""
    from swfkit.actors.json_log_lines import JsonLinesFormatter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonLinesFormatter())
    root = logging.getLogger()
    previous = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)
    try:
        yield stream
    finally:
        root.removeHandler(handler)
        root.setLevel(previous)
