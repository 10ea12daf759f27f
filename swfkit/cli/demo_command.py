"""``swfkit demo``: the fan-out/fan-in demo (see :mod:`swfkit.demo`)."""
from __future__ import annotations

import argparse
from typing import Any

from swfkit.cli import connection
from swfkit.cli.actor_commands import positive_int
from swfkit.cli.failure_lines import UsageError


def demo(args: argparse.Namespace) -> int:
    from swfkit.demo import DemoOptions, run_demo
    from swfkit.demo.fan_out import DOMAIN, MAX_ACTIVITIES

    if args.work_ms < 0 or args.timeout <= 0:
        raise UsageError("--work-ms must be at least 0 and --timeout more than 0")
    if args.activities > MAX_ACTIVITIES:
        raise UsageError("--activities: at most %d (SWF's history holds 25,000 events)" % MAX_ACTIVITIES)
    client_options = {}
    if args.endpoint_url:  # the embedded server (no endpoint) gets dummy credentials inside run_demo
        client_options = connection.client_options(args)
        client_options.pop("endpoint_url", None)
    options = DemoOptions(client_options=client_options, endpoint_url=args.endpoint_url or None,
                          domain=args.domain or DOMAIN, activities=args.activities, workers=args.workers,
                          work_ms=args.work_ms, timeout=args.timeout, last_events=args.last_events,
                          json=bool(args.json))
    return run_demo(options)


def add_commands(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add ``demo`` to ``commands`` (a subparsers action)."""
    parser = commands.add_parser(
        "demo", parents=[common], help="run a 100-activity fan-out/fan-in workflow end to end",
        description="Start the embedded SWF server on a temporary database (or use --endpoint-url; "
                    "AWS_ENDPOINT_URL_SWF is ignored here), register a domain and types, run a decider and "
                    "a worker pool, execute a fan-out/fan-in workflow with a timer and a signal, show "
                    "progress and a summary, then stop everything.")
    parser.add_argument("--activities", type=positive_int, default=100, help="activities to fan out (default 100)")
    parser.add_argument("--workers", type=positive_int, default=4, help="worker processes (default 4)")
    parser.add_argument("--work-ms", type=int, default=10, help="pretend work per activity in ms (default 10)")
    parser.add_argument("--timeout", type=float, default=120.0, help="give up after this many seconds (default 120)")
    parser.add_argument("--last-events", type=int, default=10, help="history events to show at the end (default 10)")
    parser.set_defaults(handler=demo)
