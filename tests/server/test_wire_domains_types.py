"""Domains, types, tags and execution starts through boto3: the lifecycle faults SWF answers with."""
from __future__ import annotations

import pytest

WF = {"name": "wf", "version": "1"}


def _new_domain(flow, **kw):  # type: ignore[no-untyped-def]
    name = flow.unique("dom")
    flow.swf.register_domain(name=name, workflowExecutionRetentionPeriodInDays="2", **kw)
    return name


# -- domains ---------------------------------------------------------------------------------------

def test_domain_lifecycle(flow):  # type: ignore[no-untyped-def]
    swf, fault = flow.swf, flow.fault
    name = _new_domain(flow, description="about")
    described = swf.describe_domain(name=name)
    assert described["domainInfo"]["status"] == "REGISTERED" and described["domainInfo"]["description"] == "about"
    assert described["configuration"] == {"workflowExecutionRetentionPeriodInDays": "2"}
    assert fault(swf.register_domain, name=name, workflowExecutionRetentionPeriodInDays="1") \
        == "DomainAlreadyExistsFault"
    assert fault(swf.undeprecate_domain, name=name) == "DomainAlreadyExistsFault"
    swf.deprecate_domain(name=name)
    assert swf.describe_domain(name=name)["domainInfo"]["status"] == "DEPRECATED"
    assert fault(swf.deprecate_domain, name=name) == "DomainDeprecatedFault"
    assert fault(swf.register_domain, name=name, workflowExecutionRetentionPeriodInDays="1") \
        == "DomainAlreadyExistsFault"
    registered = [d["name"] for d in swf.list_domains(registrationStatus="REGISTERED")["domainInfos"]]
    deprecated = [d["name"] for d in swf.list_domains(registrationStatus="DEPRECATED")["domainInfos"]]
    assert name not in registered and name in deprecated
    swf.undeprecate_domain(name=name)
    assert swf.describe_domain(name=name)["domainInfo"]["status"] == "REGISTERED"


def test_unknown_domain_faults(flow):  # type: ignore[no-untyped-def]
    swf, fault = flow.swf, flow.fault
    for call, kw in [(swf.describe_domain, {"name": "ghost-domain"}),
                     (swf.deprecate_domain, {"name": "ghost-domain"}),
                     (swf.register_workflow_type, {"domain": "ghost-domain", "name": "w", "version": "1"}),
                     (swf.start_workflow_execution, {"domain": "ghost-domain", "workflowId": "w",
                                                     "workflowType": WF})]:
        assert fault(call, **kw) == "UnknownResourceFault", call


