"""One workflow execution: load/save its row, append events, keep at most one decision task.

``Execution`` wraps a row of the ``executions`` table. Its small mutable bookkeeping (decision
task, counters) is a JSON ``state`` column saved with the row in the same transaction that appends
the events; open activities (up to 1,000) have rows of their own so a worker call touches only its
activity, and so do open timers, children and Lambda functions (``records``, see
:class:`~swfkit.server.execution_records.RecordMap`), so a call's cost does not grow with them.
"""
from __future__ import annotations

import json
from typing import Any, Dict, Optional, Tuple

from swfkit.exceptions import UnknownResourceFault
from swfkit.spec import EVENT_ATTRIBUTES, limits

from swfkit.server.context import Context
from swfkit.server.execution_records import ExecutionState, RecordMap
from swfkit.server.schema import RECORD_KINDS
from swfkit.server.store import to_json

#: Events that need the decider's attention: each schedules a decision task (coalesced).
DECIDER_EVENTS = frozenset({
    "WorkflowExecutionStarted", "WorkflowExecutionSignaled", "WorkflowExecutionCancelRequested",
    "ActivityTaskCompleted", "ActivityTaskFailed", "ActivityTaskTimedOut", "ActivityTaskCanceled",
    "TimerFired", "ChildWorkflowExecutionStarted", "ChildWorkflowExecutionCompleted",
    "ChildWorkflowExecutionFailed", "ChildWorkflowExecutionTimedOut", "ChildWorkflowExecutionCanceled",
    "ChildWorkflowExecutionTerminated", "StartChildWorkflowExecutionFailed",
    "ExternalWorkflowExecutionSignaled", "SignalExternalWorkflowExecutionFailed",
    "ExternalWorkflowExecutionCancelRequested", "RequestCancelExternalWorkflowExecutionFailed",
    "DecisionTaskTimedOut", "ScheduleActivityTaskFailed", "RequestCancelActivityTaskFailed",
    "CompleteWorkflowExecutionFailed", "FailWorkflowExecutionFailed", "CancelWorkflowExecutionFailed",
    "ContinueAsNewWorkflowExecutionFailed", "RecordMarkerFailed", "StartTimerFailed",
    "CancelTimerFailed", "LambdaFunctionCompleted", "LambdaFunctionFailed", "LambdaFunctionTimedOut",
    "ScheduleLambdaFunctionFailed", "StartLambdaFunctionFailed",
})

#: Open activity records an execution keeps parsed (more are read from their rows again).
ACTIVITY_CACHE_SIZE = 1024


def open_executions(ctx: Context, domain: str) -> int:
    """How many executions are open in ``domain`` (children included): a kept count, not a scan."""
    row = ctx.store.execute("SELECT open_count FROM domains WHERE name=?", (domain,)).fetchone()
    return int(row[0]) if row else 0


def count_open(ctx: Context, domain: str, delta: int) -> None:
    """Keep the domain's open-execution count: +1 when a run opens, -1 when it closes."""
    ctx.store.execute("UPDATE domains SET open_count=open_count+? WHERE name=?", (delta, domain))


def new_state() -> Dict[str, Any]:
    """The bookkeeping of a fresh execution (timers, children and lambdas live in ``records``)."""
    return {"decision": {"status": None, "scheduled": 0, "started": 0, "dirty": False, "next": None},
            "previous_started": 0, "override": None, "open_activities": 0,
            "latest_activity": None, "latest_context": None}


def unknown_execution(workflow_id: str, run_id: Optional[str] = None) -> UnknownResourceFault:
    """The fault SWF answers for an execution it does not know (or that has closed), in its words."""
    if run_id:
        return UnknownResourceFault("Unknown execution: WorkflowExecution=[workflowId=%s, runId=%s]"
                                    % (workflow_id, run_id))
    return UnknownResourceFault("Unknown execution, workflowId = %s" % workflow_id)


#: (due time in epoch seconds, SWF timeout type)
Deadline = Tuple[float, str]


