"""``swfkit decider start`` and ``swfkit worker start``: run a Decider or Worker by name.

Besides ``swfkit.actors`` subclasses they run the futures layer through duck-typed hooks (this
package must not import ``swfkit.futures``): a class with ``swfkit_decider`` (an ``@workflow``)
gives the decider to run; a bare module gives every object with ``swfkit_activity`` (an
``@activity``), each added to a plain ``Worker`` by its own ``register(worker)``.

``--metrics-port`` serves Prometheus metrics (``swfkit.actors.prometheus_exporter``) from this
process: the actor's tasks and its client's calls. With ``--processes M`` the pool's children
count into the same registry (it reaches them pickled with the actor and they hand their counts
back through files, see ``swfkit.actors.metrics_registry``): one scrape gives the sum of all.
"""
from __future__ import annotations

import argparse
import importlib
import os
import sys
import types
from typing import Any, Dict, List, Optional

from swfkit.cli import connection
from swfkit.cli.failure_lines import EXIT_FAULT, EXIT_INTERRUPTED, EXIT_TERMINATED, UsageError


def _import(spec: str, module_name: str) -> Any:
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())
    try:
        return importlib.import_module(module_name)
    except ImportError as error:
        raise UsageError("%s: cannot import module %s: %s" % (spec, module_name, error)) from None
    except Exception as error:  # the user's module raised at import: bad input (2), one line
        raise UsageError("%s: importing module %s raised %s: %s" % (spec, module_name, type(error).__name__,
                                                                    error)) from None


def _is_missing(error: ImportError, spec: str) -> bool:
    """Whether importing ``spec`` failed because ``spec`` itself (or a parent package) does not exist,
    rather than because something the module imports is missing."""
    name = getattr(error, "name", None) or ""
    return isinstance(error, ModuleNotFoundError) and bool(name) and (spec == name or spec.startswith(name + "."))


def load_target(spec: str, *, modules: bool = False) -> Any:
    """Import ``module:Name`` (``module.Name`` also accepted) and return the object it names.

    The current directory is put on ``sys.path`` first, as ``python -m`` would, so a project's own
    modules load from an installed ``swfkit`` command too (worker processes inherit the path).

    Args:
        spec: ``module:Name``, ``module.Name``, or (with ``modules=True``) a bare module name.
        modules: accept a spec without ``:`` that imports as a module, and return the module.
    Raises:
        UsageError: a malformed spec, a module that does not import, a missing name.
    """
    module_name, sep, name = spec.partition(":")
    if not sep and modules:
        if os.getcwd() not in sys.path:
            sys.path.insert(0, os.getcwd())
        try:
            return importlib.import_module(spec)
        except ImportError as error:  # maybe module.Name: tried below; else this module's own failure
            if not _is_missing(error, spec) or "." not in spec:
                raise UsageError("%s: cannot import module %s: %s" % (spec, spec, error)) from None
        except Exception as error:
            raise UsageError("%s: importing module %s raised %s: %s" % (spec, spec, type(error).__name__,
                                                                        error)) from None
    expected = "%r: expected MODULE:CLASS, e.g. %s:MyClass" % (spec, spec if not sep else module_name or "myproject.actors")
    if not sep:
        module_name, _, name = spec.rpartition(".")
    if not module_name or not name:
        raise UsageError(expected)
    try:
        module = _import(spec, module_name)
    except UsageError:
        if not sep:  # "pkg.mod" meant as a module, not as module pkg's attribute mod: say what is missing
            raise UsageError(expected) from None
        raise
    if not hasattr(module, name):
        if not sep:
            raise UsageError(expected)
        raise UsageError("%s: module %s has no attribute %r" % (spec, module_name, name))
    value = getattr(module, name)
    if not sep and isinstance(value, types.ModuleType):  # "pkg.module": a module where a class was meant
        raise UsageError(expected)
    return value


def load_class(spec: str, base: type) -> type:
    """``load_target(spec)``, checked to be a subclass of ``base``.

    Raises:
        UsageError: as ``load_target``, or the object is not a ``base`` subclass.
    """
    cls: type = load_target(spec)
    if not _subclass(cls, base):
        raise UsageError("%s: %s is not a %s subclass" % (spec, _name_of(spec), base.__name__))
    return cls


def _subclass(value: Any, base: type) -> bool:
    return isinstance(value, type) and issubclass(value, base)


def _domain(args: argparse.Namespace, target: Any) -> str:
    declared = getattr(target, "domain", None)
    domain = args.domain or os.environ.get("SWF_DOMAIN") or (declared if isinstance(declared, str) else None)
    if not domain:
        raise UsageError("no domain: pass --domain, set SWF_DOMAIN or give %s a 'domain' attribute"
                         % getattr(target, "__name__", target))
    return domain


def _name_of(spec: str) -> str:
    return spec.split(":", 1)[1] if ":" in spec else spec.rpartition(".")[2]


