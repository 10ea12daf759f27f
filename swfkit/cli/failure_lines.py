"""The one place where an exception becomes the single line and exit code the user sees.

``EXIT_CODES`` is the table of exit codes, true for every command; docs/cli.md shows the same
table and a test compares the two and checks each command against it.
"""
from __future__ import annotations

import logging
from typing import Optional, Tuple

from swfkit import exceptions

log = logging.getLogger("swfkit.cli")

EXIT_FAULT = 1
EXIT_USAGE = 2
EXIT_UNREACHABLE = 3
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

#: Every exit code of every command, with its meaning (docs/cli.md's table, word for word).
EXIT_CODES = (
    (0, "Success."),
    (EXIT_FAULT, "SWF refused the request, for example `not found: Unknown domain: x`, `not found: Unknown "
                 "execution: …` or `TypeAlreadyExistsFault`; a `workflow start --local` workflow failed; a pool "
                 "stopped because its processes could not poll or kept crashing; the demo's workflow did not "
                 "close within `--timeout`."),
    (EXIT_USAGE, "Bad input or usage: an argparse error, `--input: not valid JSON: …`, no domain, a malformed "
                 "`--endpoint-url`, a `MODULE:CLASS` that does not import or raises at import, a `server --db` "
                 "file that cannot be used or a port that cannot be bound."),
    (EXIT_UNREACHABLE, "The endpoint cannot be reached (after a short bounded retry), or the configuration is "
                       "incomplete (no region or credentials for real SWF)."),
    (EXIT_INTERRUPTED, "Interrupted: Ctrl-C during a command, or a second Ctrl-C while a decider, worker or pool "
                       "is stopping."),
    (EXIT_TERMINATED, "A second SIGTERM while a decider, worker or pool is stopping: it stopped at once."),
)


class UsageError(exceptions.SWFError):
    """Bad command-line input (a JSON argument that does not parse, a missing domain...)."""


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def _root_reason(error: BaseException) -> str:
    """The operating system's words for a failed connection ("Connection refused"), else ``str(error)``."""
    seen = set()
    reason = str(error)
    current: Optional[BaseException] = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.strerror:
            reason = current.strerror
        elif isinstance(current, TimeoutError) or "timeout" in type(current).__name__.lower():
            reason = "timed out"
        current = current.__cause__ or current.__context__
    return reason


def _configuration_line(error: exceptions.ConfigurationError) -> Tuple[str, int]:
    """A configuration error with the command's advice (``--region``), not the library's."""
    from swfkit.layer1 import endpoints

    setting = getattr(error, "setting", None)
    if setting == "region":
        return "configuration: " + endpoints.MISSING_REGION.format(region="pass --region"), EXIT_UNREACHABLE
    if setting == "credentials":
        return "configuration: " + endpoints.MISSING_CREDENTIALS.format(
            credentials="", profile="--profile"), EXIT_UNREACHABLE
    if setting == "endpoint_url":  # a malformed URL is bad input, not an unreachable endpoint
        text = str(error)
        if text.startswith("endpoint_url "):
            text = "--endpoint-url / AWS_ENDPOINT_URL_SWF " + text[len("endpoint_url "):]
        return _one_line(text), EXIT_USAGE
    return _one_line("configuration: %s" % error), EXIT_UNREACHABLE


def describe_failure(error: BaseException, endpoint: Optional[str] = None) -> Tuple[str, int]:
    """Return the one-line message and the exit code for ``error``.

    Args:
        error: any exception that reached the command line.
        endpoint: the endpoint the command used, named in connection failures.
    Returns:
        ``(message, exit_code)``; the message has no newline and no traceback.
    """
    if isinstance(error, KeyboardInterrupt):
        return "interrupted", EXIT_INTERRUPTED
    if isinstance(error, UsageError):
        return _one_line(str(error)), EXIT_USAGE
    if isinstance(error, exceptions.ValidationError):
        return _one_line("invalid input for %s: %s: %s" % (error.operation, error.path or "(input)", error.rule)), EXIT_USAGE
    if isinstance(error, exceptions.UnknownResourceFault):
        return _one_line("not found: %s" % (error.message or error.code)), EXIT_FAULT
    if isinstance(error, exceptions.ServiceError):
        where = " (%s)" % error.operation if error.operation else ""
        return _one_line("%s%s: %s" % (error.code, where, error.message)), EXIT_FAULT
    if isinstance(error, exceptions.TransportError):
        log.debug("transport failure", exc_info=error)
        where = " %s" % endpoint if endpoint else ""
        during = " (%s)" % error.operation if error.operation else ""
        return _one_line("cannot reach the SWF endpoint%s%s: %s; check --endpoint-url / AWS_ENDPOINT_URL_SWF" % (
            where, during, _root_reason(error))), EXIT_UNREACHABLE
    if isinstance(error, exceptions.ConfigurationError):
        return _configuration_line(error)
    if isinstance(error, exceptions.SWFError):
        return _one_line("%s: %s" % (type(error).__name__, error)), EXIT_FAULT
    if isinstance(error, ImportError):
        return _one_line("%s: %s" % (type(error).__name__, error)), EXIT_USAGE
    if isinstance(error, OSError):  # e.g. a file or port the command could not use
        return _one_line("%s: %s" % (type(error).__name__, error)), EXIT_FAULT
    # A defect rather than a user error: still one line, the traceback goes to the debug log.
    log.debug("unexpected error", exc_info=error)
    return _one_line("unexpected %s: %s (set LOG_LEVEL=DEBUG for the traceback)" % (type(error).__name__, error)), EXIT_FAULT
