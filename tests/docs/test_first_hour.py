"""The first hour (issue 13): the README's two set-up commands, and every example run the way the
docs say, by a user with no AWS set-up at all."""
from __future__ import annotations

import pathlib
import re
import subprocess
import sys
import time
from typing import Dict, Iterator, List, Tuple

import pytest
from doc_blocks import REPO, blocks
from session_processes import bare_environment, run_in_session

#: A script may take this long; against a server holding long polls for 60 s, QUICK_STOP at most.
TIMEOUT = 120.0
QUICK_STOP = 30.0


def _quick_start_commands() -> List[str]:
    readme = [b for b in blocks(REPO / "README.md") if b.language == "sh"]
    return [b.code.strip() for b in readme[:2]]


def test_the_readme_set_up_is_two_commands_and_the_first_makes_and_uses_a_venv() -> None:
    text = (REPO / "README.md").read_text()
    quick_start = text[text.index("## Quick start"):text.index("## A tour")]
    assert quick_start.count("```sh") == 2
    first, second = _quick_start_commands()
    assert len(first.splitlines()) == 1 and len(second.splitlines()) == 1
    assert first.startswith("python3 -m venv .venv && . .venv/bin/activate && pip install . && swfkit demo")
    assert "pip install" in second and "pytest" in second


def test_ci_runs_the_readme_test_command_in_a_venv() -> None:
    ci = (REPO / ".ci" / "run").read_text()
    _, test_command = _quick_start_commands()
    assert test_command in ci.splitlines(), "keep .ci/run in step with the README's test command"
    assert "python3 -m venv" in ci and "/bin/activate" in ci


def _cli_examples() -> List[Tuple[str, List[str]]]:
    """The scripts of docs/cli.md's examples table, with the arguments it shows (defaults left out)."""
    text = (REPO / "docs" / "cli.md").read_text()
    section = text[text.index("## Examples (`examples/`)"):]
    found = []
    for name, args in re.findall(r"^\| `([a-z_]+\.py)((?: \[[a-z]+\])*)` \|", section, flags=re.M):
        found.append((name, []))  # optional [x] arguments are left to their defaults
    return found


def _futures_examples() -> List[str]:
    text = (REPO / "docs" / "futures.md").read_text()
    section = text[text.index("## Examples (examples/futures/"):]
    section = section[:section.index("\n## ")]
    return sorted(set(re.findall(r"`([a-z_]+\.py)`", section)))


CLI_EXAMPLES = _cli_examples()
FUTURES_EXAMPLES = _futures_examples()


def test_every_example_script_is_documented() -> None:
    documented = {name for name, _ in CLI_EXAMPLES}
    helpers = {"local_swf.py"}  # the plumbing the examples share, described under the table
    assert documented == {p.name for p in (REPO / "examples").glob("*.py")} - helpers
    futures_helpers = {"embedded_run.py"}
    assert set(FUTURES_EXAMPLES) == {p.name for p in (REPO / "examples" / "futures").glob("*.py")} - futures_helpers


def _clean_environment(tmp_path: pathlib.Path) -> Dict[str, str]:
    return bare_environment(tmp_path)


def _run(args: List[str], env: Dict[str, str], timeout: float) -> Tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    done = run_in_session([sys.executable, *args], cwd=REPO, env=env, timeout=timeout)
    return done, time.monotonic() - started


@pytest.mark.parametrize("script", [name for name, _ in CLI_EXAMPLES])
def test_cli_example_runs_as_documented(script: str, tmp_path: pathlib.Path) -> None:
    """``python examples/SCRIPT`` from a checkout, with no AWS configuration: its own embedded server."""
    done, _ = _run(["examples/" + script], _clean_environment(tmp_path), TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr


@pytest.fixture
def sixty_second_polls() -> Iterator[str]:
    """A server like ``swfkit server`` with its default: empty long polls held for 60 s."""
    from swfkit.server import running

    with running(db=None, poll_timeout=60.0) as url:
        yield url


@pytest.mark.parametrize("script", [name for name, _ in CLI_EXAMPLES
                                    if name not in ("two_step_decider.py",)])  # it takes --endpoint-url instead
def test_cli_example_on_a_server_holding_polls_60s_stops_quickly(script: str, tmp_path: pathlib.Path,
                                                                 sixty_second_polls: str) -> None:
    """With ``AWS_ENDPOINT_URL_SWF`` set (and nothing else), stopping its actors does not wait out a poll."""
    env = dict(_clean_environment(tmp_path), AWS_ENDPOINT_URL_SWF=sixty_second_polls)
    done, elapsed = _run(["examples/" + script], env, TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert elapsed < QUICK_STOP, "%s took %.1f s" % (script, elapsed)


@pytest.mark.parametrize("script", FUTURES_EXAMPLES)
def test_futures_example_runs_as_documented(script: str, tmp_path: pathlib.Path) -> None:
    done, _ = _run(["examples/futures/" + script], _clean_environment(tmp_path), TIMEOUT)
    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
