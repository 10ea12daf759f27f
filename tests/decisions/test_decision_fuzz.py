"""Fuzzing: any input gives a Decision or a ValidationError (never another exception); values that
break a rule always give ValidationError; values within the rules always validate and round-trip."""
from __future__ import annotations

import inspect
import json
from datetime import timedelta
from typing import Any, Dict

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from swfkit import decisions as d
from swfkit.decisions import Decision, Decisions
from swfkit.exceptions import ValidationError
from swfkit.spec import DECISION_ATTRIBUTES

SETTINGS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
#: Drawing a recursive value for every argument is the slow part: fewer, richer examples.
ANY_SETTINGS = settings(SETTINGS, max_examples=20)

ANYTHING = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20) | st.binary(max_size=5)
    | st.timedeltas() | st.just("NONE") | st.just("arn") | st.sampled_from(["60", "-1", "1e3", "+5", ""]),
    lambda inner: st.lists(inner, max_size=6) | st.tuples(inner, inner)
    | st.dictionaries(st.sampled_from(["name", "version", "x", "timerId", "activityId"]) | st.text(max_size=5),
                      inner, max_size=3),
    max_leaves=6,
)


def _parameters(build: Any) -> Dict[str, inspect.Parameter]:
    return dict(inspect.signature(build).parameters)


@pytest.mark.parametrize("decision_type", sorted(DECISION_ATTRIBUTES))
@ANY_SETTINGS
@given(data=st.data())
def test_any_arguments_give_a_decision_or_a_validation_error(decision_type: str, data: st.DataObject) -> None:
    build = d.BUILDERS[decision_type]
    args = {name: data.draw(ANYTHING, label=name) for name in _parameters(build)}
    try:
        decision = build(**args)
    except ValidationError as error:
        assert error.path.startswith(DECISION_ATTRIBUTES[decision_type][0])
        assert error.rule
        return
    assert Decision.from_dict(json.loads(json.dumps(decision.to_dict()))) == decision


@SETTINGS
@given(wire=ANYTHING | st.sampled_from(sorted(DECISION_ATTRIBUTES)).flatmap(
    lambda t: st.fixed_dictionaries({"decisionType": st.just(t)},
                                    optional={DECISION_ATTRIBUTES[t][0]: ANYTHING, "x": ANYTHING})))
def test_any_wire_value_gives_a_decision_or_a_validation_error(wire: Any) -> None:
    try:
        Decisions([wire]).to_list()
    except ValidationError as error:
        assert error.path.startswith("decisions")


# -- good values ---------------------------------------------------------------------------------
IDENT = st.text(st.characters(blacklist_characters=":/|", blacklist_categories=("Cc", "Cs")),
                min_size=1, max_size=256).filter(lambda s: s != "arn")
NAME = IDENT
TASK_LIST = IDENT.filter(lambda s: s == s.strip())
VERSION = IDENT.filter(lambda s: len(s) <= 64)
DATA = st.none() | st.text(max_size=300) | st.integers(32_700, 32_768).map(lambda n: "x" * n)
SECONDS = st.integers(0, 31_536_000)
TIMEOUT = st.none() | SECONDS | SECONDS.map(str) | SECONDS.map(lambda s: timedelta(seconds=s)) | st.just("NONE")
FIRE = SECONDS | SECONDS.map(lambda s: timedelta(seconds=s))
PRIORITY = st.none() | st.integers(-2**31, 2**31 - 1) | st.integers(-2**31, 2**31 - 1).map(str)
TAGS = st.none() | st.lists(st.text(st.sampled_from("abcXYZ019 _.:/=+-@"), max_size=256), max_size=5)
POLICY = st.none() | st.sampled_from(["TERMINATE", "REQUEST_CANCEL", "ABANDON"])
TYPE = st.tuples(NAME, VERSION) | st.builds(lambda n, v: {"name": n, "version": v}, NAME, VERSION)
RUN_ID = st.none() | st.text(max_size=64)

