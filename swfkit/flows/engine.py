"""``Engine``: run, recover, run_one, run_from and status of flows, in-process or on SWF.

synergy_flow's execution engine, with SWF histories as the only record: each operation reads
the latest run of (flow, timeperiod), decides the new run's plan (``run_plans``), starts it and
returns its ``FlowState``.
"""
from __future__ import annotations

from typing import Any, Optional, Union

from swfkit.flows.definition import Flow
from swfkit.flows.flow_errors import FlowError
from swfkit.flows.flow_names import check_timeperiod
from swfkit.flows.flow_state import FlowState
from swfkit.flows.local_runs import LocalRuns
from swfkit.flows.run_plans import plan_run
from swfkit.flows.swf_runs import SWFRuns

__all__ = ["Engine"]


class Engine:
    """Runs flows.

    Args:
        layer1: a ``swfkit.layer1.Layer1``; None runs flows in this process under ``run_local``'s
            virtual time and keeps the runs in memory (all operations work within one process).
        domain: the SWF domain (required with ``layer1``).
        max_parallel: most steps running at once in a run (None: as many as the DAG allows).
        run_workers: with ``layer1``, run a decider and workers in threads of this process while
            a run is waited for (otherwise they run elsewhere).
        log_dir: directory of the action log files written by actions run in this process.
        wait: with ``layer1``, wait for each run to close before returning its state (default).
        timeout: seconds to wait for a run (None: no limit).
        worker_threads: with ``run_workers``, workers per task list.

    Raises:
        FlowError: ``layer1`` without ``domain``.
    """

    def __init__(self, layer1: Any = None, domain: Optional[str] = None, max_parallel: Optional[int] = None, *,
                 run_workers: bool = False, log_dir: Optional[str] = None, wait: bool = True,
                 timeout: Optional[float] = None, worker_threads: int = 4) -> None:
        self.max_parallel = max_parallel
        self.backend: Union[LocalRuns, SWFRuns]
        if layer1 is None:
            self.backend = LocalRuns(log_dir)
        else:
            if not domain:
                raise FlowError("Engine: domain: required with a layer1 (the SWF domain the flows run in)")
            self.backend = SWFRuns(layer1, domain, run_workers=run_workers, log_dir=log_dir, wait=wait,
                                   timeout=timeout, worker_threads=worker_threads)

    def _start(self, operation: str, flow: Flow, timeperiod: str, step: Optional[str] = None,
               context: Any = None) -> FlowState:
        if not isinstance(flow, Flow):
            raise FlowError("%s: flow: expected a swfkit.flows.Flow, got %r" % (operation, flow))
        check_timeperiod(timeperiod)
        self.backend.prepare(flow)
        previous = self.backend.latest(flow, timeperiod)
        plan = plan_run(operation, flow, timeperiod, previous, step=step, context=context,
                        max_parallel=self.max_parallel)
        return self.backend.execute(flow, timeperiod, plan)

    def run(self, flow: Flow, timeperiod: str, context: Any = None) -> FlowState:
        """A fresh run of every step (earlier runs' step records no longer count).

        Args:
            context: JSON-serialisable; every action gets its own copy (never put secrets in it).
        Raises:
            FlowAlreadyRunning: a run of (flow, timeperiod) is open. ValidationError: a bad context.
        """
        return self._start("run", flow, timeperiod, context=context)

    def recover(self, flow: Flow, timeperiod: str) -> FlowState:
        """After a failed run: run again every step that did not complete (same context).

        Raises:
            FlowRefused: no earlier run, or the last one completed or is open.
        """
        return self._start("recover", flow, timeperiod)

    def run_one(self, flow: Flow, timeperiod: str, step: str) -> FlowState:
        """Run exactly ``step`` again (its predecessors must have completed).

        Raises:
            FlowRefused: a predecessor has not completed, or a run is open.
        """
        return self._start("run_one", flow, timeperiod, step=step)

    def run_from(self, flow: Flow, timeperiod: str, step: str) -> FlowState:
        """Run ``step`` and every step derived from it again.

        Raises:
            FlowRefused: a step they depend on has not completed, or a run is open.
        """
        return self._start("run_from", flow, timeperiod, step=step)

    def status(self, flow: Flow, timeperiod: str) -> FlowState:
        """The latest run's ``FlowState`` (status ``not_run`` if there is none)."""
        check_timeperiod(timeperiod)
        return self.backend.latest(flow, timeperiod)
