"""Task lists: long polls that wake within milliseconds, activity worker calls, pending counts.

A scheduled task is a row of ``tasks``; a poll takes the highest-priority oldest row under the
store lock inside one transaction, so each task goes to exactly one poller. A poll finding
nothing waits on the condition of its (domain, kind, task list) — built on the store lock,
which it releases while waiting — and the transaction that adds a task notifies it on commit.
"""
from __future__ import annotations

import time
from typing import Any, Dict, List, Optional, Tuple

from swfkit.exceptions import LimitExceededFault, UnknownResourceFault
from swfkit.spec import limits

from swfkit.server import tokens
from swfkit.server.context import Context
from swfkit.server.store import to_json
from swfkit.server.domains import check_domain, require_domain
from swfkit.server.executions import Execution, activity_deadline, unknown_execution
from swfkit.server.paging import Raw, events_page


def _long_poll(ctx: Context, kind: str, p: Dict[str, Any], take: Any) -> Any:
    key = (p["domain"], kind, p["taskList"]["name"])
    deadline = time.monotonic() + ctx.poll_timeout
    with ctx.store.lock:
        if ctx.pollers.get(key, 0) >= limits.MAX_POLLERS_PER_TASK_LIST:
            raise LimitExceededFault("Too many pollers on task list %s" % key[2])
        ctx.pollers[key] = ctx.pollers.get(key, 0) + 1
        try:
            cond = ctx.condition(key)
            checked = False
            while True:
                with ctx.transaction():
                    if not checked:
                        check_domain(ctx, p["domain"])
                        checked = True
                    row = ctx.store.execute(
                        "SELECT id, execution, scheduled_event_id FROM tasks WHERE domain=? AND kind=? "
                        "AND task_list=? ORDER BY priority DESC, id LIMIT 1", key).fetchone()
                    if row is not None:
                        if not ctx.caller_alive():
                            # the client died while waiting: leave the task to a live poller
                            cond.notify(1)
                            return None
                        ctx.store.execute("DELETE FROM tasks WHERE id=?", (row["id"],))
                        result = take(row["execution"], row["scheduled_event_id"])
                        if result is not None:
                            return result
                        continue
                remaining = deadline - time.monotonic()
                if remaining <= 0 or ctx.stopping or not ctx.caller_alive():
                    return None  # a caller that has gone stops waiting: its thread and place are freed
                cond.wait(min(remaining, ctx.liveness_interval))
        finally:
            ctx.pollers[key] -= 1


def poll_for_decision_task(ctx: Context, p: Dict[str, Any]) -> Any:
    """The PollForDecisionTask call (``p``: the validated request)."""
    if p.get("nextPageToken") is not None:
        with ctx.transaction():
            return _decision_next_page(ctx, p)

    def take(row_id: int, scheduled: int) -> Optional[Raw]:
        execution = Execution.by_row(ctx, row_id)
        if execution is None or not execution.open:
            return None
        decision = execution.decision
        if decision["status"] != "scheduled" or decision["scheduled"] != scheduled:
            return None
        started = execution.add_event("DecisionTaskStarted", {"identity": p.get("identity"),
                                                              "scheduledEventId": scheduled})
        decision.update(status="started", started=started)
        timeout = execution.config["taskStartToCloseTimeout"]
        if timeout != "NONE":
            execution.add_timeout(int(timeout), "d_st2c", "d:%d" % started)
        execution.save()
        return _decision_response(ctx, p, execution, started, None)

    result = _long_poll(ctx, "decision", p, take)
    if result is None:
        return {"previousStartedEventId": 0, "startedEventId": 0}
    return result


def _decision_response(ctx: Context, p: Dict[str, Any], execution: Execution, started: int,
                       position: Optional[List[Any]]) -> Raw:
    first = 1
    previous = execution.state.get("previous_started", 0)
    if p.get("startAtPreviousStartedEvent") and previous:
        first = previous
    events, token = events_page(ctx, execution.id, p, position, last_event_id=started,
                                first_event_id=first, token_prefix=(execution.id, started))
    # a later page of a task that has meanwhile closed carries a token that is already stale
    head = {"taskToken": tokens.task_token(ctx.store.secret, "decision", execution.id,
                                           execution.decision["scheduled"], started),
            "startedEventId": started, "workflowExecution": execution.ref,
            "workflowType": execution.workflow_type, "previousStartedEventId": previous}
    if token:
        head["nextPageToken"] = token
    text = to_json(head)
    return Raw((text[:-1] + ',"events":' + events + "}").encode())


