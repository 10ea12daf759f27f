"""mock_swf(): a context manager and a decorator pointing boto3 and swfkit at the embedded server."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import boto3
import pytest

from swfkit.layer1 import Layer1
from swfkit.testing import SWFTestServer, mock_swf


def test_context_manager_points_boto3_and_layer1_at_the_server_and_restores_the_environment() -> None:
    before = dict(os.environ)
    with mock_swf() as server:
        assert isinstance(server, SWFTestServer)
        assert os.environ["AWS_ENDPOINT_URL_SWF"] == server.endpoint_url
        boto3.client("swf").register_domain(name="via-boto3", workflowExecutionRetentionPeriodInDays="1")
        names = [d["name"] for d in Layer1().list_domains(registration_status="REGISTERED")["domainInfos"]]
        assert names == ["via-boto3"]
        server.clock.advance(timedelta(days=1))
    assert dict(os.environ) == before


def test_as_a_bare_decorator_each_call_gets_a_fresh_server() -> None:
    seen = []

    @mock_swf
    def body() -> None:
        swf = boto3.client("swf")
        seen.append(os.environ["AWS_ENDPOINT_URL_SWF"])
        assert swf.list_domains(registrationStatus="REGISTERED")["domainInfos"] == []
        swf.register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")

    body()
    body()
    assert len(set(seen)) == 2 and "AWS_ENDPOINT_URL_SWF" not in os.environ


@mock_swf(time_skipping=False)
class TestADecoratedClass:
    # each method gets its own server: both register the same domain
    def test_one(self) -> None:
        boto3.client("swf").register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")

    def test_two(self) -> None:
        boto3.client("swf").register_domain(name="d", workflowExecutionRetentionPeriodInDays="1")


def test_an_active_mock_cannot_be_entered_twice() -> None:
    mock = mock_swf()
    with mock:
        with pytest.raises(RuntimeError, match="already active"):
            mock.__enter__()


def test_importing_the_plugin_starts_nothing() -> None:
    code = ("import threading, os, swfkit.testing.plugin, swfkit.testing; "
            "assert threading.active_count() == 1; assert 'AWS_ENDPOINT_URL_SWF' not in os.environ")
    env = {k: v for k, v in os.environ.items() if k != "AWS_ENDPOINT_URL_SWF"}
    assert subprocess.run([sys.executable, "-c", code], env=env).returncode == 0
