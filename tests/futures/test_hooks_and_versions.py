"""Lifecycle hooks, patched/deprecate_patch, side_effect/now/random: locally, replayed, on the server."""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any, Dict, List

import pytest

from conftest import attributes, event_types
from embedded_run import result_of, run_on_endpoint
from swfkit import futures
from swfkit.history import ExecutionState

CALLS: Dict[str, int] = {}


@futures.activity(task_list="hooks-work", start_to_close_timeout=30)
def step(x: int) -> int:
    return x + 1


@futures.activity(task_list="hooks-work", start_to_close_timeout=30)
def cleanup(what: str) -> str:
    return "cleaned " + what


@futures.activity(task_list="hooks-work", start_to_close_timeout=30)
def square(x: int) -> int:
    return x * x


@futures.activity(task_list="hooks-work", start_to_close_timeout=30)
def plus_ten(x: int) -> int:
    return x + 10


@futures.workflow(name="hooked", task_list="hooks-decisions")
class Hooked:
    def run(self, fail: bool) -> int:
        value = self.submit(step, 1).result()
        value = self.submit(step, value).result()
        if fail:
            raise ValueError("asked to fail")
        return value

    def on_completed(self, result: int) -> None:
        CALLS["completed"] = CALLS.get("completed", 0) + 1
        self.submit(cleanup, "after %s" % result)

    def on_failure(self, error: BaseException) -> None:
        CALLS["failure"] = CALLS.get("failure", 0) + 1
        self.submit(cleanup, type(error).__name__)


@futures.workflow(name="cancel_hooked", task_list="hooks-decisions")
class CancelHooked:
    def run(self) -> Any:
        self.submit(step, 1).result()
        return self.wait_signal("never").result()

    def on_canceled(self) -> None:
        self.submit(cleanup, "cancelled")


def activity_ids(events: List[Dict[str, Any]]) -> List[str]:
    return [attributes(e)["activityId"] for e in events if e["eventType"] == "ActivityTaskScheduled"]


@pytest.mark.parametrize("fail, hook, close, cleaned", [
    (False, "completed", "WorkflowExecutionCompleted", "after 3"),
    (True, "failure", "WorkflowExecutionFailed", "ValueError"),
])
def test_a_hook_is_called_once_and_its_cleanup_runs_before_the_close(fail: bool, hook: str, close: str,
                                                                     cleaned: str) -> None:
    CALLS.clear()
    done = futures.LocalRunner().run(Hooked, futures.JSON.dumps([fail]))
    events = done.runs[0]
    assert CALLS == {hook: 1}  # run was replayed 4 times; the hook ran in one decision
    assert activity_ids(events) == ["1-step", "2-step", "hook.1-cleanup"]
    types = event_types(events)
    assert types[-1] == close
    assert types.index("ActivityTaskCompleted", types.index("ActivityTaskScheduled", 10)) < len(types) - 1
    results = [attributes(e).get("result") for e in events if e["eventType"] == "ActivityTaskCompleted"]
    assert results[-1] == futures.JSON.dumps("cleaned " + cleaned)


def test_hooks_on_the_server_including_on_canceled(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, Hooked, False, activities=[step, cleanup])
    assert result_of(close) == 3
    assert activity_ids(runs[0])[-1] == "hook.1-cleanup"
    # a cancel request: on_canceled schedules its clean-up, the execution is cancelled after it
    from embedded_run import DOMAIN, actors_running, client, events_of
    import time
    swf = client(swf_endpoint)
    with actors_running(swf_endpoint, [CancelHooked], [step, cleanup]):
        workflow_id = "cancel-hooked-%s" % uuid.uuid4().hex[:6]
        run_id = swf.start_workflow_execution(domain=DOMAIN, workflow_id=workflow_id,
                                              workflow_type={"name": "cancel_hooked", "version": "1"})["runId"]
        execution = {"workflowId": workflow_id, "runId": run_id}
        deadline = time.monotonic() + 20
        while event_types(events_of(swf, execution)).count("DecisionTaskCompleted") < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        swf.request_cancel_workflow_execution(domain=DOMAIN, workflow_id=workflow_id, run_id=run_id)
        while events_of(swf, execution)[-1]["eventType"] != "WorkflowExecutionCanceled" and time.monotonic() < deadline:
            time.sleep(0.05)
        events = events_of(swf, execution)
    assert events[-1]["eventType"] == "WorkflowExecutionCanceled"
    assert activity_ids(events) == ["1-step", "hook.1-cleanup"]
    assert "ActivityTaskCompleted" in event_types(events[-6:])


# -- versioning -----------------------------------------------------------------------------------------

@futures.workflow(name="versioned", task_list="hooks-decisions")
class Before:
    def run(self) -> int:
        value = self.submit(step, 1).result()
        return self.submit(square, value).result()


@futures.workflow(name="versioned", task_list="hooks-decisions")
class Patched:
    def run(self) -> int:
        value = self.submit(step, 1).result()
        if self.patched("plus-ten"):
            return self.submit(plus_ten, value).result()
        return self.submit(square, value).result()


@futures.workflow(name="versioned", task_list="hooks-decisions")
class Deprecated:
    def run(self) -> int:
        value = self.submit(step, 1).result()
        self.deprecate_patch("plus-ten")
        return self.submit(plus_ten, value).result()


@futures.workflow(name="versioned", task_list="hooks-decisions")
class Unpatched:
    def run(self) -> int:
        value = self.submit(step, 1).result()
        return self.submit(plus_ten, value).result()


