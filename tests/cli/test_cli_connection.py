"""Where the command finds endpoint, region, domain and credentials."""
from __future__ import annotations

import argparse

import pytest

from swfkit.cli import connection
from swfkit.cli.failure_lines import UsageError


def args(**values) -> argparse.Namespace:
    base = dict(endpoint_url=None, region=None, profile=None, domain=None)
    base.update(values)
    return argparse.Namespace(**base)


def test_option_beats_environment(monkeypatch) -> None:
    monkeypatch.setenv("AWS_ENDPOINT_URL_SWF", "http://127.0.0.1:1")
    monkeypatch.setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:2")
    assert connection.endpoint_url(args()) == "http://127.0.0.1:1"
    assert connection.endpoint_url(args(endpoint_url="http://127.0.0.1:3")) == "http://127.0.0.1:3"
    monkeypatch.delenv("AWS_ENDPOINT_URL_SWF")
    assert connection.endpoint_url(args()) == "http://127.0.0.1:2"
    assert connection.region(args(region="eu-west-1")) == "eu-west-1"
    monkeypatch.setenv("SWF_DOMAIN", "from-env")
    assert connection.domain(args()) == "from-env"
    assert connection.domain(args(domain="from-option")) == "from-option"
    assert connection.domain(args(domain="from-option"), "explicit") == "explicit"


def test_missing_domain_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="pass --domain NAME or set SWF_DOMAIN"):
        connection.domain(args())


def test_loopback_needs_no_aws_configuration(monkeypatch) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION"):
        monkeypatch.delenv(name, raising=False)
    options = connection.client_options(args(endpoint_url="http://localhost:8777"))
    assert options["region"] == connection.DUMMY_REGION
    assert options["aws_access_key_id"] == connection.DUMMY_ACCESS_KEY
    remote = connection.client_options(args(endpoint_url="https://swf.us-east-1.amazonaws.com"))
    assert remote == {"region": None, "endpoint_url": "https://swf.us-east-1.amazonaws.com"}


def test_real_credentials_are_kept_for_loopback(monkeypatch) -> None:
    options = connection.client_options(args(endpoint_url="http://127.0.0.1:8777"))
    assert "aws_access_key_id" not in options  # the environment's (conftest's) keys are used
    assert options["region"] == "us-east-1"
