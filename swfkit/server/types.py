"""Activity and workflow types: register, describe, list, deprecate, undeprecate, delete."""
from __future__ import annotations

import json
from typing import Any, Dict, Optional

from swfkit.exceptions import (LimitExceededFault, OperationNotPermittedFault, TypeAlreadyExistsFault,
                               TypeDeprecatedFault, TypeNotDeprecatedFault, UnknownResourceFault,
                               ValidationException)

from swfkit.server.context import Context
from swfkit.server.domains import require_domain
from swfkit.server.paging import paginate

MAX_TYPES = 10_000
CONFIG_KEYS = {
    "activity": ("defaultTaskStartToCloseTimeout", "defaultTaskHeartbeatTimeout", "defaultTaskList",
                 "defaultTaskPriority", "defaultTaskScheduleToStartTimeout",
                 "defaultTaskScheduleToCloseTimeout"),
    "workflow": ("defaultTaskStartToCloseTimeout", "defaultExecutionStartToCloseTimeout",
                 "defaultTaskList", "defaultTaskPriority", "defaultChildPolicy", "defaultLambdaRole"),
}


def find_type(ctx: Context, domain: str, kind: str, name: str, version: str) -> Optional[Any]:
    """The type row or None."""
    return ctx.store.execute("SELECT * FROM types WHERE domain=? AND kind=? AND name=? AND version=?",
                             (domain, kind, name, version)).fetchone()


def require_type(ctx: Context, domain: str, kind: str, type_ref: Dict[str, str]) -> Any:
    """The type row, or UnknownResourceFault."""
    require_domain(ctx, domain)
    row = find_type(ctx, domain, kind, type_ref["name"], type_ref["version"])
    if row is None:
        raise UnknownResourceFault("Unknown type: %sType=[name=%s, version=%s]"
                                   % (kind.capitalize(), type_ref["name"], type_ref["version"]))
    return row


def _register(ctx: Context, kind: str, p: Dict[str, Any]) -> Dict[str, Any]:
    domain = require_domain(ctx, p["domain"])
    if domain["status"] == "DEPRECATED":
        # (the model gives Register*Type no DomainDeprecatedFault; same fault as a start there)
        raise OperationNotPermittedFault("Domain is deprecated: %s" % p["domain"])
    if kind == "workflow" and p.get("defaultExecutionStartToCloseTimeout") == "NONE":
        raise ValidationException("1 validation error detected: Value 'NONE' at "
                                  "'defaultExecutionStartToCloseTimeout' failed to satisfy constraint: "
                                  "Member must be a number of seconds (NONE is not allowed)")
    if find_type(ctx, p["domain"], kind, p["name"], p["version"]) is not None:
        raise TypeAlreadyExistsFault("%sType=[name=%s, version=%s]"
                                     % (kind.capitalize(), p["name"], p["version"]))
    count = ctx.store.execute("SELECT COUNT(*) FROM types WHERE domain=? AND kind=?",
                              (p["domain"], kind)).fetchone()[0]
    if count >= MAX_TYPES:
        raise LimitExceededFault("At most %d %s types per domain" % (MAX_TYPES, kind))
    config = {k: p[k] for k in CONFIG_KEYS[kind] if p.get(k) is not None}
    ctx.store.execute("INSERT INTO types (domain, kind, name, version, status, description, created, "
                      "config) VALUES (?,?,?,?,?,?,?,?)",
                      (p["domain"], kind, p["name"], p["version"], "REGISTERED", p.get("description"),
                       ctx.now(), json.dumps(config)))
    return {}


def _info(kind: str, row: Any) -> Dict[str, Any]:
    info: Dict[str, Any] = {kind + "Type": {"name": row["name"], "version": row["version"]},
                            "status": row["status"], "creationDate": row["created"]}
    if row["description"] is not None:
        info["description"] = row["description"]
    if row["deprecated"] is not None:
        info["deprecationDate"] = row["deprecated"]
    return info


def _describe(ctx: Context, kind: str, p: Dict[str, Any]) -> Dict[str, Any]:
    row = require_type(ctx, p["domain"], kind, p[kind + "Type"])
    return {"typeInfo": _info(kind, row), "configuration": json.loads(row["config"])}


def _list(ctx: Context, kind: str, p: Dict[str, Any]) -> Dict[str, Any]:
    require_domain(ctx, p["domain"])
    order = "DESC" if p.get("reverseOrder") else "ASC"
    sql = "SELECT * FROM types WHERE domain=? AND kind=? AND status=?"
    args = [p["domain"], kind, p["registrationStatus"]]
    if p.get("name"):
        sql += " AND name=?"
        args.append(p["name"])
    rows = ctx.store.execute(sql + " ORDER BY name %s, version %s" % (order, order), args).fetchall()
    page, extra = paginate(ctx, p, rows, lambda r: [r["name"], r["version"]])
    return dict(typeInfos=[_info(kind, r) for r in page], **extra)


def _set_status(ctx: Context, kind: str, p: Dict[str, Any], deprecate: bool) -> Dict[str, Any]:
    ref = p[kind + "Type"]
    row = require_type(ctx, p["domain"], kind, ref)
    label = "%sType=[name=%s, version=%s]" % (kind.capitalize(), ref["name"], ref["version"])
    if deprecate and row["status"] == "DEPRECATED":
        raise TypeDeprecatedFault(label)
    if not deprecate and row["status"] == "REGISTERED":
        raise TypeAlreadyExistsFault(label)
    ctx.store.execute("UPDATE types SET status=?, deprecated=? WHERE domain=? AND kind=? AND name=? AND "
                      "version=?", ("DEPRECATED" if deprecate else "REGISTERED",
                                    ctx.now() if deprecate else None, p["domain"], kind, ref["name"],
                                    ref["version"]))
    return {}


def _delete(ctx: Context, kind: str, p: Dict[str, Any]) -> Dict[str, Any]:
    ref = p[kind + "Type"]
    row = require_type(ctx, p["domain"], kind, ref)
    if row["status"] != "DEPRECATED":
        raise TypeNotDeprecatedFault("%sType=[name=%s, version=%s]" % (kind.capitalize(), ref["name"],
                                                                       ref["version"]))
    ctx.store.execute("DELETE FROM types WHERE domain=? AND kind=? AND name=? AND version=?",
                      (p["domain"], kind, ref["name"], ref["version"]))
    return {}


def _bind(function: Any, kind: str, *extra: Any) -> Any:
    return lambda ctx, p: function(ctx, kind, p, *extra)


HANDLERS = {}
for _kind in ("activity", "workflow"):
    _title = _kind.capitalize()
    HANDLERS.update({
        "Register%sType" % _title: _bind(_register, _kind),
        "Describe%sType" % _title: _bind(_describe, _kind),
        "List%sTypes" % _title: _bind(_list, _kind),
        "Deprecate%sType" % _title: _bind(_set_status, _kind, True),
        "Undeprecate%sType" % _title: _bind(_set_status, _kind, False),
        "Delete%sType" % _title: _bind(_delete, _kind),
    })
