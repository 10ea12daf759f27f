"""History and decision-task pagination through boto3: page sizes, tokens, reverse order, growth."""
from __future__ import annotations


def _signal(flow, execution, name="sig", **kw):  # type: ignore[no-untyped-def]
    flow.swf.signal_workflow_execution(domain=flow.domain, workflowId=execution["workflowId"], signalName=name, **kw)


def test_history_pagination_and_reverse_order(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    for i in range(9):
        _signal(flow, execution, f"s{i}")
    full = flow.history(execution)
    assert len(full) == 11
    page = flow.swf.get_workflow_execution_history(domain=flow.domain, execution=execution, maximumPageSize=4)
    assert [e["eventId"] for e in page["events"]] == [1, 2, 3, 4] and page.get("nextPageToken")
    paged = flow.history(execution, maximumPageSize=4)
    assert paged == full
    backwards = flow.history(execution, maximumPageSize=3, reverseOrder=True)
    assert [e["eventId"] for e in backwards] == list(range(11, 0, -1))
    last = flow.swf.get_workflow_execution_history(domain=flow.domain, execution=execution, maximumPageSize=11)
    assert len(last["events"]) == 11 and not last.get("nextPageToken")


def test_history_garbage_page_token_is_rejected(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    code = flow.fault(flow.swf.get_workflow_execution_history, domain=flow.domain, execution=execution,
                      nextPageToken="garbage-token")
    assert code in ("ValidationException", "UnknownResourceFault")


def test_history_of_unknown_execution_is_unknown_resource(flow):  # type: ignore[no-untyped-def]
    assert flow.fault(flow.swf.get_workflow_execution_history, domain=flow.domain,
                      execution={"workflowId": "ghost", "runId": "0" * 20}) == "UnknownResourceFault"


def test_decision_task_pages_come_from_polling_again(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    for i in range(20):
        _signal(flow, execution, f"s{i}")
    first = flow.poll_decision(maximumPageSize=10)
    assert [e["eventId"] for e in first["events"]] == list(range(1, 11))
    assert first.get("nextPageToken")
    events = list(first["events"])
    token = first["nextPageToken"]
    while token:
        page = flow.swf.poll_for_decision_task(domain=flow.domain, taskList={"name": "decisions"},
                                               identity="decider", maximumPageSize=10, nextPageToken=token)
        assert page["taskToken"] == first["taskToken"] and page["startedEventId"] == first["startedEventId"]
        events.extend(page["events"])
        token = page.get("nextPageToken")
    assert [e["eventId"] for e in events] == list(range(1, 24))
    assert events[-1]["eventType"] == "DecisionTaskStarted"
    assert flow.describe(execution)["openCounts"]["openDecisionTasks"] == 1
    flow.decide(first)
    assert flow.types(execution)[-1] == "DecisionTaskCompleted"


def test_decision_task_reverse_order(flow):  # type: ignore[no-untyped-def]
    flow.start()
    task = flow.poll_decision(reverseOrder=True)
    assert [e["eventType"] for e in task["events"]] == [
        "DecisionTaskStarted", "DecisionTaskScheduled", "WorkflowExecutionStarted"]


def test_history_pages_stay_consistent_while_the_history_grows(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    for i in range(4):
        _signal(flow, execution, f"a{i}")
    first = flow.swf.get_workflow_execution_history(domain=flow.domain, execution=execution, maximumPageSize=3)
    for i in range(4):
        _signal(flow, execution, f"b{i}")
    events = list(first["events"])
    token = first["nextPageToken"]
    while token:
        page = flow.swf.get_workflow_execution_history(domain=flow.domain, execution=execution, maximumPageSize=3,
                                                       nextPageToken=token)
        events.extend(page["events"])
        token = page.get("nextPageToken")
    ids = [e["eventId"] for e in events]
    assert ids == list(range(1, len(ids) + 1)) and len(ids) >= 6, ids


def test_decision_task_pages_in_reverse_order(flow):  # type: ignore[no-untyped-def]
    execution = flow.start()
    for i in range(5):
        _signal(flow, execution, f"s{i}")
    first = flow.poll_decision(maximumPageSize=3, reverseOrder=True)
    ids = [e["eventId"] for e in first["events"]]
    token = first.get("nextPageToken")
    while token:
        page = flow.swf.poll_for_decision_task(domain=flow.domain, taskList={"name": "decisions"}, identity="decider",
                                               maximumPageSize=3, reverseOrder=True, nextPageToken=token)
        ids.extend(e["eventId"] for e in page["events"])
        token = page.get("nextPageToken")
    assert ids == list(range(first["startedEventId"], 0, -1))
