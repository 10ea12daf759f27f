"""The diamond flow's scenarios, each under run_local and on the embedded server."""
from __future__ import annotations

import json

import pytest

import diamond_flow as d
from swfkit import flows

TP = "2026120500"
ALL = ["extract", "clean_orders", "clean_users", "archive", "join", "publish"]


@pytest.fixture(autouse=True)
def fresh() -> None:
    d.reset()


def counts_of(*steps: str) -> dict:
    return {"%s.%s" % (s, a): 1 for s in steps for a in ("check", "work", "note")}


def states(state: flows.FlowState) -> dict:
    return {name: step.state for name, step in state.steps.items()}


def test_run_completes_with_pre_main_post_in_order(make_engine, tmp_path) -> None:
    engine = make_engine(log_dir=str(tmp_path))
    context = {"db": "warehouse", "nested": {"rows": [1, 2]}}
    state = engine.run(d.DIAMOND, TP, context=context)
    assert state.status == "completed", state.reason
    assert list(state.steps) == ALL
    assert states(state) == {s: "completed" for s in ALL}
    assert dict(d.COUNTS) == counts_of(*ALL)
    extract = state.steps["extract"]
    assert [(a.name, a.kind, a.state, a.attempts) for a in extract.actions] == [
        ("check", "pre", "completed", 1), ("work", "main", "completed", 1), ("note", "post", "completed", 1)]
    # pre, then main, then post: each action starts after the previous one ended
    for step in state.steps.values():
        ends = [(a.started, a.ended) for a in step.actions]
        assert all(ends[i][1] <= ends[i + 1][0] for i in range(len(ends) - 1)), step
        assert step.from_run == state.run_id and step.attempts == 1
    # every action got its own copy of the context; the caller's is untouched
    assert context == {"db": "warehouse", "nested": {"rows": [1, 2]}}
    assert len({id(c) for c in d.SEEN_CONTEXTS}) == 18
    assert all(c["db"] == "warehouse" and c["nested"] == {"rows": [1, 2]} for c in d.SEEN_CONTEXTS)
    # per flow and per step log files
    flow_log = (tmp_path / "diamond" / "diamond.log").read_text().splitlines()
    step_log = (tmp_path / "diamond" / "join.log").read_text().splitlines()
    assert any(line.endswith("[%s] join INFO started" % TP) for line in step_log)
    assert any(line.endswith("[%s] join.work INFO context has 2 keys" % TP) for line in step_log)
    assert all(" join" in line for line in step_log)
    assert len(flow_log) > len(step_log) and any(" extract.check INFO " in line for line in flow_log)
    # status reads the same state back
    again = engine.status(d.DIAMOND, TP)
    assert again.to_dict() == state.to_dict()
    json.dumps(again.to_dict())


def test_failed_step_then_recover_reruns_only_it_and_its_descendants(make_engine) -> None:
    engine = make_engine()
    d.FAILING.add("clean_users.work")
    failed = engine.run(d.DIAMOND, TP, context={"db": "w"})
    assert failed.status == "failed" and failed.failed_steps == ["clean_users"]
    assert "clean_users" in failed.reason
    assert states(failed) == {"extract": "completed", "clean_orders": "completed", "clean_users": "failed",
                              "archive": "completed", "join": "skipped", "publish": "skipped"}
    users = failed.steps["clean_users"]
    assert [a.state for a in users.actions] == ["completed", "failed", "skipped"]  # the post action never ran
    assert "failed on purpose" in users.reason
    # the independent branch (archive) finished; nothing after the failure ran
    assert dict(d.COUNTS) == dict(counts_of("extract", "clean_orders", "archive"),
                                  **{"clean_users.check": 1, "clean_users.work": 1})
    d.reset()
    recovered = engine.recover(d.DIAMOND, TP)
    assert recovered.status == "completed"
    assert recovered.continues_from == failed.run_id and recovered.operation == "recover"
    assert dict(d.COUNTS) == counts_of("clean_users", "join", "publish")
    assert {n: s.from_run for n, s in recovered.steps.items()} == {
        "extract": failed.run_id, "clean_orders": failed.run_id, "archive": failed.run_id,
        "clean_users": recovered.run_id, "join": recovered.run_id, "publish": recovered.run_id}
    assert all(c == {"db": "w"} or c.get("touched_by") for c in d.SEEN_CONTEXTS)  # the same context again
    with pytest.raises(flows.FlowRefused, match="completed; there is nothing to recover"):
        engine.recover(d.DIAMOND, TP)


