"""Example: a parallel map of 500 items with a flaky, retried activity — server and local."""
from __future__ import annotations

import collections

import parallel_map
from conftest import attributes
from embedded_run import result_of, run_on_endpoint
from swfkit import futures

N = 500
EXPECTED = {"sum": sum(i * i for i in range(N)), "retried": len(range(0, N, 3))}


def test_parallel_map_of_500_on_the_server(swf_endpoint: str) -> None:
    parallel_map.reset()
    close, runs = run_on_endpoint(swf_endpoint, parallel_map.ParallelMap, N, worker_threads=8, timeout=80)
    assert result_of(close) == EXPECTED
    events = runs[0]
    # every item was scheduled in the first decision: one response holds all 500
    first_completed = next(e["eventId"] for e in events if e["eventType"] == "DecisionTaskCompleted")
    first_batch = [e for e in events if e["eventType"] == "ActivityTaskScheduled"
                   and attributes(e)["decisionTaskCompletedEventId"] == first_completed]
    assert len(first_batch) == N
    # the flaky items show two attempts under the same activity id
    per_id = collections.Counter(attributes(e)["activityId"] for e in events if e["eventType"] == "ActivityTaskScheduled")
    assert sorted(i for i, n in per_id.items() if n == 2) == sorted("%d-flaky_square" % (i + 1) for i in range(0, N, 3))
    assert sum(1 for e in events if e["eventType"] == "ActivityTaskFailed") == EXPECTED["retried"]


def test_parallel_map_of_500_locally() -> None:
    parallel_map.reset()
    assert futures.run_local(parallel_map.ParallelMap, N) == EXPECTED
