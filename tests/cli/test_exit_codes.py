"""One table of exit codes (``failure_lines.EXIT_CODES``), shown in docs/cli.md and true for every
command (issue 13, item 8). Runs the command in this process against the embedded server."""
from __future__ import annotations

import os

import argparse
import re
import socket
from typing import Any, Callable, Dict, List, Tuple

import pytest
from conftest import one_line
from session_processes import REPO

from swfkit.cli import build_parser
from swfkit.cli.failure_lines import EXIT_CODES

Run = Callable[..., Tuple[int, str, str]]


def test_docs_show_the_table_word_for_word() -> None:
    text = (REPO / "docs" / "cli.md").read_text()
    section = text[text.index("## Errors and exit codes"):]
    rows = re.findall(r"^\| (\d+) \| (.+) \|$", section, flags=re.M)
    assert [(int(code), meaning) for code, meaning in rows] == list(EXIT_CODES)


def leaf_commands() -> List[Tuple[str, ...]]:
    """Every runnable command path, e.g. ("workflow", "start"), read from the parser."""
    found: List[Tuple[str, ...]] = []

    def walk(parser: argparse.ArgumentParser, path: Tuple[str, ...]) -> None:
        subs = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
        if not subs:
            found.append(path)
            return
        for name, child in subs[0].choices.items():
            walk(child, path + (name,))

    walk(build_parser(), ())
    return found


LEAVES = leaf_commands()


@pytest.mark.parametrize("command", LEAVES, ids=[" ".join(c) for c in LEAVES])
def test_every_command_answers_bad_usage_with_2_in_one_line(swfkit: Run, command: Tuple[str, ...]) -> None:
    code, out, err = swfkit(*command, "--no-such-option")
    assert code == 2 and out == ""
    assert "usage: swfkit" in err and "Traceback" not in err


@pytest.mark.parametrize("command", LEAVES, ids=[" ".join(c) for c in LEAVES])
def test_every_command_accepts_the_common_options(swfkit: Run, command: Tuple[str, ...]) -> None:
    code, _, err = swfkit(*command, "--json", "--domain", "d", "--region", "us-east-1", "--log-level", "ERROR",
                          "--help")
    assert code == 0, err


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# Arguments that get each command as far as its first call to SWF.
CALLS_SWF: Dict[Tuple[str, ...], List[str]] = {
    ("demo",): [],
    ("domain", "register"): [],
    ("domain", "list"): [],
    ("domain", "describe"): [],
    ("domain", "deprecate"): [],
    ("type", "list"): [],
    ("type", "register"): ["workflow", "t", "1"],
    ("type", "describe"): ["workflow", "t", "1"],
    ("workflow", "start"): ["t", "1"],
    ("workflow", "list"): [],
    ("workflow", "info"): ["w1"],
    ("workflow", "history"): ["w1"],
    ("workflow", "signal"): ["w1", "go"],
    ("workflow", "cancel"): ["w1"],
    ("workflow", "terminate"): ["w1"],
    ("decider", "start"): ["swfkit.demo.fan_out:FanOutDecider"],
    ("worker", "start"): ["swfkit.demo.fan_out:SquareWorker"],
    ("workflow", "tasks"): ["w1"],
    ("workflow", "profile"): ["w1"],
    ("workflow", "timeline"): ["w1", "--html", os.devnull],
    ("workflow", "stuck"): [],
    ("workflow", "restart"): ["w1"],
    ("activity", "rerun"): ["w1", "--activity-id", "a1", "ops_flows"],
    ("replay",): ["ops_flows:Flow", "w1"],
    ("standalone",): ["ops_flows:Flow", "--input", "[1]"],
    ("flow", "run"): ["ops_flows:OPS_FLOW", "2026120500"],
    ("flow", "recover"): ["ops_flows:OPS_FLOW", "2026120500"],
    ("flow", "run-one"): ["ops_flows:OPS_FLOW", "2026120500", "first"],
    ("flow", "run-from"): ["ops_flows:OPS_FLOW", "2026120500", "first"],
    ("flow", "status"): ["ops_flows:OPS_FLOW", "2026120500"],
    ("flow", "decider"): ["ops_flows:OPS_FLOW"],
    ("flow", "worker"): ["ops_flows:OPS_FLOW"],
}
# Commands that never call an SWF endpoint.
NO_SWF = {("server",)}


def test_every_command_is_in_the_tables() -> None:
    """A new command gets a row above, so the checks below cover it."""
    missing = sorted(set(LEAVES) - set(CALLS_SWF) - NO_SWF)
    assert not missing, "add these commands to CALLS_SWF (with arguments reaching SWF) or NO_SWF: %s" % missing
    assert not (set(CALLS_SWF) | NO_SWF) - set(LEAVES), "rows for commands that no longer exist"


