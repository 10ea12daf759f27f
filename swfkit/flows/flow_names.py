"""The names a flow run uses on SWF: its workflow id, its progress markers, its actions' control field.

One run per (flow, timeperiod): the workflow id is ``flow.<name>.<timeperiod>``. SWF identifiers
may not contain ``/`` (nor ``:``, ``|``, control characters), so the ``flow/<name>/<timeperiod>``
of synergy_flow becomes dots; flow names and timeperiods contain no dot, so the id reads back
unambiguously.
"""
from __future__ import annotations

from swfkit.decisions.rules import check_shape
from swfkit.exceptions import ValidationError
from swfkit.flows.definition import check_name

__all__ = ["workflow_id", "check_timeperiod", "PROGRESS_MARKER", "action_control"]

#: Step progress markers: details ``{"started": [step...], "completed": [step...],
#: "failed": {step: {"action", "reason"}}, "skipped": {step: [the steps it waited for]}}``, one
#: marker per pass of the flow's code (so about one per decision), keys present when not empty.
PROGRESS_MARKER = "flow.steps"


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


def action_control(step: str, action: str) -> str:
    """The ``control`` of an action's ScheduleActivityTask: how a history names step and action."""
    return "%s/%s" % (step, action)
