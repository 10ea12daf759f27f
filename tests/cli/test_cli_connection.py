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
    assert connection.client_options(args(region="eu-west-1"))["region"] == "eu-west-1"
    monkeypatch.setenv("SWF_DOMAIN", "from-env")
    assert connection.domain(args()) == "from-env"
    assert connection.domain(args(domain="from-option")) == "from-option"
    assert connection.domain(args(domain="from-option"), "explicit") == "explicit"


def test_missing_domain_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="pass --domain NAME or set SWF_DOMAIN"):
        connection.domain(args())


def test_the_command_and_layer1_share_one_rule(monkeypatch, tmp_path) -> None:
    """On a loopback endpoint neither needs AWS configuration; with both region variables set,
    both pick AWS_DEFAULT_REGION (botocore's)."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_DEFAULT_REGION", "AWS_REGION"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    client = connection.make_client(args(endpoint_url="http://localhost:8777"))
    assert client.region == "us-east-1"
    assert client.resolve_credentials().access_key == "swfkit-local"
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_REGION", "ap-south-1")
    assert connection.make_client(args(endpoint_url="http://localhost:8777")).region == "eu-west-1"
    assert connection.make_client(args(endpoint_url="http://localhost:8777", region="sa-east-1")).region == "sa-east-1"


def test_remote_endpoint_passes_only_the_options(monkeypatch) -> None:
    remote = connection.client_options(args(endpoint_url="https://swf.us-east-1.amazonaws.com"))
    assert remote == {"region": None, "endpoint_url": "https://swf.us-east-1.amazonaws.com"}


def _fresh_machine(monkeypatch, tmp_path) -> None:
    import os

    for name in list(os.environ):
        if name.startswith("AWS_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")


def test_demo_on_an_aws_endpoint_takes_the_region_from_its_host(swfkit, monkeypatch, tmp_path) -> None:
    """Item 6: the region is in the URL; what is missing is credentials, said in the command's words."""
    _fresh_machine(monkeypatch, tmp_path)
    code, out, err = swfkit("demo", "--endpoint-url", "https://swf.us-east-1.amazonaws.com")
    [line] = err.splitlines()
    assert code == 3 and "no AWS credentials" in line and "--profile" in line and "Layer1" not in line


def test_missing_region_gives_the_option_to_pass(swfkit, monkeypatch, tmp_path) -> None:
    _fresh_machine(monkeypatch, tmp_path)
    code, _, err = swfkit("domain", "list", "--endpoint-url", "https://swf.example.com")
    [line] = err.splitlines()
    assert code == 3 and "no AWS region: pass --region" in line and "Layer1" not in line