def _decision_next_page(ctx: Context, p: Dict[str, Any]) -> Raw:
    position = tokens.parse_page_token(ctx.store.secret, p, ctx.clock.now())
    assert position is not None
    if len(position) != 3:
        raise UnknownResourceFault("The nextPageToken does not belong to a decision task")
    execution = Execution.by_row(ctx, int(position[0]))
    if execution is None:
        raise UnknownResourceFault("The execution of this decision task is gone")
    return _decision_response(ctx, p, execution, int(position[1]), position)


def poll_for_activity_task(ctx: Context, p: Dict[str, Any]) -> Any:
    """The PollForActivityTask call (``p``: the validated request)."""
    def take(row_id: int, scheduled: int) -> Optional[Dict[str, Any]]:
        execution = Execution.by_row(ctx, row_id)
        if execution is None or not execution.open:
            return None
        activity = execution.activity(scheduled)
        if activity is None or activity["started"]:
            return None
        started = execution.add_event("ActivityTaskStarted", {"identity": p.get("identity"),
                                                              "scheduledEventId": scheduled})
        activity["started"] = started
        armed = activity_deadline(activity)
        activity["heartbeat"] = activity["startedAt"] = ctx.clock.now()
        execution.arm_activity(activity, armed)
        execution.put_activity(activity)
        execution.save()
        answer = {"taskToken": tokens.task_token(ctx.store.secret, "activity", execution.id, scheduled,
                                                 started),
                  "activityId": activity["activityId"], "startedEventId": started,
                  "workflowExecution": execution.ref, "activityType": activity["activityType"]}
        if activity.get("input") is not None:
            answer["input"] = activity["input"]
        return answer

    result = _long_poll(ctx, "activity", p, take)
    return result if result is not None else {"startedEventId": 0}


def started_activity(ctx: Context, token: Any) -> Tuple[Execution, Dict[str, Any]]:
    """(execution, activity record) for a started activity's token, or UnknownResourceFault."""
    row_id, scheduled, started = tokens.parse_task_token(ctx.store.secret, token, "activity")
    execution = Execution.by_row(ctx, row_id)
    if execution is not None and not execution.open:
        raise unknown_execution(execution.workflow_id, execution.run_id)
    activity = execution.activity(scheduled) if execution is not None else None
    if activity is None or activity["started"] != started:
        raise UnknownResourceFault("Unknown activity, scheduledEventId = %d" % scheduled)
    return execution, activity


def close_activity(execution: Execution, activity: Dict[str, Any]) -> None:
    """Forget an activity that reached a terminal event."""
    scheduled = activity["scheduled"]
    execution.remove_activity(activity)
    execution.drop_timeouts("a:%d" % scheduled)


def _respond(ctx: Context, p: Dict[str, Any], event_type: str, fields: Dict[str, Any]) -> Dict[str, Any]:
    execution, activity = started_activity(ctx, p["taskToken"])
    attributes = {k: p.get(v) for k, v in fields.items()}
    attributes.update(scheduledEventId=activity["scheduled"], startedEventId=activity["started"])
    if event_type == "ActivityTaskCanceled" and activity.get("cancelRequested"):
        attributes["latestCancelRequestedEventId"] = activity["cancelRequested"]
    close_activity(execution, activity)
    execution.add_event(event_type, attributes)
    execution.save()
    return {}


def respond_activity_task_completed(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The RespondActivityTaskCompleted call (``p``: the validated request)."""
    return _respond(ctx, p, "ActivityTaskCompleted", {"result": "result"})


def respond_activity_task_failed(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The RespondActivityTaskFailed call (``p``: the validated request)."""
    return _respond(ctx, p, "ActivityTaskFailed", {"reason": "reason", "details": "details"})


def respond_activity_task_canceled(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The RespondActivityTaskCanceled call (``p``: the validated request)."""
    return _respond(ctx, p, "ActivityTaskCanceled", {"details": "details"})


def record_activity_task_heartbeat(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The RecordActivityTaskHeartbeat call (``p``: the validated request)."""
    execution, activity = started_activity(ctx, p["taskToken"])
    activity["heartbeat"] = ctx.clock.now()
    if p.get("details") is not None:
        activity["details"] = p["details"]
    execution.put_activity(activity)
    return {"cancelRequested": bool(activity.get("cancelRequested"))}


def _count(ctx: Context, kind: str, p: Dict[str, Any]) -> Dict[str, Any]:
    require_domain(ctx, p["domain"])
    count = ctx.store.execute("SELECT COUNT(*) FROM tasks WHERE domain=? AND kind=? AND task_list=?",
                              (p["domain"], kind, p["taskList"]["name"])).fetchone()[0]
    return {"count": count, "truncated": False}


def count_pending_activity_tasks(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The CountPendingActivityTasks call (``p``: the validated request)."""
    return _count(ctx, "activity", p)


def count_pending_decision_tasks(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The CountPendingDecisionTasks call (``p``: the validated request)."""
    return _count(ctx, "decision", p)
