"""``swfkit domain ...`` and ``swfkit type ...``: registration and lookup of domains and types."""
from __future__ import annotations

import argparse
from typing import Any, Dict, Iterator, List

from swfkit.cli import connection
from swfkit.cli.failure_lines import UsageError
from swfkit.cli.rendering import emit, emit_fields, print_json, type_label, wants_json, when


def _items(swf: Any, operation: str, key: str, **params: Any) -> Iterator[Dict[str, Any]]:
    for page in swf.paginate(operation, **params):
        yield from page.get(key, [])


def _status(args: argparse.Namespace) -> str:
    return "DEPRECATED" if getattr(args, "deprecated", False) else "REGISTERED"


# -- domain -----------------------------------------------------------------------------------

def domain_register(args: argparse.Namespace) -> int:
    name = connection.domain(args, args.name)
    with connection.make_client(args) as swf:
        swf.register_domain(name=name, workflow_execution_retention_period_in_days=str(args.retention_days),
                            description=args.description)
    if wants_json(args):
        print_json({"name": name, "registered": True})
    else:
        print("registered domain %s (retention %s days)" % (name, args.retention_days))
    return 0


def domain_list(args: argparse.Namespace) -> int:
    with connection.make_client(args) as swf:
        domains = list(_items(swf, "ListDomains", "domainInfos", registration_status=_status(args)))
    rows = [[d.get("name", ""), d.get("status", ""), d.get("description", "") or ""] for d in domains]
    emit(args, domains, ["NAME", "STATUS", "DESCRIPTION"], rows, empty="(no %s domains)" % _status(args).lower())
    return 0


def domain_describe(args: argparse.Namespace) -> int:
    name = connection.domain(args, args.name)
    with connection.make_client(args) as swf:
        answer = swf.describe_domain(name=name)
    info, configuration = answer.get("domainInfo", {}), answer.get("configuration", {})
    emit_fields(args, answer, [
        ("name", info.get("name")), ("status", info.get("status")),
        ("description", info.get("description")), ("arn", info.get("arn")),
        ("retention days", configuration.get("workflowExecutionRetentionPeriodInDays")),
    ])
    return 0


def domain_deprecate(args: argparse.Namespace) -> int:
    name = connection.domain(args, args.name)
    with connection.make_client(args) as swf:
        swf.deprecate_domain(name=name)
    if wants_json(args):
        print_json({"name": name, "deprecated": True})
    else:
        print("deprecated domain %s" % name)
    return 0


# -- type -------------------------------------------------------------------------------------

def type_list(args: argparse.Namespace) -> int:
    domain = connection.domain(args)
    kinds = ["workflow", "activity"] if args.kind == "all" else [args.kind]
    listed: List[Dict[str, Any]] = []
    with connection.make_client(args) as swf:
        for kind in kinds:
            operation = "ListWorkflowTypes" if kind == "workflow" else "ListActivityTypes"
            for info in _items(swf, operation, "typeInfos", domain=domain, registration_status=_status(args)):
                listed.append(dict(info, kind=kind))
    rows = [[info["kind"], type_label(info.get(info["kind"] + "Type")), info.get("status", ""),
             when(info.get("creationDate")), info.get("description", "") or ""] for info in listed]
    emit(args, listed, ["KIND", "TYPE", "STATUS", "CREATED", "DESCRIPTION"], rows,
         empty="(no %s types in %s)" % (_status(args).lower(), domain))
    return 0


# Options that apply to one kind only: refused for the other rather than dropped.
_KIND_OPTIONS = {
    "workflow": ("execution_timeout", "child_policy"),
    "activity": ("schedule_to_start_timeout", "schedule_to_close_timeout", "heartbeat_timeout"),
}


def type_register(args: argparse.Namespace) -> int:
    other = "activity" if args.kind == "workflow" else "workflow"
    given = ["--" + name.replace("_", "-") for name in _KIND_OPTIONS[other] if getattr(args, name) is not None]
    if given:
        raise UsageError("type register %s: %s only apply to %s types" % (args.kind, ", ".join(given), other))
    domain = connection.domain(args)
    common = dict(domain=domain, name=args.name, version=args.version, description=args.description,
                  default_task_list={"name": args.task_list} if args.task_list else None,
                  default_task_start_to_close_timeout=args.task_timeout,
                  default_task_priority=args.priority)
    with connection.make_client(args) as swf:
        if args.kind == "workflow":
            swf.register_workflow_type(default_execution_start_to_close_timeout=args.execution_timeout,
                                       default_child_policy=args.child_policy, **common)
        else:
            swf.register_activity_type(default_task_schedule_to_start_timeout=args.schedule_to_start_timeout,
                                       default_task_schedule_to_close_timeout=args.schedule_to_close_timeout,
                                       default_task_heartbeat_timeout=args.heartbeat_timeout, **common)
    if wants_json(args):
        print_json({"kind": args.kind, "name": args.name, "version": args.version, "registered": True})
    else:
        print("registered %s type %s/%s in %s" % (args.kind, args.name, args.version, domain))
    return 0


