"""Visibility filters and their exclusivity, counts, paging tokens, history limit, retention, types."""
from __future__ import annotations

import pytest

from engine_harness import ACT, WF, Engine, decision
from swfkit.exceptions import (DefaultUndefinedFault, DomainAlreadyExistsFault, DomainDeprecatedFault,
                               OperationNotPermittedFault, TooManyTagsFault, TypeAlreadyExistsFault,
                               TypeDeprecatedFault, TypeNotDeprecatedFault, UnknownResourceFault,
                               ValidationException, WorkflowExecutionAlreadyStartedFault)

ALL = {"oldestDate": 0}


@pytest.fixture
def engine():
    e = Engine()
    e.call("RegisterWorkflowType", domain="d", name="wf", version="2", defaultTaskList={"name": "dl"},
           defaultExecutionStartToCloseTimeout="60", defaultTaskStartToCloseTimeout="10",
           defaultChildPolicy="ABANDON")
    yield e
    e.close()


def ids(answer):
    return [i["execution"]["workflowId"] for i in answer["executionInfos"]]


def test_filters_order_and_counts(engine):
    for n in range(4):
        engine.start("w%d" % n, workflowType={"name": "wf", "version": str(1 + n % 2)}, tagList=["t%d" % (n % 2)])
        engine.clock.advance(10)
    engine.call("TerminateWorkflowExecution", domain="d", workflowId="w1")
    engine.clock.advance(10)
    engine.call("TerminateWorkflowExecution", domain="d", workflowId="w3")
    open_ = engine.call("ListOpenWorkflowExecutions", domain="d", startTimeFilter=ALL)
    assert ids(open_) == ["w2", "w0"]  # newest first
    assert ids(engine.call("ListOpenWorkflowExecutions", domain="d", startTimeFilter=ALL,
                           reverseOrder=True)) == ["w0", "w2"]
    start = engine.clock.now() - 50  # w0 started then, one every 10 s
    assert ids(engine.call("ListOpenWorkflowExecutions", domain="d",
                           startTimeFilter={"oldestDate": start + 15, "latestDate": start + 25})) == ["w2"]
    assert ids(engine.call("ListClosedWorkflowExecutions", domain="d", startTimeFilter=ALL,
                           typeFilter={"name": "wf"})) == ["w3", "w1"]
    assert ids(engine.call("ListClosedWorkflowExecutions", domain="d", closeTimeFilter=ALL,
                           typeFilter={"name": "wf", "version": "2"})) == ["w3", "w1"]
    assert ids(engine.call("ListOpenWorkflowExecutions", domain="d", startTimeFilter=ALL,
                           tagFilter={"tag": "t0"})) == ["w2", "w0"]
    assert ids(engine.call("ListClosedWorkflowExecutions", domain="d", startTimeFilter=ALL,
                           closeStatusFilter={"status": "COMPLETED"})) == []
    closed = engine.call("ListClosedWorkflowExecutions", domain="d", startTimeFilter=ALL,
                         executionFilter={"workflowId": "w1"})["executionInfos"][0]
    assert closed["closeStatus"] == "TERMINATED" and closed["closeTimestamp"] >= closed["startTimestamp"]
    assert engine.call("CountOpenWorkflowExecutions", domain="d", startTimeFilter=ALL) == {
        "count": 2, "truncated": False}
    assert engine.call("CountClosedWorkflowExecutions", domain="d", closeTimeFilter=ALL,
                       closeStatusFilter={"status": "TERMINATED"})["count"] == 2


@pytest.mark.parametrize("operation, params", [
    ("ListOpenWorkflowExecutions", {"startTimeFilter": ALL, "tagFilter": {"tag": "a"},
                                    "typeFilter": {"name": "wf"}}),
    ("CountOpenWorkflowExecutions", {"startTimeFilter": ALL, "executionFilter": {"workflowId": "w"},
                                     "tagFilter": {"tag": "a"}}),
    ("ListOpenWorkflowExecutions", {}),
    ("ListClosedWorkflowExecutions", {}),
    ("ListClosedWorkflowExecutions", {"startTimeFilter": ALL, "closeTimeFilter": ALL}),
    ("CountClosedWorkflowExecutions", {"startTimeFilter": ALL, "closeStatusFilter": {"status": "FAILED"},
                                       "typeFilter": {"name": "wf"}}),
])
def test_filter_exclusivity(engine, operation, params):
    with pytest.raises(ValidationException):
        engine.call(operation, domain="d", **params)


