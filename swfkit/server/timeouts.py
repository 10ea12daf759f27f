"""The scheduler thread: fires persisted timeouts (timers, task and execution timeouts, retention).

Due times live in the ``timeouts`` table, so a restarted server re-arms everything and fires what
became overdue while it was down. The thread sleeps on a condition of the store lock until the
earliest due time, and is woken when a transaction adds a timeout or a manual clock moves.
"""
from __future__ import annotations

import logging
import threading
from typing import Any, Callable, Dict

from swfkit.server import lambdas, lifecycle
from swfkit.server.context import Context
from swfkit.server.executions import Execution, activity_deadline
from swfkit.server.tasks import close_activity

log = logging.getLogger(__name__)

def _activity(ex: Execution, kind: str, ref: str) -> None:
    activity = ex.activity(int(ref[2:]))
    if activity is None:
        return
    deadline = activity_deadline(activity)
    if deadline is None:
        return
    if deadline[0] > ex.ctx.clock.now() + 0.0005:  # heartbeats moved it: sleep until the next one
        ex.add_timeout(0, "a", ref, start=deadline[0])
        return
    if not activity["started"]:
        ex.dequeue("activity", activity["scheduled"])
    close_activity(ex, activity)
    ex.add_event("ActivityTaskTimedOut", {"timeoutType": deadline[1],
                                          "scheduledEventId": activity["scheduled"],
                                          "startedEventId": activity["started"],
                                          "details": activity.get("details")})


def _decision(ex: Execution, kind: str, ref: str) -> None:
    decision = ex.decision
    number = int(ref[2:])
    if kind == "d_st2c" and decision["status"] == "started" and decision["started"] == number:
        attributes = {"timeoutType": "START_TO_CLOSE", "scheduledEventId": decision["scheduled"],
                      "startedEventId": number}
    elif kind == "d_s2s" and decision["status"] == "scheduled" and decision["scheduled"] == number:
        ex.dequeue("decision", number)
        attributes = {"timeoutType": "SCHEDULE_TO_START", "scheduledEventId": number, "startedEventId": 0}
    else:
        return
    ex.state["override"] = None  # a timed-out task goes back to the execution's own task list
    if kind == "d_s2s":
        decision.update(status=None, dirty=False)
        ex.add_event("DecisionTaskTimedOut", attributes)  # schedules the next one
        return
    ex.add_event("DecisionTaskTimedOut", attributes)  # still started: records the next one if none is
    ex.close_decision_task()


def _timer(ex: Execution, kind: str, ref: str) -> None:
    fire_timer(ex, int(ref[2:]))


def fire_timer(ex: Execution, started: int) -> None:
    """Record TimerFired for the open timer started by event ``started`` (none: nothing)."""
    for timer_id, timer in list(ex.state["timers"].items()):
        if timer["started"] == started:
            del ex.state["timers"][timer_id]
            ex.add_event("TimerFired", {"timerId": timer_id, "startedEventId": started})
            return


def _lambda(ex: Execution, kind: str, ref: str) -> None:
    record = ex.state["lambdas"].get(ref[2:])
    if record is not None:
        lambdas.finish_on(ex, int(ref[2:]), record["started"], "LambdaFunctionTimedOut",
                          {"timeoutType": "START_TO_CLOSE"})


HANDLERS: Dict[str, Callable[[Execution, str, str], None]] = {
    "a": _activity,
    "d_st2c": _decision, "d_s2s": _decision, "t": _timer, "l": _lambda,
}


def fire(ctx: Context, row: Any) -> None:
    """Fire one due timeout row (the caller holds a transaction)."""
    ctx.store.execute("DELETE FROM timeouts WHERE id=?", (row["id"],))
    if row["kind"] == "r":  # retention: the closed execution and its history disappear
        ctx.executions.pop(row["execution"], None)
        ctx.store.execute("DELETE FROM events WHERE execution=?", (row["execution"],))
        ctx.store.execute("DELETE FROM executions WHERE id=? AND open=0", (row["execution"],))
        return
    ex = Execution.by_row(ctx, row["execution"])
    if ex is None or not ex.open:
        return
    if row["kind"] == "w":
        lifecycle.time_out(ex)
        return
    HANDLERS[row["kind"]](ex, row["kind"], row["ref"])
    ex.save()


class Scheduler:
    """The thread that fires timeouts when they fall due (within milliseconds)."""

    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self._thread = threading.Thread(target=self._loop, name="swf-scheduler", daemon=True)
        ctx.clock.subscribe(self._poke)

    def _poke(self) -> None:
        with self.ctx.store.lock:
            self.ctx.scheduler_wakeup.notify_all()

    def start(self) -> None:
        self._thread.start()

    def join(self, timeout: float = 5.0) -> None:
        self._thread.join(timeout)

    def run_due(self) -> float:
        """Fire everything due now; return seconds until the next due time (or 1.0)."""
        ctx = self.ctx
        with ctx.store.lock:
            while not ctx.stopping:
                row = ctx.store.execute("SELECT * FROM timeouts ORDER BY due, id LIMIT 1").fetchone()
                if row is None:
                    ctx.next_due = float("inf")
                    return 1.0
                wait = row["due"] - ctx.clock.now()
                if wait > 0:
                    ctx.next_due = row["due"]
                    return min(float(wait), 1.0)
                try:
                    with ctx.transaction():
                        fire(ctx, row)
                except Exception:
                    log.exception("timeout %s of execution %s failed; dropped", row["kind"], row["execution"])
                    with ctx.transaction():
                        ctx.store.execute("DELETE FROM timeouts WHERE id=?", (row["id"],))
        return 0.0

    def _loop(self) -> None:
        ctx = self.ctx
        with ctx.store.lock:  # held between the check and the wait so no wake-up is lost
            while not ctx.stopping:
                try:
                    wait = self.run_due()
                except Exception:
                    log.exception("scheduler error")
                    wait = 0.1
                if wait > 0 and not ctx.stopping:
                    ctx.scheduler_wakeup.wait(wait)
                ctx.next_due = float("-inf")  # awake: every new timeout is noticed on the next pass
