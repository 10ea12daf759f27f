"""Visibility: describe an execution, read its history, list and count open/closed executions."""
from __future__ import annotations

import json
from typing import Any, Dict, List, Tuple

from swfkit.exceptions import ValidationException

from swfkit.server import tokens
from swfkit.server.context import Context
from swfkit.server.domains import require_domain
from swfkit.server.executions import Execution
from swfkit.server.paging import Raw, events_page, page_size


def info(row: Any) -> Dict[str, Any]:
    """A ``WorkflowExecutionInfo`` from an executions row."""
    result: Dict[str, Any] = {
        "execution": {"workflowId": row["workflow_id"], "runId": row["run_id"]},
        "workflowType": {"name": row["type_name"], "version": row["type_version"]},
        "startTimestamp": row["start_ts"], "executionStatus": "OPEN" if row["open"] else "CLOSED",
        "cancelRequested": bool(row["cancel_requested"]) and bool(row["open"])}  # false once closed
    if not row["open"]:
        result["closeTimestamp"] = row["close_ts"]
        result["closeStatus"] = row["close_status"]
    if row["parent"]:
        result["parent"] = json.loads(row["parent"])
    tags = json.loads(row["tags"])
    if tags:
        result["tagList"] = tags
    return result


def describe_workflow_execution(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The DescribeWorkflowExecution call (``p``: the validated request)."""
    require_domain(ctx, p["domain"])
    ex = Execution.require(ctx, p["domain"], p["execution"])
    row = ctx.store.execute("SELECT * FROM executions WHERE id=?", (ex.id,)).fetchone()
    config = {k: ex.config[k] for k in ("taskStartToCloseTimeout", "executionStartToCloseTimeout",
                                        "taskList", "taskPriority", "childPolicy", "lambdaRole")
              if ex.config.get(k) is not None}
    state = ex.state
    detail: Dict[str, Any] = {
        "executionInfo": info(row), "executionConfiguration": config,
        "openCounts": {"openActivityTasks": state["open_activities"],
                       "openDecisionTasks": 1 if state["decision"]["status"] else 0,
                       "openTimers": len(state["timers"]),
                       "openChildWorkflowExecutions": len(state["children"]),
                       "openLambdaFunctions": len(state["lambdas"])}}
    if state.get("latest_activity") is not None:
        detail["latestActivityTaskTimestamp"] = state["latest_activity"]
    if state.get("latest_context") is not None:
        detail["latestExecutionContext"] = state["latest_context"]
    return detail


def get_workflow_execution_history(ctx: Context, p: Dict[str, Any]) -> Raw:
    """The GetWorkflowExecutionHistory call (``p``: the validated request)."""
    require_domain(ctx, p["domain"])
    ex = Execution.require(ctx, p["domain"], p["execution"])
    position = tokens.parse_page_token(ctx.store.secret, p, ctx.clock.now())
    if position is not None and (len(position) != 1 or not isinstance(position[0], int)):
        raise ValidationException("Invalid value for nextPageToken: not a history page token")
    events, token = events_page(ctx, ex.id, p, position)
    head = '{"nextPageToken":%s,' % json.dumps(token) if token else "{"
    return Raw((head + '"events":' + events + "}").encode())


def _filters(p: Dict[str, Any], closed: bool) -> Tuple[str, List[Any], str]:
    if not closed:  # members of the closed lists only: unknown here, so ignored like any other
        p = {k: v for k, v in p.items() if k not in ("closeStatusFilter", "closeTimeFilter")}
    exclusive = [k for k in ("executionFilter", "typeFilter", "tagFilter", "closeStatusFilter") if p.get(k)]
    if len(exclusive) > 1:
        raise ValidationException("%s are mutually exclusive: pass at most one of them"
                                  % " and ".join(exclusive))
    times = [k for k in ("startTimeFilter", "closeTimeFilter") if p.get(k)]
    if closed and len(times) != 1:
        raise ValidationException("Exactly one of startTimeFilter or closeTimeFilter must be specified")
    if not closed and not p.get("startTimeFilter"):
        raise ValidationException("1 validation error detected: Value null at 'startTimeFilter' failed "
                                  "to satisfy constraint: Member must not be null")
    sql = " WHERE domain=? AND open=?"
    args: List[Any] = [p["domain"], 0 if closed else 1]
    column = "close_ts" if p.get("closeTimeFilter") else "start_ts"
    window = p[times[0]] if times else p["startTimeFilter"]
    sql += " AND %s >= ?" % column
    args.append(float(window["oldestDate"]) - 0.0005)
    if window.get("latestDate") is not None:
        # botocore sends whole seconds: the latest second is inclusive in full
        sql += " AND %s < ?" % column
        latest = float(window["latestDate"])
        args.append(latest + 1 if latest == int(latest) else latest + 0.0005)
    if p.get("executionFilter"):
        sql += " AND workflow_id=?"
        args.append(p["executionFilter"]["workflowId"])
    if p.get("typeFilter"):
        sql += " AND type_name=?"
        args.append(p["typeFilter"]["name"])
        if p["typeFilter"].get("version"):
            sql += " AND type_version=?"
            args.append(p["typeFilter"]["version"])
    if p.get("tagFilter"):
        sql += " AND EXISTS (SELECT 1 FROM json_each(executions.tags) WHERE value=?)"
        args.append(p["tagFilter"]["tag"])
    if p.get("closeStatusFilter"):
        sql += " AND close_status=?"
        args.append(p["closeStatusFilter"]["status"])
    if p.get("executionFilter"):
        # the runs of one workflow id, not every open (or closed) execution of the domain
        sql = " INDEXED BY executions_run" + sql
    return sql, args, column


def _list(ctx: Context, p: Dict[str, Any], closed: bool) -> Dict[str, Any]:
    require_domain(ctx, p["domain"])
    where, args, column = _filters(p, closed)
    # newest first unless reverseOrder; (time, id) is the keyset position of a page token
    descending = not p.get("reverseOrder")
    position = tokens.parse_page_token(ctx.store.secret, p, ctx.clock.now())
    if position is not None:
        if len(position) != 2:
            raise ValidationException("Invalid value for nextPageToken: not a visibility page token")
        where += " AND (%s, id) %s (?, ?)" % (column, "<" if descending else ">")
        args += [position[0], position[1]]
    order = "DESC" if descending else "ASC"
    size = page_size(p)
    rows = ctx.store.execute("SELECT * FROM executions%s ORDER BY %s %s, id %s LIMIT ?"
                             % (where, column, order, order), args + [size + 1]).fetchall()
    result: Dict[str, Any] = {}
    if len(rows) > size:
        rows = rows[:size]
        last = rows[-1]
        result["nextPageToken"] = tokens.page_token(ctx.store.secret, p, [last[column], last["id"]],
                                                    ctx.clock.now())
    result["executionInfos"] = [info(r) for r in rows]
    return result


def _count(ctx: Context, p: Dict[str, Any], closed: bool) -> Dict[str, Any]:
    require_domain(ctx, p["domain"])
    where, args, _ = _filters(p, closed)
    count = ctx.store.execute("SELECT COUNT(*) FROM executions" + where, args).fetchone()[0]
    return {"count": count, "truncated": False}


def list_open_workflow_executions(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The ListOpenWorkflowExecutions call (``p``: the validated request)."""
    return _list(ctx, p, False)


def list_closed_workflow_executions(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The ListClosedWorkflowExecutions call (``p``: the validated request)."""
    return _list(ctx, p, True)


def count_open_workflow_executions(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The CountOpenWorkflowExecutions call (``p``: the validated request)."""
    return _count(ctx, p, False)


def count_closed_workflow_executions(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The CountClosedWorkflowExecutions call (``p``: the validated request)."""
    return _count(ctx, p, True)