def _metrics_registry(args: argparse.Namespace) -> Any:
    """The registry ``--metrics-port`` serves (made once per command), or None without it."""
    if getattr(args, "metrics_port", None) is None:
        return None
    registry = getattr(args, "metrics_registry", None)
    if registry is None:
        from swfkit.actors.metrics_registry import MetricsRegistry

        registry = args.metrics_registry = MetricsRegistry()
    return registry


def _client(args: argparse.Namespace) -> Any:
    """The actor's client; with ``--metrics-port``, counting its calls."""
    registry = _metrics_registry(args)
    if registry is None:
        return connection.make_client(args)
    from swfkit.actors.metrics_interceptors import CallMetrics

    return connection.make_client(args, interceptors=[CallMetrics(registry)])


def _observed(args: argparse.Namespace, actor: Any) -> Any:
    """``actor``, with ``--metrics-port``'s task interceptor added to its own."""
    registry = _metrics_registry(args)
    if registry is not None:
        from swfkit.actors.metrics_interceptors import TaskMetrics
        from swfkit.actors.task_interceptors import actor_interceptors

        actor.interceptors = actor_interceptors(tuple(actor.interceptors) + (TaskMetrics(registry),))
    return actor


def _build_decider(args: argparse.Namespace) -> Any:
    from swfkit.actors import Decider

    spec = args.actor_class
    target = load_target(spec)
    if _subclass(target, Decider):
        decider = target(_client(args), _domain(args, target), args.task_list)
    elif callable(getattr(target, "swfkit_decider", None)):
        # A futures @workflow class (duck-typed: the CLI never imports swfkit.futures).
        registration = getattr(target, "swfkit_workflow", None)
        if not args.task_list and registration is not None and not getattr(registration, "task_list", None):
            raise UsageError("%s: no task list: pass --task-list or declare @workflow(task_list=...)" % spec)
        decider = target.swfkit_decider(_client(args), domain=_domain(args, target),
                                        task_list=args.task_list, identity=None)
        if not isinstance(decider, Decider):
            raise UsageError("%s: %s.swfkit_decider() returned %r, not a swfkit.actors.Decider"
                             % (spec, _name_of(spec), type(decider).__name__))
    else:
        raise UsageError("%s: %s is not a Decider subclass (swfkit.actors.Decider) nor a futures @workflow "
                         "class (it has no swfkit_decider)" % (spec, _name_of(spec)))
    if args.register:
        decider.ensure_registered()
    return _observed(args, decider)


def module_activities(module: Any) -> List[Any]:
    """The futures ``@activity`` objects of ``module`` (anything with ``swfkit_activity`` and a
    ``register(worker)`` method), each once, sorted by type name and version."""
    found: Dict[int, Any] = {}
    for value in list(vars(module).values()):
        if isinstance(value, type):  # a class (e.g. the Activity class itself) is not an activity
            continue
        registration = getattr(value, "swfkit_activity", None)
        if registration is not None and callable(getattr(value, "register", None)):
            found[id(value)] = value
    return sorted(found.values(), key=lambda a: (str(a.swfkit_activity.name), str(a.swfkit_activity.version)))


def _activities_task_list(spec: str, activities: List[Any]) -> str:
    """The one task list the activities declare (activities declaring none have no say)."""
    declared: Dict[str, List[str]] = {}
    for act in activities:
        registration = act.swfkit_activity
        task_list = registration.task_list
        if isinstance(task_list, dict):
            task_list = task_list.get("name")
        if task_list:
            declared.setdefault(task_list, []).append("%s/%s" % (registration.name, registration.version))
    if not declared:
        raise UsageError("%s: no task list: its activities declare none; pass --task-list" % spec)
    if len(declared) > 1:
        raise UsageError("%s: its activities declare different task lists (%s); pass --task-list to pick one" % (
            spec, "; ".join("%s: %s" % (name, ", ".join(types)) for name, types in sorted(declared.items()))))
    return next(iter(declared))


def _build_worker(args: argparse.Namespace) -> Any:
    from swfkit.actors import Worker

    spec = args.actor_class
    target = load_target(spec, modules=True)
    if isinstance(target, types.ModuleType):
        activities = module_activities(target)
        if not activities:
            raise UsageError("%s: module %s has no futures @activity functions (objects with swfkit_activity); "
                             "give MODULE:CLASS for a swfkit.actors.Worker subclass" % (spec, target.__name__))
        task_list = args.task_list or _activities_task_list(spec, activities)
        worker = Worker(_client(args), _domain(args, target), task_list)
        for act in activities:
            act.register(worker)
    elif _subclass(target, Worker):
        worker = target(_client(args), _domain(args, target), args.task_list)
    else:
        raise UsageError("%s: %s is not a Worker subclass (swfkit.actors.Worker); give MODULE:CLASS for one, or "
                         "a bare MODULE of futures @activity functions" % (spec, _name_of(spec)))
    if args.register:
        worker.ensure_registered()
    if args.threads is not None:
        from swfkit.actors.activity_threads import check_threads

        worker.threads = check_threads(args.threads)
    return _observed(args, worker)


