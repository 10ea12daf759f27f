"""ScheduleLambdaFunction resolved against Python callables registered with the server.

Without ``lambdas=`` the server answers as SWF does where Lambda is unavailable:
ScheduleLambdaFunctionFailed(LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION). With it, the function
runs on a thread after the deciding call commits; its return value (a string, or anything
JSON-serialisable) becomes LambdaFunctionCompleted.result, an exception LambdaFunctionFailed.
"""
from __future__ import annotations

import json
import logging
import threading
from typing import Any, Dict

from swfkit.spec import limits

from swfkit.server.context import Context
from swfkit.server.executions import Execution

log = logging.getLogger(__name__)


def schedule(b: Any, a: Dict[str, Any]) -> None:
    """Apply one ScheduleLambdaFunction decision (``b`` is the decisions Batch)."""
    ex: Execution = b.execution
    ctx: Context = b.ctx
    cause = ""
    if ctx.lambdas is None or not ex.config.get("lambdaRole"):
        # no Lambda here, or (as SWF) no IAM role attached to the execution
        cause = "LAMBDA_SERVICE_NOT_AVAILABLE_IN_REGION"
    elif a["id"] in ex.state["lambda_ids"]:
        cause = "ID_ALREADY_IN_USE"
    elif len(ex.state["lambdas"]) >= limits.MAX_OPEN_LAMBDA_FUNCTIONS:
        cause = "OPEN_LAMBDA_FUNCTIONS_LIMIT_EXCEEDED"
    if cause:
        b.event("ScheduleLambdaFunctionFailed", {"id": a["id"], "name": a["name"], "cause": cause})
        return
    # the event carries startToCloseTimeout only when the decision gave one, as SWF records it
    scheduled = b.event("LambdaFunctionScheduled", {"id": a["id"], "name": a["name"],
                                                    "control": a.get("control"), "input": a.get("input"),
                                                    "startToCloseTimeout": a.get("startToCloseTimeout")})
    timeout = a.get("startToCloseTimeout") or str(limits.DEFAULT_LAMBDA_START_TO_CLOSE_SECONDS)
    started = ex.add_event("LambdaFunctionStarted", {"scheduledEventId": scheduled})
    ex.state["lambdas"][str(scheduled)] = {"id": a["id"], "started": started}
    ex.state["lambda_ids"][a["id"]] = scheduled
    ex.add_timeout(min(int(timeout), limits.DEFAULT_LAMBDA_START_TO_CLOSE_SECONDS), "l", "l:%d" % scheduled)
    job = (ex.id, scheduled, started, a["name"], a.get("input"))
    ctx.after_commit.append(lambda: threading.Thread(target=_run, args=(ctx,) + job, daemon=True,
                                                     name="swf-lambda-%s" % a["name"]).start())


def _run(ctx: Context, row_id: int, scheduled: int, started: int, name: str, payload: Any) -> None:
    function = (ctx.lambdas or {}).get(name)
    try:
        if function is None:
            raise LookupError("Function not found: %s" % name)
        value = function(payload)
        outcome = ("LambdaFunctionCompleted",
                   {"result": value if isinstance(value, str) or value is None else json.dumps(value)})
    except Exception as err:  # the function's failure is the workflow's business, not ours
        outcome = ("LambdaFunctionFailed", {"reason": type(err).__name__[:256], "details": str(err)[:32768]})
    try:
        with ctx.transaction():
            finish(ctx, row_id, scheduled, started, *outcome)
    except Exception:  # the server may be stopping; the start-to-close timeout covers a lost result
        log.exception("could not record the result of lambda function %s", name)


def finish(ctx: Context, row_id: int, scheduled: int, started: int, event_type: str,
           attributes: Dict[str, Any]) -> bool:
    """Record a lambda function's end if it is still open; True when recorded."""
    ex = Execution.by_row(ctx, row_id)
    if ex is None or not finish_on(ex, scheduled, started, event_type, attributes):
        return False
    ex.save()
    return True


def finish_on(ex: Execution, scheduled: int, started: int, event_type: str,
              attributes: Dict[str, Any]) -> bool:
    """Record the end of an open lambda function on a loaded execution (caller saves)."""
    record = ex.state["lambdas"].get(str(scheduled))
    if not ex.open or record is None or record["started"] != started:
        return False
    ex.state["lambdas"].pop(str(scheduled))
    ex.state["lambda_ids"].pop(record["id"], None)
    ex.drop_timeouts("l:%d" % scheduled)
    ex.add_event(event_type, dict(attributes, scheduledEventId=scheduled, startedEventId=started))
    return True
