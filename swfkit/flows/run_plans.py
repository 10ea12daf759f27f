"""What a new run of a flow does, decided from the latest run's ``FlowState`` (pure).

- ``run``: every step, nothing inherited (a fresh start: earlier runs' step records no longer count).
- ``recover``: after a run that failed (or timed out, was terminated or canceled): the steps it or
  its predecessors completed are inherited, every other step runs.
- ``run_one``: exactly one step, whose predecessors must have completed.
- ``run_from``: one step and every step derived from it; the steps they depend on outside that
  set must have completed.

Each refusal is a ``FlowRefused`` whose message is one line saying why.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional

from swfkit.exceptions import ValidationError
from swfkit.flows.definition import Flow
from swfkit.flows.flow_errors import FlowAlreadyRunning, FlowRefused
from swfkit.flows.flow_state import FlowState

__all__ = ["OPERATIONS", "plan_run"]

OPERATIONS = ("run", "recover", "run_one", "run_from")


def _check_context(context: Any) -> Any:
    try:
        json.dumps(context, allow_nan=False)
    except (TypeError, ValueError) as err:
        raise ValidationError("flow", "context", "must be JSON-serialisable (names, settings, references to "
                              "secrets): %s" % err) from None
    return context


def plan_run(operation: str, flow: Flow, timeperiod: str, previous: FlowState, *, step: Optional[str] = None,
             context: Any = None, max_parallel: Optional[int] = None) -> Dict[str, Any]:
    """The plan (the flow workflow's input) for ``operation``, or ``FlowRefused`` saying why not.

    Args:
        previous: the latest run's state (``not_run`` when there is none).
        step: the step of run_one / run_from. context: run's context (others reuse the last run's).
    """
    def refuse(why: str) -> FlowRefused:
        return FlowRefused("%s %s %s: %s" % (operation, flow.name, timeperiod, why), operation=operation,
                           flow=flow.name, timeperiod=timeperiod)

    if operation not in OPERATIONS:
        raise ValueError("operation: one of %s, got %r" % (", ".join(OPERATIONS), operation))
    if previous.is_open:
        raise FlowAlreadyRunning("%s %s %s: run %s is still open; wait for it to close (or terminate it)"
                                 % (operation, flow.name, timeperiod, previous.run_id), operation=operation,
                                 flow=flow.name, timeperiod=timeperiod)
    if max_parallel is not None and (isinstance(max_parallel, bool) or not isinstance(max_parallel, int)
                                     or max_parallel < 1):
        raise ValidationError("flow", "max_parallel", "must be an int >= 1 or None, got %r" % (max_parallel,))
    plan: Dict[str, Any] = {"operation": operation, "timeperiod": timeperiod, "max_parallel": max_parallel}
    if operation == "run":
        plan.update(context=_check_context({} if context is None else context), steps=None, inherited={}, runs=[], continues=None)
        return plan
    if previous.status == "not_run":
        raise refuse("the flow has never run for this timeperiod; use run")
    if operation == "recover" and previous.status == "completed":
        raise refuse("the last run (%s) completed; there is nothing to recover" % previous.run_id)
    completed = [name for name, s in previous.steps.items() if s.state == "completed"]
    if operation == "recover":
        todo = [name for name in flow.order if name not in completed]
    else:
        if step is None:
            raise refuse("which step? give its name")
        flow.step(step)  # names the flow's steps when it has no such one
        for dep in flow.steps[step].depends_on:
            if previous.steps[dep].state != "completed":
                raise refuse("step %s depends on %s, which has not completed (%s)"
                             % (step, dep, previous.steps[dep].state))
        todo = [step] if operation == "run_one" else [step, *flow.descendants(step)]
        for name in todo:
            for dep in flow.steps[name].depends_on:
                if dep not in todo and previous.steps[dep].state != "completed":
                    raise refuse("step %s also depends on %s, which has not completed (%s); run_from %s or "
                                 "recover first" % (name, dep, previous.steps[dep].state, dep))
    runs: List[str] = []
    inherited: Dict[str, int] = {}
    for name in completed:
        if name in todo:
            continue
        origin = previous.steps[name].from_run or previous.run_id or "?"
        if origin not in runs:
            runs.append(origin)
        inherited[name] = runs.index(origin)
    plan.update(context=previous.context, steps=todo, inherited=inherited, runs=runs, continues=previous.run_id)
    return plan