def test_deprecated_domain_refuses_new_work_but_keeps_running_ones(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.swf.deprecate_domain(name=flow.domain)
    assert flow.fault(flow.swf.start_workflow_execution, domain=flow.domain, workflowId="new",
                      workflowType=WF) in ("UnknownResourceFault", "OperationNotPermittedFault",
                                           "DomainDeprecatedFault", "TypeDeprecatedFault")
    assert flow.fault(flow.swf.register_activity_type, domain=flow.domain, name="late", version="1") \
        in ("DomainDeprecatedFault", "UnknownResourceFault", "OperationNotPermittedFault")
    assert flow.swf.describe_workflow_type(domain=flow.domain, workflowType=WF)["typeInfo"]["status"] == "DEPRECATED"
    flow.complete(task)  # running executions continue
    assert flow.describe(execution)["executionInfo"]["closeStatus"] == "COMPLETED"
    listed = flow.swf.list_closed_workflow_executions(domain=flow.domain, startTimeFilter={"oldestDate": 0})
    assert [i["execution"] for i in listed["executionInfos"]] == [execution]


def test_list_domains_sorted_and_paged(flow):  # type: ignore[no-untyped-def]
    swf = flow.swf
    names = [d["name"] for d in swf.list_domains(registrationStatus="REGISTERED")["domainInfos"]]
    assert names == sorted(names) and flow.domain in names
    backwards = [d["name"] for d in swf.list_domains(registrationStatus="REGISTERED",
                                                     reverseOrder=True)["domainInfos"]]
    assert backwards == names[::-1]
    pages, token = [], None
    while True:
        page = swf.list_domains(registrationStatus="REGISTERED", maximumPageSize=1,
                                **({"nextPageToken": token} if token else {}))
        assert len(page["domainInfos"]) <= 1
        pages.extend(d["name"] for d in page["domainInfos"])
        token = page.get("nextPageToken")
        if not token:
            break
    assert pages == names


# -- types -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["workflow", "activity"])
def test_type_lifecycle(flow, kind):  # type: ignore[no-untyped-def]
    swf, fault = flow.swf, flow.fault
    key = f"{kind}Type"
    register = getattr(swf, f"register_{kind}_type")
    t = {"name": "life", "version": "1"}
    register(domain=flow.domain, description="d", **t)
    assert fault(register, domain=flow.domain, **t) == "TypeAlreadyExistsFault"
    describe = lambda: getattr(swf, f"describe_{kind}_type")(domain=flow.domain, **{key: t})  # noqa: E731
    info = describe()["typeInfo"]
    assert info["status"] == "REGISTERED" and info[key] == t and info["description"] == "d"
    assert "creationDate" in info and "deprecationDate" not in info
    assert fault(getattr(swf, f"undeprecate_{kind}_type"), domain=flow.domain, **{key: t}) == "TypeAlreadyExistsFault"
    assert fault(getattr(swf, f"delete_{kind}_type"), domain=flow.domain, **{key: t}) == "TypeNotDeprecatedFault"
    getattr(swf, f"deprecate_{kind}_type")(domain=flow.domain, **{key: t})
    info = describe()["typeInfo"]
    assert info["status"] == "DEPRECATED" and info["deprecationDate"] >= info["creationDate"]
    assert fault(getattr(swf, f"deprecate_{kind}_type"), domain=flow.domain, **{key: t}) == "TypeDeprecatedFault"
    assert fault(register, domain=flow.domain, **t) == "TypeAlreadyExistsFault"
    listed = getattr(swf, f"list_{kind}_types")(domain=flow.domain, registrationStatus="DEPRECATED")["typeInfos"]
    assert [i[key] for i in listed] == [t]
    getattr(swf, f"undeprecate_{kind}_type")(domain=flow.domain, **{key: t})
    assert describe()["typeInfo"]["status"] == "REGISTERED"
    getattr(swf, f"deprecate_{kind}_type")(domain=flow.domain, **{key: t})
    getattr(swf, f"delete_{kind}_type")(domain=flow.domain, **{key: t})
    assert fault(describe) == "UnknownResourceFault"
    assert fault(getattr(swf, f"deprecate_{kind}_type"), domain=flow.domain, **{key: t}) == "UnknownResourceFault"


def test_type_configuration_lists_only_set_defaults(flow):  # type: ignore[no-untyped-def]
    flow.swf.register_activity_type(domain=flow.domain, name="sparse", version="1",
                                    defaultTaskList={"name": "l"}, defaultTaskPriority="3")
    config = flow.swf.describe_activity_type(domain=flow.domain,
                                             activityType={"name": "sparse", "version": "1"})["configuration"]
    assert config == {"defaultTaskList": {"name": "l"}, "defaultTaskPriority": "3"}
    config = flow.swf.describe_workflow_type(domain=flow.domain, workflowType=WF)["configuration"]
    assert config["defaultExecutionStartToCloseTimeout"] == "300" and config["defaultChildPolicy"] == "TERMINATE"
    assert config["defaultTaskList"] == {"name": "decisions"}


def test_list_types_filters_sorts_and_pages(flow):  # type: ignore[no-untyped-def]
    for name, version in [("b", "1"), ("a", "2"), ("a", "1"), ("c", "1")]:
        flow.register_activity_type(name, version)
    swf = flow.swf
    listed = swf.list_activity_types(domain=flow.domain, registrationStatus="REGISTERED")["typeInfos"]
    names = [i["activityType"]["name"] for i in listed]
    assert names == sorted(names) and set(names) == {"a", "b", "c", "act"}
    only_a = swf.list_activity_types(domain=flow.domain, registrationStatus="REGISTERED", name="a")["typeInfos"]
    assert sorted(i["activityType"]["version"] for i in only_a) == ["1", "2"]
    rev = swf.list_activity_types(domain=flow.domain, registrationStatus="REGISTERED", reverseOrder=True)
    assert [i["activityType"]["name"] for i in rev["typeInfos"]] == names[::-1]
    page = swf.list_activity_types(domain=flow.domain, registrationStatus="REGISTERED", maximumPageSize=2)
    assert len(page["typeInfos"]) == 2 and page.get("nextPageToken")
    assert swf.list_activity_types(domain=flow.domain, registrationStatus="DEPRECATED")["typeInfos"] == []


def test_unknown_type_faults(flow):  # type: ignore[no-untyped-def]
    assert flow.fault(flow.swf.describe_workflow_type, domain=flow.domain,
                      workflowType={"name": "ghost", "version": "1"}) == "UnknownResourceFault"
    assert flow.fault(flow.swf.start_workflow_execution, domain=flow.domain, workflowId="w",
                      workflowType={"name": "ghost", "version": "1"}) == "UnknownResourceFault"


def test_start_of_a_deprecated_type(flow):  # type: ignore[no-untyped-def]
    flow.swf.deprecate_workflow_type(domain=flow.domain, workflowType=WF)
    assert flow.fault(flow.swf.start_workflow_execution, domain=flow.domain, workflowId="w",
                      workflowType=WF) == "TypeDeprecatedFault"


@pytest.mark.parametrize("missing", ["defaultExecutionStartToCloseTimeout", "defaultTaskStartToCloseTimeout",
                                     "defaultTaskList", "defaultChildPolicy"])
def test_start_without_resolvable_default(flow, missing):  # type: ignore[no-untyped-def]
    bare = flow.register_workflow_type("bare", "1", **{missing: None})
    assert flow.fault(flow.swf.start_workflow_execution, domain=flow.domain, workflowId="w",
                      workflowType=bare) == "DefaultUndefinedFault"
    explicit = {"defaultExecutionStartToCloseTimeout": {"executionStartToCloseTimeout": "60"},
                "defaultTaskStartToCloseTimeout": {"taskStartToCloseTimeout": "10"},
                "defaultTaskList": {"taskList": {"name": "l"}},
                "defaultChildPolicy": {"childPolicy": "ABANDON"}}[missing]
    flow.swf.start_workflow_execution(domain=flow.domain, workflowId="w", workflowType=bare, **explicit)


# -- executions: workflowId reuse ------------------------------------------------------------------

def test_workflow_id_is_unique_among_open_runs_and_reusable_after_close(flow):  # type: ignore[no-untyped-def]
    first, task = flow.run_to_first_decision(workflow_id="same")
    assert flow.fault(flow.swf.start_workflow_execution, domain=flow.domain, workflowId="same",
                      workflowType=WF) == "WorkflowExecutionAlreadyStartedFault"
    flow.complete(task)
    second = flow.start("same")
    assert second["runId"] != first["runId"]
    assert flow.describe(second)["executionInfo"]["executionStatus"] == "OPEN"
    assert flow.describe(first)["executionInfo"]["closeStatus"] == "COMPLETED"


def test_describe_execution_configuration_and_counts(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision(taskPriority="4", tagList=["x"])
    flow.decide(task, flow.schedule("a1"), flow.decision("StartTimer", timerId="t", startToFireTimeout="60"),
                executionContext="ctx")
    described = flow.describe(execution)
    config = described["executionConfiguration"]
    assert config["taskList"] == {"name": "decisions"} and config["childPolicy"] == "TERMINATE"
    assert config["taskStartToCloseTimeout"] == "30" and config["executionStartToCloseTimeout"] == "300"
    assert config["taskPriority"] == "4"
    assert described["openCounts"]["openActivityTasks"] == 1 and described["openCounts"]["openTimers"] == 1
    assert described["openCounts"]["openDecisionTasks"] == 0
    assert described["latestExecutionContext"] == "ctx"
    completed = [e for e in flow.history(execution) if e["eventType"] == "DecisionTaskCompleted"][0]
    assert flow.attrs(completed)["executionContext"] == "ctx"
    assert "latestActivityTaskTimestamp" in described


# -- tags ------------------------------------------------------------------------------------------

def test_resource_tags(flow):  # type: ignore[no-untyped-def]
    swf = flow.swf
    name = _new_domain(flow, tags=[{"key": "team", "value": "core"}])
    arn = swf.describe_domain(name=name)["domainInfo"]["arn"]
    assert swf.list_tags_for_resource(resourceArn=arn)["tags"] == [{"key": "team", "value": "core"}]
    swf.tag_resource(resourceArn=arn, tags=[{"key": "env", "value": "dev"}, {"key": "team", "value": "infra"}])
    tags = {t["key"]: t.get("value") for t in swf.list_tags_for_resource(resourceArn=arn)["tags"]}
    assert tags == {"team": "infra", "env": "dev"}
    swf.untag_resource(resourceArn=arn, tagKeys=["team"])
    assert [t["key"] for t in swf.list_tags_for_resource(resourceArn=arn)["tags"]] == ["env"]
    too_many = [{"key": f"k{i}", "value": "v"} for i in range(50)]
    assert flow.fault(swf.tag_resource, resourceArn=arn, tags=too_many) == "TooManyTagsFault"
    assert [t["key"] for t in swf.list_tags_for_resource(resourceArn=arn)["tags"]] == ["env"]  # nothing applied
    assert flow.fault(swf.register_domain, name=flow.unique("dom"), workflowExecutionRetentionPeriodInDays="1",
                      tags=[{"key": f"k{i}"} for i in range(51)]) == "TooManyTagsFault"
    ghost = arn.rsplit("/", 1)[0] + "/ghost-domain"
    assert flow.fault(swf.list_tags_for_resource, resourceArn=ghost) == "UnknownResourceFault"


def test_deprecated_or_deleted_types_let_running_work_finish(flow):  # type: ignore[no-untyped-def]
    execution, task = flow.run_to_first_decision()
    flow.decide(task, flow.schedule("a1"), flow.schedule("a2"))
    act = {"name": "act", "version": "1"}
    flow.swf.deprecate_activity_type(domain=flow.domain, activityType=act)
    first = flow.poll_activity()  # already scheduled: still handed out
    flow.swf.delete_activity_type(domain=flow.domain, activityType=act)
    second = flow.poll_activity()
    for activity in (first, second):
        flow.swf.respond_activity_task_completed(taskToken=activity["taskToken"])
    flow.swf.deprecate_workflow_type(domain=flow.domain, workflowType=WF)
    task = flow.poll_decision()
    flow.decide(task, flow.schedule("a3"), flow.decision("ContinueAsNewWorkflowExecution"))
    events = flow.history(execution)
    failed = {e["eventType"]: flow.attrs(e) for e in events if e["eventType"].endswith("Failed")}
    assert failed["ScheduleActivityTaskFailed"]["cause"] == "ACTIVITY_TYPE_DOES_NOT_EXIST"
    assert failed["ContinueAsNewWorkflowExecutionFailed"]["cause"] == "WORKFLOW_TYPE_DEPRECATED"
    flow.complete(flow.poll_decision())  # the running execution of a deprecated type may still close
    assert flow.describe(execution)["executionInfo"]["closeStatus"] == "COMPLETED"
