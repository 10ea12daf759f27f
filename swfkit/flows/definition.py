"""``Flow`` and ``Step``: a DAG of steps, each made of pre actions, one main action and post actions.

The DAG is checked when the flow is defined: duplicate step names, an unknown dependency (naming
the step and the missing name) and a cycle (naming the steps around it) raise
``FlowDefinitionError``. An action is a ``futures.activity`` function (it keeps its own type,
timeouts, task list and retry policy) or any object with ``run(context)`` (run through the flow's
own activity type, with the step's ``retry``, ``backoff`` and ``timeout``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Tuple, Union

from swfkit.flows.flow_errors import FlowDefinitionError
from swfkit.futures import Activity

__all__ = ["Action", "Step", "Flow", "check_name", "NAME_RULE"]

#: Flow names and timeperiods go into the workflow id ``flow.<name>.<timeperiod>`` and into log file
#: paths, so they keep to letters, digits, ``_`` and ``-`` (no ``.``: the id stays unambiguous).
_FLOW_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,99}\Z")
#: Step and action names also allow ``.`` (they name log files and markers, never the workflow id).
_STEP_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\Z")
NAME_RULE = "1-100 letters, digits, '_' or '-', starting with a letter or digit"
KINDS = ("pre", "main", "post")


def check_name(value: Any, what: str, *, dots: bool = False, flow: Optional[str] = None) -> str:
    """``value`` if it is a valid flow / step name, else ``FlowDefinitionError`` naming ``what``."""
    pattern = _STEP_NAME if dots else _FLOW_NAME
    if not isinstance(value, str) or not pattern.match(value) or (dots and ".." in value):
        rule = NAME_RULE + (" (and '.')" if dots else "")
        raise FlowDefinitionError("%s: must be %s, got %r" % (what, rule, value), flow=flow)
    return value


@dataclass(frozen=True)
class Action:
    """One action of a step, as the flow runs it.

    Attributes:
        name: unique within its step (the activity's or the object's name, ``#2``... when repeated).
        kind: "pre", "main" or "post".
        target: the ``futures.activity`` function or the object with ``run(context)``.
    """

    name: str
    kind: str
    target: Any

    @property
    def is_activity(self) -> bool:
        """True for a ``futures.activity`` function (scheduled as its own activity type)."""
        return isinstance(self.target, Activity)


def _action_name(target: Any) -> str:
    raw: Any = target.name if isinstance(target, Activity) else getattr(target, "name", None)
    if not isinstance(raw, str) or not raw:
        raw = type(target).__name__
    cleaned = re.sub(r"[^A-Za-z0-9_.-]+", "_", raw).strip("._-")[:90]
    return cleaned or "action"


def _actions(step: str, main: Any, pre: Sequence[Any], post: Sequence[Any]) -> Tuple[Action, ...]:
    made: List[Action] = []
    seen: Dict[str, int] = {}
    for kind, targets in (("pre", pre), ("main", [main]), ("post", post)):
        for index, target in enumerate(targets):
            where = "step %s: %s" % (step, kind if kind == "main" else "%s[%d]" % (kind, index))
            if not isinstance(target, Activity) and not callable(getattr(target, "run", None)):
                raise FlowDefinitionError("%s: an action is a futures.activity function or an object with "
                                          "run(context), got %r" % (where, target), step=step)
            base = _action_name(target)
            seen[base] = seen.get(base, 0) + 1
            made.append(Action(base if seen[base] == 1 else "%s#%d" % (base, seen[base]), kind, target))
    return tuple(made)


class Step:
    """One node of a flow: ``pre`` actions in order, then ``main``, then ``post`` actions.

    Args:
        name: unique in the flow (letters, digits, ``_ - .``); it names the step's log file.
        main: the main action. pre, post: actions run before / after it.
        depends_on: names of the steps that must complete first.
        task_list: task list of this step's actions (default: the activity's own, else the flow's).
        retry, backoff: retries (and seconds before the first, doubling) of its ``run(context)``
            actions; a ``futures.activity`` keeps its own policy.
        timeout: start-to-close seconds of its ``run(context)`` actions.

    Raises:
        FlowDefinitionError: a bad name, action, dependency list, retry or timeout.
    """

    def __init__(self, name: str, main: Any, pre: Sequence[Any] = (), post: Sequence[Any] = (), *,
                 depends_on: Union[str, Sequence[str]] = (), task_list: Optional[str] = None, retry: int = 0,
                 backoff: Optional[float] = None, timeout: Union[int, str] = 3600) -> None:
        self.name = check_name(name, "Step name", dots=True)
        if isinstance(depends_on, str):
            depends_on = [depends_on]
        if not isinstance(pre, (list, tuple)) or not isinstance(post, (list, tuple)):
            raise FlowDefinitionError("step %s: pre and post: must be lists of actions" % name, step=name)
        if not isinstance(retry, int) or isinstance(retry, bool) or retry < 0:
            raise FlowDefinitionError("step %s: retry: must be an int >= 0, got %r" % (name, retry), step=name)
        if backoff is not None and (isinstance(backoff, bool) or not isinstance(backoff, (int, float)) or backoff < 0):
            raise FlowDefinitionError("step %s: backoff: must be seconds >= 0 or None, got %r" % (name, backoff),
                                      step=name)
        if isinstance(timeout, bool) or not isinstance(timeout, (int, str)) or (isinstance(timeout, int) and timeout < 1):
            raise FlowDefinitionError("step %s: timeout: must be whole seconds >= 1 or 'NONE', got %r"
                                      % (name, timeout), step=name)
        if task_list is not None and (not isinstance(task_list, str) or not task_list):
            raise FlowDefinitionError("step %s: task_list: must be a non-empty str, got %r" % (name, task_list),
                                      step=name)
        deps = list(depends_on)
        for dep in deps:
            if not isinstance(dep, str):
                raise FlowDefinitionError("step %s: depends_on: step names are str, got %r" % (name, dep), step=name)
        if len(set(deps)) != len(deps):
            raise FlowDefinitionError("step %s: depends_on names a step twice: %s" % (name, ", ".join(deps)), step=name)
        if name in deps:
            raise FlowDefinitionError("step %s depends on itself (cycle: %s -> %s)" % (name, name, name),
                                      step=name, cycle=(name, name))
        self.depends_on: Tuple[str, ...] = tuple(deps)
        self.actions = _actions(name, main, pre, post)
        self.task_list, self.retry, self.backoff, self.timeout = task_list, retry, backoff, timeout

    def action(self, name: str) -> Action:
        """The action called ``name`` (KeyError if there is none)."""
        for action in self.actions:
            if action.name == name:
                return action
        raise KeyError("step %s has no action %r" % (self.name, name))

    def __repr__(self) -> str:
        return "Step(%r, actions=%s, depends_on=%s)" % (self.name, [a.name for a in self.actions], list(self.depends_on))


def _find_cycle(steps: Mapping[str, Step]) -> Optional[List[str]]:
    """A cycle of ``steps`` as a path (first name repeated last), or None."""
    color: Dict[str, int] = {}  # 1: on the current path, 2: finished
    for root in steps:
        if root in color:
            continue
        path: List[str] = [root]
        stack: List[Iterable[str]] = [iter(steps[root].depends_on)]
        color[root] = 1
        while stack:
            dep = next(stack[-1], None)  # type: ignore[call-overload]
            if dep is None:
                color[path.pop()] = 2
                stack.pop()
            elif color.get(dep) == 1:
                return path[path.index(dep):] + [dep]
            elif dep not in color:
                color[dep] = 1
                path.append(dep)
                stack.append(iter(steps[dep].depends_on))
    return None


class Flow:
    """A named DAG of steps, run once per processing timeperiod.

    Args:
        name: the flow's name (letters, digits, ``_``, ``-``); workflow ids are
            ``flow.<name>.<timeperiod>``, its workflow and action types ``flow.<name>``.
        steps: the ``Step`` objects, in any order (ties between ready steps go in this order).
        version: the workflow (and action) type version. Change it when the DAG changes.
        task_list: the decision task list (default ``flow.<name>``).
        activity_task_list: where actions go unless their step or activity says otherwise
            (default ``flow.<name>.actions``).
        execution_timeout: seconds a run may take (default 24 h).

    Raises:
        FlowDefinitionError: a duplicate step name, an unknown dependency, a cycle, a bad name.
    """

    def __init__(self, name: str, steps: Sequence[Step], *, version: str = "1", task_list: Optional[str] = None,
                 activity_task_list: Optional[str] = None, execution_timeout: int = 86400) -> None:
        self.name = check_name(name, "Flow name")
        if not isinstance(steps, (list, tuple)) or not steps:
            raise FlowDefinitionError("flow %s: steps: give at least one Step" % name, flow=name)
        by_name: Dict[str, Step] = {}
        for step in steps:
            if not isinstance(step, Step):
                raise FlowDefinitionError("flow %s: steps: expected Step objects, got %r" % (name, step), flow=name)
            if step.name in by_name:
                raise FlowDefinitionError("flow %s: duplicate step name %r" % (name, step.name), flow=name,
                                          step=step.name)
            if step.name == name:
                raise FlowDefinitionError("flow %s: a step may not be named like its flow (both log to %s.log)"
                                          % (name, name), flow=name, step=name)
            by_name[step.name] = step
        for step in steps:
            for dep in step.depends_on:
                if dep not in by_name:
                    raise FlowDefinitionError("flow %s: step %s depends on %r, which is not a step of the flow"
                                              % (name, step.name, dep), flow=name, step=step.name)
        cycle = _find_cycle(by_name)
        if cycle:
            raise FlowDefinitionError("flow %s: the steps form a cycle: %s" % (name, " -> ".join(reversed(cycle))),
                                      flow=name, cycle=tuple(reversed(cycle)))
        self.steps: Dict[str, Step] = by_name
        self.version = str(version)
        self.task_list = task_list or "flow.%s" % name
        self.activity_task_list = activity_task_list or "flow.%s.actions" % name
        self.execution_timeout = execution_timeout
        self.children: Dict[str, Tuple[str, ...]] = {
            s: tuple(other.name for other in steps if s in other.depends_on) for s in by_name}
        self.order: Tuple[str, ...] = self._topological()

    def _topological(self) -> Tuple[str, ...]:
        """Steps with every step after its dependencies; ties in definition order."""
        placed: List[str] = []
        done: Set[str] = set()
        remaining = list(self.steps)
        while remaining:
            ready = [s for s in remaining if all(d in done for d in self.steps[s].depends_on)]
            placed.extend(ready)
            done.update(ready)
            remaining = [s for s in remaining if s not in done]
        return tuple(placed)

    def step(self, name: str) -> Step:
        """The step ``name``.

        Raises:
            FlowDefinitionError: the flow has no such step (naming the flow's steps).
        """
        try:
            return self.steps[name]
        except KeyError:
            raise FlowDefinitionError("flow %s has no step %r (steps: %s)" % (self.name, name, ", ".join(self.order)),
                                      flow=self.name, step=name) from None

    def descendants(self, name: str) -> Tuple[str, ...]:
        """Every step derived from ``name`` (not ``name`` itself), in topological order."""
        found = set()
        frontier = [name]
        while frontier:
            for child in self.children[frontier.pop()]:
                if child not in found:
                    found.add(child)
                    frontier.append(child)
        return tuple(s for s in self.order if s in found)

    def __repr__(self) -> str:
        return "Flow(%r, steps=%s)" % (self.name, list(self.order))
