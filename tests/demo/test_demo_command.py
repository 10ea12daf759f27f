"""``swfkit demo`` options, run in this process (the pools' children are still real processes)."""
from __future__ import annotations

import json

from swfkit.cli import main


def test_demo_against_a_given_endpoint_with_a_json_summary(swf_endpoint, capsys) -> None:
    code = main(["demo", "--endpoint-url", swf_endpoint, "--activities", "8", "--workers", "2",
                 "--domain", "demo-elsewhere", "--last-events", "3", "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    summary = json.loads(out)  # stdout holds the JSON only; progress went to stderr
    assert err.startswith("SWF endpoint %s" % swf_endpoint) and "8/8 activities" in err
    assert (summary["closeStatus"], summary["activities"], summary["retried"], summary["workers"]) == ("COMPLETED", 8, 0, 2)
    assert json.loads(summary["result"]) == {"count": 8, "sum": 140} and summary["expectedSum"] == 140
    assert [e["eventType"] for e in summary["lastEvents"]][-1] == "WorkflowExecutionCompleted"
    assert len(summary["lastEvents"]) == 3 and summary["timer"] == "fired" and summary["signaled"] is True
    assert 0 < summary["activitySeconds"] <= summary["workflowSeconds"] <= summary["wallSeconds"]
    assert "Traceback" not in err


def test_demo_on_real_swf_without_credentials_is_one_line(capsys, monkeypatch, tmp_path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    code = main(["demo", "--endpoint-url", "https://swf.us-east-1.amazonaws.com"])
    out, err = capsys.readouterr()
    assert code == 3, err
    assert err.startswith("swfkit: configuration: ") and err.count("\n") == 1 and "credentials" in err.lower()


def test_demo_refuses_silly_sizes(capsys) -> None:
    assert main(["demo", "--activities", "0"]) == 2
    assert "--activities: must be a whole number >= 1, got '0'" in capsys.readouterr().err
    assert main(["demo", "--workers", "many"]) == 2
    assert "--workers: must be a whole number >= 1, got 'many'" in capsys.readouterr().err
    assert main(["demo", "--work-ms", "-1"]) == 2
    assert capsys.readouterr().err == "swfkit: --work-ms must be at least 0 and --timeout more than 0\n"


def test_a_demo_that_runs_out_of_time_fails_in_one_line_and_terminates_its_execution(swf_endpoint, layer1,
                                                                                       capsys) -> None:
    code = main(["demo", "--endpoint-url", swf_endpoint, "--activities", "400", "--work-ms", "50",
                 "--workers", "1", "--timeout", "1", "--domain", "demo-late"])
    out, err = capsys.readouterr()
    assert code == 1
    assert err.startswith("swfkit: DemoFailed: the execution did not close within 1 s (")
    assert err.count("\n") == 1 and "Traceback" not in err
    closed = layer1.list_closed_workflow_executions(domain="demo-late", start_time_filter={"oldestDate": 0})
    assert [info["closeStatus"] for info in closed["executionInfos"]] == ["TERMINATED"]
