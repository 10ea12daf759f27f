"""The flows layer's errors.

::

    SWFError
    └── FlowError                   anything a flow refuses or reports
        ├── FlowDefinitionError     a bad Flow/Step (also ValueError): cycle, unknown dependency, duplicate
        └── FlowRefused             an operation that does not make sense now (one line saying why)
            └── FlowAlreadyRunning  a run of this (flow, timeperiod) is open

A failed flow run is not an exception: the operations return its ``FlowState`` (``status ==
"failed"``, ``failed_steps``).
"""
from __future__ import annotations

from typing import Optional, Sequence

from swfkit.exceptions import SWFError

__all__ = ["FlowError", "FlowDefinitionError", "FlowRefused", "FlowAlreadyRunning"]


class FlowError(SWFError):
    """Base of the flows layer's errors."""


class FlowDefinitionError(FlowError, ValueError):
    """A flow or step definition is refused.

    Attributes:
        flow: the flow's name (None before it is known). step: the step concerned, if one is.
        cycle: for a cycle, the step names around it (first name repeated last).
    """

    def __init__(self, message: str, *, flow: Optional[str] = None, step: Optional[str] = None,
                 cycle: Sequence[str] = ()) -> None:
        self.flow, self.step, self.cycle = flow, step, tuple(cycle)
        super().__init__(message)


class FlowRefused(FlowError):
    """An operation was refused (recover after a run that did not fail, run_one before its
    predecessors completed...). Attributes: operation, flow, timeperiod."""

    def __init__(self, message: str, *, operation: str, flow: str, timeperiod: str) -> None:
        self.operation, self.flow, self.timeperiod = operation, flow, timeperiod
        super().__init__(message)


class FlowAlreadyRunning(FlowRefused):
    """A run of this (flow, timeperiod) is still open (SWF allows one open execution per workflow id)."""