def activity_deadline(record: Dict[str, Any]) -> Optional[Deadline]:
    """(due time, timeout type) of the first of an activity's timeouts to expire, or None.

    Schedule-to-start runs until the task starts; start-to-close and heartbeat (from the last
    heartbeat, or the start) run once it has started; schedule-to-close runs throughout.
    """
    candidates = []

    def add(base: Optional[float], value: Optional[str], timeout_type: str) -> None:
        if base is not None and value not in (None, "NONE"):
            candidates.append((base + min(int(value), limits.MAX_TIMEOUT_SECONDS), timeout_type))

    started = record["started"]
    if not started:
        add(record["scheduledAt"], record["scheduleToStartTimeout"], "SCHEDULE_TO_START")
    add(record["scheduledAt"], record["scheduleToCloseTimeout"], "SCHEDULE_TO_CLOSE")
    if started:
        add(record["startedAt"], record["startToCloseTimeout"], "START_TO_CLOSE")
        add(record.get("heartbeat"), record.get("heartbeatTimeout"), "HEARTBEAT")
    return min(candidates) if candidates else None


class Execution:
    """A workflow execution row plus its bookkeeping, bound to the current transaction."""

    def __init__(self, ctx: Context, row: Any) -> None:
        self.ctx = ctx
        self.id: int = row["id"]
        self.domain: str = row["domain"]
        self.workflow_id: str = row["workflow_id"]
        self.run_id: str = row["run_id"]
        self.type_name: str = row["type_name"]
        self.type_version: str = row["type_version"]
        self.open: bool = bool(row["open"])
        self.close_status: Optional[str] = row["close_status"]
        self.start_ts: float = row["start_ts"]
        self.close_ts: Optional[float] = row["close_ts"]
        self.cancel_requested: bool = bool(row["cancel_requested"])
        self._config_text: str = row["config"]
        self._config: Optional[Dict[str, Any]] = None
        self._config_saved: Optional[Dict[str, Any]] = None
        #: Open activity records by scheduled event id, as last read or written in this transaction
        #: line (the whole object is dropped from the identity map by any rollback).
        self._activities: Dict[int, Dict[str, Any]] = {}
        # timers, children and lambdas: ``state[kind]`` reads their rows on first use; a row just
        # inserted (no event yet) has none to read
        self.state: Dict[str, Any] = ExecutionState(ctx.store, self.id, RECORD_KINDS, row["next_event_id"] == 1,
                                                    json.loads(row["state"]))
        self.next_event_id: int = row["next_event_id"]
        #: The indexed columns as the row holds them: a save that leaves them alone skips them
        #: (writing an indexed column, even unchanged, rewrites that index's entries).
        self._saved_status = self._status()

    @property
    def config(self) -> Dict[str, Any]:
        """Resolved settings (task list, timeouts, child policy, parent link); parsed on first use."""
        if self._config is None:
            self._config = json.loads(self._config_text)
            self._config_saved = json.loads(self._config_text)  # to tell whether it changed
        return self._config

    # -- loading -------------------------------------------------------------------------
    @classmethod
    def by_row(cls, ctx: Context, row_id: int) -> Optional["Execution"]:
        """Load by row id (None if gone)."""
        cached: Optional[Execution] = ctx.executions.get(row_id)
        if cached is not None:
            return cached
        row = ctx.store.execute("SELECT * FROM executions WHERE id=?", (row_id,)).fetchone()
        return cls._loaded(ctx, row) if row else None

    @classmethod
    def _loaded(cls, ctx: Context, row: Any) -> "Execution":
        """One object per execution row (an identity map kept in step with committed rows), so
        every part of a call that touches an execution sees and saves the same object."""
        cached = ctx.executions.get(row["id"])
        if cached is None:
            cached = ctx.executions[row["id"]] = cls(ctx, row)
        return cached

    @classmethod
    def find(cls, ctx: Context, domain: str, workflow_id: str, run_id: Optional[str] = None,
             open_only: bool = False) -> Optional["Execution"]:
        """The run ``run_id`` of ``workflow_id`` (or its open run when run_id is None)."""
        if run_id:
            row = ctx.store.execute(
                "SELECT * FROM executions WHERE domain=? AND workflow_id=? AND run_id=?",
                (domain, workflow_id, run_id)).fetchone()
            if row is not None and open_only and not row["open"]:
                row = None
        else:
            # the partial index holds open runs only: without INDEXED BY, SQLite may plan this on
            # (domain, open, ...) and read every open execution of the domain
            row = ctx.store.execute(
                "SELECT * FROM executions INDEXED BY executions_open_run "
                "WHERE domain=? AND workflow_id=? AND open=1", (domain, workflow_id)).fetchone()
        return cls._loaded(ctx, row) if row else None

    @classmethod
    def require(cls, ctx: Context, domain: str, execution: Dict[str, Any],
                open_only: bool = False) -> "Execution":
        """Like :meth:`find` with a ``{"workflowId", "runId"}`` dict; UnknownResourceFault if absent."""
        found = cls.find(ctx, domain, execution["workflowId"], execution.get("runId"), open_only)
        if found is None:
            raise unknown_execution(execution["workflowId"], execution.get("runId"))
        return found

    def save(self) -> None:
        """Write the row and the touched records back (same transaction)."""
        state = self.state
        small = {}
        for key, value in state.items():
            if key in RECORD_KINDS:
                if type(value) is dict:  # a caller replaced the map: keep it a RecordMap
                    records = RecordMap(self.ctx.store, self.id, key)
                    records.replace(value)
                    value = state[key] = records
                value.flush()
            else:
                small[key] = value
        config = self._config_text
        if self._config is not None and self._config != self._config_saved:
            config = self._config_text = to_json(self._config)
            self._config_saved = json.loads(config)
        elif self._status() == self._saved_status:  # the common case: bookkeeping and events only
            self.ctx.store.execute("UPDATE executions SET state=?, next_event_id=? WHERE id=?",
                                   (to_json(small), self.next_event_id, self.id))
            return
        status = self._status()
        self.ctx.store.execute(
            "UPDATE executions SET open=?, close_status=?, close_ts=?, cancel_requested=?, state=?, "
            "next_event_id=?, config=? WHERE id=?",
            (int(self.open), self.close_status, self.close_ts, int(self.cancel_requested),
             to_json(small), self.next_event_id, config, self.id))
        if self._saved_status[0] and not self.open:
            count_open(self.ctx, self.domain, -1)
        self._saved_status = status

    def _status(self) -> Tuple[bool, Optional[str], Optional[float], bool]:
        return bool(self.open), self.close_status, self.close_ts, bool(self.cancel_requested)

    # -- views ---------------------------------------------------------------------------
    @property
    def ref(self) -> Dict[str, str]:
        """``{"workflowId", "runId"}`` as the wire shows an execution."""
        return {"workflowId": self.workflow_id, "runId": self.run_id}

    @property
    def workflow_type(self) -> Dict[str, str]:
        return {"name": self.type_name, "version": self.type_version}

    @property
    def decision(self) -> Dict[str, Any]:
        decision: Dict[str, Any] = self.state["decision"]
        return decision

    # -- events --------------------------------------------------------------------------
    def add_event(self, event_type: str, attributes: Dict[str, Any]) -> int:
        """Append one history event; a decider-relevant one schedules (or marks) a decision task."""
        if not self.open and self.state.get("limit_hit"):
            return 0  # terminated for its history size: nothing more is recorded
        event_id = self.next_event_id
        self.next_event_id += 1
        body: Dict[str, Any] = {"eventId": event_id, "eventType": event_type,
                                "eventTimestamp": self.ctx.now()}
        key = EVENT_ATTRIBUTES.get(event_type)
        if key is not None:
            body[key[0]] = {k: v for k, v in attributes.items() if v is not None}
        self.ctx.store.execute("INSERT INTO events (execution, event_id, body) VALUES (?,?,?)",
                               (self.id, event_id, to_json(body)))
        if event_type in DECIDER_EVENTS and self.open:
            self.need_decision()
        if event_id == limits.MAX_HISTORY_EVENTS - 1 and self.open:
            # the next event would be the 25,000th: SWF terminates the execution there
            from swfkit.server.lifecycle import terminate  # lifecycle builds on this module
            self.state["limit_hit"] = True
            terminate(self, cause="EVENT_LIMIT_EXCEEDED")
        return event_id

    def need_decision(self) -> None:
        """Coalesce: at most one decision task scheduled and at most one started.

        With none open, one is scheduled and queued. While one is started, the next one is
        recorded (DecisionTaskScheduled) at once, as SWF does, but queued only when the started
        one closes, so a poll never gets a second task while the first is open. While a
        completion's decisions are being applied ("completing"), the next one waits for the end
        of the call, so the decision's events stay together.
        """
        decision = self.decision
        status = decision["status"]
        if status is None:
            self.schedule_decision_task()
        elif status == "started":
            decision["dirty"] = True
            if not decision.get("next"):
                decision["next"] = self._record_decision_task()
        elif status == "completing":
            decision["dirty"] = True

    def schedule_decision_task(self) -> None:
        """Append DecisionTaskScheduled and queue the task on its list."""
        self.queue_decision_task(self._record_decision_task())

    def _record_decision_task(self) -> Dict[str, Any]:
        """Append DecisionTaskScheduled; return what queueing the task needs."""
        override = self.state.get("override")
        task_list = override["taskList"] if override else self.config["taskList"]
        priority = self.config.get("taskPriority")
        attributes: Dict[str, Any] = {"taskList": task_list, "taskPriority": priority,
                                      "startToCloseTimeout": self.config["taskStartToCloseTimeout"],
                                      "scheduleToStartTimeout": "NONE"}  # SWF always sends it
        if override and override.get("timeout"):
            attributes["scheduleToStartTimeout"] = override["timeout"]
        scheduled = self.add_event("DecisionTaskScheduled", attributes)
        return {"scheduled": scheduled, "taskList": task_list["name"], "priority": priority,
                "timeout": attributes["scheduleToStartTimeout"]}

    def queue_decision_task(self, task: Dict[str, Any]) -> None:
        """Make a recorded decision task the open one and put it on its task list."""
        self.decision.update(status="scheduled", scheduled=task["scheduled"], started=0, dirty=False,
                             next=None)
        self.enqueue("decision", task["taskList"], task["priority"], task["scheduled"])
        if task["timeout"] != "NONE":
            self.add_timeout(int(task["timeout"]), "d_s2s", "d:%d" % task["scheduled"])

    def close_decision_task(self) -> None:
        """The open decision task ended (completed or timed out): queue the next one if recorded,
        or schedule one if events came meanwhile."""
        decision = self.decision
        pending, dirty = decision.get("next"), decision["dirty"]
        decision.update(status=None, dirty=False, next=None)
        if pending:
            self.queue_decision_task(pending)
        elif dirty:
            self.schedule_decision_task()

    def enqueue(self, kind: str, task_list: str, priority: Any, scheduled_event_id: int) -> None:
        """Put a task on a task list and wake its pollers after commit."""
        self.ctx.store.execute(
            "INSERT INTO tasks (domain, kind, task_list, priority, execution, scheduled_event_id) "
            "VALUES (?,?,?,?,?,?)", (self.domain, kind, task_list, int(priority or 0), self.id,
                                     scheduled_event_id))
        self.ctx.wake((self.domain, kind, task_list))

    def dequeue(self, kind: str, scheduled_event_id: int) -> None:
        """Remove a scheduled (not yet started) task from its list."""
        self.ctx.store.execute("DELETE FROM tasks WHERE execution=? AND kind=? AND scheduled_event_id=?",
                               (self.id, kind, scheduled_event_id))

    def add_timeout(self, seconds: float, kind: str, ref: str, start: Optional[float] = None) -> None:
        """Arm a persisted timeout ``seconds`` from ``start`` (default: now)."""
        due = (self.ctx.clock.now() if start is None else start) + seconds
        self.ctx.store.execute("INSERT INTO timeouts (due, execution, kind, ref) VALUES (?,?,?,?)",
                               (due, self.id, kind, ref))
        self.ctx.timers_changed(due)

    def arm_activity(self, record: Dict[str, Any], armed: Optional[Deadline] = None) -> None:
        """(Re-)arm the one timeout row of an open activity at its earliest deadline.

        ``armed`` is the deadline the row holds now: a later new deadline leaves the row alone (it
        fires early, finds nothing due and re-arms itself), saving a write on every task start.
        """
        deadline = activity_deadline(record)
        ref = "a:%d" % record["scheduled"]
        if deadline is None:
            self.drop_timeouts(ref)
            return
        if armed is not None and armed[0] <= deadline[0]:
            return
        cursor = self.ctx.store.execute("UPDATE timeouts SET due=? WHERE execution=? AND ref=?",
                                        (deadline[0], self.id, ref))
        if cursor.rowcount == 0:
            self.add_timeout(0, "a", ref, start=deadline[0])
        else:
            self.ctx.timers_changed(deadline[0])

    def drop_timeouts(self, ref: str) -> None:
        """Disarm every timeout of one task/timer."""
        self.ctx.store.execute("DELETE FROM timeouts WHERE execution=? AND ref=?", (self.id, ref))

    # -- open activities -----------------------------------------------------------------
    def activity(self, scheduled: int) -> Optional[Dict[str, Any]]:
        """The open activity scheduled by event ``scheduled``, or None."""
        cached = self._activities.get(scheduled)
        if cached is not None:
            return dict(cached)  # a copy: a caller's changes count once it puts the record back
        row = self.ctx.store.execute("SELECT record FROM activities WHERE execution=? AND scheduled=?",
                                     (self.id, scheduled)).fetchone()
        if row is None:
            return None
        record: Dict[str, Any] = json.loads(row[0])
        self._cache_activity(record)
        return dict(record)

    def _cache_activity(self, record: Dict[str, Any]) -> None:
        if len(self._activities) >= ACTIVITY_CACHE_SIZE:
            self._activities.clear()
        self._activities[record["scheduled"]] = record

    def activity_by_id(self, activity_id: str) -> Optional[Dict[str, Any]]:
        """The open activity with ``activity_id``, or None."""
        row = self.ctx.store.execute("SELECT record FROM activities WHERE execution=? AND activity_id=?",
                                     (self.id, activity_id)).fetchone()
        return json.loads(row[0]) if row else None

    def put_activity(self, record: Dict[str, Any], new: bool = False) -> None:
        """Store an open activity's record (``new``: it was just scheduled)."""
        self.ctx.store.execute("INSERT OR REPLACE INTO activities (execution, scheduled, activity_id, record) "
                               "VALUES (?,?,?,?)", (self.id, record["scheduled"], record["activityId"],
                                                    to_json(record)))
        self._cache_activity(dict(record))
        if new:
            self.state["open_activities"] += 1

    def remove_activity(self, record: Dict[str, Any]) -> None:
        """Forget an activity that closed."""
        self.ctx.store.execute("DELETE FROM activities WHERE execution=? AND scheduled=?",
                               (self.id, record["scheduled"]))
        self._activities.pop(record["scheduled"], None)
        self.state["open_activities"] -= 1

    def forget_activities(self) -> None:
        """Drop every open activity (the execution closed)."""
        self.ctx.store.execute("DELETE FROM activities WHERE execution=?", (self.id,))
        self._activities.clear()
        self.state["open_activities"] = 0

    def events_count(self) -> int:
        return self.next_event_id - 1
