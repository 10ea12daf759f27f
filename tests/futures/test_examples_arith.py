"""Example: (x + 1) * 2 with futures, on the embedded server and locally."""
from __future__ import annotations

import arith_futures
from conftest import attributes, event_types
from embedded_run import result_of, run_on_endpoint
from swfkit import futures


def test_arithmetic_on_the_server(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, arith_futures.Arithmetic, 3)
    assert result_of(close) == 8
    events = runs[0]
    scheduled = [attributes(e) for e in events if e["eventType"] == "ActivityTaskScheduled"]
    assert [(a["activityId"], a["activityType"]["name"], a["input"]) for a in scheduled] == [
        ("1-add_one", "add_one", "[3]"), ("2-double", "double", "[4]")]
    # one decision per step: schedule add_one | schedule double | complete
    assert event_types(events).count("DecisionTaskCompleted") == 3


def test_arithmetic_locally() -> None:
    assert futures.run_local(arith_futures.Arithmetic, 3) == 8
    assert futures.run_local(arith_futures.Arithmetic, -5) == -8
    assert arith_futures.add_one(1) == 2  # still a plain function
