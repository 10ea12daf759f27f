"""Fold steps for tasks: activity tasks, Lambda functions and decision tasks.

Each step is ``step(state, raw, event_id, event_type, attributes)``: it reads the wire attributes
(no typed event is built: folding a 25,000-event history must stay cheap), moves the entity along
its lifecycle table and stores the new record (for activity and decision tasks, the bulk of any
history, a plain tuple row in record field order; see ``records.RecordMap``). Every check comes
before any change, so a refused event leaves the state as it was. Missing required members
surface as ``KeyError`` and are turned into ``HistoryIntegrityError`` by ``ExecutionState.apply``.
"""
from __future__ import annotations

from typing import Any, Callable, Dict, Mapping, Optional, Tuple

from swfkit.exceptions import HistoryIntegrityError
from swfkit.history.lifecycles import ACTIVITY, DECISION_TASK, LAMBDA, move
from swfkit.history.records import DecisionFailure, LambdaState

Step = Callable[[Any, Mapping[str, Any], int, str, Mapping[str, Any]], None]


def earlier_attempts(old: Any) -> Tuple[Any, ...]:
    """The attempts of a record that is being scheduled again: its own plus itself (flattened)."""
    if old is None:
        return ()
    attempts: Tuple[Any, ...] = old.attempts
    if attempts:
        old = old.__class__(*[getattr(old, name) for name in old.__slots__ if name != "attempts"])
    return attempts + (old,)


def _lambda_by_scheduled(state: Any, index: Dict[int, str], records: Dict[str, Any], kind: str,
                  a: Mapping[str, Any], event_id: int, event_type: str) -> Any:
    """The record an event's ``scheduledEventId`` points at, checked to be its latest attempt."""
    scheduled = a["scheduledEventId"]
    key = index.get(scheduled)
    if key is None:
        raise HistoryIntegrityError(event_id, event_type, "%s scheduled by event %s" % (kind, scheduled), None,
                                    "unknown scheduledEventId %s: no such scheduled event" % scheduled)
    record = records[key]
    if record.scheduled_event_id != scheduled:
        raise HistoryIntegrityError(event_id, event_type, "%s %r" % (kind, key), record.status,
                                    "scheduledEventId %s is an earlier attempt; the latest was scheduled by "
                                    "event %s" % (scheduled, record.scheduled_event_id))
    return record


def _check_started(record: Any, kind: str, key: str, a: Mapping[str, Any], event_id: int, event_type: str) -> None:
    started = a["startedEventId"]
    if started != record.started_event_id:
        raise HistoryIntegrityError(event_id, event_type, "%s %r" % (kind, key), record.status,
                                    "startedEventId %s does not match the start event %s" % (started, record.started_event_id))


# -- activity tasks: rows in ActivityState field order ---------------------------------------------
ID, STATUS, TYPE, INPUT, CONTROL, TASK_LIST, SCHEDULED, STARTED, CLOSED, IDENTITY = range(10)
CANCEL_REQUESTED, ATTEMPTS = 15, 16


def _activity_row(s: Any, a: Mapping[str, Any], event_id: int, event_type: str) -> Tuple[Any, ...]:
    """The row an event's ``scheduledEventId`` points at, checked to be the latest attempt."""
    scheduled = a["scheduledEventId"]
    activity_id = s._activity_ids.get(scheduled)
    if activity_id is None:
        raise HistoryIntegrityError(event_id, event_type, "activity scheduled by event %s" % scheduled, None,
                                    "unknown scheduledEventId %s: no ActivityTaskScheduled with that id" % scheduled)
    row: Tuple[Any, ...] = s._activities[activity_id]
    if row[SCHEDULED] != scheduled:
        raise HistoryIntegrityError(event_id, event_type, "activity %r" % activity_id, row[STATUS],
                                    "scheduledEventId %s is an earlier attempt; the latest was scheduled by "
                                    "event %s" % (scheduled, row[SCHEDULED]))
    return row


def _attempt_rows(row: Optional[Tuple[Any, ...]]) -> Tuple[Any, ...]:
    return () if row is None else row[ATTEMPTS] + (row[:ATTEMPTS] + ((),),)


