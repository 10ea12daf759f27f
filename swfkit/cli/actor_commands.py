"""``swfkit decider start`` and ``swfkit worker start``: run a Decider or Worker class by name."""
from __future__ import annotations

import argparse
import importlib
import os
import sys
from typing import Any, Optional

from swfkit.cli import connection
from swfkit.cli.failure_lines import UsageError


def load_class(spec: str, base: type) -> type:
    """Import ``module:Class`` (``module.Class`` also accepted) and check it subclasses ``base``.

    The current directory is put on ``sys.path`` first, as ``python -m`` would, so a project's own
    modules load from an installed ``swfkit`` command too (worker processes inherit the path).

    Raises:
        UsageError: a malformed spec, a module that does not import, a missing or wrong class.
    """
    module_name, sep, class_name = spec.partition(":")
    if not sep:
        module_name, _, class_name = spec.rpartition(".")
    if not module_name or not class_name:
        raise UsageError("%r: expected module:Class, e.g. myproject.workers:MyWorker" % spec)
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        module = importlib.import_module(module_name)
    except ImportError as error:
        raise UsageError("%s: cannot import module %s: %s" % (spec, module_name, error)) from None
    cls = getattr(module, class_name, None)
    if not isinstance(cls, type) or not issubclass(cls, base):
        raise UsageError("%s: %s is not a %s subclass" % (spec, class_name, base.__name__))
    return cls


def _build(args: argparse.Namespace, base: type) -> Any:
    cls = load_class(args.actor_class, base)
    domain = args.domain or os.environ.get("SWF_DOMAIN") or getattr(cls, "domain", None)
    if not domain:
        raise UsageError("no domain: pass --domain, set SWF_DOMAIN or give %s a 'domain' attribute" % cls.__name__)
    actor = cls(connection.make_client(args), domain, args.task_list)
    if args.register:
        actor.ensure_registered()
    return actor


def _run(actor: Any, kind: str, processes: Optional[int]) -> int:
    if sys.stderr.isatty():  # tell a person at a terminal what runs; scripts get silence
        print("swfkit: %s %s polling %s/%s in %s (SIGTERM or Ctrl-C stops it)" % (
            kind, type(actor).__name__, actor.domain, actor.task_list,
            "%d processes" % processes if processes else "this process"), file=sys.stderr, flush=True)
    result = actor.run(processes=processes)
    # In this process run() returns the tasks handled; a pool returns its exit status.
    return int(result or 0) if processes else 0


def decider_start(args: argparse.Namespace) -> int:
    from swfkit.actors import Decider

    return _run(_build(args, Decider), "decider", args.processes)


def worker_start(args: argparse.Namespace) -> int:
    from swfkit.actors import Worker

    return _run(_build(args, Worker), "worker", args.processes)


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number >= 1, got %r" % text)
    return value


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``decider start`` and ``worker start`` to ``commands`` (a subparsers action)."""
    for kind, handler, base in (("decider", decider_start, "Decider"), ("worker", worker_start, "Worker")):
        top = commands.add_parser(kind, help="run a %s class" % base)
        actions = top.add_subparsers(dest="action", metavar="ACTION", required=True)
        parser = actions.add_parser("start", parents=[common], help="poll and handle tasks until SIGTERM/SIGINT")
        parser.add_argument("actor_class", metavar="MODULE:CLASS", help="the swfkit.actors.%s subclass to run" % base)
        parser.add_argument("--task-list", help="task list to poll (default: the class's task_list)")
        parser.add_argument("--processes", type=positive_int, default=None,
                            help="polling processes, supervised and restarted (default: poll in this process)")
        parser.add_argument("--register", action="store_true",
                            help="register the domain and the class's types first (idempotent)")
        parser.set_defaults(handler=handler)
