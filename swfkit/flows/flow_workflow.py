"""A flow as a futures workflow: the DAG walk the decider replays, and its action activities.

``FlowProgram(flow)`` builds, once per flow (and log directory):

- ``workflow_class``: an ``@futures.workflow`` named ``flow.<name>``. Its input is the run's plan
  (which steps to run, which count as completed by earlier runs, the context, ``max_parallel``).
  It starts every step whose dependencies completed, up to ``max_parallel`` at once; within a step
  it submits the pre actions in order, then main, then post, each after the previous completed. A
  failed action fails its step, its descendants are skipped, independent branches finish, and the
  run then fails naming its failed steps. Step progress is recorded in ``flow.steps`` markers (one per pass: the steps
  started, completed, failed and skipped).
- one ``ActionActivity`` per (step, action): the action's activity type and retry policy, with
  ``control = "<step>/<action>"`` so a history tells which step and action each activity was.
- ``register(worker)``: the handlers a worker runs for the action types on its task list.
"""
from __future__ import annotations

import dataclasses
import heapq
import json
from typing import Any, Dict, List, Optional, Set, Tuple

from swfkit import futures
from swfkit.actors import ActivityTypeRegistration, Worker
from swfkit.flows.action_runner import run_action
from swfkit.flows.definition import Action, Flow, Step
from swfkit.flows.flow_names import PROGRESS_MARKER, action_control
from swfkit.futures import Activity, FutureError

__all__ = ["ActionActivity", "FlowProgram", "program_for"]

MAX_REASON = 256
#: Characters of an action's failure kept in the progress marker.
MAX_DETAIL = 500


class ActionActivity(Activity):
    """An action's activity: the action's type, timeouts and retry policy, scheduled with a
    ``control`` naming the step and the action."""

    def __init__(self, func: Any, registration: ActivityTypeRegistration, *, control: str, retry: int,
                 backoff: Optional[float]) -> None:
        super().__init__(func, registration, retry=retry, backoff=backoff, idempotent=False, serializer=futures.JSON)
        self.control = control

    def schedule_options(self) -> Dict[str, Any]:
        options = super().schedule_options()
        options["control"] = self.control
        return options


