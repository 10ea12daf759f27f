"""The determinism guard: changed code on a recorded history raises, naming the event and both sides."""
from __future__ import annotations

from typing import Any

import pytest

from swfkit import futures
from swfkit.exceptions import NonDeterministicWorkflowError
from swfkit.futures import replay
from swfkit.history import fold


@futures.activity(task_list="t")
def step_a(x: int) -> int:
    return x + 1


@futures.activity(task_list="t")
def step_b(x: int) -> int:
    return x * 2


@futures.workflow(name="recorded")
class Recorded:
    def run(self, x: int) -> int:
        first = self.submit(step_a, x).result()
        self.sleep(5)
        return self.submit(step_b, first).result()


def recorded_history() -> Any:
    done = futures.LocalRunner().run(Recorded, "[1]")
    assert done.status == "completed" and done.result == "4"
    return done.runs[0]


def replay_prefix(cls: Any, events: Any, upto_type: str, nth: int = 1) -> futures.ReplayOutcome:
    """Replay ``cls`` on the history cut after the ``nth`` DecisionTaskStarted following ``upto_type``."""
    seen = 0
    for index, event in enumerate(events):
        if event["eventType"] == "DecisionTaskStarted":
            seen += 1
            if seen == nth:
                return replay(cls, fold(events[: index + 1]), workflow_id="wf", run_id="run")
    raise AssertionError("no such decision task")


def test_the_same_code_replays_cleanly_at_every_decision() -> None:
    events = recorded_history()
    outcomes = [replay_prefix(Recorded, events, "", n) for n in range(1, 5)]
    assert [[d.decision_type for d in o.decisions] for o in outcomes] == [
        ["ScheduleActivityTask"], ["StartTimer"], ["ScheduleActivityTask"], ["CompleteWorkflowExecution"]]


@pytest.mark.parametrize("body, what, recorded, requested", [
    (lambda self, x: self.submit(step_b, x).result(), "activity 1-step_a of type", ("step_a", "1"), ("step_b", "1")),
    (lambda self, x: self.submit(step_a, x + 1).result(), "activity 1-step_a with input", "[1]", "[2]"),
])
def test_another_activity_or_input_at_the_same_id_is_refused(body: Any, what: str, recorded: Any,
                                                             requested: Any) -> None:
    changed = futures.workflow(name="recorded", version="1")(type("Changed", (), {"run": body}))
    try:
        with pytest.raises(NonDeterministicWorkflowError) as info:
            replay_prefix(changed, recorded_history(), "", 2)
    finally:
        futures.workflow(name="recorded", version="1")(Recorded)  # restore the registry entry
    error = info.value
    assert error.event_id == 5 and what.split(" of")[0].split(" with")[0] in str(error)
    assert (error.recorded, error.requested) == (recorded, requested)
    assert "event 5" in str(error) and repr(recorded) in str(error) and repr(requested) in str(error)


def test_a_changed_timer_is_refused() -> None:
    def body(self: Any, x: int) -> int:
        first = self.submit(step_a, x).result()
        self.sleep(6)
        return first
    changed = futures.workflow(name="recorded_timer")(type("Changed", (), {"run": body}))
    with pytest.raises(NonDeterministicWorkflowError, match="timer timer-1 firing after '5'"):
        replay_prefix(changed, recorded_history(), "", 3)


def test_code_that_no_longer_asks_for_a_recorded_activity_is_refused() -> None:
    def body(self: Any, x: int) -> int:
        self.sleep(5)  # the activity step_a that came first is gone
        return x
    changed = futures.workflow(name="recorded_dropped")(type("Changed", (), {"run": body}))
    with pytest.raises(NonDeterministicWorkflowError) as info:
        replay_prefix(changed, recorded_history(), "", 3)
    assert info.value.event_id == 5 and info.value.recorded == "1-step_a"
    assert "no longer asks for it" in str(info.value)
