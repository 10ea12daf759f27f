"""map/starmap with max_parallel, Chain and Group: locally and on the embedded server."""
from __future__ import annotations

from typing import Any, Dict, List

import pytest

from conftest import attributes
from embedded_run import result_of, run_on_endpoint
from swfkit import futures
from swfkit.exceptions import ValidationError


@futures.activity(task_list="canvas-work", start_to_close_timeout=30)
def inc(x: int, step: int = 1) -> int:
    return x + step


@futures.activity(task_list="canvas-work", start_to_close_timeout=30)
def sq(x: int) -> int:
    return x * x


@futures.activity(task_list="canvas-work", start_to_close_timeout=30)
def add(a: int, b: int) -> int:
    return a + b


@futures.activity(task_list="canvas-work", start_to_close_timeout=30)
def boom(*args: Any) -> int:
    raise RuntimeError("boom")


@futures.activity(task_list="canvas-work", start_to_close_timeout=30)
def total(values: List[int]) -> int:
    return sum(values)


@futures.workflow(name="canvas_map", task_list="canvas-decisions")
class MapWorkflow:
    def run(self, n: int, max_parallel: int) -> Dict[str, Any]:
        squares = self.map(sq, range(n), max_parallel=max_parallel)
        sums = self.starmap(add, [(i, i) for i in range(3)])
        return {"squares": [f.result() for f in squares], "sums": [f.result() for f in sums]}


@futures.workflow(name="canvas_tree", task_list="canvas-decisions")
class TreeWorkflow:
    def run(self) -> Dict[str, Any]:
        chain = self.submit(futures.Chain((inc, 1), (sq,)))                         # sq(inc(1)) = 4
        group = self.submit(futures.Group((inc, 1), (sq, 3), futures.Chain((inc, 2), sq), max_parallel=2))
        nested = self.submit(futures.Chain(futures.Group((inc, 1), (inc, 2)), (total,)))  # total([2, 3])
        lenient = self.submit(futures.Chain((boom,), (inc, 5), raises_on_failure=False))  # None on, inc(5, None) fails too
        lenient_group = self.submit(futures.Group((inc, 1), (boom,), raises_on_failure=False))
        strict = self.submit(futures.Group((inc, 1), (boom,)))
        try:
            strict.result()
            strict_error = None
        except futures.ActivityFailed as err:
            strict_error = err.reason
        try:
            lenient_value = lenient.result()
        except futures.ActivityFailed as err:
            lenient_value = "failed: %s" % err.reason
        return {"chain": chain.result(), "group": group.result(), "nested": nested.result(),
                "strict": strict_error, "lenient": lenient_value,
                "lenient_group": lenient_group.result()}


@futures.workflow(name="canvas_window", task_list="canvas-decisions")
class WindowWorkflow:
    def run(self, n: int, max_parallel: int) -> int:
        return sum(f.result() for f in self.map(sq, range(n), max_parallel=max_parallel))


def open_activity_peak(events: List[Dict[str, Any]]) -> int:
    """The most activities open at once, read from the history."""
    open_now, peak = 0, 0
    for event in events:
        kind = event["eventType"]
        if kind == "ActivityTaskScheduled":
            open_now += 1
            peak = max(peak, open_now)
        elif kind in ("ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCanceled"):
            open_now -= 1
    return peak


def test_map_keeps_at_most_max_parallel_open_locally() -> None:
    done = futures.LocalRunner().run(MapWorkflow, "[1000, 10]")
    assert done.status == "completed"
    assert futures.JSON.loads(done.result)["squares"] == [i * i for i in range(1000)]
    # run_local runs each decision's activities at once; the window still shows in the history
    assert open_activity_peak(done.runs[0]) == 10 + 3  # the map's 10 and the starmap's 3
    done = futures.LocalRunner().run(WindowWorkflow, "[1000, 10]")
    assert done.status == "completed" and open_activity_peak(done.runs[0]) == 10


def test_map_ids_come_from_the_canvas_number() -> None:
    done = futures.LocalRunner().run(MapWorkflow, "[3, 2]")
    ids = [attributes(e)["activityId"] for e in done.runs[0] if e["eventType"] == "ActivityTaskScheduled"]
    assert ids == ["m1.1-sq", "m1.2-sq", "m2.1-add", "m2.2-add", "m2.3-add", "m1.3-sq"]


def test_chain_and_group_locally() -> None:
    assert futures.run_local(TreeWorkflow) == {
        "chain": 4, "group": [2, 9, 9], "nested": 5, "strict": "RuntimeError", "lenient": None,
        "lenient_group": [2, None]}


def test_a_window_of_10_over_1000_items_on_the_server(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, WindowWorkflow, 1000, 10, activities=[sq], worker_threads=4,
                                  timeout=300)
    assert result_of(close) == sum(i * i for i in range(1000))
    assert open_activity_peak(runs[0]) == 10  # read from the history: never more than 10 open at once


def test_map_and_tree_on_the_server(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, MapWorkflow, 120, 7, activities=[sq, add], worker_threads=4)
    assert result_of(close) == {"squares": [i * i for i in range(120)], "sums": [0, 2, 4]}
    assert open_activity_peak(runs[0]) <= 7 + 3
    close, _ = run_on_endpoint(swf_endpoint, TreeWorkflow, activities=[inc, sq, add, boom, total])
    assert result_of(close)["chain"] == 4 and result_of(close)["group"] == [2, 9, 9]


def test_bad_members_and_max_parallel_are_refused() -> None:
    with pytest.raises(ValidationError, match="members\\[0\\]"):
        futures.Chain(lambda x: x)
    with pytest.raises(ValidationError, match="max_parallel"):
        futures.Group(inc, max_parallel=0)
    with pytest.raises(ValidationError, match="only an activity takes arguments"):
        futures.Group((futures.Chain(inc), 1))


@futures.workflow(name="canvas_window_changed", task_list="canvas-decisions")
class WindowChanged:
    def run(self, n: int, max_parallel: int) -> int:
        return sum(f.result() for f in self.map(inc, range(n), max_parallel=max_parallel))


def test_the_determinism_guard_covers_map_members() -> None:
    from swfkit.history import ExecutionState

    events = futures.LocalRunner().run(WindowWorkflow, "[30, 5]").runs[0]
    starts = [i for i, e in enumerate(events) if e["eventType"] == "DecisionTaskStarted"]
    state = ExecutionState().apply_all(events[: starts[3] + 1])
    assert futures.replay(WindowWorkflow, state, workflow_id="w", run_id="r").status == "blocked"
    with pytest.raises(futures.NonDeterministicWorkflowError, match="m1.1-sq"):
        futures.replay(WindowChanged, state, workflow_id="w", run_id="r")
