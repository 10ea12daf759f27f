"""List/Count Open/Closed executions: every filter, exclusivity, inclusive time filters, order, paging.

One domain is prepared once for the module (read-only afterwards):
  open:   o1 (wf/1, tag red), o2 (wf/2, tag blue), o3 (other/1, tags red+green)
  closed: c1 wf/1 COMPLETED (tag red), c2 wf/2 FAILED, c3 other/1 TERMINATED, c4 wf/1 CANCELED
Started in that order, a little apart, so start times are strictly increasing.
"""
from __future__ import annotations

import json
import time
from datetime import datetime, timedelta, timezone

import pytest

EPOCH = {"oldestDate": 0}


@pytest.fixture(scope="module")
def world(module_flow):  # type: ignore[no-untyped-def]
    f = module_flow
    f.register_workflow_type("wf", "2")
    f.register_workflow_type("other", "1", defaultTaskList={"name": "other-tasks"})
    plan = [("o1", ("wf", "1"), ["red"]), ("o2", ("wf", "2"), ["blue"]), ("o3", ("other", "1"), ["red", "green"]),
            ("c1", ("wf", "1"), ["red"]), ("c2", ("wf", "2"), []), ("c3", ("other", "1"), []),
            ("c4", ("wf", "1"), [])]
    runs = {}
    for wid, (name, version), tags in plan:
        runs[wid] = f.start(wid, {"name": name, "version": version}, tagList=tags)
        time.sleep(0.02)
    close = {"c1": ("CompleteWorkflowExecution", {}), "c2": ("FailWorkflowExecution", {"reason": "x"}),
             "c4": ("CancelWorkflowExecution", {})}
    for wid in ("c1", "c2", "c4"):  # closed in this order
        task_list = "decisions"
        while True:
            task = f.poll_decision(task_list)
            if task["workflowExecution"]["workflowId"] == wid:
                break
            f.decide(task)  # a task of another execution: answer with no decisions
        decision_type, attributes = close[wid]
        f.decide(task, f.decision(decision_type, **attributes))
        time.sleep(0.02)
    f.swf.terminate_workflow_execution(domain=f.domain, workflowId="c3")
    return f, runs


def _ids(response):  # type: ignore[no-untyped-def]
    return [i["execution"]["workflowId"] for i in response["executionInfos"]]


def _open(f, **kw):  # type: ignore[no-untyped-def]
    kw.setdefault("startTimeFilter", EPOCH)
    return f.swf.list_open_workflow_executions(domain=f.domain, **kw)


def _closed(f, **kw):  # type: ignore[no-untyped-def]
    if "closeTimeFilter" not in kw:
        kw.setdefault("startTimeFilter", EPOCH)
    return f.swf.list_closed_workflow_executions(domain=f.domain, **kw)


def test_open_newest_first_and_reverse(world):  # type: ignore[no-untyped-def]
    f, _ = world
    assert _ids(_open(f)) == ["o3", "o2", "o1"]
    assert _ids(_open(f, reverseOrder=True)) == ["o1", "o2", "o3"]
    info = _open(f)["executionInfos"][0]
    assert info["executionStatus"] == "OPEN" and info["workflowType"] == {"name": "other", "version": "1"}
    assert info["tagList"] == ["red", "green"] and "closeTimestamp" not in info and "closeStatus" not in info
    assert info["cancelRequested"] is False


def test_closed_by_start_time_and_by_close_time(world):  # type: ignore[no-untyped-def]
    f, _ = world
    assert _ids(_closed(f)) == ["c4", "c3", "c2", "c1"]
    assert _ids(_closed(f, closeTimeFilter=EPOCH)) == ["c3", "c4", "c2", "c1"]
    assert _ids(_closed(f, closeTimeFilter=EPOCH, reverseOrder=True)) == ["c1", "c2", "c4", "c3"]
    statuses = {i["execution"]["workflowId"]: i["closeStatus"] for i in _closed(f)["executionInfos"]}
    assert statuses == {"c1": "COMPLETED", "c2": "FAILED", "c3": "TERMINATED", "c4": "CANCELED"}
    for info in _closed(f)["executionInfos"]:
        assert info["executionStatus"] == "CLOSED" and info["closeTimestamp"] >= info["startTimestamp"]