def replay_prefix(events: List[Dict[str, Any]], decisions: int, cls: Any) -> futures.ReplayOutcome:
    """Replay ``cls`` on the history up to the start of decision number ``decisions``."""
    starts = [i for i, e in enumerate(events) if e["eventType"] == "DecisionTaskStarted"]
    state = ExecutionState().apply_all(events[: starts[decisions - 1] + 1])
    return futures.replay(cls, state, workflow_id="w", run_id="r")


def test_patched_keeps_old_executions_on_the_old_path() -> None:
    old = futures.LocalRunner().run(Before, "[]").runs[0]
    # an execution recorded by the old code, in flight (square scheduled and completed), replayed by the new code
    outcome = replay_prefix(old, 3, Patched)
    assert outcome.status == "completed" and outcome.result == "4"
    # the old code was mid-way (step done, nothing else yet): the point is reached under the new code
    outcome = replay_prefix(old, 2, Patched)
    assert [d.decision_type for d in outcome.decisions] == ["RecordMarker", "ScheduleActivityTask"]
    # a change without patched() is caught by the determinism guard
    with pytest.raises(futures.NonDeterministicWorkflowError):
        replay_prefix(old, 3, Unpatched)


def test_patched_on_the_server(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, Patched, activities=[step, plus_ten])
    assert result_of(close) == 12
    assert [attributes(e)["details"] for e in runs[0] if e["eventType"] == "MarkerRecorded"] == ["plus-ten"]


def test_patched_records_a_marker_and_deprecate_patch_replays_it() -> None:
    new = futures.LocalRunner().run(Patched, "[]").runs[0]
    markers = [attributes(e) for e in new if e["eventType"] == "MarkerRecorded"]
    assert markers == [{"markerName": "swfkit-patch", "details": "plus-ten", "decisionTaskCompletedEventId": 10}]
    assert futures.run_local(Patched) == 12
    assert replay_prefix(new, 3, Patched).status == "completed"
    assert replay_prefix(new, 3, Deprecated).status == "completed"
    assert replay_prefix(new, 3, Unpatched).status == "completed"  # extra markers never break a replay
    deprecated = futures.LocalRunner().run(Deprecated, "[]").runs[0]
    assert [attributes(e)["details"] for e in deprecated if e["eventType"] == "MarkerRecorded"] == ["plus-ten"]


# -- side effects, time, randomness ---------------------------------------------------------------------------

SIDE_EFFECT_CALLS: List[int] = []


def draw() -> str:
    SIDE_EFFECT_CALLS.append(1)
    return uuid.uuid4().hex


@futures.workflow(name="effects", task_list="hooks-decisions")
class Effects:
    def run(self) -> Dict[str, Any]:
        token = self.side_effect(draw)
        started = self.now()
        number = self.random().randint(0, 10 ** 9)
        self.submit(step, number).result()  # the input must be the same on every replay
        self.sleep(3600)
        later = self.now()
        return {"token": token, "again": self.side_effect(lambda: "second"), "number": number,
                "elapsed": (later - started).total_seconds(), "tz": str(later.tzinfo)}


def test_side_effect_now_and_random_are_the_same_on_every_replay() -> None:
    SIDE_EFFECT_CALLS.clear()
    done = futures.LocalRunner().run(Effects, "[]")
    assert done.status == "completed", done.details
    result = futures.JSON.loads(done.result)
    assert len(SIDE_EFFECT_CALLS) == 1  # run replayed 4 times, draw() called once
    markers = [attributes(e)["details"] for e in done.runs[0] if e["eventType"] == "MarkerRecorded"]
    assert markers == [futures.JSON.dumps(result["token"]), '"second"']
    assert result["elapsed"] == 3600.0 and result["tz"] == "UTC"


def test_side_effect_now_and_random_on_the_server(swf_endpoint: str) -> None:
    SIDE_EFFECT_CALLS.clear()

    @futures.workflow(name="effects_short", task_list="hooks-decisions")
    class EffectsShort:
        def run(self) -> Dict[str, Any]:
            token = self.side_effect(draw)
            number = self.random().random()
            first = self.now()
            self.submit(step, 1).result()
            return {"token": token, "number": number, "later": self.now() >= first,
                    "close": abs((self.now() - first) - timedelta(0)) < timedelta(seconds=30)}

    close, _ = run_on_endpoint(swf_endpoint, EffectsShort, activities=[step])
    result = result_of(close)
    assert len(SIDE_EFFECT_CALLS) == 1 and result["later"] is True and result["close"] is True


@futures.workflow(name="hooked_loop", task_list="hooks-decisions", continue_as_new_after=20)
class HookedLoop:
    def __init__(self) -> None:
        self.i = 0

    def run(self, n: int) -> int:
        while self.i < n:
            self.submit(step, self.i).result()
            self.i += 1
        return self.i

    def checkpoint(self) -> int:
        return self.i

    def restore(self, state: int) -> None:
        self.i = state

    def on_completed(self, result: int) -> None:
        self.submit(cleanup, "loop")


def test_a_hook_waiting_for_its_cleanup_is_not_taken_for_a_continue_as_new_point() -> None:
    done = futures.LocalRunner().run(HookedLoop, "[12]")
    assert done.status == "completed" and done.result == "12"
    last = activity_ids(done.runs[-1])
    assert last[-1] == "hook.1-cleanup" and len(last) > 1  # in the run that finished the loop
    assert len(done.runs[-1]) > 20  # past the threshold when the hook waited