def activity_scheduled(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """ActivityTaskScheduled: a new activity, or a new attempt of a closed id."""
    activity_id = a["activityId"]
    old = s._activities.get(activity_id)
    move(ACTIVITY, "activity", activity_id, None if old is None else old[STATUS], event_type, event_id)
    s._activities[activity_id] = (
        activity_id, "scheduled", a["activityType"], a.get("input"), a.get("control"), a.get("taskList"),
        event_id, 0, 0, None, None, None, None, None, None, 0, _attempt_rows(old))
    s._activity_ids[event_id] = activity_id
    s._open_activities.add(activity_id)


def schedule_activity_failed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """ScheduleActivityTaskFailed: the decision was refused."""
    activity_id = a["activityId"]
    cause = a["cause"]
    old = s._activities.get(activity_id)
    old_status = None if old is None else old[STATUS]
    status = move(ACTIVITY, "activity", activity_id, old_status, event_type, event_id)
    if status != old_status:  # an open activity with this id stays as it is
        s._activities[activity_id] = (
            activity_id, status, a["activityType"], None, None, None, 0, 0, event_id,
            None, None, None, None, None, cause, 0, _attempt_rows(old))
    s.decision_failures.append(DecisionFailure(event_id, event_type, cause, activity_id,
                                               a.get("decisionTaskCompletedEventId")))


def activity_started(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """ActivityTaskStarted: a worker picked the task up."""
    old = _activity_row(s, a, event_id, event_type)
    status = move(ACTIVITY, "activity", old[ID], old[STATUS], event_type, event_id)
    s._activities[old[ID]] = old[:STATUS] + (status,) + old[TYPE:STARTED] + (event_id, 0, a.get("identity")) \
        + old[IDENTITY + 1:]


def _activity_closer(result: bool = False, reason: bool = False, timeout: bool = False) -> Step:
    def activity_closed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
        """ActivityTaskCompleted/Failed/TimedOut/Canceled: the attempt closes."""
        old = _activity_row(s, a, event_id, event_type)
        activity_id = old[ID]
        status = move(ACTIVITY, "activity", activity_id, old[STATUS], event_type, event_id)
        if a["startedEventId"] != old[STARTED]:
            raise HistoryIntegrityError(event_id, event_type, "activity %r" % activity_id, old[STATUS],
                                        "startedEventId %s does not match the ActivityTaskStarted event %s"
                                        % (a["startedEventId"], old[STARTED]))
        s._activities[activity_id] = old[:STATUS] + (status,) + old[TYPE:CLOSED] + (
            event_id, old[IDENTITY], a.get("result") if result else None, a.get("reason") if reason else None,
            a.get("details"), a["timeoutType"] if timeout else None, None) + old[CANCEL_REQUESTED:]
        s._open_activities.discard(activity_id)
    return activity_closed


def activity_cancel_requested(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """ActivityTaskCancelRequested: the decider asked to cancel."""
    activity_id = a["activityId"]
    old = s._activities.get(activity_id)
    status = move(ACTIVITY, "activity", activity_id, None if old is None else old[STATUS], event_type, event_id)
    s._activities[activity_id] = old[:STATUS] + (status,) + old[TYPE:CANCEL_REQUESTED] + (event_id, old[ATTEMPTS])


# -- Lambda functions ----------------------------------------------------------------------------

def lambda_scheduled(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """LambdaFunctionScheduled: a new Lambda function, or a new attempt of a closed id."""
    lambda_id = a["id"]
    old = s.lambdas.get(lambda_id)
    move(LAMBDA, "lambda", lambda_id, None if old is None else old.status, event_type, event_id)
    s.lambdas[lambda_id] = LambdaState(lambda_id, "scheduled", a["name"], a.get("input"), a.get("control"),
                                       event_id, attempts=earlier_attempts(old))
    s._lambda_ids[event_id] = lambda_id
    s._open_lambdas.add(lambda_id)


def schedule_lambda_failed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """ScheduleLambdaFunctionFailed: the decision was refused."""
    lambda_id = a["id"]
    cause = a["cause"]
    old = s.lambdas.get(lambda_id)
    old_status = None if old is None else old.status
    status = move(LAMBDA, "lambda", lambda_id, old_status, event_type, event_id)
    if status != old_status:
        s.lambdas[lambda_id] = LambdaState(lambda_id, status, a["name"], None, None, 0, closed_event_id=event_id,
                                           cause=cause, attempts=earlier_attempts(old))
    s.decision_failures.append(DecisionFailure(event_id, event_type, cause, lambda_id,
                                               a.get("decisionTaskCompletedEventId")))


def _lambda_step(started: bool = False, closes: bool = False) -> Step:
    def lambda_moved(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
        """LambdaFunctionStarted/Completed/Failed/TimedOut, StartLambdaFunctionFailed."""
        old = _lambda_by_scheduled(s, s._lambda_ids, s.lambdas, "lambda", a, event_id, event_type)
        status = move(LAMBDA, "lambda", old.lambda_id, old.status, event_type, event_id)
        if closes and not started and "startedEventId" in a:
            _check_started(old, "lambda", old.lambda_id, a, event_id, event_type)
        s.lambdas[old.lambda_id] = LambdaState(
            old.lambda_id, status, old.name, old.input, old.control, old.scheduled_event_id,
            event_id if started else old.started_event_id, event_id if closes else 0,
            a.get("result"), a.get("reason"), a.get("details"), a.get("timeoutType"), a.get("cause"),
            a.get("message"), old.attempts)
        if closes:
            s._open_lambdas.discard(old.lambda_id)
    return lambda_moved


# -- decision tasks: rows in DecisionTaskState field order ------------------------------------------

def decision_scheduled(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """DecisionTaskScheduled: a decision task waits for a decider."""
    s._decision_tasks[event_id] = (event_id, "scheduled", 0, 0, None, None, None)
    s._open_decision_task = event_id


def _decision_row(s: Any, a: Mapping[str, Any], event_id: int, event_type: str) -> Tuple[Any, ...]:
    scheduled = a["scheduledEventId"]
    row: Optional[Tuple[Any, ...]] = s._decision_tasks.get(scheduled)
    if row is None:
        raise HistoryIntegrityError(event_id, event_type, "decision task scheduled by event %s" % scheduled, None,
                                    "unknown scheduledEventId %s: no DecisionTaskScheduled with that id" % scheduled)
    return row


def _check_decision_started(row: Tuple[Any, ...], a: Mapping[str, Any], event_id: int, event_type: str) -> None:
    if a["startedEventId"] != row[2]:
        raise HistoryIntegrityError(event_id, event_type, "decision task %r" % row[0], row[1],
                                    "startedEventId %s does not match the DecisionTaskStarted event %s"
                                    % (a["startedEventId"], row[2]))


def decision_started(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """DecisionTaskStarted: a decider holds the task."""
    row = _decision_row(s, a, event_id, event_type)
    status = move(DECISION_TASK, "decision task", row[0], row[1], event_type, event_id)
    s._decision_tasks[row[0]] = (row[0], status, event_id, 0, a.get("identity"), None, None)


def decision_completed(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """DecisionTaskCompleted: the decider answered."""
    row = _decision_row(s, a, event_id, event_type)
    status = move(DECISION_TASK, "decision task", row[0], row[1], event_type, event_id)
    _check_decision_started(row, a, event_id, event_type)
    s._decision_tasks[row[0]] = (row[0], status, row[2], event_id, row[4], a.get("executionContext"), None)
    s._close_decision_task(row[0], row[2])


def decision_timed_out(s: Any, raw: Mapping[str, Any], event_id: int, event_type: str, a: Mapping[str, Any]) -> None:
    """DecisionTaskTimedOut: the decider did not answer in time."""
    row = _decision_row(s, a, event_id, event_type)
    status = move(DECISION_TASK, "decision task", row[0], row[1], event_type, event_id)
    _check_decision_started(row, a, event_id, event_type)
    s._decision_tasks[row[0]] = (row[0], status, row[2], event_id, row[4], None, a["timeoutType"])
    s._close_decision_task(row[0], 0)


STEPS: Dict[str, Step] = {
    "ActivityTaskScheduled": activity_scheduled,
    "ScheduleActivityTaskFailed": schedule_activity_failed,
    "ActivityTaskStarted": activity_started,
    "ActivityTaskCompleted": _activity_closer(result=True),
    "ActivityTaskFailed": _activity_closer(reason=True),
    "ActivityTaskTimedOut": _activity_closer(timeout=True),
    "ActivityTaskCanceled": _activity_closer(),
    "ActivityTaskCancelRequested": activity_cancel_requested,
    "LambdaFunctionScheduled": lambda_scheduled,
    "ScheduleLambdaFunctionFailed": schedule_lambda_failed,
    "LambdaFunctionStarted": _lambda_step(started=True),
    "StartLambdaFunctionFailed": _lambda_step(closes=True),
    "LambdaFunctionCompleted": _lambda_step(closes=True),
    "LambdaFunctionFailed": _lambda_step(closes=True),
    "LambdaFunctionTimedOut": _lambda_step(closes=True),
    "DecisionTaskScheduled": decision_scheduled,
    "DecisionTaskStarted": decision_started,
    "DecisionTaskCompleted": decision_completed,
    "DecisionTaskTimedOut": decision_timed_out,
}