class FlowProgram:
    """The futures workflow and activities that run ``flow`` (see the module docstring).

    Args:
        flow: the ``Flow``. log_dir: where actions run here write their log files (None: none).
    """

    def __init__(self, flow: Flow, log_dir: Optional[str] = None) -> None:
        self.flow, self.log_dir = flow, log_dir

        def dispatch(context: Any, meta: Dict[str, Any]) -> Any:
            return run_action(flow, meta, context, log_dir)
        dispatch.__qualname__ = dispatch.__name__ = "flow_%s_action" % flow.name.replace("-", "_")
        self.dispatch = dispatch
        self.object_type = ActivityTypeRegistration(
            "flow.%s" % flow.name, flow.version, task_list=flow.activity_task_list,
            schedule_to_start_timeout="NONE", start_to_close_timeout=3600, schedule_to_close_timeout="NONE",
            heartbeat_timeout="NONE", description="run(context) actions of flow %s" % flow.name)
        self.activities: Dict[Tuple[str, str], ActionActivity] = {}
        for step in flow.steps.values():
            for action in step.actions:
                self.activities[(step.name, action.name)] = self._activity(step, action)
        self.position = {name: index for index, name in enumerate(flow.order)}
        self._initial: Dict[Any, InitialState] = {}
        self.workflow_class = self._workflow_class()

    def _activity(self, step: Step, action: Action) -> ActionActivity:
        control = action_control(step.name, action.name)
        if action.is_activity:
            user: Activity = action.target
            declared = user.swfkit_activity.task_list
            registration = dataclasses.replace(
                user.swfkit_activity, task_list=step.task_list or declared or self.flow.activity_task_list)
            return ActionActivity(self.dispatch, registration, control=control, retry=user.retry, backoff=user.backoff)
        registration = dataclasses.replace(self.object_type, task_list=step.task_list or self.flow.activity_task_list,
                                           start_to_close_timeout=step.timeout)
        return ActionActivity(self.dispatch, registration, control=control, retry=step.retry, backoff=step.backoff)

    def initial_state(self, selected: Optional[List[str]], inherited: Dict[str, Any]) -> "InitialState":
        """Where a run of these steps, with these inherited, starts (computed once per plan shape:
        every decision replays the walk, and this part is the same each time)."""
        key = (None if selected is None else tuple(selected), tuple(sorted(inherited)))
        found = self._initial.get(key)
        if found is None:
            found = self._initial[key] = _initial_state(self.flow, self.position, selected, set(inherited))
        return found

    @property
    def task_lists(self) -> List[str]:
        """Every task list the flow's actions go to, sorted."""
        return sorted({str(a.swfkit_activity.task_list) for a in self.activities.values()})

    def activity_types(self) -> List[ActivityTypeRegistration]:
        """One registration per action type (for ``ensure_registered``)."""
        found: Dict[Tuple[str, str], ActivityTypeRegistration] = {}
        for act in self.activities.values():
            found.setdefault((act.name, act.version), act.swfkit_activity)
        return list(found.values())

    def register(self, worker: Worker) -> Worker:
        """Add to ``worker`` the handlers of the action types scheduled on its task list; returns it."""
        done: Set[Tuple[str, str]] = set()
        for act in self.activities.values():
            if act.swfkit_activity.task_list == worker.task_list and (act.name, act.version) not in done:
                done.add((act.name, act.version))
                act.register(worker)
        return worker

    def _workflow_class(self) -> Any:
        program = self

        class FlowRun:
            def run(self, plan: Dict[str, Any]) -> Dict[str, Any]:
                return walk(self, program, plan)

        FlowRun.__name__ = FlowRun.__qualname__ = "FlowRun_%s" % self.flow.name.replace("-", "_")
        return futures.workflow(name="flow.%s" % self.flow.name, version=self.flow.version,
                                task_list=self.flow.task_list, activity_task_list=self.flow.activity_task_list,
                                execution_start_to_close_timeout=self.flow.execution_timeout,
                                task_start_to_close_timeout=60)(FlowRun)


@dataclasses.dataclass(frozen=True)
class InitialState:
    """A run's starting point: steps skipped at once (with the steps they wait for), the number of
    unmet dependencies of each step to run, the steps ready at once (a heap by topological position)."""

    skipped: Tuple[Tuple[str, List[str]], ...]
    unmet: Dict[str, int]
    ready: Tuple[Tuple[int, str], ...]


def _initial_state(flow: Flow, position: Dict[str, int], selected: Optional[List[str]],
                   done: Set[str]) -> InitialState:
    todo = set(flow.order if selected is None else selected)
    skipped: Dict[str, List[str]] = {}
    unmet: Dict[str, int] = {}
    ready: List[Tuple[int, str]] = []
    for name in flow.order:
        if name not in todo:
            continue
        deps = flow.steps[name].depends_on
        blocked = [d for d in deps if d in skipped or (d not in todo and d not in done)]
        if blocked:
            skipped[name] = blocked
            continue
        unmet[name] = sum(1 for d in deps if d not in done)
        if not unmet[name]:
            heapq.heappush(ready, (position[name], name))
    return InitialState(tuple(skipped.items()), unmet, tuple(ready))


class _Progress:
    """The step changes of one pass of the walk, recorded as ``flow.steps`` markers (one per pass,
    split only if the details would exceed SWF's 32,768 characters)."""

    LIMIT = 30_000

    def __init__(self) -> None:
        self.changes: List[Tuple[str, str, Any]] = []  # (state, step, extra)

    def add(self, state: str, step: str, extra: Any = None) -> None:
        self.changes.append((state, step, extra))

    def flush(self, wf: Any) -> None:
        if self.changes:
            self._record(wf, self.changes)
            self.changes = []

    def _record(self, wf: Any, changes: List[Tuple[str, str, Any]]) -> None:
        details: Dict[str, Any] = {}
        for state, step, extra in changes:
            if state in ("started", "completed"):
                details.setdefault(state, []).append(step)
            else:
                details.setdefault(state, {})[step] = extra
        if len(changes) > 1 and len(json.dumps(details)) > self.LIMIT:
            half = len(changes) // 2
            self._record(wf, changes[:half])
            self._record(wf, changes[half:])
        else:
            wf.record_marker(PROGRESS_MARKER, details)


