"""``swfkit domain ...`` and ``swfkit type ...`` against the embedded server (in-process main)."""
from __future__ import annotations


def test_domain_register_list_describe_deprecate(endpoint_env, swfkit, swfkit_json) -> None:
    code, out, err = swfkit("domain", "register", "--retention-days", "3", "--description", "for tests")
    assert (code, err) == (0, "")
    assert "registered domain cli-tests" in out

    code, out, _ = swfkit("domain", "list")
    assert code == 0
    header, row = out.splitlines()[:2]
    assert header.split() == ["NAME", "STATUS", "DESCRIPTION"]
    assert row.split()[:2] == ["cli-tests", "REGISTERED"]

    described = swfkit_json("domain", "describe")
    assert described["domainInfo"]["name"] == "cli-tests"
    assert described["configuration"]["workflowExecutionRetentionPeriodInDays"] == "3"
    code, out, _ = swfkit("domain", "describe", "cli-tests")
    assert "retention days:" in out and "3" in out

    assert swfkit("domain", "deprecate", "cli-tests")[0] == 0
    assert [d["name"] for d in swfkit_json("domain", "list", "--deprecated")] == ["cli-tests"]
    assert swfkit_json("domain", "list") == []


def test_domain_name_positional_overrides_environment(endpoint_env, swfkit_json) -> None:
    assert swfkit_json("domain", "register", "other") == {"name": "other", "registered": True}
    names = {d["name"] for d in swfkit_json("domain", "list")}
    assert names == {"other"}


def test_type_register_list_describe(endpoint_env, swfkit, swfkit_json) -> None:
    swfkit_json("domain", "register")
    code, out, err = swfkit("type", "register", "workflow", "flow", "1", "--task-list", "deciders",
                            "--execution-timeout", "3600", "--task-timeout", "10", "--child-policy", "TERMINATE")
    assert (code, err) == (0, ""), err
    assert "registered workflow type flow/1" in out
    assert swfkit("type", "register", "activity", "step", "2", "--task-list", "workers",
                  "--schedule-to-start-timeout", "60", "--schedule-to-close-timeout", "120",
                  "--task-timeout", "60", "--heartbeat-timeout", "NONE")[0] == 0

    listed = swfkit_json("type", "list")
    assert sorted((t["kind"], t.get(t["kind"] + "Type", {}).get("name")) for t in listed) == [
        ("activity", "step"), ("workflow", "flow")]
    code, out, _ = swfkit("type", "list", "activity")
    assert "step/2" in out and "flow/1" not in out

    described = swfkit_json("type", "describe", "workflow", "flow", "1")
    assert described["configuration"]["defaultExecutionStartToCloseTimeout"] == "3600"
    assert described["configuration"]["defaultTaskList"] == {"name": "deciders"}
    code, out, _ = swfkit("type", "describe", "activity", "step", "2")
    assert code == 0 and "defaultTaskScheduleToStartTimeout:" in out and "workers" in out


def test_registering_a_type_twice_is_one_line_fault(endpoint_env, swfkit, swfkit_json) -> None:
    swfkit_json("domain", "register")
    swfkit_json("type", "register", "activity", "step", "1", "--task-list", "w")
    code, out, err = swfkit("type", "register", "activity", "step", "1", "--task-list", "w")
    assert code == 1
    assert err.count("\n") == 1 and err.startswith("swfkit: TypeAlreadyExistsFault")
    assert "Traceback" not in err
