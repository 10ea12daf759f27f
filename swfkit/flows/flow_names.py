"""The names a flow run uses on SWF: its workflow id, its step markers, its actions' control field.

One run per (flow, timeperiod): the workflow id is ``flow.<name>.<timeperiod>``. SWF identifiers
may not contain ``/`` (nor ``:``, ``|``, control characters), so the ``flow/<name>/<timeperiod>``
of synergy_flow becomes dots; flow names and timeperiods contain no dot, so the id reads back
unambiguously.
"""
from __future__ import annotations

from typing import Optional, Tuple

from swfkit.decisions.rules import check_shape
from swfkit.exceptions import ValidationError
from swfkit.flows.definition import check_name

__all__ = ["workflow_id", "check_timeperiod", "STEP_MARKER_PREFIX", "step_marker", "action_control",
           "parse_control"]

#: Step progress markers are named ``step.<step>`` (details: JSON with ``state`` and more).
STEP_MARKER_PREFIX = "step."


def check_timeperiod(timeperiod: object) -> str:
    """``timeperiod`` if valid (e.g. ``2026120500``), else ``FlowDefinitionError`` saying the rule."""
    return check_name(timeperiod, "timeperiod")


def workflow_id(flow_name: str, timeperiod: str) -> str:
    """The workflow id of the run of ``flow_name`` for ``timeperiod``: ``flow.<name>.<timeperiod>``.

    Raises:
        FlowDefinitionError: a bad timeperiod. ValidationError: the id breaks SWF's rules.
    """
    text = "flow.%s.%s" % (flow_name, check_timeperiod(timeperiod))
    try:
        check_shape(text, "WorkflowId", "workflowId")
    except ValidationError as err:  # pragma: no cover - the name rules keep ids valid
        raise ValidationError("flow", err.path, err.rule) from None
    return text


def step_marker(step: str) -> str:
    """The marker name recording ``step``'s progress."""
    return STEP_MARKER_PREFIX + step


def action_control(step: str, action: str) -> str:
    """The ``control`` of an action's ScheduleActivityTask: how a history names step and action."""
    return "%s/%s" % (step, action)


def parse_control(control: Optional[str]) -> Optional[Tuple[str, str]]:
    """``(step, action)`` from an ``action_control`` text, None for anything else."""
    if not control or "/" not in control:
        return None
    step, _, action = control.partition("/")
    return step, action
