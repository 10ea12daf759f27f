"""``swfkit server``: run the embedded SWF-compatible server until SIGINT/SIGTERM."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from typing import Dict, List, Optional


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Add the ``swfkit server`` options to ``parser``."""
    parser.add_argument("--host", default="127.0.0.1",
                        help="address to bind (default 127.0.0.1; anything else exposes the server)")
    parser.add_argument("--port", type=int, default=0, help="TCP port (default 0: a free port)")
    parser.add_argument("--db", default=None,
                        help="SQLite file for durable state (default: in memory, lost on exit)")
    parser.add_argument("--poll-timeout", type=float, default=60.0,
                        help="seconds an empty long poll waits (default 60, as SWF)")
    parser.add_argument("--verify-signatures", action="store_true",
                        help="reject requests whose SigV4 signature does not match a configured key")
    parser.add_argument("--credentials", action="append", default=[], metavar="KEY_ID:SECRET",
                        help="an accepted access key pair for --verify-signatures (repeatable; default: "
                             "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the environment)")
    parser.add_argument("--region", default="us-east-1",
                        help="region of unsigned requests (signed ones use their credential scope's); "
                             "default us-east-1")
    parser.add_argument("--account-id", default="123456789012", help="account id in domain ARNs")
    parser.add_argument("--max-connections", type=int, default=4000,
                        help="connections served at once; more get 503 ServiceUnavailable (default 4000)")
    parser.add_argument("--read-timeout", type=float, default=10.0,
                        help="seconds a request's headers and body may take to arrive (default 10; long "
                             "polls are not affected)")


def _keys(args: argparse.Namespace) -> Optional[Dict[str, str]]:
    if not args.verify_signatures:
        return None
    keys: Dict[str, str] = {}
    for pair in args.credentials:
        key_id, sep, secret = pair.partition(":")
        if not sep or not key_id or not secret:
            raise ValueError("--credentials must be KEY_ID:SECRET (value not shown: it may hold a secret)")
        keys[key_id] = secret
    if not keys and os.environ.get("AWS_ACCESS_KEY_ID") and os.environ.get("AWS_SECRET_ACCESS_KEY"):
        keys[os.environ["AWS_ACCESS_KEY_ID"]] = os.environ["AWS_SECRET_ACCESS_KEY"]
    if not keys:
        raise ValueError("--verify-signatures needs --credentials KEY_ID:SECRET or AWS_ACCESS_KEY_ID and "
                         "AWS_SECRET_ACCESS_KEY in the environment")
    return keys


def run(args: argparse.Namespace) -> int:
    """Serve until SIGINT/SIGTERM; print the endpoint URL first. Returns the exit status."""
    import sqlite3

    from swfkit.exceptions import SWFError
    from swfkit.server import SWFServer

    try:
        keys = _keys(args)
        server = SWFServer(args.db, host=args.host, port=args.port, poll_timeout=args.poll_timeout,
                           verify_keys=keys, region=args.region, account=args.account_id,
                           max_connections=args.max_connections, read_timeout=args.read_timeout)
    except sqlite3.Error as err:  # a --db path that cannot be opened or is not a database
        print("swfkit: --db %s: cannot use it as the server's database: %s" % (args.db, err), file=sys.stderr)
        return 2
    except (ValueError, OSError, SWFError) as err:  # SWFError: a --db file of another schema version
        print("swfkit: %s" % err, file=sys.stderr)
        return 2
    if args.host not in ("127.0.0.1", "localhost", "::1"):
        print("swfkit: warning: --host %s lets other machines reach this server, which %s" % (
            args.host, "checks signatures (--verify-signatures)" if keys else
            "accepts any request (add --verify-signatures)"), file=sys.stderr, flush=True)
    done = threading.Event()

    def stop(signum: int, frame: object) -> None:
        done.set()

    previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        try:
            server.start()
        except OSError as err:  # e.g. the port is taken
            print("swfkit: cannot serve on %s port %s: %s" % (args.host, args.port, err.strerror or err),
                  file=sys.stderr)
            return 2
        print(server.endpoint_url, flush=True)
        while not done.wait(0.5):
            pass
    finally:
        server.stop()
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0


def main(argv: Optional[List[str]] = None) -> int:
    """Run as ``python -m swfkit.server.command``."""
    parser = argparse.ArgumentParser(prog="swfkit server", description=__doc__)
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
