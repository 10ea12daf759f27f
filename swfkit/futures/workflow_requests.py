"""What workflow code asks for, matched against the history: activities, children, timers, signals,
markers. A request the history holds is resolved at once (and checked to be the same request);
one it lacks becomes a decision in the ``DecisionBuffer``."""
from __future__ import annotations

import math
from typing import Any, Dict, List, Mapping, Optional, Set, Tuple

from swfkit.decisions import (
    cancel_timer,
    record_marker,
    request_cancel_activity_task,
    request_cancel_external_workflow_execution,
    schedule_activity_task,
    signal_external_workflow_execution,
    start_child_workflow_execution,
    start_timer,
)
from swfkit.exceptions import ValidationError
from swfkit.history import ActivityRow, ExecutionState
from swfkit.futures import ids
from swfkit.futures.canvas import Chain, Group, map_futures, submit_canvas
from swfkit.futures.definitions import Activity, WorkflowDefinition
from swfkit.futures.determinism import check_same, type_of
from swfkit.futures.errors import (
    ActivityFailed,
    ActivityTimedOut,
    ChildWorkflowFailed,
    ScheduleFailed,
    SignalFailed,
    WorkflowUsageError,
)
from swfkit.futures.future import Future
from swfkit.futures.retry_policy import TRANSIENT_SCHEDULE_CAUSES, backoff_seconds, should_retry
from swfkit.futures.scheduling import DecisionBuffer
from swfkit.futures.serializers import Serializer, decode_value, encode_args, encode_value
from swfkit.spec.limits import MAX_TIMEOUT_SECONDS

__all__ = ["Requests"]

OPEN_ACTIVITY = frozenset(("scheduled", "started", "cancel_requested"))
# Reading a completed activity straight from its fold row (``ExecutionState.activity_rows``) instead
# of building its ActivityState record is what keeps replaying thousands of them cheap.
R_STATUS, R_TYPE, R_INPUT, R_CLOSED, R_RESULT, R_ATTEMPTS = (
    ActivityRow.STATUS, ActivityRow.ACTIVITY_TYPE, ActivityRow.INPUT, ActivityRow.CLOSED_EVENT_ID,
    ActivityRow.RESULT, ActivityRow.ATTEMPTS)
CHILD_FAILURES = {"failed": "failed", "timed_out": "timed out", "terminated": "was terminated"}


