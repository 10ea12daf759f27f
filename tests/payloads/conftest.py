"""Fixtures for payload tests: a real S3 endpoint (moto's server in S3 mode) on a free loopback port."""
from __future__ import annotations

from typing import Iterator

import pytest


@pytest.fixture(scope="session")
def s3_server() -> Iterator[str]:
    """moto's server on 127.0.0.1, a free port; its endpoint URL (stopped at the end)."""
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server._server.server_address  # the port the OS picked
    try:
        yield "http://%s:%d" % (host, port)
    finally:
        server.stop()


@pytest.fixture
def s3_bucket(s3_server: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """A fresh bucket on the S3 server; ``AWS_ENDPOINT_URL_S3`` points there. Returns its name."""
    import uuid

    import boto3

    name = "payloads-%s" % uuid.uuid4().hex[:12]
    boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1").create_bucket(Bucket=name)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", s3_server)
    return name


@pytest.fixture
def s3_reader(s3_server: str):  # type: ignore[no-untyped-def]
    """boto3's S3 client: an independent reader of what was stored."""
    import boto3

    return boto3.client("s3", endpoint_url=s3_server, region_name="us-east-1")