GOOD_ARGS = {
    "ScheduleActivityTask": {
        "activity_id": IDENT, "activity_type": TYPE, "input": DATA, "control": DATA,
        "task_list": st.none() | TASK_LIST, "task_priority": PRIORITY, "schedule_to_close_timeout": TIMEOUT,
        "schedule_to_start_timeout": TIMEOUT, "start_to_close_timeout": TIMEOUT, "heartbeat_timeout": TIMEOUT},
    "RequestCancelActivityTask": {"activity_id": IDENT},
    "CompleteWorkflowExecution": {"result": DATA},
    "FailWorkflowExecution": {"reason": st.none() | st.text(max_size=256), "details": DATA},
    "CancelWorkflowExecution": {"details": DATA},
    "ContinueAsNewWorkflowExecution": {
        "input": DATA, "execution_start_to_close_timeout": st.none() | FIRE,
        "task_list": st.none() | TASK_LIST.map(lambda n: {"name": n}), "task_priority": PRIORITY,
        "task_start_to_close_timeout": TIMEOUT, "child_policy": POLICY, "tag_list": TAGS,
        "workflow_type_version": st.none() | VERSION, "lambda_role": st.none() | st.text(min_size=1, max_size=1600)},
    "RecordMarker": {"marker_name": st.text(min_size=1, max_size=256), "details": DATA},
    "StartTimer": {"timer_id": IDENT, "start_to_fire_timeout": FIRE, "control": DATA},
    "CancelTimer": {"timer_id": IDENT},
    "SignalExternalWorkflowExecution": {
        "workflow_id": IDENT, "signal_name": st.text(min_size=1, max_size=256), "run_id": RUN_ID,
        "input": DATA, "control": DATA},
    "RequestCancelExternalWorkflowExecution": {
        "workflow_id": IDENT, "run_id": RUN_ID, "control": DATA},
    "StartChildWorkflowExecution": {
        "workflow_type": TYPE, "workflow_id": IDENT, "input": DATA, "control": DATA,
        "execution_start_to_close_timeout": st.none() | FIRE, "task_list": st.none() | TASK_LIST,
        "task_priority": PRIORITY, "task_start_to_close_timeout": TIMEOUT, "child_policy": POLICY,
        "tag_list": TAGS, "lambda_role": st.none() | st.text(min_size=1, max_size=1600)},
    "ScheduleLambdaFunction": {
        "id": IDENT, "name": st.text(min_size=1, max_size=64), "input": DATA, "control": DATA,
        "start_to_close_timeout": st.none() | st.integers(1, 900)},
}


def test_good_strategies_cover_every_builder_argument() -> None:
    assert set(GOOD_ARGS) == set(DECISION_ATTRIBUTES)
    for decision_type, build in d.BUILDERS.items():
        assert set(GOOD_ARGS[decision_type]) == set(_parameters(build)), decision_type


@pytest.mark.parametrize("decision_type", sorted(DECISION_ATTRIBUTES))
@SETTINGS
@given(data=st.data())
def test_good_values_always_validate(decision_type: str, data: st.DataObject) -> None:
    args = data.draw(st.fixed_dictionaries(GOOD_ARGS[decision_type]))
    decision = d.BUILDERS[decision_type](**args)
    wire = decision.to_dict()
    assert Decision.from_dict(json.loads(json.dumps(wire))) == decision
    assert Decisions([decision]).to_list() == [wire]


# -- known-bad values: each must be refused, at the member it was put in ---------------------------
BAD_IDENT = st.one_of(
    st.just(""), st.just("arn"), st.text(min_size=257, max_size=300),
    st.tuples(st.text(max_size=5), st.sampled_from([":", "/", "|"] + [chr(c) for c in range(0, 0x20)]
                                                    + [chr(c) for c in range(0x7F, 0xA0)]), st.text(max_size=5))
    .map("".join),
)
BAD_TIMEOUT = st.one_of(st.integers(max_value=-1), st.integers(min_value=31_536_001),
                        st.text(max_size=10).filter(lambda s: not (s.isascii() and s.isdigit()) and s != "NONE"),
                        st.floats(), st.booleans())
BAD_PRIORITY = st.one_of(st.integers(max_value=-2**31 - 1), st.integers(min_value=2**31),
                         st.text(max_size=12).filter(lambda s: not s.lstrip("+-").isdigit()), st.floats())


@SETTINGS
@given(ident=BAD_IDENT, which=st.sampled_from(["activity_id", "task_list", "activity_type"]))
def test_bad_identifiers_are_always_refused(ident: str, which: str) -> None:
    args: Dict[str, Any] = {"activity_id": "a", "activity_type": ("A", "1")}
    args[which] = (ident, "1") if which == "activity_type" else ident
    with pytest.raises(ValidationError) as caught:
        d.schedule_activity_task(**args)
    member = {"activity_id": "activityId", "task_list": "taskList.name", "activity_type": "activityType.name"}
    assert caught.value.path == "scheduleActivityTaskDecisionAttributes." + member[which]


@SETTINGS
@given(timeout=BAD_TIMEOUT, priority=BAD_PRIORITY, size=st.integers(32_769, 40_000))
def test_bad_timeouts_priorities_and_sizes_are_always_refused(timeout: Any, priority: Any, size: int) -> None:
    key = "scheduleActivityTaskDecisionAttributes."
    for kwargs, member in (({"heartbeat_timeout": timeout}, "heartbeatTimeout"),
                           ({"task_priority": priority}, "taskPriority"),
                           ({"input": "x" * size}, "input")):
        with pytest.raises(ValidationError) as caught:
            d.schedule_activity_task("a", ("A", "1"), **kwargs)
        assert caught.value.path == key + member
    with pytest.raises(ValidationError):
        d.start_timer("t", timeout)