def test_run_one_and_run_from_on_a_completed_run(make_engine) -> None:
    engine = make_engine()
    first = engine.run(d.DIAMOND, TP)
    assert first.status == "completed"
    d.reset()
    one = engine.run_one(d.DIAMOND, TP, "join")
    assert one.status == "completed" and one.operation == "run_one" and one.continues_from == first.run_id
    assert dict(d.COUNTS) == counts_of("join")
    assert one.steps["join"].from_run == one.run_id and one.steps["publish"].from_run == first.run_id
    d.reset()
    again = engine.run_from(d.DIAMOND, TP, "clean_orders")
    assert again.status == "completed"
    assert dict(d.COUNTS) == counts_of("clean_orders", "join", "publish")
    assert {n: s.from_run for n, s in again.steps.items()} == {
        "extract": first.run_id, "clean_users": first.run_id, "archive": first.run_id,
        "clean_orders": again.run_id, "join": again.run_id, "publish": again.run_id}


def test_operations_that_make_no_sense_are_refused(make_engine) -> None:
    engine = make_engine()
    assert engine.status(d.DIAMOND, TP).status == "not_run"
    for operation in ("recover", "run_one", "run_from"):
        args = (d.DIAMOND, TP) if operation == "recover" else (d.DIAMOND, TP, "join")
        with pytest.raises(flows.FlowRefused, match="never run for this timeperiod"):
            getattr(engine, operation)(*args)
    d.FAILING.add("clean_users.check")
    assert engine.run(d.DIAMOND, TP).failed_steps == ["clean_users"]
    with pytest.raises(flows.FlowRefused, match="step join depends on clean_users, which has not completed"):
        engine.run_one(d.DIAMOND, TP, "join")
    with pytest.raises(flows.FlowRefused, match="step publish depends on join, which has not completed"):
        engine.run_from(d.DIAMOND, TP, "publish")
    with pytest.raises(flows.FlowRefused, match="step join also depends on clean_users"):
        engine.run_from(d.DIAMOND, TP, "clean_orders")
    with pytest.raises(flows.FlowDefinitionError, match="no step 'nope'"):
        engine.run_one(d.DIAMOND, TP, "nope")
    with pytest.raises(flows.FlowDefinitionError, match="timeperiod"):
        engine.run(d.DIAMOND, "2026/12")
    with pytest.raises(ValueError, match="context"):
        engine.run(d.DIAMOND, "2026120600", context={"when": object()})


def _max_running_steps(events) -> int:
    running = peak = 0
    for event in events:
        if event["eventType"] == "MarkerRecorded":
            details = json.loads(event["markerRecordedEventAttributes"]["details"])
            running -= len(details.get("completed", ())) + len(details.get("failed", ()))
            running += len(details.get("started", ()))
            peak = max(peak, running)
    return peak


@pytest.mark.parametrize("max_parallel, expected", [(1, 1), (2, 2), (None, 3)])
def test_max_parallel_bounds_the_steps_running_at_once(make_engine, max_parallel, expected) -> None:
    engine = make_engine(max_parallel=max_parallel, **({} if max_parallel == 1 else {"worker_threads": 4}))
    d.SLEEP["seconds"] = 0.3
    state = engine.run(d.DIAMOND, TP)
    assert state.status == "completed"
    backend = engine.backend
    if hasattr(backend, "runs"):  # in-process: actions run one by one; the DAG walk is what is bounded
        events = backend.runs[("diamond", TP)][-1][1]
    else:  # on the server: the main actions really overlap (each sleeps 0.3 s)
        events = backend.events({"workflowId": state.workflow_id, "runId": state.run_id})
        assert d.max_concurrency() == expected
    assert _max_running_steps(events) == expected


def test_one_open_run_per_flow_and_timeperiod(swf_endpoint) -> None:
    from flows_testing import DOMAIN, client

    swf = client(swf_endpoint)
    engine = flows.Engine(swf, DOMAIN, wait=False)  # no decider anywhere: the run stays open
    started = engine.run(d.DIAMOND, TP)
    assert started.status == "running" and started.workflow_id == "flow.diamond.%s" % TP
    assert states(started) == {s: "pending" for s in ALL}
    for operation, args in (("run", ()), ("recover", ()), ("run_one", ("extract",))):
        with pytest.raises(flows.FlowAlreadyRunning, match="run %s is still open" % started.run_id):
            getattr(engine, operation)(d.DIAMOND, TP, *args)
    other = engine.run(d.DIAMOND, "2026120600")  # another timeperiod is another run
    assert other.status == "running" and other.run_id != started.run_id
    swf.terminate_workflow_execution(domain=DOMAIN, workflow_id=started.workflow_id, reason="test")
    closed = engine.status(d.DIAMOND, TP)
    assert closed.status == "terminated" and states(closed) == {s: "skipped" for s in ALL}
    assert engine.recover(d.DIAMOND, TP).status == "running"  # a terminated run can be recovered
