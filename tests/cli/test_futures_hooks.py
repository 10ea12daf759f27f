"""The futures layer through the ``swfkit`` command, by its duck-typed hooks (the CLI never imports
swfkit.futures): ``decider start MODULE:WorkflowClass``, ``worker start MODULE`` (a module's
@activity functions) and ``workflow start --local MODULE:WorkflowClass``.

The real run uses examples/futures/arith_futures.py ((x + 1) * 2) with a decider and a worker pool as
``swfkit`` processes against the embedded server; the other cases use a small module of futures
workflows written into tmp_path.
"""
from __future__ import annotations

import json
import os
import pathlib
import signal
import subprocess
import sys
import time
import types
import uuid
from typing import Any, Callable, Iterator, List, Tuple

import pytest

from swfkit.cli.actor_commands import load_target, module_activities
from tests.cli.conftest import one_line

REPO = pathlib.Path(__file__).resolve().parents[2]
EXAMPLES = REPO / "examples" / "futures"

FLOWS = '''
from swfkit import futures


@futures.activity(task_list="hooks-work", start_to_close_timeout=30)
def add_one(x):
    return x + 1


plus_one = add_one  # the same activity under a second name: registered once


@futures.activity(task_list="hooks-work")
def explode(x):
    raise ValueError("cannot take %r" % (x,))


@futures.workflow(name="hooks_add", task_list="hooks-decisions")
class AddTwice:
    def run(self, x, *, times=2):
        for _ in range(times):
            x = self.submit(add_one, x).result()
        return x


@futures.workflow(name="hooks_no_task_list")
class NoTaskList:
    def run(self):
        return 1


@futures.workflow(name="hooks_nothing", task_list="hooks-decisions")
class ReturnsNothing:
    def run(self):
        return None


@futures.workflow(name="hooks_fails", task_list="hooks-decisions")
class Fails:
    def run(self, x):
        return self.submit(explode, x).result()


@futures.workflow(name="hooks_gives_up", task_list="hooks-decisions")
class GivesUp:
    def run(self):
        self.fail("NotToday", "line one\\nthe last line says why")


class NotAWorkflow:
    pass


class FakeHook:
    @classmethod
    def swfkit_decider(cls, layer1, *, domain, task_list=None, identity=None):
        return "not a decider"
'''

ELSEWHERE = '''
from swfkit import futures


@futures.activity(task_list="list-a")
def first(x):
    return x


@futures.activity(task_list="list-b")
def second(x):
    return x
'''