@pytest.mark.parametrize("command", sorted(CALLS_SWF), ids=[" ".join(c) for c in sorted(CALLS_SWF)])
def test_an_unreachable_endpoint_is_3_in_one_line(swfkit: Run, monkeypatch: pytest.MonkeyPatch,
                                                  command: Tuple[str, ...]) -> None:
    monkeypatch.setenv("SWF_CONNECTION_RETRIES", "0")  # one attempt: the bounded retry is tested elsewhere
    url = "http://127.0.0.1:%d" % _closed_port()
    code, out, err = swfkit(*command, *CALLS_SWF[command], "--endpoint-url", url, "--domain", "d")
    assert code == 3, err
    assert "cannot reach the SWF endpoint %s" % url in one_line(err) and "Connection refused" in err


@pytest.mark.parametrize("command", sorted(CALLS_SWF), ids=[" ".join(c) for c in sorted(CALLS_SWF)])
def test_a_malformed_endpoint_is_2(swfkit: Run, command: Tuple[str, ...]) -> None:
    code, _, err = swfkit(*command, *CALLS_SWF[command], "--endpoint-url", "127.0.0.1:8777", "--domain", "d")
    assert code == 2 and "is malformed" in one_line(err)


# SWF's refusals: an unknown domain (or execution) is 1 wherever it comes from (the demo and
# domain register/list make or need no existing domain).
REFUSED = {command: argv for command, argv in CALLS_SWF.items()
           if command not in {("demo",), ("domain", "register"), ("domain", "list"), ("standalone",),
                              ("flow", "run"), ("flow", "recover"), ("flow", "run-one"), ("flow", "run-from")}}
# (standalone and the flow operations register the domain they run in, as the demo does)


@pytest.mark.parametrize("command", sorted(REFUSED), ids=[" ".join(c) for c in sorted(REFUSED)])
def test_an_unknown_domain_is_1(swfkit: Run, endpoint_env: str, command: Tuple[str, ...]) -> None:
    code, _, err = swfkit(*command, *REFUSED[command], "--domain", "no-such-domain")
    assert code == 1, err
    assert one_line(err).startswith("swfkit: not found: Unknown domain")


@pytest.mark.parametrize("action, extra", [("info", []), ("history", []), ("signal", ["go"]), ("cancel", []),
                                           ("terminate", [])])
def test_an_unknown_workflow_id_is_1_for_every_workflow_command(swfkit: Run, endpoint_env: str,
                                                                action: str, extra: List[str]) -> None:
    assert swfkit("domain", "register")[0] == 0
    code, _, err = swfkit("workflow", action, "no-such-workflow", *extra)
    assert code == 1, err
    assert "Unknown execution" in one_line(err)


@pytest.mark.parametrize("argv, fragment", [
    (["type", "register", "activity", "a", "1", "--child-policy", "TERMINATE"], "--child-policy only apply to workflow"),
    (["type", "register", "workflow", "w", "1", "--heartbeat-timeout", "9"], "--heartbeat-timeout only apply to activity"),
    (["workflow", "history", "w1", "--last", "-1"], "--last"),
    (["workflow", "start", "t", "1", "--input", "{nope"], "not valid JSON"),
    (["decider", "start", "swfkit.demo.fan_out"], "expected MODULE:CLASS, e.g. swfkit.demo.fan_out:MyClass"),
    (["decider", "start", "swfkit.no_such_module:Decider"], "cannot import module"),
])
def test_bad_input_is_2(swfkit: Run, endpoint_env: str, argv: List[str], fragment: str) -> None:
    code, _, err = swfkit(*argv)
    assert code == 2 and fragment in err and "Traceback" not in err


def test_a_module_raising_at_import_is_2(swfkit: Run, endpoint_env: str, tmp_path: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "broken_actors.py").write_text("raise ValueError('misconfigured at import')\n")
    monkeypatch.chdir(tmp_path)
    for kind in ("decider", "worker"):
        code, _, err = swfkit(kind, "start", "broken_actors:Thing")
        assert code == 2
        assert "raised ValueError: misconfigured at import" in one_line(err)


def test_server_errors_are_2_in_the_common_form(swfkit: Run, tmp_path: Any) -> None:
    not_a_db = tmp_path / "x.db"
    not_a_db.write_text("not sqlite")
    for db in (str(not_a_db), str(tmp_path / "missing-dir" / "x.db")):
        code, out, err = swfkit("server", "--db", db)
        assert code == 2 and out == ""
        assert one_line(err).startswith("swfkit: --db %s: cannot use it as the server's database" % db)
