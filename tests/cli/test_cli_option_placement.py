"""docs/cli.md states where ``--log-level`` goes, and the command behaves as it says (issue 12, item 18).

Common options go before or after a subcommand, ``swfkit server`` included (issue 13 item 8): after
``server`` they are read by the server's own parser, and ``--log-level`` still sets the log level.
"""
from __future__ import annotations

import pathlib
from typing import Any

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_log_level_goes_before_or_after_server(swfkit: Any, monkeypatch: Any) -> None:
    from swfkit import cli

    code, out, _ = swfkit("server", "--log-level", "DEBUG", "--help")
    assert code == 0 and "--poll-timeout" in out and "--log-level" in out
    levels = []
    monkeypatch.setattr(cli, "run_server", lambda args: levels.append(args.log_level) or 0)
    for argv in (["--log-level", "DEBUG", "server", "--port", "0"], ["server", "--port", "0", "--log-level", "DEBUG"],
                 ["server", "--port", "0"]):
        assert swfkit(*argv)[0] == 0
    assert levels == ["DEBUG", "DEBUG", None]


def test_the_doc_says_so(swfkit: Any) -> None:
    text = " ".join(DOC.read_text().split())
    assert "placed before or after the subcommand, `swfkit server` included" in text
    code, out, err = swfkit("domain", "list", "--log-level", "WARNING", "--help")
    assert code == 0 and "unrecognized arguments" not in err  # after another subcommand: accepted
