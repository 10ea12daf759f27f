"""Automatic continue-as-new: checkpoint()/restore(state) past continue_as_new_after events."""
from __future__ import annotations

from typing import Any, Dict

import pytest

import long_loop
from conftest import attributes
from embedded_run import result_of, run_on_endpoint
from swfkit import futures
from swfkit.exceptions import ValidationError

SmallLoop = long_loop.loop_workflow("small_loop", 60)


def expected(n: int) -> int:
    return sum(i % 7 for i in range(n))


def test_a_long_loop_continues_as_new_by_itself_locally() -> None:
    done = futures.LocalRunner().run(SmallLoop, "[100]")
    assert done.status == "completed"
    result = futures.JSON.loads(done.result)
    assert result["iterations"] == 100 and result["total"] == expected(100)
    assert len(done.runs) == result["runs"] > 5
    assert max(len(run) for run in done.runs) < 60 + 10
    continued = attributes(done.runs[0][-1])
    assert futures.JSON.loads(continued["input"]) == {"args": [100], "kwargs": {},
                                                     "swfkit_restore": {"i": 10, "total": expected(10), "runs": 1}}


def test_a_loop_longer_than_the_event_limit_completes_locally() -> None:
    # 5,000 iterations make ~30,000 events: more than SWF's 25,000 in one run. (The 100,000-iteration
    # loop on the embedded server is examples/futures/long_loop.py, run by benchmarks/testing_bench.py.)
    done = futures.LocalRunner().run(long_loop.loop_workflow("mid_loop", 1_000), "[5000]")
    assert done.status == "completed"
    assert futures.JSON.loads(done.result)["total"] == expected(5_000)
    assert sum(len(run) for run in done.runs) > 25_000
    assert max(len(run) for run in done.runs) <= 1_010


def test_a_run_with_open_work_drains_before_continuing() -> None:
    @futures.workflow(name="parallel_loop", task_list="loop-decisions", continue_as_new_after=40)
    class ParallelLoop:
        def __init__(self) -> None:
            self.done = 0

        def run(self, batches: int) -> int:
            while self.done < batches:
                pair = [self.submit(long_loop.step, self.done), self.submit(long_loop.step, self.done + 1)]
                futures.wait(pair)
                self.done += 1
            return self.done

        def checkpoint(self) -> int:
            return self.done

        def restore(self, state: int) -> None:
            self.done = state

    done = futures.LocalRunner().run(ParallelLoop, "[30]")
    assert done.status == "completed" and done.result == "30" and len(done.runs) > 3
    for run in done.runs[:-1]:  # each run closed with nothing open
        scheduled = sum(e["eventType"] == "ActivityTaskScheduled" for e in run)
        completed = sum(e["eventType"] == "ActivityTaskCompleted" for e in run)
        assert scheduled == completed


def test_without_checkpoint_nothing_changes() -> None:
    @futures.workflow(name="plain_loop", task_list="loop-decisions", continue_as_new_after=20)
    class PlainLoop:
        def run(self, n: int) -> int:
            return sum(self.submit(long_loop.step, i).result() for i in range(n))

    done = futures.LocalRunner().run(PlainLoop, "[10]")
    assert done.status == "completed" and len(done.runs) == 1


def test_bad_threshold_is_refused() -> None:
    with pytest.raises(ValidationError, match="continue_as_new_after"):
        futures.workflow(name="x", continue_as_new_after=30_000)


def test_loop_on_the_server(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, SmallLoop, 60, activities=[long_loop.step], worker_threads=2)
    result: Dict[str, Any] = result_of(close)
    assert result["iterations"] == 60 and result["total"] == expected(60)
    assert len(runs) == result["runs"] > 3 and max(len(run) for run in runs) < 60 + 10