@pytest.mark.parametrize("status, expected", [
    ("COMPLETED", ["c1"]), ("FAILED", ["c2"]), ("TERMINATED", ["c3"]), ("CANCELED", ["c4"]),
    ("TIMED_OUT", []), ("CONTINUED_AS_NEW", []),
])
def test_close_status_filter(world, status, expected):  # type: ignore[no-untyped-def]
    f, _ = world
    assert _ids(_closed(f, closeStatusFilter={"status": status})) == expected
    count = f.swf.count_closed_workflow_executions(domain=f.domain, startTimeFilter=EPOCH,
                                                   closeStatusFilter={"status": status})
    assert count["count"] == len(expected) and not count.get("truncated")


def test_type_filter_name_only_matches_every_version(world):  # type: ignore[no-untyped-def]
    f, _ = world
    assert _ids(_open(f, typeFilter={"name": "wf"})) == ["o2", "o1"]
    assert _ids(_open(f, typeFilter={"name": "wf", "version": "2"})) == ["o2"]
    assert _ids(_closed(f, typeFilter={"name": "wf"})) == ["c4", "c2", "c1"]
    assert _ids(_closed(f, typeFilter={"name": "wf", "version": "1"})) == ["c4", "c1"]
    assert _ids(_open(f, typeFilter={"name": "nope"})) == []


def test_tag_and_execution_filters(world):  # type: ignore[no-untyped-def]
    f, runs = world
    assert _ids(_open(f, tagFilter={"tag": "red"})) == ["o3", "o1"]
    assert _ids(_closed(f, tagFilter={"tag": "red"})) == ["c1"]
    assert _ids(_open(f, tagFilter={"tag": "re"})) == []  # exact tag, not a substring
    assert _open(f, executionFilter={"workflowId": "o2"})["executionInfos"][0]["execution"] == runs["o2"]
    assert _ids(_open(f, executionFilter={"workflowId": "c1"})) == []
    assert _ids(_closed(f, executionFilter={"workflowId": "c1"})) == ["c1"]


def test_counts_match_lists(world):  # type: ignore[no-untyped-def]
    f, _ = world
    for kw in ({}, {"typeFilter": {"name": "wf"}}, {"tagFilter": {"tag": "red"}},
               {"executionFilter": {"workflowId": "o1"}}):
        count = f.swf.count_open_workflow_executions(domain=f.domain, startTimeFilter=EPOCH, **kw)
        assert count["count"] == len(_ids(_open(f, **kw))), kw
        closed = f.swf.count_closed_workflow_executions(domain=f.domain, startTimeFilter=EPOCH, **kw)
        assert closed["count"] == len(_ids(_closed(f, **kw))), kw


def test_time_filters_are_inclusive_to_the_millisecond(world):  # type: ignore[no-untyped-def]
    f, runs = world
    described = f.raw("DescribeWorkflowExecution", {"domain": f.domain, "execution": runs["o2"]})
    assert described.status_code == 200
    started = json.loads(described.text)["executionInfo"]["startTimestamp"]
    body = {"domain": f.domain, "startTimeFilter": {"oldestDate": started, "latestDate": started}}
    exact = f.raw("ListOpenWorkflowExecutions", body)
    assert exact.status_code == 200, exact.text
    assert [i["execution"]["workflowId"] for i in exact.json()["executionInfos"]] == ["o2"]
    count = f.raw("CountOpenWorkflowExecutions", body).json()
    assert count["count"] == 1
    closed = f.raw("DescribeWorkflowExecution", {"domain": f.domain, "execution": runs["c2"]}).json()
    closed_at = closed["executionInfo"]["closeTimestamp"]
    by_close = f.raw("ListClosedWorkflowExecutions",
                     {"domain": f.domain, "closeTimeFilter": {"oldestDate": closed_at, "latestDate": closed_at}})
    assert [i["execution"]["workflowId"] for i in by_close.json()["executionInfos"]] == ["c2"]


