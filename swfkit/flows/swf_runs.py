"""Flow runs on SWF (or ``swfkit server``): start, wait, and read the state back from histories.

The latest run of a (flow, timeperiod) is the open execution of its workflow id, else the most
recently started closed one. With ``run_workers=True`` a decider and workers run in threads of
this process while a run is waited for; otherwise they run elsewhere (``swfkit flow decider`` /
``swfkit flow worker``, or your own processes).
"""
from __future__ import annotations

import contextlib
import copy
import json
import time
from typing import Any, Dict, Iterator, List, Optional, Set, Tuple

from swfkit.actors import Worker, ensure_registered, polling
from swfkit.exceptions import WorkflowExecutionAlreadyStartedFault
from swfkit.flows.definition import Flow
from swfkit.flows.flow_errors import FlowAlreadyRunning, FlowError
from swfkit.flows.flow_names import workflow_id
from swfkit.flows.flow_state import FlowState, fold_flow, not_run
from swfkit.flows.flow_workflow import FlowProgram, program_for
from swfkit.futures import FuturesDecider

__all__ = ["SWFRuns", "flow_decider", "flow_workers"]


def flow_decider(flow: Flow, layer1: Any, domain: str, *, identity: Optional[str] = None) -> FuturesDecider:
    """A ``FuturesDecider`` for ``flow`` (polls ``flow.task_list``)."""
    return FuturesDecider(layer1, [program_for(flow).workflow_class], domain=domain, identity=identity)


def flow_workers(flow: Flow, layer1: Any, domain: str, *, task_lists: Optional[List[str]] = None,
                 log_dir: Optional[str] = None) -> List[Worker]:
    """One ``Worker`` per task list the flow's actions use (or per given task list), each running
    the actions scheduled there, writing log files under ``log_dir``."""
    program = program_for(flow, log_dir)
    return [program.register(Worker(layer1, domain, task_list)) for task_list in task_lists or program.task_lists]


class SWFRuns:
    """The SWF backend of ``Engine``.

    Args:
        layer1: a ``swfkit.layer1.Layer1``. domain: the SWF domain.
        run_workers: run a decider and ``worker_threads`` workers per task list in this process
            while waiting for a run.
        wait: wait for each run to close (always, with ``run_workers``).
        timeout: seconds to wait before giving up (the run goes on; ``FlowError``).
    """

    def __init__(self, layer1: Any, domain: str, *, run_workers: bool = False, log_dir: Optional[str] = None,
                 wait: bool = True, timeout: Optional[float] = None, worker_threads: int = 4,
                 poll_interval: float = 0.2) -> None:
        self.layer1, self.domain = layer1, domain
        self.run_workers, self.log_dir, self.wait, self.timeout = run_workers, log_dir, wait or run_workers, timeout
        self.worker_threads, self.poll_interval = worker_threads, poll_interval
        self._registered: Set[Tuple[str, str]] = set()

    # -- reading ------------------------------------------------------------------------------------
    def _latest_execution(self, ident: str) -> Optional[Dict[str, str]]:
        """The latest run of ``ident``; an unknown domain raises (a mistyped domain is not "never run")."""
        window = {"oldestDate": 0}
        for operation in ("list_open_workflow_executions", "list_closed_workflow_executions"):
            answer = getattr(self.layer1, operation)(domain=self.domain, start_time_filter=window,
                                                     execution_filter={"workflowId": ident}, maximum_page_size=1)
            infos = answer.get("executionInfos", [])
            if infos:
                execution: Dict[str, str] = infos[0]["execution"]
                return execution
        return None

    def events(self, execution: Dict[str, str]) -> List[Dict[str, Any]]:
        """Every event of one run."""
        found: List[Dict[str, Any]] = []
        for page in self.layer1.paginate("GetWorkflowExecutionHistory", domain=self.domain, execution=execution):
            found.extend(page.get("events", []))
        return found

    def state_of(self, flow: Flow, timeperiod: str, execution: Dict[str, str]) -> FlowState:
        """The ``FlowState`` of one run (history fetch + fold)."""
        return fold_flow(flow, self.events(execution), timeperiod=timeperiod, workflow_id=execution["workflowId"],
                         run_id=execution["runId"])

    def latest(self, flow: Flow, timeperiod: str) -> FlowState:
        """The latest run's state (``not_run`` if there is none)."""
        ident = workflow_id(flow.name, timeperiod)
        execution = self._latest_execution(ident)
        return not_run(flow, timeperiod, ident) if execution is None else self.state_of(flow, timeperiod, execution)

    # -- running ------------------------------------------------------------------------------------
    def prepare(self, flow: Flow) -> None:
        """Register the domain, the flow's workflow type and its action types (once per engine)."""
        self.register(program_for(flow, self.log_dir))

    def register(self, program: FlowProgram) -> None:
        """Register the domain, the flow's workflow type and its action types (once per engine)."""
        key = (program.flow.name, program.flow.version)
        if key not in self._registered:
            ensure_registered(self.layer1, self.domain,
                              workflow_types=[program.workflow_class.swfkit_definition.registration],
                              activity_types=program.activity_types())
            self._registered.add(key)

    def execute(self, flow: Flow, timeperiod: str, plan: Dict[str, Any]) -> FlowState:
        """Start the run; wait for it to close (when waiting) and return its state."""
        program = program_for(flow, self.log_dir)
        self.register(program)
        ident = workflow_id(flow.name, timeperiod)
        registration = program.workflow_class.swfkit_definition.registration
        with self._actors(flow) if self.run_workers else contextlib.nullcontext():
            try:
                answer = self.layer1.start_workflow_execution(
                    domain=self.domain, workflow_id=ident, input=json.dumps([plan], separators=(",", ":")),
                    workflow_type={"name": registration.name, "version": registration.version})
            except WorkflowExecutionAlreadyStartedFault:
                raise FlowAlreadyRunning("%s %s %s: a run of this flow and timeperiod is already open"
                                         % (plan["operation"], flow.name, timeperiod), operation=plan["operation"],
                                         flow=flow.name, timeperiod=timeperiod) from None
            execution = {"workflowId": ident, "runId": answer["runId"]}
            if self.wait:
                self._wait_closed(execution)
        return self.state_of(flow, timeperiod, execution)

    def _wait_closed(self, execution: Dict[str, str]) -> None:
        deadline = None if self.timeout is None else time.monotonic() + self.timeout
        while True:
            info = self.layer1.describe_workflow_execution(domain=self.domain, execution=execution)["executionInfo"]
            if info.get("executionStatus") == "CLOSED":
                return
            if deadline is not None and time.monotonic() > deadline:
                raise FlowError("flow run %s (%s) still open after %.0f s; it goes on: see swfkit flow status"
                                % (execution["workflowId"], execution["runId"], self.timeout or 0))
            time.sleep(self.poll_interval)

    @contextlib.contextmanager
    def _actors(self, flow: Flow) -> Iterator[None]:
        """A decider and workers in threads, each actor with its own client (long polls hold a connection)."""
        actors: List[Any] = [flow_decider(flow, copy.copy(self.layer1), self.domain)]
        for task_list in program_for(flow, self.log_dir).task_lists:
            for _ in range(self.worker_threads):
                actors.extend(flow_workers(flow, copy.copy(self.layer1), self.domain, task_lists=[task_list],
                                           log_dir=self.log_dir))
        with polling(*actors, name="flow-%s-" % flow.name):
            yield
