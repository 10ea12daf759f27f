"""Flow and Step definitions: the DAG is checked when the flow is defined."""
from __future__ import annotations

import pytest

from swfkit import flows, futures
from swfkit.flows import FlowDefinitionError


@futures.activity(task_list="defs")
def act(context):
    return None


class Obj:
    def run(self, context):
        return None


def test_public_names() -> None:
    assert sorted(flows.__all__) == sorted([
        "Action", "ActionLog", "ActionState", "Engine", "Flow", "FlowAlreadyRunning", "FlowDefinitionError",
        "FlowError", "FlowProgram", "FlowRefused", "FlowState", "Step", "StepState", "action_log", "flow_decider",
        "flow_workers", "fold_flow", "program_for", "to_dot", "workflow_id"])
    for name in flows.__all__:
        assert getattr(flows, name) is not None


def test_a_cycle_is_refused_naming_it() -> None:
    with pytest.raises(FlowDefinitionError) as caught:
        flows.Flow("loop", [flows.Step("a", act), flows.Step("b", act, depends_on=["a", "d"]),
                            flows.Step("c", act, depends_on=["b"]), flows.Step("d", act, depends_on=["c"])])
    assert "cycle" in str(caught.value)
    cycle = caught.value.cycle
    assert cycle[0] == cycle[-1] and set(cycle) == {"b", "c", "d"} and len(cycle) == 4
    assert " -> ".join(cycle) in str(caught.value)
    with pytest.raises(FlowDefinitionError, match="step a depends on itself"):
        flows.Step("a", act, depends_on="a")


def test_an_unknown_dependency_names_the_step_and_the_missing_name() -> None:
    with pytest.raises(FlowDefinitionError, match="step load depends on 'transfrom', which is not a step") as caught:
        flows.Flow("etl", [flows.Step("transform", act), flows.Step("load", act, depends_on=["transfrom"])])
    assert caught.value.step == "load" and caught.value.flow == "etl"


def test_duplicates_and_bad_names_are_refused() -> None:
    with pytest.raises(FlowDefinitionError, match="duplicate step name 'a'"):
        flows.Flow("f", [flows.Step("a", act), flows.Step("a", Obj())])
    with pytest.raises(FlowDefinitionError, match="depends_on names a step twice"):
        flows.Step("b", act, depends_on=["a", "a"])
    with pytest.raises(FlowDefinitionError, match="Flow name"):
        flows.Flow("daily/report", [flows.Step("a", act)])
    with pytest.raises(FlowDefinitionError, match="Step name"):
        flows.Step("a b", act)
    with pytest.raises(FlowDefinitionError, match="named like its flow"):
        flows.Flow("f", [flows.Step("f", act)])
    with pytest.raises(FlowDefinitionError, match="at least one Step"):
        flows.Flow("f", [])


def test_actions_are_activities_or_objects_with_run() -> None:
    with pytest.raises(FlowDefinitionError, match=r"step a: pre\[1\]: an action is a futures.activity"):
        flows.Step("a", act, pre=[Obj(), lambda context: None])
    with pytest.raises(FlowDefinitionError, match="retry"):
        flows.Step("a", Obj(), retry=-1)
    step = flows.Step("a", act, pre=[Obj(), Obj()], post=[act])
    assert [(a.name, a.kind, a.is_activity) for a in step.actions] == [
        ("Obj", "pre", False), ("Obj#2", "pre", False), ("act", "main", True), ("act#2", "post", True)]


def test_order_and_descendants() -> None:
    flow = flows.Flow("f", [flows.Step("d", act, depends_on=["b", "c"]), flows.Step("b", act, depends_on="a"),
                            flows.Step("c", act, depends_on="a"), flows.Step("a", act), flows.Step("e", act)])
    assert flow.order == ("a", "e", "b", "c", "d")
    assert flow.descendants("a") == ("b", "c", "d") and flow.descendants("d") == ()


def test_workflow_id_passes_swf_identifier_rules() -> None:
    from swfkit.decisions.rules import check_shape

    ident = flows.workflow_id("daily_report", "2026120500")
    assert ident == "flow.daily_report.2026120500"
    check_shape(ident, "WorkflowId", "workflowId")
    with pytest.raises(FlowDefinitionError, match="timeperiod"):
        flows.workflow_id("daily_report", "2026:12")
