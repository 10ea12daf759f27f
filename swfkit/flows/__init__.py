"""Flows: DAGs of steps with pre / main / post actions, run per (name, timeperiod) on futures.

::

    from swfkit import flows, futures

    @futures.activity(task_list="etl")
    def extract(context): ...

    etl = flows.Flow("etl", [
        flows.Step("extract", extract),
        flows.Step("transform", Transform(), depends_on=["extract"]),
        flows.Step("load", Load(), pre=[CheckTarget()], post=[Notify()], depends_on=["transform"]),
    ])

    engine = flows.Engine()                       # in-process (run_local), or Engine(layer1, domain=...)
    state = engine.run(etl, "2026120500", context={"db": "warehouse"})
    state.status, state.steps["load"].state       # "completed", "completed"
    engine.recover(etl, "2026120500")             # after a failed run: only what did not complete

The state of every run is read back from its SWF history (no database). Nothing below this
package imports it.
"""
import logging

from swfkit.flows.action_runner import ActionLog, action_log
from swfkit.flows.definition import Action, Flow, Step
from swfkit.flows.dot_graph import to_dot
from swfkit.flows.engine import Engine
from swfkit.flows.flow_errors import FlowAlreadyRunning, FlowDefinitionError, FlowError, FlowRefused
from swfkit.flows.flow_names import workflow_id
from swfkit.flows.flow_state import ActionState, FlowState, StepState, fold_flow
from swfkit.flows.flow_workflow import FlowProgram, program_for
from swfkit.flows.swf_runs import flow_decider, flow_workers

logging.getLogger("swfkit.flows").addHandler(logging.NullHandler())

__all__ = [
    "Action", "ActionLog", "ActionState", "Engine", "Flow", "FlowAlreadyRunning", "FlowDefinitionError",
    "FlowError", "FlowProgram", "FlowRefused", "FlowState", "Step", "StepState", "action_log", "flow_decider",
    "flow_workers", "fold_flow", "program_for", "to_dot", "workflow_id",
]
