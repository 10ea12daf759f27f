"""Domains: register, describe, list, deprecate, undeprecate, and their resource tags."""
from __future__ import annotations

import json
import re
from typing import Any, Dict, List

from swfkit.exceptions import (DomainAlreadyExistsFault, DomainDeprecatedFault, LimitExceededFault,
                               TooManyTagsFault, UnknownResourceFault, ValidationException)
from swfkit.spec import limits

from swfkit.server.context import Context
from swfkit.server.paging import paginate
from swfkit.server.regions import domain_key, split_key

MAX_DOMAINS = 100
RETENTION_PATTERN = re.compile(r"[0-9]{1,8}\Z")


def check_domain(ctx: Context, name: str) -> None:
    """UnknownResourceFault unless the domain exists (domains are never deleted, so a hit is cached)."""
    if name not in ctx.known_domains:
        require_domain(ctx, name)
        ctx.known_domains.add(name)


def require_domain(ctx: Context, name: str) -> Any:
    """The domain row, or UnknownResourceFault."""
    row = ctx.store.execute("SELECT * FROM domains WHERE name=?", (name,)).fetchone()
    if row is None:
        raise UnknownResourceFault("Unknown domain: %s" % name)
    return row


def arn(ctx: Context, key: str) -> str:
    """The ARN of the domain keyed ``key`` (``REGION/NAME``)."""
    region, name = split_key(key)
    return "arn:aws:swf:%s:%s:/domain/%s" % (region, ctx.account, name)


def _retention(value: str) -> str:
    if value == "NONE":
        return value
    if not RETENTION_PATTERN.match(value) or int(value) > limits.MAX_RETENTION_DAYS:
        raise ValidationException("1 validation error detected: Value '%s' at "
                                  "'workflowExecutionRetentionPeriodInDays' failed to satisfy constraint: "
                                  "Member must be a number of days from 0 to 90 or NONE" % value)
    return str(int(value))


def _merge_tags(existing: List[Dict[str, str]], new: List[Dict[str, str]]) -> List[Dict[str, str]]:
    merged = {t["key"]: t.get("value", "") for t in existing}
    for tag in new:
        merged[tag["key"]] = tag.get("value", "")
    if len(merged) > limits.MAX_RESOURCE_TAGS_PER_DOMAIN:
        raise TooManyTagsFault("A domain can have at most %d tags" % limits.MAX_RESOURCE_TAGS_PER_DOMAIN)
    return [{"key": k, "value": v} for k, v in merged.items()]


def register_domain(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The RegisterDomain call (``p``: the validated request)."""
    retention = _retention(p["workflowExecutionRetentionPeriodInDays"])
    if ctx.store.execute("SELECT 1 FROM domains WHERE name=?", (p["name"],)).fetchone():
        raise DomainAlreadyExistsFault(p["name"])  # SWF's message: the name alone (unqualified by the service)
    prefix = split_key(p["name"])[0] + "/"
    if ctx.store.execute("SELECT COUNT(*) FROM domains WHERE substr(name, 1, ?)=?",
                         (len(prefix), prefix)).fetchone()[0] >= MAX_DOMAINS:
        raise LimitExceededFault("At most %d domains may be registered" % MAX_DOMAINS)
    tags = _merge_tags([], p.get("tags") or [])
    ctx.store.execute("INSERT INTO domains (name, status, description, retention, created, tags) "
                      "VALUES (?,?,?,?,?,?)", (p["name"], "REGISTERED", p.get("description"), retention,
                                               ctx.now(), json.dumps(tags)))
    return {}


def _info(ctx: Context, row: Any) -> Dict[str, Any]:
    info = {"name": split_key(row["name"])[1], "status": row["status"], "arn": arn(ctx, row["name"])}
    if row["description"] is not None:
        info["description"] = row["description"]
    return info


def describe_domain(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The DescribeDomain call (``p``: the validated request)."""
    row = require_domain(ctx, p["name"])
    return {"domainInfo": _info(ctx, row),
            "configuration": {"workflowExecutionRetentionPeriodInDays": row["retention"]}}


def list_domains(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The ListDomains call (``p``: the validated request)."""
    prefix = domain_key(p["_region"], "")
    rows = ctx.store.execute("SELECT * FROM domains WHERE substr(name, 1, ?)=? AND status=? ORDER BY name %s"
                             % ("DESC" if p.get("reverseOrder") else "ASC"),
                             (len(prefix), prefix, p["registrationStatus"])).fetchall()
    page, extra = paginate(ctx, p, rows, lambda r: [r["name"]])
    return dict(domainInfos=[_info(ctx, r) for r in page], **extra)


def deprecate_domain(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The DeprecateDomain call (``p``: the validated request)."""
    row = require_domain(ctx, p["name"])
    if row["status"] == "DEPRECATED":
        raise DomainDeprecatedFault(p["name"])
    now = ctx.now()
    ctx.store.execute("UPDATE domains SET status='DEPRECATED' WHERE name=?", (p["name"],))
    ctx.store.execute("UPDATE types SET status='DEPRECATED', deprecated=? WHERE domain=? AND "
                      "status='REGISTERED'", (now, p["name"]))
    return {}


def undeprecate_domain(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The UndeprecateDomain call (``p``: the validated request)."""
    row = require_domain(ctx, p["name"])
    if row["status"] == "REGISTERED":
        raise DomainAlreadyExistsFault(p["name"])
    ctx.store.execute("UPDATE domains SET status='REGISTERED' WHERE name=?", (p["name"],))
    return {}


def _domain_from_arn(ctx: Context, p: Dict[str, Any]) -> Any:
    """The domain row an ARN names: of this account and of the request's region (SWF is regional)."""
    resource_arn = p["resourceArn"]
    prefix = "arn:aws:swf:%s:%s:/domain/" % (p["_region"], ctx.account)
    if not resource_arn.startswith(prefix):
        raise UnknownResourceFault("Unknown resource: %s" % resource_arn)
    return require_domain(ctx, domain_key(p["_region"], resource_arn[len(prefix):]))


def tag_resource(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The TagResource call (``p``: the validated request)."""
    row = _domain_from_arn(ctx, p)
    tags = _merge_tags(json.loads(row["tags"]), p["tags"])
    ctx.store.execute("UPDATE domains SET tags=? WHERE name=?", (json.dumps(tags), row["name"]))
    return {}


def untag_resource(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The UntagResource call (``p``: the validated request)."""
    row = _domain_from_arn(ctx, p)
    drop = set(p["tagKeys"])
    tags = [t for t in json.loads(row["tags"]) if t["key"] not in drop]
    ctx.store.execute("UPDATE domains SET tags=? WHERE name=?", (json.dumps(tags), row["name"]))
    return {}


def list_tags_for_resource(ctx: Context, p: Dict[str, Any]) -> Dict[str, Any]:
    """The ListTagsForResource call (``p``: the validated request)."""
    row = _domain_from_arn(ctx, p)
    return {"tags": json.loads(row["tags"])}