def test_visibility_paging_tokens(engine):
    for n in range(7):
        engine.start("w%d" % n)
        engine.clock.advance(1)
    seen, token = [], None
    while True:
        extra = {"nextPageToken": token} if token else {}
        page = engine.call("ListOpenWorkflowExecutions", domain="d", startTimeFilter=ALL, maximumPageSize=3,
                           **extra)
        seen += ids(page)
        token = page.get("nextPageToken")
        if not token:
            break
    assert seen == ["w%d" % n for n in range(6, -1, -1)]
    page = engine.call("ListOpenWorkflowExecutions", domain="d", startTimeFilter=ALL, maximumPageSize=3)
    with pytest.raises(ValidationException):  # a token only fits the query it came from
        engine.call("ListOpenWorkflowExecutions", domain="d", startTimeFilter=ALL, maximumPageSize=3,
                    tagFilter={"tag": "x"}, nextPageToken=page["nextPageToken"])
    engine.clock.advance(24 * 3600 + 1)
    with pytest.raises(ValidationException):
        engine.call("ListOpenWorkflowExecutions", domain="d", startTimeFilter=ALL, maximumPageSize=3,
                    nextPageToken=page["nextPageToken"])


def test_history_paging_and_reverse(engine):
    engine.start()
    engine.decide(*[decision("RecordMarker", markerName="m%d" % i) for i in range(20)])
    ref = engine.ref()
    forward, token = [], None
    while True:
        extra = {"nextPageToken": token} if token else {}
        page = engine.call("GetWorkflowExecutionHistory", domain="d", execution=ref, maximumPageSize=7, **extra)
        forward += [e["eventId"] for e in page["events"]]
        token = page.get("nextPageToken")
        if not token:
            break
    assert forward == list(range(1, 25))
    backward = engine.call("GetWorkflowExecutionHistory", domain="d", execution=ref, reverseOrder=True,
                           maximumPageSize=5)
    assert [e["eventId"] for e in backward["events"]] == [24, 23, 22, 21, 20]


def test_decision_task_pages_and_start_at_previous_started(engine):
    engine.start()
    engine.decide(*[decision("RecordMarker", markerName="m%d" % i) for i in range(10)])
    engine.call("SignalWorkflowExecution", domain="d", workflowId="w", signalName="s")
    task = engine.poll_decision(maximumPageSize=10)
    assert len(task["events"]) == 10 and task["nextPageToken"]
    rest = engine.poll_decision(maximumPageSize=10, nextPageToken=task["nextPageToken"])
    assert rest["taskToken"] == task["taskToken"]
    assert [e["eventId"] for e in rest["events"]] == list(range(11, task["startedEventId"] + 1))
    engine.respond(task)
    engine.call("SignalWorkflowExecution", domain="d", workflowId="w", signalName="s2")
    short = engine.poll_decision(startAtPreviousStartedEvent=True)
    assert short["events"][0]["eventId"] == task["startedEventId"]


def test_history_limit_terminates_the_execution(engine):
    engine.start()
    engine.decide(*[decision("RecordMarker", markerName="m") for _ in range(25_010)])
    info = engine.describe()["executionInfo"]
    assert info["closeStatus"] == "TERMINATED"
    events = engine.events()
    assert len(events) == 25_000
    last = events[-1]
    assert last["eventType"] == "WorkflowExecutionTerminated"
    assert last["workflowExecutionTerminatedEventAttributes"]["cause"] == "EVENT_LIMIT_EXCEEDED"


