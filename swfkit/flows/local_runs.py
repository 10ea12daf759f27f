"""Flow runs in this process: ``run_local``'s replay engine and virtual time, runs kept in memory.

Each run gets the id ``local-<n>`` (n counts the runs of this ``LocalRuns``); its events stay in
memory so later operations (recover, run_one, run_from, status) see it, as they would an SWF history.
"""
from __future__ import annotations

import json
from typing import Any, Dict, List, Optional, Tuple

from swfkit import futures
from swfkit.flows.definition import Flow
from swfkit.flows.flow_names import workflow_id
from swfkit.flows.flow_state import FlowState, fold_flow, not_run
from swfkit.flows.flow_workflow import program_for

__all__ = ["LocalRuns"]


class LocalRuns:
    """The in-process backend of ``Engine`` (no ``layer1``)."""

    def __init__(self, log_dir: Optional[str] = None) -> None:
        self.log_dir = log_dir
        #: (flow name, timeperiod) -> [(run id, events)], oldest first.
        self.runs: Dict[Tuple[str, str], List[Tuple[str, List[Dict[str, Any]]]]] = {}
        self._count = 0

    def prepare(self, flow: Flow) -> None:
        """Nothing to prepare in-process (SWF registers types here)."""

    def latest(self, flow: Flow, timeperiod: str) -> FlowState:
        """The latest run's state (``not_run`` if there is none)."""
        ident = workflow_id(flow.name, timeperiod)
        runs = self.runs.get((flow.name, timeperiod))
        if not runs:
            return not_run(flow, timeperiod, ident)
        run_id, events = runs[-1]
        return fold_flow(flow, events, timeperiod=timeperiod, workflow_id=ident, run_id=run_id)

    def execute(self, flow: Flow, timeperiod: str, plan: Dict[str, Any]) -> FlowState:
        """Run ``plan`` to its end (in virtual time) and return the run's state."""
        program = program_for(flow, self.log_dir)
        ident = workflow_id(flow.name, timeperiod)
        self._count += 1
        run_id = "local-%d" % self._count
        done = futures.LocalRunner().run(program.workflow_class, json.dumps([plan]), workflow_id=ident)
        self.runs.setdefault((flow.name, timeperiod), []).append((run_id, done.runs[-1]))
        return fold_flow(flow, done.runs[-1], timeperiod=timeperiod, workflow_id=ident, run_id=run_id)
