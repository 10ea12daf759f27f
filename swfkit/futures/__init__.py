"""Workflows as plain Python, replayed from history on every decision, runnable locally.

::

    from swfkit import futures

    @futures.activity(task_list="work")
    def add_one(x):
        return x + 1

    @futures.activity(task_list="work")
    def double(x):
        return x * 2

    @futures.workflow(task_list="deciders")
    class Arith:
        def run(self, x):
            return self.submit(double, self.submit(add_one, x).result()).result()

    futures.run_local(Arith, 3)                       # 8, no server
    Arith.swfkit_decider(layer1, domain="d").run()    # on SWF (swfkit decider start module:Arith)
    futures.start(layer1, Arith, args=(3,), domain="d")  # start one (carrying the current trace context)

Nothing else in swfkit imports this package.
"""
import logging

from swfkit.exceptions import NonDeterministicWorkflowError
from swfkit.futures.canvas import Chain, Group
from swfkit.futures.futures_decider import FuturesDecider, decider_for
from swfkit.futures.definitions import (
    Activity,
    WorkflowDefinition,
    activities_in,
    activity,
    definition_of,
    signal_handler,
    workflow,
)
from swfkit.futures.errors import (
    ActivityFailed,
    ActivityTimedOut,
    CancelledError,
    ChildWorkflowFailed,
    FutureError,
    ScheduleFailed,
    SignalFailed,
    WorkflowDeadlock,
    WorkflowFailed,
    WorkflowUsageError,
)
from swfkit.futures.future import ALL, ALL_COMPLETED, FIRST_COMPLETED, DoneAndNotDone, Future, wait
from swfkit.futures.local import LocalExecution, LocalRunner, LocalSignal, run_local, run_local_wire
from swfkit.futures.replay import ReplayOutcome, replay
from swfkit.futures.replayer import Divergence, ReplayReport, assert_replays, load_history, replay_for, replay_history
from swfkit.futures.serializers import JSON, JSONSerializer, Serializer
from swfkit.futures.workflow_api import Workflow
from swfkit.futures.workflow_starts import start, workflow_input

logging.getLogger("swfkit.futures").addHandler(logging.NullHandler())

# The CLI's hooks on every workflow class, set here, above both implementations, so that
# workflow_api (which definitions needs) imports neither: no import circle in the package.
Workflow.swfkit_decider = classmethod(decider_for)  # type: ignore[assignment]
Workflow.swfkit_run_local = classmethod(run_local_wire)  # type: ignore[assignment]
Workflow.swfkit_replay = classmethod(replay_for)  # type: ignore[assignment]

__all__ = [
    "ALL", "ALL_COMPLETED", "FIRST_COMPLETED", "Activity", "ActivityFailed", "ActivityTimedOut",
    "CancelledError", "Chain", "ChildWorkflowFailed", "DoneAndNotDone", "Future", "FutureError", "FuturesDecider",
    "Group", "JSON", "JSONSerializer", "LocalExecution", "LocalRunner", "LocalSignal", "NonDeterministicWorkflowError",
    "ReplayOutcome", "ScheduleFailed", "Serializer", "SignalFailed", "Workflow", "WorkflowDeadlock",
    "WorkflowDefinition", "WorkflowFailed", "WorkflowUsageError", "activities_in", "activity", "definition_of", "replay",
    "run_local", "signal_handler", "wait", "workflow",
    "Divergence", "ReplayReport", "assert_replays", "load_history", "replay_history", "start", "workflow_input",
]
