"""The ``swfkit`` command (also ``python -m swfkit``).

Subcommands: ``server``, ``demo``, ``domain``, ``type``, ``workflow``, ``decider``, ``worker``, ``flow``,
``activity``, ``replay``, ``standalone``.
Every command prints a table by default and JSON with ``--json``; every failure is one line on
stderr and a non-zero exit (see :mod:`swfkit.cli.failure_lines`). This is the one place in
swfkit that configures logging (``--log-level`` or ``LOG_LEVEL``, default WARNING).
"""
from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from typing import TYPE_CHECKING, Iterator, List, Optional, Sequence, TextIO

from swfkit import __version__
from swfkit.cli import redaction
from swfkit.cli.connection import endpoint_url
from swfkit.cli.failure_lines import EXIT_FAULT, EXIT_USAGE, describe_failure

__all__ = ["main", "build_parser"]

log = logging.getLogger("swfkit.cli")

# Options every command accepts, before or after the subcommand; unset ones read as these.
COMMON_DEFAULTS = {"endpoint_url": None, "region": None, "profile": None, "domain": None, "json": False,
                   "log_level": None, "log_format": None}


ENDPOINT_HELP = "SWF endpoint (env AWS_ENDPOINT_URL_SWF, then AWS_ENDPOINT_URL)"
LOG_FORMATS = ("text", "json")


def _common_options(endpoint_help: str = ENDPOINT_HELP) -> argparse.ArgumentParser:
    # SUPPRESS keeps a value given before the subcommand from being reset by the subparser.
    common = argparse.ArgumentParser(add_help=False)
    group = common.add_argument_group("connection and output")
    group.add_argument("--endpoint-url", default=argparse.SUPPRESS, help=endpoint_help)
    group.add_argument("--region", default=argparse.SUPPRESS,
                       help="AWS region (env AWS_DEFAULT_REGION, then AWS_REGION; else the region of an AWS "
                            "endpoint host, the profile's, or us-east-1 on a loopback endpoint)")
    group.add_argument("--profile", default=argparse.SUPPRESS, help="AWS profile for credentials")
    group.add_argument("--domain", default=argparse.SUPPRESS, help="SWF domain (env SWF_DOMAIN)")
    group.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON instead of tables")
    group.add_argument("--log-level", default=argparse.SUPPRESS, help="DEBUG, INFO, WARNING... (env LOG_LEVEL)")
    group.add_argument("--log-format", choices=LOG_FORMATS, default=argparse.SUPPRESS,
                       help="log lines as text (default) or as JSON objects, one per line, with the ids of "
                            "the task being handled (env LOG_FORMAT)")
    return common


def build_parser() -> argparse.ArgumentParser:
    """The full argument parser of the ``swfkit`` command."""
    from swfkit.cli import actor_commands, demo_command, execution_commands, flow_commands, registry_commands
    from swfkit.cli import operator_commands

    common = _common_options()
    parser = argparse.ArgumentParser(prog="swfkit", parents=[common],
                                     description="Amazon SWF toolkit: embedded server, demo, and SWF administration.")
    parser.add_argument("--version", action="version", version="swfkit %s" % __version__)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    # The server's own options are parsed by its parser (see run_server): importing it for every
    # command would cost every command the whole server's import time.
    server = commands.add_parser("server", help="run the embedded SWF-compatible server", add_help=False)
    server.set_defaults(handler=run_server)
    demo_command.add_commands(commands, _common_options(
        "SWF endpoint to run on (default: an embedded server; AWS_ENDPOINT_URL_SWF is ignored here)"))
    registry_commands.add_commands(commands, common)
    execution_commands.add_commands(commands, common)
    actor_commands.add_commands(commands, common)
    flow_commands.add_commands(commands, common)
    operator_commands.add_commands(commands, common)
    return parser


SERVER_DESCRIPTION = ("Run swfkit's embedded SWF-compatible server until SIGINT/SIGTERM; the first line "
                      "printed is its endpoint URL (use it as --endpoint-url or AWS_ENDPOINT_URL_SWF).")


def run_server(args: argparse.Namespace) -> int:
    """``swfkit server``: delegate to ``swfkit.server.command`` with the arguments after ``server``."""
    from swfkit.server import command

    # The options every command accepts are accepted here too (and mean nothing to a server), but
    # for --region, which the server's own option replaces (the region of unsigned requests).
    parser = argparse.ArgumentParser(prog="swfkit server", description=SERVER_DESCRIPTION,
                                     parents=[_common_options()], conflict_handler="resolve")
    command.add_arguments(parser)
    try:
        server_args = parser.parse_args(args.server_argv)
    except SystemExit as exit_:  # --help or a usage error, already printed by argparse
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    return int(command.run(server_args) or 0)


if TYPE_CHECKING:  # generic in the stubs, not subscriptable at run time before 3.11
    _StreamHandler = logging.StreamHandler[TextIO]