def test_time_filter_bounds_exclude(world):  # type: ignore[no-untyped-def]
    f, _ = world
    future = datetime.now(timezone.utc) + timedelta(hours=1)
    assert _ids(_open(f, startTimeFilter={"oldestDate": future})) == []
    assert _ids(_closed(f, startTimeFilter={"oldestDate": 0, "latestDate": 1000})) == []
    assert f.swf.count_open_workflow_executions(domain=f.domain,
                                                startTimeFilter={"oldestDate": future})["count"] == 0


def test_pagination(world):  # type: ignore[no-untyped-def]
    f, _ = world
    page = _closed(f, maximumPageSize=3)
    assert _ids(page) == ["c4", "c3", "c2"] and page.get("nextPageToken")
    rest = _closed(f, maximumPageSize=3, nextPageToken=page["nextPageToken"])
    assert _ids(rest) == ["c1"] and not rest.get("nextPageToken")


@pytest.mark.parametrize("operation, body", [
    ("ListOpenWorkflowExecutions", {"executionFilter": {"workflowId": "o1"}, "typeFilter": {"name": "wf"}}),
    ("ListOpenWorkflowExecutions", {"tagFilter": {"tag": "red"}, "typeFilter": {"name": "wf"}}),
    ("CountOpenWorkflowExecutions", {"tagFilter": {"tag": "red"}, "executionFilter": {"workflowId": "o1"}}),
    ("ListClosedWorkflowExecutions", {"closeStatusFilter": {"status": "FAILED"}, "tagFilter": {"tag": "red"}}),
    ("CountClosedWorkflowExecutions", {"closeStatusFilter": {"status": "FAILED"}, "typeFilter": {"name": "wf"}}),
    ("ListClosedWorkflowExecutions", {"closeTimeFilter": EPOCH}),  # with startTimeFilter as well (below)
    ("ListClosedWorkflowExecutions", None),  # neither time filter
    ("CountClosedWorkflowExecutions", None),
    ("ListOpenWorkflowExecutions", None),  # open without startTimeFilter
])
def test_filter_combinations_rejected(world, operation, body):  # type: ignore[no-untyped-def]
    f, _ = world
    request = {"domain": f.domain}
    if body is None:
        pass
    else:
        request["startTimeFilter"] = EPOCH
        request.update(body)
    response = f.raw(operation, request)
    assert response.status_code == 400, (operation, request, response.status_code, response.text)
    error = response.json()
    assert error["__type"].rsplit("#", 1)[-1] == "ValidationException" and error["message"]


def test_unknown_domain_is_unknown_resource(world):  # type: ignore[no-untyped-def]
    f, _ = world
    assert f.fault(f.swf.list_open_workflow_executions, domain="no-such-domain",
                   startTimeFilter=EPOCH) == "UnknownResourceFault"
    assert f.fault(f.swf.count_closed_workflow_executions, domain="no-such-domain",
                   startTimeFilter=EPOCH) == "UnknownResourceFault"


def test_timed_out_and_continued_runs_and_child_parents_are_listed(flow):  # type: ignore[no-untyped-def]
    timed = flow.start("timed", executionStartToCloseTimeout="1")
    continued = flow.start("continued", taskList={"name": "cont"})
    flow.decide(flow.poll_decision("cont"), flow.decision("ContinueAsNewWorkflowExecution",
                                                          taskList={"name": "cont"}))
    parent = flow.start("parent", taskList={"name": "par"})
    flow.decide(flow.poll_decision("par"), flow.decision(
        "StartChildWorkflowExecution", workflowType={"name": "wf", "version": "1"}, workflowId="kid",
        taskList={"name": "kids"}))
    flow.wait_for(timed, "WorkflowExecutionTimedOut", wait=4)

    def closed(status):  # type: ignore[no-untyped-def]
        return [i["execution"] for i in flow.swf.list_closed_workflow_executions(
            domain=flow.domain, startTimeFilter=EPOCH, closeStatusFilter={"status": status})["executionInfos"]]

    assert closed("TIMED_OUT") == [timed]
    assert closed("CONTINUED_AS_NEW") == [continued]
    kid = flow.swf.list_open_workflow_executions(domain=flow.domain, startTimeFilter=EPOCH,
                                                 executionFilter={"workflowId": "kid"})["executionInfos"]
    assert len(kid) == 1 and kid[0]["parent"] == parent
