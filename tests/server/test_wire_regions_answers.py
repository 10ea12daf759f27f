"""Issue 12 items 11-12: empty answers for operations without output, the answer's content type
follows the request's; domains belong to the region of the request's SigV4 credential scope."""
from __future__ import annotations

import argparse

import boto3
import pytest
from botocore.config import Config

from swfkit.server import SWFServer, running
from swfkit.server.command import add_arguments

from conftest import raw_call


def client(endpoint: str, region: str):  # type: ignore[no-untyped-def]
    return boto3.client("swf", endpoint_url=endpoint, region_name=region, aws_access_key_id="x",
                        aws_secret_access_key="x", config=Config(retries={"total_max_attempts": 1}))


def test_operations_without_output_answer_an_empty_body() -> None:
    with running() as endpoint:
        answer = raw_call(endpoint, "RegisterDomain", {"name": "d", "workflowExecutionRetentionPeriodInDays": "1"})
        assert answer.status_code == 200 and answer.content == b""
        assert answer.headers["Content-Type"] == "application/x-amz-json-1.0"
        listed = raw_call(endpoint, "ListDomains", {"registrationStatus": "REGISTERED"})
        assert listed.json()["domainInfos"][0]["name"] == "d"
        client(endpoint, "us-east-1").deprecate_domain(name="d")  # boto3 reads the empty body


def test_application_json_is_answered_as_application_json() -> None:
    with running() as endpoint:
        plain = {"Content-Type": "application/json; charset=UTF-8"}
        answer = raw_call(endpoint, "ListDomains", {"registrationStatus": "REGISTERED"}, headers=plain)
        assert answer.status_code == 200 and answer.headers["Content-Type"] == "application/json"
        fault = raw_call(endpoint, "DescribeDomain", {"name": "nope"}, headers=plain)
        assert fault.status_code == 400 and fault.headers["Content-Type"] == "application/json"


def test_domains_belong_to_the_region_of_the_credential_scope() -> None:
    with running(account="210987654321") as endpoint:
        east, west = client(endpoint, "us-east-1"), client(endpoint, "eu-west-1")
        for swf in (east, west):  # a name is unique per region only
            swf.register_domain(name="shared", workflowExecutionRetentionPeriodInDays="1")
        west.register_domain(name="west-only", workflowExecutionRetentionPeriodInDays="1")
        assert west.describe_domain(name="shared")["domainInfo"]["arn"] == \
            "arn:aws:swf:eu-west-1:210987654321:/domain/shared"
        assert east.describe_domain(name="shared")["domainInfo"]["arn"] == \
            "arn:aws:swf:us-east-1:210987654321:/domain/shared"
        assert [d["name"] for d in east.list_domains(registrationStatus="REGISTERED")["domainInfos"]] == ["shared"]
        assert [d["name"] for d in west.list_domains(registrationStatus="REGISTERED")["domainInfos"]] == \
            ["shared", "west-only"]
        with pytest.raises(east.exceptions.UnknownResourceFault) as raised:
            east.describe_domain(name="west-only")
        assert "west-only" in str(raised.value) and "eu-west-1" not in str(raised.value)
        west_arn = "arn:aws:swf:eu-west-1:210987654321:/domain/west-only"
        west.tag_resource(resourceArn=west_arn, tags=[{"key": "k", "value": "v"}])
        assert west.list_tags_for_resource(resourceArn=west_arn)["tags"] == [{"key": "k", "value": "v"}]
        with pytest.raises(east.exceptions.UnknownResourceFault):
            east.list_tags_for_resource(resourceArn=west_arn)
        # types and executions too
        west.register_workflow_type(domain="shared", name="wf", version="1", defaultTaskList={"name": "l"},
                                    defaultExecutionStartToCloseTimeout="60",
                                    defaultTaskStartToCloseTimeout="10", defaultChildPolicy="TERMINATE")
        west.start_workflow_execution(domain="shared", workflowId="w", workflowType={"name": "wf", "version": "1"})
        with pytest.raises(east.exceptions.UnknownResourceFault):
            east.start_workflow_execution(domain="shared", workflowId="w",
                                          workflowType={"name": "wf", "version": "1"})
        count = {"domain": "shared", "startTimeFilter": {"oldestDate": 0}}
        assert west.count_open_workflow_executions(**count)["count"] == 1
        assert east.count_open_workflow_executions(**count)["count"] == 0


def test_unsigned_requests_use_the_server_region() -> None:
    with running(region="ap-south-1") as endpoint:
        raw_call(endpoint, "RegisterDomain", {"name": "d", "workflowExecutionRetentionPeriodInDays": "1"})
        info = raw_call(endpoint, "DescribeDomain", {"name": "d"}).json()["domainInfo"]
        assert info["arn"] == "arn:aws:swf:ap-south-1:123456789012:/domain/d"
        assert client(endpoint, "ap-south-1").describe_domain(name="d")["domainInfo"]["name"] == "d"


def test_command_options() -> None:
    parser = argparse.ArgumentParser()
    add_arguments(parser)
    args = parser.parse_args(["--region", "eu-central-1", "--account-id", "111122223333",
                              "--max-connections", "10", "--read-timeout", "3"])
    assert (args.region, args.account_id, args.max_connections, args.read_timeout) == \
        ("eu-central-1", "111122223333", 10, 3.0)
    server = SWFServer(region=args.region, account=args.account_id, max_connections=args.max_connections)
    try:
        assert server.ctx.region == "eu-central-1" and server.ctx.account == "111122223333"
    finally:
        server.stop()
