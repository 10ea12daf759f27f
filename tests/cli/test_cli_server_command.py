"""``swfkit server`` hands everything after ``server`` to ``swfkit.server.command``."""
from __future__ import annotations

import subprocess
import sys


def test_server_help_comes_from_the_server_command(swfkit) -> None:
    code, out, _ = swfkit("server", "--help")
    assert code == 0
    assert out.startswith("usage: swfkit server") and "--poll-timeout" in out and "--db" in out


def test_server_usage_errors(swfkit) -> None:
    code, _, err = swfkit("server", "--port", "not-a-port")
    assert code == 2 and "--port: invalid int value" in err
    code, _, err = swfkit("domain", "list", "--port", "1")
    assert code == 2 and "unrecognized arguments: --port 1" in err


def test_plain_commands_do_not_import_the_server() -> None:
    probe = ("import sys; from swfkit.cli import build_parser; build_parser().parse_args(['domain', 'list']); "
             "print(sorted(m for m in sys.modules if m.startswith('swfkit.server')))")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30)
    assert done.stdout.strip() == "[]", done.stderr