def check_endpoint(actor: Any) -> None:
    """One call before polling starts, so an endpoint that cannot be reached (after the client's
    short bounded retry) or an unknown domain is one line and exit 3 or 1 now, instead of a poll
    loop retrying forever. Once polling, failures are retried with backoff (an SWF blip must not
    stop a long-lived worker), one short log line each."""
    actor.layer1.describe_domain(name=actor.domain)


def _run(actor: Any, kind: str, args: argparse.Namespace) -> int:
    processes = args.processes
    check_endpoint(actor)
    exporter = None
    registry = _metrics_registry(args)
    if registry is not None:
        from swfkit.actors.prometheus_exporter import serve_metrics

        exporter = serve_metrics(registry, args.metrics_port, args.metrics_address)
    threads = getattr(actor, "threads", 1)
    if sys.stderr.isatty():  # tell a person at a terminal what runs; scripts get silence
        print("swfkit: %s %s polling %s/%s in %s%s%s (SIGTERM or Ctrl-C stops it)" % (
            kind, type(actor).__name__, actor.domain, actor.task_list,
            "%d processes" % processes if processes else "this process",
            " x %d threads" % threads if threads > 1 else "",
            "; metrics at %s" % exporter.url if exporter is not None else ""), file=sys.stderr, flush=True)
    try:
        result = actor.run(processes=processes)
    finally:
        if exporter is not None:
            exporter.close()
    # In this process run() returns the tasks handled; a pool returns its exit status, mapped onto
    # the command's table (failure_lines.EXIT_CODES): 128 + a signal stays, anything else is 1.
    if not processes or not result:
        return 0
    return int(result) if int(result) in (EXIT_INTERRUPTED, EXIT_TERMINATED) else EXIT_FAULT


def decider_start(args: argparse.Namespace) -> int:
    """``swfkit decider start MODULE:CLASS``: a Decider subclass, or a futures ``@workflow`` class."""
    return _run(_build_decider(args), "decider", args)


def worker_start(args: argparse.Namespace) -> int:
    """``swfkit worker start MODULE:CLASS | MODULE``: a Worker subclass, or a module's futures activities."""
    return _run(_build_worker(args), "worker", args)


def positive_int(text: str) -> int:
    """argparse type: a whole number >= 1."""
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError("must be a whole number >= 1, got %r" % text)
    return value


def port_number(text: str) -> int:
    """argparse type: a TCP port, 0..65535 (0: any free port)."""
    try:
        value = int(text)
    except ValueError:
        value = -1
    if not 0 <= value <= 65535:
        raise argparse.ArgumentTypeError("must be a port number 0..65535, got %r" % text)
    return value


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``decider start`` and ``worker start`` to ``commands`` (a subparsers action)."""
    targets = {
        "decider": ("MODULE:CLASS", "a swfkit.actors.Decider subclass, or a futures @workflow class"),
        "worker": ("MODULE:CLASS | MODULE", "a swfkit.actors.Worker subclass, or a module whose futures "
                                            "@activity functions a plain Worker runs"),
    }
    for kind, handler, base in (("decider", decider_start, "Decider"), ("worker", worker_start, "Worker")):
        metavar, what = targets[kind]
        top = commands.add_parser(kind, help="run a %s" % kind)
        actions = top.add_subparsers(dest="action", metavar="ACTION", required=True)
        parser = actions.add_parser("start", parents=[common], help="poll and handle tasks until SIGTERM/SIGINT")
        parser.add_argument("actor_class", metavar=metavar, help="what to run: %s" % what)
        parser.add_argument("--task-list", help="task list to poll (default: %s)" % (
            "the class's task_list, or the @workflow's task list" if kind == "decider"
            else "the class's task_list, or the one the module's activities declare"))
        parser.add_argument("--processes", type=positive_int, default=None,
                            help="polling processes, supervised and restarted (default: poll in this process)")
        parser.add_argument("--register", action="store_true",
                            help="register the domain and the types it handles first (idempotent)")
        if kind == "worker":
            parser.add_argument("--threads", type=positive_int, default=None,
                                help="activity tasks run at once per process, each in a thread (I/O-bound "
                                     "activities; default: the class's threads attribute, 1); with --processes M: "
                                     "M x N")
        parser.add_argument("--metrics-port", type=port_number, default=None,
                            help="serve Prometheus metrics at http://ADDRESS:PORT/metrics (the sum over "
                                 "--processes)")
        parser.add_argument("--metrics-address", default="127.0.0.1",
                            help="interface the metrics are served on (default 127.0.0.1; 0.0.0.0: all)")
        parser.set_defaults(handler=handler)