else:
    _StreamHandler = logging.StreamHandler


class _StderrHandler(_StreamHandler):
    """Writes to whatever ``sys.stderr`` is at the time (tests swap it between calls)."""

    @property
    def stream(self) -> TextIO:
        return sys.stderr

    @stream.setter
    def stream(self, value: TextIO) -> None:
        pass


_CHATTY_LIBRARIES = ("botocore", "urllib3")


@contextlib.contextmanager
def logging_to_stderr(level_name: Optional[str], secrets: Sequence[str] = (),
                      log_format: Optional[str] = None) -> Iterator[None]:
    """While inside, log to stderr at ``level_name`` (or ``LOG_LEVEL``, default WARNING), with
    ``secrets`` (and security-token headers) masked in every line; ``log_format`` (or
    ``LOG_FORMAT``) ``"json"`` writes JSON lines (``swfkit.actors.json_log_lines``).

    The root logger is put back as it was on the way out, so calling :func:`main` from Python
    (tests, embedding) leaves the caller's logging untouched.
    """
    name = (level_name or os.environ.get("LOG_LEVEL") or "WARNING").upper()
    level = logging.getLevelName(name)
    if not isinstance(level, int):
        print("swfkit: LOG_LEVEL/--log-level: unknown level %r, using WARNING" % name, file=sys.stderr)
        level = logging.WARNING
    root = logging.getLogger()
    handler = _StderrHandler()
    handler.setFormatter(_formatter(log_format or os.environ.get("LOG_FORMAT") or "text"))
    handler.addFilter(redaction.SecretMask(secrets))
    # botocore and urllib3 chatter at INFO ("Found credentials..."); only DEBUG shows them.
    quieted = [logging.getLogger(name) for name in _CHATTY_LIBRARIES] if level > logging.DEBUG else []
    previous = [(root, root.level)] + [(logger, logger.level) for logger in quieted]
    root.addHandler(handler)
    root.setLevel(level)
    for logger in quieted:
        logger.setLevel(max(level, logging.WARNING))
    try:
        yield
    finally:
        root.removeHandler(handler)
        for logger, old_level in previous:
            logger.setLevel(old_level)


def _formatter(log_format: str) -> logging.Formatter:
    if log_format.lower() == "json":  # imported only then: the actors package is not for every command
        from swfkit.actors.json_log_lines import JsonLinesFormatter

        return JsonLinesFormatter()
    if log_format.lower() != "text":
        print("swfkit: LOG_FORMAT/--log-format: unknown format %r, using text" % log_format, file=sys.stderr)
    return logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s")


def _silence_stdout() -> None:
    try:  # further writes (and the interpreter's final flush) must not raise again
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def _server_logging(extra: List[str]) -> argparse.Namespace:
    """``--log-level`` and ``--log-format`` given after ``server`` (the server's own parser accepts
    them and leaves them to us)."""
    logging_options = argparse.ArgumentParser(add_help=False)
    logging_options.add_argument("--log-level")
    logging_options.add_argument("--log-format")
    return logging_options.parse_known_args(extra)[0]


def main(argv: Optional[List[str]] = None) -> int:
    """Run the ``swfkit`` command with ``argv`` (default: ``sys.argv[1:]``); return the exit code."""
    parser = build_parser()
    try:
        args, extra = parser.parse_known_args(argv)
        if args.command != "server" and extra:
            parser.error("unrecognized arguments: %s" % " ".join(extra))
    except SystemExit as exit_:  # --help, --version, usage errors: argparse already printed
        return exit_.code if isinstance(exit_.code, int) else EXIT_USAGE
    args.server_argv = extra
    if args.command == "server":  # what follows ``server`` is its parser's, but the log level is set here
        chosen = _server_logging(extra)
        args.log_level = chosen.log_level or getattr(args, "log_level", None)
        args.log_format = chosen.log_format or getattr(args, "log_format", None)
    for name, default in COMMON_DEFAULTS.items():
        if not hasattr(args, name):
            setattr(args, name, default)
    secrets = redaction.secrets_in(sys.argv[1:] if argv is None else argv, os.environ)
    with logging_to_stderr(args.log_level, secrets, getattr(args, "log_format", None)):
        shown = {k: v for k, v in vars(args).items() if k != "handler"}
        shown["server_argv"] = redaction.redact_argv(extra)  # never a --credentials secret
        log.debug("swfkit %s: %s", args.command, shown)
        return _dispatch(args)


def _dispatch(args: argparse.Namespace) -> int:
    try:
        return int(args.handler(args) or 0)
    except BrokenPipeError:  # the reader went away (`swfkit ... | head`): nothing left to say
        _silence_stdout()
        return EXIT_FAULT
    except (Exception, KeyboardInterrupt) as error:  # one line, never a traceback (debug log aside)
        message, code = describe_failure(error, endpoint=endpoint_url(args))
        sys.stdout.flush()
        print("swfkit: %s" % message, file=sys.stderr)
        return code
