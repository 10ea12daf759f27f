"""Replay semantics, driven through run_local (the same engine a FuturesDecider runs)."""
from __future__ import annotations

import collections
from typing import Any, Dict, List

import pytest

from conftest import attributes, event_types
from swfkit import futures
from swfkit.spec.limits import MAX_OPEN_ACTIVITIES

CALLS: Dict[Any, int] = collections.Counter()


@futures.activity(task_list="t")
def echo(x: Any) -> Any:
    return x


@futures.activity(task_list="t", retry=2, backoff=10)
def fails_twice(key: str) -> str:
    CALLS[key] += 1
    if CALLS[key] <= 2:
        raise ValueError("attempt %d" % CALLS[key])
    return "ok after %d" % CALLS[key]


@futures.activity(task_list="t", retry=1)
def always_fails(x: int) -> None:
    raise KeyError("nope %d" % x)


@futures.activity(task_list="t", idempotent=True)
def same_work(x: int) -> int:
    CALLS[("same", x)] += 1
    return x * 100


def run(cls: Any, *args: Any, **options: Any) -> futures.LocalExecution:
    serializer = futures.definition_of(cls).serializer
    return futures.LocalRunner(**options).run(cls, serializer.dumps(list(args)))


def test_everything_submitted_before_a_block_goes_out_in_one_decision() -> None:
    @futures.workflow(name="batch")
    class Batch:
        def run(self) -> List[Any]:
            a, b = self.submit(echo, 1), self.submit(echo, 2)
            self.record_marker("started", "two")
            return [a.result(), b.result(), self.submit(echo, 3).result()]

    done = run(Batch)
    assert done.status == "completed" and done.result == "[1,2,3]"
    events = done.runs[0]
    first = [e["eventType"] for e in events if attributes(e).get("decisionTaskCompletedEventId") == 4]
    assert first == ["ActivityTaskScheduled", "ActivityTaskScheduled", "MarkerRecorded"]
    assert event_types(events).count("MarkerRecorded") == 1  # replays do not record it again


def test_retries_with_backoff_go_through_timers_and_count_attempts() -> None:
    @futures.workflow(name="retrying")
    class Retrying:
        def run(self) -> Dict[str, Any]:
            f = self.submit(fails_twice, "k1")
            return {"value": f.result(), "attempts": f.attempts}

    CALLS.clear()
    done = run(Retrying)
    assert futures.JSON.loads(done.result) == {"value": "ok after 3", "attempts": 3}
    timers = [attributes(e) for e in done.runs[0] if e["eventType"] == "TimerStarted"]
    assert [(t["timerId"], t["startToFireTimeout"]) for t in timers] == [("retry-1-1-fails_twice", "10"),
                                                                        ("retry-2-1-fails_twice", "20")]
    scheduled = [attributes(e)["activityId"] for e in done.runs[0] if e["eventType"] == "ActivityTaskScheduled"]
    assert scheduled == ["1-fails_twice"] * 3


def test_a_failure_after_the_last_retry_reaches_the_code_and_fails_the_workflow() -> None:
    @futures.workflow(name="failing")
    class Failing:
        def run(self) -> Any:
            f = self.submit(always_fails, 7)
            error = f.exception()
            assert isinstance(error, futures.ActivityFailed) and error.attempts == 2 and f.attempts == 2
            assert error.reason == "KeyError"
            return f.result()

    done = run(Failing)
    assert done.status == "failed" and done.reason == "ActivityFailed"
    assert "nope 7" in done.details
    with pytest.raises(futures.ActivityFailed):
        futures.run_local(Failing)


def test_idempotent_activities_share_one_id_and_one_future() -> None:
    @futures.workflow(name="idem")
    class Idem:
        def run(self) -> List[int]:
            a, b, c = self.submit(same_work, 1), self.submit(same_work, 1), self.submit(same_work, 2)
            assert a is b and a is not c
            return [a.result(), c.result()]

    CALLS.clear()
    done = run(Idem)
    assert done.result == "[100,200]" and CALLS[("same", 1)] == 1
    ids = [attributes(e)["activityId"] for e in done.runs[0] if e["eventType"] == "ActivityTaskScheduled"]
    from swfkit.decisions import activity_id_for
    assert ids == [activity_id_for("same_work", "1", "[1]"), activity_id_for("same_work", "1", "[2]")]