@pytest.fixture
def flows(tmp_path: pathlib.Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh module of futures workflows in the current directory; its name (removed afterwards)."""
    name = "hooks_flows_%s" % uuid.uuid4().hex[:8]
    (tmp_path / (name + ".py")).write_text(FLOWS)
    (tmp_path / (name + "_elsewhere.py")).write_text(ELSEWHERE)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))  # the CLI puts the current directory on sys.path
    yield name
    for module in (name, name + "_elsewhere"):
        sys.modules.pop(module, None)


# -- workflow start --local -------------------------------------------------------------------------

def test_local_run_prints_the_result(flows: str, swfkit: Callable[..., Tuple[int, str, str]]) -> None:
    code, out, err = swfkit("workflow", "start", "--local", flows + ":AddTwice", "--input", "[40]")
    assert (code, out, err) == (0, "42\n", "")
    code, out, err = swfkit("workflow", "start", "--local", flows + ":AddTwice",
                            "--input", '{"args": [1], "kwargs": {"times": 5}}', "--json")
    assert code == 0 and json.loads(out) == {"status": "completed", "result": 6}  # not JSON text inside JSON
    code, out, err = swfkit("workflow", "start", "--local", flows + ":ReturnsNothing")
    assert (code, out) == (0, "null\n")


def test_local_run_of_a_failing_workflow_is_one_line(flows: str, swfkit: Callable[..., Tuple[int, str, str]]) -> None:
    code, out, err = swfkit("workflow", "start", "--local", flows + ":Fails", "--input", "[7]")
    line = one_line(err)
    assert code == 1 and out == ""
    assert line.startswith("swfkit: workflow %s:Fails failed: ActivityFailed: " % flows)
    assert "ValueError: cannot take 7" in line
    code, out, err = swfkit("workflow", "start", "--local", flows + ":GivesUp", "--json")
    assert code == 1 and one_line(err) == "swfkit: workflow %s:GivesUp failed: NotToday (the last line says why)" % flows
    assert json.loads(out) == {"status": "failed", "reason": "NotToday", "details": "line one\nthe last line says why"}


@pytest.mark.parametrize("argv, message", [
    (["--local", "{m}:NotAWorkflow"], "{m}:NotAWorkflow: NotAWorkflow is not a futures @workflow class"),
    (["--local", "{m}:add_one"], "add_one is not a futures @workflow class (it has no swfkit_run_local)"),
    (["--local", "{m}:Missing"], "{m}:Missing: module {m} has no attribute 'Missing'"),
    (["--local", "{m}:AddTwice", "1"], "takes MODULE:CLASS only, got an extra argument '1'"),
    (["--local", "{m}:AddTwice", "--input", "[1"], "--input: not valid JSON"),
    (["--local", "{m}:AddTwice", "--workflow-id", "w", "--tag", "t"],
     "--workflow-id, --tag only apply on an SWF endpoint; drop them"),
    (["hooks_add"], "VERSION is missing: give NAME VERSION (or --local MODULE:CLASS"),
])
def test_local_run_usage_errors(flows: str, swfkit: Callable[..., Tuple[int, str, str]], argv: List[str],
                                message: str) -> None:
    code, out, err = swfkit("workflow", "start", *[arg.format(m=flows) for arg in argv])
    assert code == 2 and out == ""
    assert message.format(m=flows) in one_line(err)


# -- decider start / worker start: what they refuse -------------------------------------------------

@pytest.mark.parametrize("argv, message", [
    (["decider", "start", "{m}:NotAWorkflow"],
     "{m}:NotAWorkflow: NotAWorkflow is not a Decider subclass (swfkit.actors.Decider) nor a futures @workflow class"),
    (["decider", "start", "{m}:add_one"], "add_one is not a Decider subclass"),
    (["decider", "start", "{m}:NoTaskList"],
     "{m}:NoTaskList: no task list: pass --task-list or declare @workflow(task_list=...)"),
    (["decider", "start", "{m}:FakeHook"], "FakeHook.swfkit_decider() returned 'str', not a swfkit.actors.Decider"),
    (["worker", "start", "{m}:AddTwice"],
     "{m}:AddTwice: AddTwice is not a Worker subclass (swfkit.actors.Worker); give MODULE:CLASS for one, or a bare "
     "MODULE of futures @activity functions"),
    (["worker", "start", "{m}_elsewhere"],
     "{m}_elsewhere: its activities declare different task lists (list-a: first/1; list-b: second/1); "
     "pass --task-list to pick one"),
    (["worker", "start", "json"], "json: module json has no futures @activity functions"),
    (["worker", "start", "{m}_nowhere"], "{m}_nowhere: cannot import module {m}_nowhere"),
])
def test_decider_and_worker_refuse_what_they_cannot_run(flows: str, endpoint_env: str, swfkit: Callable[..., Any],
                                                        argv: List[str], message: str) -> None:
    code, out, err = swfkit(*[arg.format(m=flows) for arg in argv])
    assert code == 2 and out == ""
    assert message.format(m=flows) in one_line(err)


def test_a_module_that_fails_to_import_is_named_not_mistaken_for_a_class(
        flows: str, swfkit: Callable[..., Any], tmp_path: pathlib.Path) -> None:
    (tmp_path / "needs_missing_dep.py").write_text("import no_such_dependency_xyz\n")
    try:
        code, _, err = swfkit("worker", "start", "needs_missing_dep")
    finally:
        sys.modules.pop("needs_missing_dep", None)
    assert code == 2
    assert "cannot import module needs_missing_dep: No module named 'no_such_dependency_xyz'" in one_line(err)


def test_module_activities_are_deduplicated_and_sorted(flows: str) -> None:
    module = load_target(flows, modules=True)  # a bare module name loads the module
    assert isinstance(module, types.ModuleType) and module.__name__ == flows
    found = module_activities(module)
    assert [a.swfkit_activity.name for a in found] == ["add_one", "explode"]
    assert found[0] is module.add_one is module.plus_one
    assert module_activities(types.ModuleType("empty")) == []


# -- the real thing: decider and worker pool as processes on the embedded server ----------------------

def _stop(processes: List[subprocess.Popen]) -> List[Tuple[int, str]]:
    for process in processes:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # finish the current poll (2 s here) and task, then exit
    results = []
    for process in processes:
        try:
            process.wait(30)
        finally:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGKILL)
            _, err = process.communicate()
        results.append((process.returncode, err))
    return results


def test_futures_workflow_runs_with_cli_decider_and_worker_pool(swf_endpoint: str, tmp_path: pathlib.Path) -> None:
    env = {name: value for name, value in os.environ.items() if not name.startswith("AWS_")}
    env.update(AWS_ENDPOINT_URL_SWF=swf_endpoint, SWF_DOMAIN="cli-futures", PYTHONPATH=str(REPO),
               HOME=str(tmp_path), AWS_EC2_METADATA_DISABLED="true", AWS_CONFIG_FILE=str(tmp_path / "none"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"))

    def swfkit(*argv: str) -> subprocess.CompletedProcess:
        done = subprocess.run([sys.executable, "-m", "swfkit", *argv], env=env, cwd=EXAMPLES, capture_output=True,
                              text=True, timeout=60)
        assert "Traceback" not in done.stderr, done.stderr
        return done

    # --local first: the same example, in-process, with no endpoint involved
    local = subprocess.run([sys.executable, "-m", "swfkit", "workflow", "start", "--local", "arith_futures:Arithmetic",
                            "--input", "[3]"], env=dict(env, AWS_ENDPOINT_URL_SWF="http://127.0.0.1:9"),
                           cwd=EXAMPLES, capture_output=True, text=True, timeout=60)
    assert (local.returncode, local.stdout, local.stderr) == (0, "8\n", "")

    assert swfkit("domain", "register").returncode == 0
    # Nothing registers the types but the actors' --register: the workflow cannot start before they ran.
    actors = [subprocess.Popen([sys.executable, "-m", "swfkit", kind, "start", spec, "--register", "--processes", count],
                               env=env, cwd=EXAMPLES, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
              for kind, spec, count in (("decider", "arith_futures:Arithmetic", "1"), ("worker", "arith_futures", "2"))]
    try:
        deadline = time.monotonic() + 60
        while True:
            listed = swfkit("type", "list", "all", "--json")
            names = {(t.get("workflowType") or t.get("activityType"))["name"]
                     for t in json.loads(listed.stdout)} if listed.returncode == 0 else set()
            if {"arith_futures", "add_one", "double"} <= names:
                break
            assert all(actor.poll() is None for actor in actors), _stop(actors)
            assert time.monotonic() < deadline, names
            time.sleep(0.3)
        started = swfkit("workflow", "start", "arith_futures", "1", "--workflow-id", "arith-1", "--input", "[3]")
        assert started.returncode == 0 and started.stdout.startswith("started arith-1 run "), started.stderr
        while True:
            info = json.loads(swfkit("workflow", "info", "arith-1", "--json").stdout)
            if info["executionInfo"]["executionStatus"] == "CLOSED":
                break
            assert time.monotonic() < deadline, info
            time.sleep(0.3)
        assert info["executionInfo"]["closeStatus"] == "COMPLETED"
        events = json.loads(swfkit("workflow", "history", "arith-1", "--json").stdout)
        closed = events[-1]
        assert closed["eventType"] == "WorkflowExecutionCompleted"
        assert closed["workflowExecutionCompletedEventAttributes"]["result"] == "8"
        scheduled = [e["activityTaskScheduledEventAttributes"] for e in events if e["eventType"] == "ActivityTaskScheduled"]
        assert [(a["activityType"]["name"], a["input"], a["taskList"]["name"]) for a in scheduled] == [
            ("add_one", "[3]", "arith-work"), ("double", "[4]", "arith-work")]
    finally:
        results = _stop(actors)
    for code, err in results:
        assert code == 0 and "Traceback" not in err, err