def test_retention_removes_closed_executions(engine):
    engine.start()
    engine.call("TerminateWorkflowExecution", domain="d", workflowId="w")
    engine.advance(86400 - 5)
    assert engine.call("CountClosedWorkflowExecutions", domain="d", startTimeFilter=ALL)["count"] == 1
    engine.advance(10)
    assert engine.call("CountClosedWorkflowExecutions", domain="d", startTimeFilter=ALL)["count"] == 0


def test_start_rules(engine):
    run = engine.start()
    with pytest.raises(WorkflowExecutionAlreadyStartedFault):
        engine.start()
    engine.call("TerminateWorkflowExecution", domain="d", workflowId="w", runId=run)
    assert engine.start() != run  # a workflow id is free again once no run is open
    engine.call("RegisterWorkflowType", domain="d", name="bare", version="1")
    with pytest.raises(DefaultUndefinedFault):
        engine.start("b", workflowType={"name": "bare", "version": "1"})
    with pytest.raises(UnknownResourceFault):
        engine.start("x", workflowType={"name": "nope", "version": "1"})
    engine.call("DeprecateWorkflowType", domain="d", workflowType=WF)
    with pytest.raises(TypeDeprecatedFault):
        engine.start("y")


def test_domain_and_type_lifecycle(engine):
    with pytest.raises(DomainAlreadyExistsFault):
        engine.call("RegisterDomain", name="d", workflowExecutionRetentionPeriodInDays="3")
    with pytest.raises(TypeAlreadyExistsFault):
        engine.call("RegisterActivityType", domain="d", name="act", version="1")
    with pytest.raises(TypeNotDeprecatedFault):
        engine.call("DeleteActivityType", domain="d", activityType=ACT)
    engine.call("DeprecateActivityType", domain="d", activityType=ACT)
    with pytest.raises(TypeDeprecatedFault):
        engine.call("DeprecateActivityType", domain="d", activityType=ACT)
    listed = engine.call("ListActivityTypes", domain="d", registrationStatus="DEPRECATED")["typeInfos"]
    assert listed[0]["activityType"] == ACT and "deprecationDate" in listed[0]
    engine.call("UndeprecateActivityType", domain="d", activityType=ACT)
    with pytest.raises(TypeAlreadyExistsFault):
        engine.call("UndeprecateActivityType", domain="d", activityType=ACT)
    described = engine.call("DescribeActivityType", domain="d", activityType=ACT)
    assert described["configuration"]["defaultTaskList"] == {"name": "al"}
    engine.call("DeprecateActivityType", domain="d", activityType=ACT)
    engine.call("DeleteActivityType", domain="d", activityType=ACT)
    with pytest.raises(UnknownResourceFault):
        engine.call("DescribeActivityType", domain="d", activityType=ACT)
    engine.call("DeprecateDomain", name="d")
    with pytest.raises(DomainDeprecatedFault):
        engine.call("DeprecateDomain", name="d")
    with pytest.raises(OperationNotPermittedFault):
        engine.start("late")
    assert engine.call("DescribeWorkflowType", domain="d", workflowType=WF)["typeInfo"]["status"] == "DEPRECATED"
    engine.call("UndeprecateDomain", name="d")
    with pytest.raises(DomainAlreadyExistsFault):
        engine.call("UndeprecateDomain", name="d")


def test_resource_tags(engine):
    arn = engine.call("DescribeDomain", name="d")["domainInfo"]["arn"]
    engine.call("TagResource", resourceArn=arn, tags=[{"key": "k%d" % i, "value": "v"} for i in range(50)])
    with pytest.raises(TooManyTagsFault):
        engine.call("TagResource", resourceArn=arn, tags=[{"key": "one-more"}])
    engine.call("UntagResource", resourceArn=arn, tagKeys=["k%d" % i for i in range(49)])
    assert engine.call("ListTagsForResource", resourceArn=arn)["tags"] == [{"key": "k49", "value": "v"}]
    with pytest.raises(UnknownResourceFault):
        engine.call("ListTagsForResource", resourceArn=arn + "x")
