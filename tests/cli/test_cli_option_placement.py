"""docs/cli.md states where ``--log-level`` goes, and the command behaves as it says (issue 12, item 18).

Common options go before or after a subcommand, except for ``swfkit server``: everything after
``server`` is the server's own options, so ``--log-level`` must come before it.
"""
from __future__ import annotations

import pathlib
from typing import Any

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "cli.md"


def test_log_level_before_server_works_and_after_it_is_a_usage_error(swfkit: Any) -> None:
    code, out, _ = swfkit("--log-level", "DEBUG", "server", "--help")
    assert code == 0 and "--poll-timeout" in out
    code, _, err = swfkit("server", "--log-level", "DEBUG")
    assert code == 2 and "unrecognized arguments: --log-level" in err


def test_the_doc_says_so(swfkit: Any) -> None:
    text = " ".join(DOC.read_text().split())
    assert "placed before or after the subcommand; `swfkit server` is the exception" in text
    assert "`swfkit --log-level DEBUG server --port 8080`" in text
    code, out, err = swfkit("domain", "list", "--log-level", "WARNING", "--help")
    assert code == 0 and "unrecognized arguments" not in err  # after another subcommand: accepted
