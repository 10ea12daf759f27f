"""``swfkit decider start`` and ``swfkit worker start``: run a Decider or Worker class by name."""
from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
from typing import Any

from swfkit.cli import connection
from swfkit.cli.failure_lines import UsageError

log = logging.getLogger("swfkit.cli")


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
    if args.register:
        cls(connection.make_client(args), domain, args.task_list).ensure_registered()
    # A fresh client for the actor that runs: pools pickle it, and a used Layer1 may not pickle.
    return cls(connection.make_client(args), domain, args.task_list)


def decider_start(args: argparse.Namespace) -> int:
    from swfkit.actors import Decider

    decider = _build(args, Decider)
    log.info("decider %s polling %s/%s", type(decider).__name__, decider.domain, decider.task_list)
    decider.run(processes=args.processes)
    return 0


def worker_start(args: argparse.Namespace) -> int:
    from swfkit.actors import Worker

    worker = _build(args, Worker)
    log.info("worker %s polling %s/%s with %s process(es)", type(worker).__name__, worker.domain,
             worker.task_list, args.processes or 1)
    worker.run(processes=args.processes)
    return 0


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``decider start`` and ``worker start`` to ``commands`` (a subparsers action)."""
    for kind, handler, base in (("decider", decider_start, "Decider"), ("worker", worker_start, "Worker")):
        top = commands.add_parser(kind, help="run a %s class" % base)
        actions = top.add_subparsers(dest="action", metavar="ACTION", required=True)
        parser = actions.add_parser("start", parents=[common], help="poll and handle tasks until SIGTERM/SIGINT")
        parser.add_argument("actor_class", metavar="MODULE:CLASS", help="the swfkit.actors.%s subclass to run" % base)
        parser.add_argument("--task-list", help="task list to poll (default: the class's task_list)")
        parser.add_argument("--processes", type=int, default=None,
                            help="polling processes, supervised and restarted (default: poll in this process)")
        parser.add_argument("--register", action="store_true",
                            help="register the domain and the class's types first (idempotent)")
        parser.set_defaults(handler=handler)
