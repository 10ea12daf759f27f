"""Example: a parent with child workflows — server and local."""
from __future__ import annotations

import child_workflows
from conftest import attributes
from embedded_run import result_of, run_on_endpoint
from swfkit import futures

WORDS = ["hello", "from", "children"]


def test_children_on_the_server(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, child_workflows.Parent, WORDS, workflows=[child_workflows.Child])
    assert result_of(close) == "HELLO! FROM! CHILDREN!"
    started = [attributes(e) for e in runs[0] if e["eventType"] == "StartChildWorkflowExecutionInitiated"]
    assert [a["input"] for a in started] == ['["hello"]', '["from"]', '["children"]']
    assert len({a["workflowId"] for a in started}) == 3
    # all three children were started by the first decision
    assert len({a["decisionTaskCompletedEventId"] for a in started}) == 1


def test_children_locally() -> None:
    assert futures.run_local(child_workflows.Parent, WORDS) == "HELLO! FROM! CHILDREN!"