class Requests:
    """The request half of ``ReplayContext`` (it provides ``state``, ``buffer``, ``serializer``...)."""

    state: ExecutionState
    closed: bool
    buffer: DecisionBuffer
    serializer: Serializer
    definition: WorkflowDefinition
    workflow_id: str
    run_id: str

    def __init__(self) -> None:
        self._activity_seq = self._child_seq = self._timer_seq = self._external_seq = 0
        #: Chains, groups and maps submitted so far: their members' ids derive from this number.
        self.canvas_seq = 0
        #: Futures submitted by a running lifecycle hook (None outside hooks).
        self.hook_futures: Optional[List[Future]] = None
        self._idempotent: Dict[str, Future] = {}
        self._signal_waits: Dict[str, int] = {}
        self._signals_by_name: Optional[Dict[str, List[Any]]] = None
        self._markers_seen: Dict[str, int] = {}
        self._externals: Optional[List[Any]] = None
        self._numbers: Optional[Dict[int, str]] = None
        self._rows: Mapping[str, Any] = self.state.activity_rows
        #: Ids this replay asked for (what the determinism guard compares with the history's).
        self._claimed_activities: Set[str] = set()
        self._claimed_children: Set[str] = set()
        self._claimed_timers: Set[str] = set()
        #: The activities and workflow classes this replay asked for, by (name, version): what
        #: ``run_local`` calls.
        self.used: Dict[Any, Any] = {}
        #: The workflow input's trace field, copied into every input scheduled (``trace_context``).
        self.trace: Optional[Dict[str, str]] = None

    def check_usable(self, where: str) -> None:  # pragma: no cover - ReplayContext overrides
        raise NotImplementedError

    def claim_activities(self, activity_ids: Any) -> None:
        """Mark history activities as asked for (lifecycle hooks' clean-ups, not replayed)."""
        self._claimed_activities.update(activity_ids)

    def map(self, act: Any, items: Any, max_parallel: Optional[int], where: str, star: bool = False) -> List[Future]:
        return map_futures(self, act, items, max_parallel, where, star)

    # -- activities -------------------------------------------------------------------------------------
    def submit(self, target: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Future:
        if self.closed:
            self.check_usable("submit")
        if self.hook_futures is not None:  # a lifecycle hook: the close waits for what it submits
            if not isinstance(target, Activity):
                raise WorkflowUsageError("submit(%r): a lifecycle hook may submit activities only" % (target,))
            path = "hook.%d" % (len(self.hook_futures) + 1)
            future = self.submit_activity(target, args, kwargs, ids.activity_id_at(path, target.name))
            self.hook_futures.append(future)
            return future
        return self._submit(target, args, kwargs)

    def _submit(self, target: Any, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Future:
        if isinstance(target, Activity):
            return self.submit_activity(target, args, kwargs)
        if isinstance(target, (Chain, Group)):
            if args or kwargs:
                raise WorkflowUsageError("submit(%s): a chain or group takes its arguments in its members" % (target,))
            return submit_canvas(self, target)
        definition = getattr(target, "swfkit_definition", None)
        if isinstance(target, type) and isinstance(definition, WorkflowDefinition):
            return self._submit_child(target, definition, args, kwargs)
        raise WorkflowUsageError("submit: %r is neither an @activity function nor an @workflow class; decorate "
                                 "it with @swfkit.futures.activity(...) or @swfkit.futures.workflow(...)" % (target,))

    def submit_activity(self, act: Activity, args: Tuple[Any, ...], kwargs: Dict[str, Any],
                        activity_id: Optional[str] = None) -> Future:
        """Schedule ``act`` (or resolve it from the history); ``activity_id``: an id chosen by the caller
        (chain, group and map members) instead of the next sequence number."""
        input = encode_args(act.serializer, args, kwargs, act.submit_where, self.trace)
        if activity_id is not None:
            pass
        elif act.idempotent:
            activity_id = ids.idempotent_activity_id(act.name, act.version, input)
            known = self._idempotent.get(activity_id)
            if known is not None:
                return known  # the same work is the same future
        else:
            self._activity_seq += 1
            activity_id = "%d-%s" % (self._activity_seq, act.name) if act.short_name else \
                ids.activity_id(self._activity_seq, act.name)
        self._claimed_activities.add(activity_id)
        future = Future(self, "activity", activity_id)
        if act.idempotent:
            self._idempotent[activity_id] = future
        future._canceller = lambda f: self._cancel_activity(activity_id, act)
        row = self._rows.get(activity_id)
        if row is not None and row[R_STATUS] == "completed":  # the common case
            if row[R_TYPE] == act.wire_type and row[R_INPUT] == input:
                future.attempts = len(row[R_ATTEMPTS]) + 1
                try:
                    value = decode_value(act.serializer, row[R_RESULT])  # offloaded results too
                except ValueError:
                    pass  # reported by the general path below
                else:
                    return future._succeed(value, row[R_CLOSED])
        record = self.state.activities.get(activity_id)
        if record is None and not act.idempotent and activity_id.partition("-")[0].isdigit():
            # Same position, other name: the history's id for this number differs from ours.
            recorded_id = self._numbered().get(self._activity_seq)
            record = None if recorded_id is None else self.state.activities[recorded_id]
        if record is None:
            future.attempts = 1 if self._schedule(act, activity_id, input) else 0
            return future
        event_id = record.scheduled_event_id or record.closed_event_id
        check_same(event_id, "activity %s of type" % record.activity_id, type_of(record.activity_type),
                   (act.name, act.version))
        if record.scheduled_event_id:
            check_same(event_id, "activity %s with input" % activity_id, record.input, input)
        self._resolve_activity(future, act, record, input)
        return future

    def _numbered(self) -> Dict[int, str]:
        """Sequence number -> activity id, for the ids the history holds (built once, on a miss)."""
        if self._numbers is None:
            self._numbers = {}
            for activity_id in self.state.activities:
                number, dash, _ = activity_id.partition("-")
                if dash and number.isdigit():
                    self._numbers[int(number)] = activity_id
        return self._numbers

    def _resolve_activity(self, future: Future, act: Activity, record: Any, input: str) -> None:
        status, attempts, activity_id = record.status, record.attempt, record.activity_id
        future.attempts = attempts
        if status in OPEN_ACTIVITY:
            return
        if status == "completed":
            try:
                future._succeed(decode_value(act.serializer, record.result), record.closed_event_id)
            except ValueError as err:
                future._fail(ActivityFailed(activity_id, "ResultNotDecodable", str(err), attempts),
                             record.closed_event_id)
        elif status == "canceled":
            future._cancel(record.closed_event_id)
        elif status == "schedule_failed":
            if record.cause in TRANSIENT_SCHEDULE_CAUSES:
                self._schedule(act, activity_id, input)
            else:
                future._fail(ScheduleFailed(activity_id, record.cause), record.closed_event_id)
        elif should_retry(status, attempts, act.retry):
            delay = backoff_seconds(act.backoff, attempts)
            timer = None if delay is None else self.state.timers.get(ids.retry_timer_id(activity_id, attempts))
            if delay is not None and timer is None:
                timer_id = ids.retry_timer_id(activity_id, attempts)
                self.buffer.add(start_timer(timer_id, delay), ("timer", timer_id))
            elif timer is None or timer.status != "started":
                if self._schedule(act, activity_id, input):
                    future.attempts = attempts + 1
        elif status == "timed_out":
            future._fail(ActivityTimedOut(activity_id, record.timeout_type, record.details, attempts),
                         record.closed_event_id)
        else:
            future._fail(ActivityFailed(activity_id, record.reason, record.details, attempts), record.closed_event_id)

    def _schedule(self, act: Activity, activity_id: str, input: str) -> bool:
        self.used[("activity", act.name, act.version)] = act
        options = act.schedule_options()
        options["task_list"] = options["task_list"] or self.definition.activity_task_list
        decision = schedule_activity_task(activity_id, (act.name, act.version), input=input, **options)
        return self.buffer.schedule_activity(decision, ("activity", activity_id))

    def _cancel_activity(self, activity_id: str, act: Activity) -> bool:
        if self.buffer.remove(("activity", activity_id)):
            return True  # not sent yet: simply not sent
        record = self.state.activities.get(activity_id)
        if record is None:
            return True
        if record.status in ("scheduled", "started"):
            self.buffer.add(request_cancel_activity_task(activity_id))
        elif record.status in ("failed", "timed_out"):  # maybe waiting on a retry timer
            timer_id = ids.retry_timer_id(activity_id, record.attempt)
            timer = self.state.timers.get(timer_id)
            if not self.buffer.remove(("timer", timer_id)) and timer is not None and timer.status == "started":
                self.buffer.add(cancel_timer(timer_id))
        return True

    # -- child workflows --------------------------------------------------------------------------------
    def _submit_child(self, cls: Any, definition: WorkflowDefinition, args: Tuple[Any, ...], kwargs: Dict[str, Any]) -> Future:
        input = encode_args(definition.serializer, args, kwargs, "submit(%s)" % definition.name, self.trace)
        self._child_seq += 1
        workflow_id = ids.child_workflow_id(self.workflow_id, self.run_id, self._child_seq)
        self._claimed_children.add(workflow_id)
        future = Future(self, "child", workflow_id)
        future.workflow_id = workflow_id
        future._canceller = lambda f: self._cancel_child(workflow_id)
        record = self.state.children.get(workflow_id)
        self.used[("workflow", definition.name, definition.version)] = cls
        if record is None:
            r = definition.registration
            self.buffer.add(start_child_workflow_execution(
                (r.name, r.version), workflow_id, input=input, task_list=r.task_list,
                execution_start_to_close_timeout=r.execution_start_to_close_timeout,
                task_start_to_close_timeout=r.task_start_to_close_timeout, child_policy=r.child_policy),
                ("child", workflow_id))
            return future
        event_id = record.initiated_event_id or record.closed_event_id
        check_same(event_id, "child workflow %s of type" % workflow_id, type_of(record.workflow_type),
                   (definition.name, definition.version))
        if record.initiated_event_id:
            check_same(event_id, "child workflow %s with input" % workflow_id, record.input, input)
        future.run_id = record.run_id
        status = record.status
        if status == "completed":
            try:
                future._succeed(decode_value(definition.serializer, record.result), record.closed_event_id)
            except ValueError as err:
                future._fail(ChildWorkflowFailed(workflow_id, "returned an undecodable result", str(err)),
                             record.closed_event_id)
        elif status == "canceled":
            future._cancel(record.closed_event_id)
        elif status == "start_failed":
            future._fail(ScheduleFailed(workflow_id, record.cause), record.closed_event_id)
        elif status in CHILD_FAILURES:
            future._fail(ChildWorkflowFailed(workflow_id, CHILD_FAILURES[status], record.reason or record.timeout_type,
                                             record.details), record.closed_event_id)
        return future

    def _cancel_child(self, workflow_id: str) -> bool:
        if self.buffer.remove(("child", workflow_id)):
            return True
        record = self.state.children.get(workflow_id)
        if record is not None and record.is_open and not any(
                r.workflow_id == workflow_id for r in self.state.external_cancel_requests.values()):
            self.buffer.add(request_cancel_external_workflow_execution(workflow_id, run_id=record.run_id))
        return True

    # -- timers -------------------------------------------------------------------------------------------
    def timer(self, seconds: Any) -> Future:
        self.check_usable("timer")
        if self.hook_futures is not None:
            raise WorkflowUsageError("timer: a lifecycle hook cannot start timers")
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not 0 <= seconds <= MAX_TIMEOUT_SECONDS:
            raise ValidationError("timer", "seconds", "must be a number of seconds in 0..%d, got %r"
                                  % (MAX_TIMEOUT_SECONDS, seconds))
        whole = int(math.ceil(seconds))
        self._timer_seq += 1
        timer_id = ids.timer_id(self._timer_seq)
        self._claimed_timers.add(timer_id)
        future = Future(self, "timer", timer_id)
        future._canceller = lambda f: self._cancel_timer(timer_id)
        record = self.state.timers.get(timer_id)
        if record is None:
            self.buffer.add(start_timer(timer_id, whole), ("timer", timer_id))
        elif record.status == "start_failed":
            future._fail(ScheduleFailed(timer_id, record.cause), record.closed_event_id)
        else:
            check_same(record.started_event_id, "timer %s firing after" % timer_id, record.start_to_fire_timeout,
                       str(whole))
            if record.status == "fired":
                future._succeed(None, record.closed_event_id)
            elif record.status == "canceled":
                future._cancel(record.closed_event_id)
        return future

    def _cancel_timer(self, timer_id: str) -> bool:
        if not self.buffer.remove(("timer", timer_id)):
            record = self.state.timers.get(timer_id)
            if record is not None and record.status == "started":
                self.buffer.add(cancel_timer(timer_id))
        return True

    # -- signals and markers --------------------------------------------------------------------------------
    def wait_signal(self, name: str) -> Future:
        self.check_usable("wait_signal")
        if not isinstance(name, str) or not name:
            raise ValidationError("wait_signal", "name", "must be a non-empty signal name, got %r" % (name,))
        if self._signals_by_name is None:
            self._signals_by_name = {}
            for signal in self.state.signals:
                self._signals_by_name.setdefault(signal.name, []).append(signal)
        index = self._signal_waits.get(name, 0)
        self._signal_waits[name] = index + 1
        future = Future(self, "signal", "%s#%d" % (name, index + 1))
        future._canceller = lambda f: True
        received = self._signals_by_name.get(name, ())
        if index < len(received):
            signal = received[index]
            future._succeed(decode_value(self.serializer, signal.input, lenient=True), signal.event_id)
        return future

    def signal(self, execution: Any, name: str, input: Any) -> Future:
        self.check_usable("signal")
        if isinstance(execution, Future):
            workflow_id, run_id = execution.workflow_id, execution.run_id
        elif isinstance(execution, str):
            workflow_id, run_id = execution, None
        elif isinstance(execution, Mapping):
            workflow_id, run_id = execution.get("workflowId"), execution.get("runId")
        else:
            workflow_id = run_id = None
        if not workflow_id:
            raise WorkflowUsageError("signal: execution must be a workflow id, {'workflowId': ..., 'runId': ...} "
                                     "or a child workflow's future, got %r" % (execution,))
        encoded = encode_value(self.serializer, input, "signal", "input")
        self._external_seq += 1
        if self._externals is None:
            self._externals = sorted(self.state.external_signals.values(), key=lambda r: r.initiated_event_id)
        future = Future(self, "external_signal", "%s#%d" % (name, self._external_seq))
        if self._external_seq > len(self._externals):
            self.buffer.add(signal_external_workflow_execution(workflow_id, name, run_id=run_id, input=encoded))
            return future
        record = self._externals[self._external_seq - 1]
        check_same(record.initiated_event_id, "a signal sent (workflow id, name)", (record.workflow_id, record.signal_name),
                   (workflow_id, name))
        if record.status == "signaled":
            future._succeed(None, record.closed_event_id)
        elif record.status == "failed":
            future._fail(SignalFailed(workflow_id, name, record.cause), record.closed_event_id)
        return future

    def record_marker(self, name: str, details: Any) -> None:
        self.check_usable("record_marker")
        text = details if details is None or isinstance(details, str) else \
            encode_value(self.serializer, details, "record_marker", "details")
        index = self._markers_seen.get(name, 0)
        self._markers_seen[name] = index + 1
        recorded = self.state.markers.get(name, ()) if isinstance(name, str) else ()
        if index < len(recorded):
            check_same(recorded[index].event_id, "marker %r with details" % name, recorded[index].details, text)
            return
        self.buffer.add(record_marker(name, details=text))
