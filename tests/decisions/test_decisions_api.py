"""The public names of swfkit.decisions are pinned (a change here is an API change)."""
from __future__ import annotations

import swfkit.decisions


def test_exported_members() -> None:
    assert sorted(swfkit.decisions.__all__) == sorted([
        "BUILDERS", "CLOSE_DECISION_TYPES", "Decision", "Decisions", "activity_id_for",
        "cancel_timer", "cancel_workflow_execution", "complete_workflow_execution",
        "continue_as_new_workflow_execution", "fail_workflow_execution", "record_marker",
        "request_cancel_activity_task", "request_cancel_external_workflow_execution",
        "schedule_activity_task", "schedule_lambda_function", "signal_external_workflow_execution",
        "start_child_workflow_execution", "start_timer",
    ])
    for name in swfkit.decisions.__all__:
        member = getattr(swfkit.decisions, name)
        assert callable(member) or isinstance(member, (dict, frozenset)), name
        if callable(member):
            assert member.__doc__, "%s has no docstring" % name


def test_builders_map_each_decision_type_to_the_snake_case_builder() -> None:
    import re

    for decision_type, build in swfkit.decisions.BUILDERS.items():
        assert build.__name__ == re.sub(r"(?<!^)(?=[A-Z])", "_", decision_type).lower()
