"""Each example runs as a script against its own embedded server and prints the expected result."""
from __future__ import annotations

import pytest


@pytest.mark.parametrize("script, args, expected", [
    ("arithmetic.py", ["3"], "(3 + 1) * 2 = 8"),
    ("arithmetic.py", ["-5"], "(-5 + 1) * 2 = -8"),
    ("two_servers.py", [], "result: B(A(hello))"),
    ("signals_and_timers.py", [], "approved by ops after "),
    ("child_workflow.py", [], "parent got: HELLO FROM THE CHILD!"),
    ("activity_cancellation.py", [], "canceled: stopped at step "),
])
def test_example(run_example, script, args, expected) -> None:
    done = run_example(script, *args)
    assert done.returncode == 0, done.stderr
    assert expected in done.stdout
    assert "Traceback" not in done.stderr


def test_two_servers_parts_refuse_to_run_without_a_shared_endpoint(run_example) -> None:
    done = run_example("two_servers.py", "worker")
    assert done.returncode == 1
    assert "set AWS_ENDPOINT_URL_SWF" in done.stderr


def test_examples_use_the_endpoint_from_the_environment(run_example, swf_endpoint, layer1) -> None:
    done = run_example("arithmetic.py", "10", AWS_ENDPOINT_URL_SWF=swf_endpoint)
    assert done.returncode == 0, done.stderr
    assert "(10 + 1) * 2 = 22" in done.stdout
    # the execution ran on the server we gave it, not on an embedded one of its own
    closed = layer1.list_closed_workflow_executions(domain="examples", start_time_filter={"oldestDate": 0})
    assert [info["closeStatus"] for info in closed["executionInfos"]] == ["COMPLETED"]