def test_more_than_1000_activities_are_queued_never_over_the_open_limit() -> None:
    @futures.workflow(name="fanout")
    class Fanout:
        def run(self, n: int) -> int:
            return sum(f.result() for f in [self.submit(echo, i) for i in range(n)])

    done = run(Fanout, 2500)
    assert done.result == str(sum(range(2500)))
    open_now = peak = 0
    for event in done.runs[0]:
        if event["eventType"] == "ActivityTaskScheduled":
            open_now += 1
            peak = max(peak, open_now)
        elif event["eventType"] == "ActivityTaskCompleted":
            open_now -= 1
        assert event["eventType"] != "ScheduleActivityTaskFailed"
    assert peak == MAX_OPEN_ACTIVITIES
    assert event_types(done.runs[0]).count("ActivityTaskScheduled") == 2500


def test_a_response_over_the_decision_limit_is_split_with_a_wake_up_timer() -> None:
    @futures.workflow(name="split")
    class Split:
        def run(self) -> int:
            fs = [self.submit(echo, i) for i in range(25)]
            return sum(f.result() for f in fs)

    done = run(Split, max_decisions=10)
    assert done.result == str(sum(range(25)))
    events = done.runs[0]
    per_decision = collections.Counter(attributes(e).get("decisionTaskCompletedEventId") for e in events
                                       if e["eventType"] in ("ActivityTaskScheduled", "TimerStarted"))
    assert max(per_decision.values()) <= 10
    assert [attributes(e)["timerId"] for e in events if e["eventType"] == "TimerStarted"][:1] == ["swfkit-more-3"]


def test_cancel_drops_unsent_work_and_result_then_raises_cancelled() -> None:
    @futures.workflow(name="canceller")
    class Canceller:
        def run(self) -> Dict[str, Any]:
            a, b = self.submit(echo, "a"), self.submit(echo, "b")
            assert b.cancel() is True and b.done and b.cancelled
            with pytest.raises(futures.CancelledError):
                b.result()
            t = self.timer(100)
            t.cancel()
            return {"a": a.result(), "b_cancel_again": b.cancel()}

    done = run(Canceller)
    assert futures.JSON.loads(done.result) == {"a": "a", "b_cancel_again": True}
    scheduled = [attributes(e)["activityId"] for e in done.runs[0] if e["eventType"] == "ActivityTaskScheduled"]
    assert scheduled == ["1-echo"]
    assert "TimerStarted" not in event_types(done.runs[0])


def test_first_completed_is_the_same_on_every_replay() -> None:
    seen: List[Any] = []

    @futures.workflow(name="racer")
    class Racer:
        def run(self) -> List[str]:
            quick = self.submit(echo, "quick")
            slow = self.timer(50)
            done, not_done = futures.wait(quick, slow, return_when=futures.FIRST_COMPLETED)
            seen.append(([f.id for f in done], slow.done))
            slow.result()
            return [f.id for f in done]

    done = run(Racer)
    assert done.result == '["1-echo"]'
    assert seen and all(s == (["1-echo"], False) for s in seen)  # even on the replay after the timer fired


def test_signal_handlers_and_wait_signal_see_signals_in_history_order() -> None:
    @futures.workflow(name="signals")
    class Signals:
        def __init__(self) -> None:
            self.log: List[Any] = []

        @futures.signal_handler("note")
        def on_note(self, value: Any) -> None:
            self.log.append(value)

        def run(self) -> Dict[str, Any]:
            first = self.wait_signal("go").result()
            second = self.wait_signal("go").result()
            return {"first": first, "second": second, "notes": self.log}

    result = futures.run_local(Signals, signals=[("note", 1, 1), ("go", "a", 2), ("note", 2, 3), ("go", "b", 4)])
    assert result == {"first": "a", "second": "b", "notes": [1, 2]}


def test_signals_between_workflows_and_a_deadlock_is_reported() -> None:
    @futures.workflow(name="lonely")
    class Lonely:
        def run(self) -> Any:
            return self.wait_signal("never").result()

    with pytest.raises(futures.WorkflowDeadlock, match="can never come"):
        futures.run_local(Lonely)


def test_fail_and_continue_as_new_close_the_run() -> None:
    @futures.workflow(name="failer")
    class Failer:
        def run(self, n: int) -> None:
            if n < 3:
                self.continue_as_new(n + 1)
            self.fail("too big", "n=%d" % n)

    done = run(Failer, 0)
    assert done.status == "failed" and done.reason == "too big" and done.details == "n=3"
    assert len(done.runs) == 4
    with pytest.raises(futures.WorkflowFailed) as info:
        futures.run_local(Failer, 0)
    assert info.value.reason == "too big"
