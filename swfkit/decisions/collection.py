"""``Decisions``: the list a decider fills and hands to ``respond_decision_task_completed``."""
from __future__ import annotations

from typing import Any, Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence, Union, overload

from swfkit.decisions import builders
from swfkit.decisions.builders import Priority, TaskListRef, Timeout, TypeRef
from swfkit.decisions.decision import Decision
from swfkit.decisions.payload_offload import PayloadEncoder, active_encoder, check_deferred
from swfkit.decisions.response_limits import check_response
from swfkit.decisions.rules import OPERATION, at_index
from swfkit.exceptions import ValidationError

DecisionLike = Union[Decision, Mapping[str, Any]]


class Decisions:
    """An ordered, validated list of decisions for one decision task.

    Each decision is checked when it is added; an error's path starts with ``decisions[i].``
    (``i`` = the index it would have had). :meth:`validate` and :meth:`to_list` add the
    per-response rules (one close decision, last; unique ids; the 1 MB request limit).

    With a payload codec (``payloads=``, or an active ``offloading`` block as in a Decider's
    ``decide``), payload members over SWF's limits are accepted when added and offloaded by
    :meth:`to_list` (see ``payload_offload``).

    >>> d = Decisions()
    >>> _ = d.schedule_activity_task("a1", ("A", "1"), input="x")
    >>> _ = d.complete_workflow_execution(result="done")
    >>> [item["decisionType"] for item in d.to_list()]
    ['ScheduleActivityTask', 'CompleteWorkflowExecution']
    """

    __slots__ = ("_items", "_encoder", "_deferred")

    def __init__(self, decisions: Iterable[DecisionLike] = (), *, payloads: Optional[PayloadEncoder] = None) -> None:
        self._items: List[Decision] = []
        self._encoder = payloads
        self._deferred = False  # some decision was built while a codec was active
        self.extend(decisions)

    # -- list behaviour ------------------------------------------------------------------------
    def append(self, decision: DecisionLike) -> Decision:
        """Add a :class:`Decision` or a wire dict (validated); returns the ``Decision`` added.

        Raises:
            ValidationError: path ``decisions[i]...``; nothing is added.
        """
        if not isinstance(decision, Decision):
            try:
                decision = Decision.from_dict(decision)
            except ValidationError as error:
                raise at_index(error, len(self._items)) from None
        self._deferred = self._deferred or active_encoder() is not None
        self._items.append(decision)
        return decision

    def extend(self, decisions: Iterable[DecisionLike]) -> None:
        """Append each of ``decisions`` in order (those before a bad one stay added)."""
        if isinstance(decisions, (str, bytes, Mapping, Decision)) or not hasattr(decisions, "__iter__"):
            raise ValidationError(OPERATION, "decisions", "must be a list of decisions, not %s"
                                  % type(decisions).__name__)
        for decision in decisions:
            self.append(decision)

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Decision]:
        return iter(self._items)

    @overload
    def __getitem__(self, index: int) -> Decision: ...
    @overload
    def __getitem__(self, index: slice) -> List[Decision]: ...
    def __getitem__(self, index: Union[int, slice]) -> Union[Decision, List[Decision]]:
        return self._items[index]

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Decisions):
            return self._items == other._items
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # mutable

    def __repr__(self) -> str:
        return "Decisions(%s)" % ", ".join(d.decision_type for d in self._items)

    def clear(self) -> None:
        """Remove every decision (e.g. to answer a task with none after UNHANDLED_DECISION)."""
        self._items.clear()

    # -- per-response rules and wire form -------------------------------------------------------
    def validate(self, *, execution_context: Optional[str] = None) -> None:
        """Check the per-response rules (see ``response_limits``).

        Raises:
            ValidationError: naming ``decisions[i].<attributesKey>.<member>`` and the rule.
        """
        check_response(self._items, execution_context)

    def to_list(self, *, execution_context: Optional[str] = None) -> List[Dict[str, Any]]:
        """The validated wire list for ``RespondDecisionTaskCompleted``'s ``decisions``; with a payload
        codec, payload members over their threshold are offloaded (stored, replaced by references).

        Raises:
            ValidationError: a per-response rule, or a payload over its limit with no codec to offload it.
            PayloadError: the codec could not store a payload (from ``swfkit.payloads``).
        """
        encoder = self._encoder or active_encoder()
        if encoder is not None:
            wire = []
            for decision in self._items:
                item, key = decision.to_dict(), decision.attributes_key
                item[key] = encoder.encode_attributes(decision.decision_type, item[key])
                wire.append(item)
        else:
            wire = [decision.to_dict() for decision in self._items]
            if self._deferred:
                for index, item in enumerate(wire):
                    key = self._items[index].attributes_key
                    check_deferred(item["decisionType"], key, item[key], index, OPERATION)
        check_response(self._items, execution_context, wire)
        return wire

    # -- one appender per builder ---------------------------------------------------------------
    def _add(self, build: Callable[..., Decision], *args: Any, **kwargs: Any) -> Decision:
        try:
            decision = build(*args, **kwargs)
        except ValidationError as error:
            raise at_index(error, len(self._items)) from None
        self._deferred = self._deferred or active_encoder() is not None
        self._items.append(decision)
        return decision

    def schedule_activity_task(
        self, activity_id: str, activity_type: TypeRef, *, input: Optional[str] = None,
        control: Optional[str] = None, task_list: Optional[TaskListRef] = None,
        task_priority: Optional[Priority] = None, schedule_to_close_timeout: Optional[Timeout] = None,
        schedule_to_start_timeout: Optional[Timeout] = None, start_to_close_timeout: Optional[Timeout] = None,
        heartbeat_timeout: Optional[Timeout] = None,
    ) -> Decision:
        """Append :func:`~swfkit.decisions.schedule_activity_task`; returns the decision."""
        return self._add(
            builders.schedule_activity_task, activity_id, activity_type, input=input, control=control,
            task_list=task_list, task_priority=task_priority,
            schedule_to_close_timeout=schedule_to_close_timeout,
            schedule_to_start_timeout=schedule_to_start_timeout,
            start_to_close_timeout=start_to_close_timeout, heartbeat_timeout=heartbeat_timeout)

    def request_cancel_activity_task(self, activity_id: str) -> Decision:
        """Append :func:`~swfkit.decisions.request_cancel_activity_task`."""
        return self._add(builders.request_cancel_activity_task, activity_id)

    def complete_workflow_execution(self, *, result: Optional[str] = None) -> Decision:
        """Append :func:`~swfkit.decisions.complete_workflow_execution`."""
        return self._add(builders.complete_workflow_execution, result=result)

    def fail_workflow_execution(self, *, reason: Optional[str] = None, details: Optional[str] = None) -> Decision:
        """Append :func:`~swfkit.decisions.fail_workflow_execution`."""
        return self._add(builders.fail_workflow_execution, reason=reason, details=details)

    def cancel_workflow_execution(self, *, details: Optional[str] = None) -> Decision:
        """Append :func:`~swfkit.decisions.cancel_workflow_execution`."""
        return self._add(builders.cancel_workflow_execution, details=details)

    def continue_as_new_workflow_execution(
        self, *, input: Optional[str] = None, execution_start_to_close_timeout: Optional[Timeout] = None,
        task_list: Optional[TaskListRef] = None, task_priority: Optional[Priority] = None,
        task_start_to_close_timeout: Optional[Timeout] = None, child_policy: Optional[str] = None,
        tag_list: Optional[Sequence[str]] = None, workflow_type_version: Optional[str] = None,
        lambda_role: Optional[str] = None,
    ) -> Decision:
        """Append :func:`~swfkit.decisions.continue_as_new_workflow_execution`."""
        return self._add(
            builders.continue_as_new_workflow_execution, input=input,
            execution_start_to_close_timeout=execution_start_to_close_timeout, task_list=task_list,
            task_priority=task_priority, task_start_to_close_timeout=task_start_to_close_timeout,
            child_policy=child_policy, tag_list=tag_list, workflow_type_version=workflow_type_version,
            lambda_role=lambda_role)

    def record_marker(self, marker_name: str, *, details: Optional[str] = None) -> Decision:
        """Append :func:`~swfkit.decisions.record_marker`."""
        return self._add(builders.record_marker, marker_name, details=details)

    def start_timer(self, timer_id: str, start_to_fire_timeout: Timeout, *,
                    control: Optional[str] = None) -> Decision:
        """Append :func:`~swfkit.decisions.start_timer`."""
        return self._add(builders.start_timer, timer_id, start_to_fire_timeout, control=control)

    def cancel_timer(self, timer_id: str) -> Decision:
        """Append :func:`~swfkit.decisions.cancel_timer`."""
        return self._add(builders.cancel_timer, timer_id)

    def signal_external_workflow_execution(
        self, workflow_id: str, signal_name: str, *, run_id: Optional[str] = None,
        input: Optional[str] = None, control: Optional[str] = None,
    ) -> Decision:
        """Append :func:`~swfkit.decisions.signal_external_workflow_execution`."""
        return self._add(builders.signal_external_workflow_execution, workflow_id, signal_name,
                         run_id=run_id, input=input, control=control)

    def request_cancel_external_workflow_execution(
        self, workflow_id: str, *, run_id: Optional[str] = None, control: Optional[str] = None,
    ) -> Decision:
        """Append :func:`~swfkit.decisions.request_cancel_external_workflow_execution`."""
        return self._add(builders.request_cancel_external_workflow_execution, workflow_id,
                         run_id=run_id, control=control)

    def start_child_workflow_execution(
        self, workflow_type: TypeRef, workflow_id: str, *, input: Optional[str] = None,
        control: Optional[str] = None, execution_start_to_close_timeout: Optional[Timeout] = None,
        task_list: Optional[TaskListRef] = None, task_priority: Optional[Priority] = None,
        task_start_to_close_timeout: Optional[Timeout] = None, child_policy: Optional[str] = None,
        tag_list: Optional[Sequence[str]] = None, lambda_role: Optional[str] = None,
    ) -> Decision:
        """Append :func:`~swfkit.decisions.start_child_workflow_execution`."""
        return self._add(
            builders.start_child_workflow_execution, workflow_type, workflow_id, input=input,
            control=control, execution_start_to_close_timeout=execution_start_to_close_timeout,
            task_list=task_list, task_priority=task_priority,
            task_start_to_close_timeout=task_start_to_close_timeout, child_policy=child_policy,
            tag_list=tag_list, lambda_role=lambda_role)

    def schedule_lambda_function(
        self, id: str, name: str, *, input: Optional[str] = None, control: Optional[str] = None,
        start_to_close_timeout: Optional[Timeout] = None,
    ) -> Decision:
        """Append :func:`~swfkit.decisions.schedule_lambda_function`."""
        return self._add(builders.schedule_lambda_function, id, name, input=input, control=control,
                         start_to_close_timeout=start_to_close_timeout)
