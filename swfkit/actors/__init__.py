"""Actors: long-polling Decider and Worker base classes, heartbeats, process pools, registration.

::

    class Hello(Worker):
        domain, task_list = "demo", "workers"

        @activity("greet", "1", start_to_close_timeout=60)
        def greet(self, input):
            return "hello " + input

    Hello(Layer1()).run(processes=4)

``AsyncWorker`` and ``AsyncDecider`` do the same on an asyncio event loop with a
``swfkit.layer1.AsyncLayer1`` (many activity tasks in flight per process); they are imported
when first named, so the sync actors never import asyncio.

The package logs to ``swfkit.actors.*`` loggers and configures nothing (a NullHandler is added).
"""
import logging
from typing import Any

from .actor import FatalPollError
from .decider import Decider
from .decision_failures import DecisionFailure
from .heartbeater import Heartbeater
from .identity import default_identity
from .registration import ActivityTypeRegistration, WorkflowTypeRegistration, ensure_registered
from .task_values import ActivityCanceled, ActivityTask, ActivityTaskLost, DecisionTask, UnknownActivityType
from .worker import Worker, activity
from .threads import polling

logging.getLogger("swfkit.actors").addHandler(logging.NullHandler())

__all__ = [
    "Decider", "Worker", "activity", "DecisionTask", "ActivityTask", "Heartbeater",
    "ActivityCanceled", "ActivityTaskLost", "UnknownActivityType", "FatalPollError",
    "ensure_registered", "WorkflowTypeRegistration", "ActivityTypeRegistration",
    "default_identity", "DecisionFailure", "polling", "AsyncWorker", "AsyncDecider",
]

_LAZY = {"AsyncWorker": "async_worker", "AsyncDecider": "async_decider"}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError("module %r has no attribute %r" % (__name__, name))
    import importlib

    value = getattr(importlib.import_module("." + module, __name__), name)
    globals()[name] = value
    return value