def type_describe(args: argparse.Namespace) -> int:
    domain = connection.domain(args)
    with connection.make_client(args) as swf:
        if args.kind == "workflow":
            answer = swf.describe_workflow_type(domain=domain, workflow_type={"name": args.name, "version": args.version})
        else:
            answer = swf.describe_activity_type(domain=domain, activity_type={"name": args.name, "version": args.version})
    info = answer.get("typeInfo", {})
    fields = [("type", type_label(info.get(args.kind + "Type"))), ("kind", args.kind),
              ("status", info.get("status")), ("description", info.get("description")),
              ("created", when(info.get("creationDate"))), ("deprecated", when(info.get("deprecationDate")))]
    for key, value in sorted(answer.get("configuration", {}).items()):
        fields.append((key, value.get("name") if isinstance(value, dict) else value))
    emit_fields(args, answer, fields)
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``domain`` and ``type`` with their subcommands to ``commands`` (a subparsers action)."""
    domain = commands.add_parser("domain", help="register, list, describe, deprecate domains")
    actions = domain.add_subparsers(dest="action", metavar="ACTION", required=True)
    parser = actions.add_parser("register", parents=[common], help="register a domain")
    parser.add_argument("name", nargs="?", help="domain name (default: --domain / SWF_DOMAIN)")
    parser.add_argument("--retention-days", default="1", help="days closed executions are kept (0-90, NONE)")
    parser.add_argument("--description")
    parser.set_defaults(handler=domain_register)
    parser = actions.add_parser("list", parents=[common], help="list domains")
    parser.add_argument("--deprecated", action="store_true", help="list deprecated domains instead")
    parser.set_defaults(handler=domain_list)
    for action, handler, text in (("describe", domain_describe, "show a domain"),
                                  ("deprecate", domain_deprecate, "deprecate a domain")):
        parser = actions.add_parser(action, parents=[common], help=text)
        parser.add_argument("name", nargs="?", help="domain name (default: --domain / SWF_DOMAIN)")
        parser.set_defaults(handler=handler)

    kind = commands.add_parser("type", help="list, register, describe workflow and activity types")
    actions = kind.add_subparsers(dest="action", metavar="ACTION", required=True)
    parser = actions.add_parser("list", parents=[common], help="list the types of a domain")
    parser.add_argument("kind", nargs="?", choices=["workflow", "activity", "all"], default="all")
    parser.add_argument("--deprecated", action="store_true", help="list deprecated types instead")
    parser.set_defaults(handler=type_list)
    parser = actions.add_parser("register", parents=[common], help="register a workflow or activity type")
    parser.add_argument("kind", choices=["workflow", "activity"])
    parser.add_argument("name")
    parser.add_argument("version")
    parser.add_argument("--description")
    parser.add_argument("--task-list", help="default task list")
    parser.add_argument("--task-timeout", help="default (decision or activity) task start-to-close seconds")
    parser.add_argument("--priority", help="default task priority")
    parser.add_argument("--execution-timeout", help="workflow: default execution start-to-close seconds")
    parser.add_argument("--child-policy", choices=["TERMINATE", "REQUEST_CANCEL", "ABANDON"], help="workflow: default child policy")
    parser.add_argument("--schedule-to-start-timeout", help="activity: default schedule-to-start seconds")
    parser.add_argument("--schedule-to-close-timeout", help="activity: default schedule-to-close seconds")
    parser.add_argument("--heartbeat-timeout", help="activity: default heartbeat seconds")
    parser.set_defaults(handler=type_register)
    parser = actions.add_parser("describe", parents=[common], help="show a type and its defaults")
    parser.add_argument("kind", choices=["workflow", "activity"])
    parser.add_argument("name")
    parser.add_argument("version")
    parser.set_defaults(handler=type_describe)