def walk(wf: Any, program: FlowProgram, plan: Dict[str, Any]) -> Dict[str, Any]:
    """The flow run's workflow code (replayed on every decision; deterministic by construction).

    Work per replay is linear in steps plus actions: ready steps wait in a heap by topological
    position, and a completed step only visits its children.
    """
    flow = program.flow
    position = program.position
    timeperiod, context = plan["timeperiod"], plan.get("context")
    selected = plan.get("steps")
    done = set(plan.get("inherited") or ())
    max_parallel = plan.get("max_parallel") or 0
    states: Dict[str, str] = {}
    failed: Dict[str, str] = {}
    running: Dict[str, List[Any]] = {}  # step -> [action index, future]
    progress = _Progress()

    def submit(step: str, index: int) -> Any:
        action = flow.steps[step].actions[index]
        meta = {"timeperiod": timeperiod, "step": step, "action": action.name}
        return wf.submit(program.activities[(step, action.name)], context, meta)

    initial = program.initial_state(selected, plan.get("inherited") or {})
    unmet, ready = dict(initial.unmet), list(initial.ready)
    for name, blocked in initial.skipped:
        states[name] = "skipped"
        progress.add("skipped", name, blocked)
    while True:
        while ready and (not max_parallel or len(running) < max_parallel):
            _, name = heapq.heappop(ready)
            progress.add("started", name)
            running[name] = [0, submit(name, 0)]
        progress.flush(wf)
        if not running:
            break
        finished, _ = futures.wait([entry[1] for entry in running.values()], return_when=futures.FIRST_COMPLETED)
        finished_ids = set(map(id, finished))
        for name, (index, future) in list(running.items()):
            if id(future) not in finished_ids:
                continue
            actions = flow.steps[name].actions
            try:
                future.result()
            except FutureError as err:
                del running[name]
                states[name] = "failed"
                failed[name] = "%s action %s: %s" % (actions[index].kind, actions[index].name, err)
                progress.add("failed", name, {"action": actions[index].name, "reason": str(err)[:MAX_DETAIL]})
                for descendant in flow.descendants(name):
                    if descendant in unmet and descendant not in states:
                        states[descendant] = "skipped"
                        progress.add("skipped", descendant, [name])
                continue
            if index + 1 < len(actions):
                running[name] = [index + 1, submit(name, index + 1)]
                continue
            del running[name]
            states[name] = "completed"
            done.add(name)
            progress.add("completed", name)
            for child in flow.children[name]:
                if child in unmet and child not in states:
                    unmet[child] -= 1
                    if not unmet[child]:
                        heapq.heappush(ready, (position[child], child))
    if failed:
        reason = "flow %s failed: steps %s" % (flow.name, ", ".join(failed))
        if len(reason) > MAX_REASON:
            reason = reason[:MAX_REASON - 3] + "..."
        wf.fail(reason, json.dumps({"failed": failed}, sort_keys=True))
    return {"completed": sum(1 for s in states.values() if s == "completed"),
            "skipped": sum(1 for s in states.values() if s == "skipped")}


_PROGRAMS: Dict[Tuple[int, Optional[str]], FlowProgram] = {}


def program_for(flow: Flow, log_dir: Optional[str] = None) -> FlowProgram:
    """The ``FlowProgram`` of ``flow`` (built once per flow object and log directory)."""
    key = (id(flow), log_dir)
    program = _PROGRAMS.get(key)
    if program is None or program.flow is not flow:
        program = _PROGRAMS[key] = FlowProgram(flow, log_dir)
    return program
