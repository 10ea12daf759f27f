"""``FuturesDecider``: an ``swfkit.actors.Decider`` that answers each decision task by replaying a
workflow class on the task's folded history."""
from __future__ import annotations

import logging
from typing import Any, Dict, Iterable, Optional, Sequence, Tuple

from swfkit.actors import Decider, DecisionTask
from swfkit.decisions import Decisions
from swfkit.futures.definitions import WORKFLOWS, definition_of
from swfkit.futures.errors import WorkflowUsageError
from swfkit.futures.replay import replay

log = logging.getLogger("swfkit.futures.futures_decider")

__all__ = ["FuturesDecider", "decider_for"]


class FuturesDecider(Decider):
    """Decide for ``@workflow`` classes by replaying them.

    Args:
        layer1: a ``swfkit.layer1.Layer1``.
        workflows: the ``@workflow`` classes it decides for (children it starts are found too, if
            their module was imported).
        domain: the domain. task_list: the decision task list (default: the first workflow's).
        identity, on_decide_error, maximum_page_size, payloads, interceptors: as for ``Decider``.
        max_open_activities, max_request_bytes, max_decisions: the limits a response is fitted in.

    A ``NonDeterministicWorkflowError`` is logged with the event it names and the decision task is
    left to time out (``on_decide_error="fail"`` fails the execution instead): a fixed deployment
    picks it up again, and the history is never written with garbage.
    """

    def __init__(self, layer1: Any, workflows: Iterable[Any], domain: Optional[str] = None,
                 task_list: Optional[str] = None, *, identity: Optional[str] = None, on_decide_error: str = "timeout",
                 maximum_page_size: int = 1000, payloads: Any = None, interceptors: Optional[Sequence[Any]] = None,
                 **limits: Any) -> None:
        self.workflows: Dict[Tuple[str, str], Any] = {}
        for cls in workflows:
            definition = definition_of(cls)
            self.workflows[(definition.name, definition.version)] = cls
        if not self.workflows:
            raise WorkflowUsageError("FuturesDecider: workflows: give at least one @workflow class")
        first = definition_of(next(iter(self.workflows.values()))).registration
        task_list = task_list or (first.task_list if isinstance(first.task_list, str) else None)
        self.workflow_types = [definition_of(cls).registration for cls in self.workflows.values()]
        self.limits = limits
        super().__init__(layer1, domain, task_list, identity=identity, on_decide_error=on_decide_error,
                         maximum_page_size=maximum_page_size, payloads=payloads, interceptors=interceptors)

    def workflow_class(self, workflow_type: Dict[str, str]) -> Any:
        """The class deciding ``workflow_type`` (this decider's, else any imported ``@workflow``)."""
        key = (workflow_type.get("name", ""), workflow_type.get("version", ""))
        cls = self.workflows.get(key) or WORKFLOWS.get(key)
        if cls is None:
            known = ", ".join("%s/%s" % k for k in sorted(self.workflows))
            raise WorkflowUsageError("FuturesDecider: no @workflow class for workflow type %s/%s (this decider "
                                     "knows %s; import the module defining it)" % (key[0], key[1], known))
        return cls

    def decide(self, task: DecisionTask) -> Decisions:
        """Replay the workflow on ``task.state`` and return its decisions."""
        cls = self.workflow_class(task.workflow_type)
        history = task.history
        outcome = replay(cls, task.state, workflow_id=task.workflow_id, run_id=task.run_id,
                         event_times=lambda event_id: history[event_id].event_timestamp, **self.limits)
        if outcome.error is not None:
            log.info("workflow %s run %s (%s) failed: %s", task.workflow_id, task.run_id, definition_of(cls).name,
                     outcome.reason)
        return Decisions(outcome.decisions)


def decider_for(cls: Any, layer1: Any, *, domain: str, task_list: Optional[str] = None,
                identity: Optional[str] = None, interceptors: Optional[Sequence[Any]] = None) -> FuturesDecider:
    """A ``FuturesDecider`` for one workflow class (``Workflow.swfkit_decider``, used by the CLI)."""
    return FuturesDecider(layer1, [cls], domain=domain, task_list=task_list, identity=identity,
                          interceptors=interceptors)
