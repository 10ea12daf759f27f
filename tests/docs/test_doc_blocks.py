"""Every fenced python and sh block of README.md and docs/*.md runs as written (issue 13).

Each block runs as a standalone script in a fresh process: cwd a temporary directory holding a copy
of ``examples/`` (as a checkout has),
``AWS_ENDPOINT_URL_SWF`` pointing at a fresh embedded server (2 s long polls), and no AWS region,
credentials, profile or config file: the loopback defaults must do. ``swfkit`` is on ``PATH``.
sh blocks run with ``bash -e -o pipefail``. Markers (see ``doc_blocks`` and docs/README.md) skip a
block with a reason, join it to the one before, or run it until SIGTERM. Whatever a block leaves
running is an orphan and fails the test.
"""
from __future__ import annotations

import os
import pathlib
import shutil
import signal
import subprocess
import sys
import time
from typing import Dict, Iterator, List

import pytest
from doc_blocks import REPO, Block, MarkerError, blocks, doc_files, script
from session_processes import leftover_processes

#: Seconds a block may take; an until-stopped block must still be running after STARTUP seconds.
TIMEOUT = 180.0
STARTUP = 6.0
STOP_WITHIN = 10.0


def _all_blocks() -> List[Block]:
    found: List[Block] = []
    for path in doc_files():
        found.extend(blocks(path))
    return found


BLOCKS = _all_blocks()
RUNNABLE = [b for b in BLOCKS if b.marker != "skip"]


@pytest.fixture
def fresh_environment(tmp_path: pathlib.Path) -> Iterator[Dict[str, str]]:
    """A fresh embedded server and the environment of a user with no AWS set-up at all."""
    from swfkit.server import running

    shims = tmp_path / "bin"
    shims.mkdir()
    shim = shims / "swfkit"
    shim.write_text('#!/bin/sh\nexec "%s" -m swfkit "$@"\n' % sys.executable)
    shim.chmod(0o755)
    # The interpreter the tests run with, as `python` in sh blocks: a script, not a symlink (a
    # symlink to a venv's python, run from elsewhere, finds no pyvenv.cfg and starts the base
    # interpreter, without the venv's packages).
    python = shims / "python"
    python.write_text('#!/bin/sh\nexec "%s" "$@"\n' % sys.executable)
    python.chmod(0o755)
    env = {name: value for name, value in os.environ.items()
           if not name.startswith("AWS_") and name not in ("SWF_DOMAIN", "SWF_CONNECTION_RETRIES", "SWFKIT_IDENTITY")}
    env.update(PYTHONPATH=str(REPO), PATH="%s%s%s" % (shims, os.pathsep, env.get("PATH", "")),
               HOME=str(tmp_path),  # no ~/.aws
               AWS_CONFIG_FILE=str(tmp_path / "no-aws-config"),
               AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "no-aws-credentials"),
               AWS_EC2_METADATA_DISABLED="true")  # no instance metadata lookups from a laptop
    with running(db=None, poll_timeout=2.0) as endpoint_url:
        env["AWS_ENDPOINT_URL_SWF"] = endpoint_url
        yield env


def _command(block: Block, path: pathlib.Path) -> List[str]:
    if block.language == "python":
        path.write_text(script(BLOCKS, block))
        return [sys.executable, str(path)]
    path.write_text(block.code)
    return ["bash", "-e", "-o", "pipefail", str(path)]


def _stop(process: "subprocess.Popen[str]") -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()


@pytest.mark.parametrize("block", RUNNABLE, ids=[b.name for b in RUNNABLE])
def test_block_runs_as_written(block: Block, fresh_environment: Dict[str, str], tmp_path: pathlib.Path) -> None:
    work = tmp_path / "work"
    work.mkdir()
    shutil.copytree(REPO / "examples", work / "examples", ignore=shutil.ignore_patterns("__pycache__"))
    command = _command(block, tmp_path / ("block.py" if block.language == "python" else "block.sh"))
    process = subprocess.Popen(command, cwd=work, env=fresh_environment, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        if block.marker == "until-stopped":
            time.sleep(STARTUP)
            assert process.poll() is None, "%s stopped by itself (exit %s):\n%s" % (
                block.name, process.returncode, process.communicate()[1])
            if block.language == "sh":  # Ctrl-C at the terminal: the whole foreground group
                os.killpg(process.pid, signal.SIGINT)
            else:
                process.send_signal(signal.SIGTERM)
            try:
                out, err = process.communicate(timeout=STOP_WITHIN)
            except subprocess.TimeoutExpired:
                pytest.fail("%s did not stop within %.0f s of SIGTERM/SIGINT" % (block.name, STOP_WITHIN))
        else:
            out, err = process.communicate(timeout=TIMEOUT)
    finally:
        _stop(process)
    assert process.returncode == 0, "%s exited %s\nstdout:\n%s\nstderr:\n%s" % (block.name, process.returncode, out, err)
    assert "Traceback" not in err, "%s:\n%s" % (block.name, err)
    if sys.platform.startswith("linux"):
        assert leftover_processes(process.pid) == [], "%s left processes behind" % block.name


def test_every_doc_page_is_read_and_markers_are_well_formed(tmp_path: pathlib.Path) -> None:
    names = {path.name for path in doc_files()}
    assert "README.md" in names and {p.name for p in (REPO / "docs").glob("*.md")} <= names
    assert RUNNABLE, "no runnable blocks found"
    for block in BLOCKS:
        if block.marker == "skip":
            assert block.reason and len(block.reason) > 3, block.name
    page = tmp_path / "page.md"
    for text, error in [
        ("<!-- docs-test: skip -->\n```python\npass\n```\n", "needs a reason"),
        ("<!-- docs-test: skipp (typo) -->\n```python\npass\n```\n", "unknown docs-test marker"),
        ("<!-- docs-test: skip (a fragment) -->\n\n```python\npass\n```\n", "directly above"),
    ]:
        page.write_text(text)
        with pytest.raises(MarkerError, match=error):
            blocks(page)


def test_continues_joins_a_block_to_the_python_block_before_it(tmp_path: pathlib.Path) -> None:
    page = tmp_path / "page.md"
    page.write_text("```python\nx = 1\n```\n\n```sh\necho between\n```\n\n<!-- docs-test: continues -->\n"
                    "```python\ny = x + 1\n```\n<!-- docs-test: continues -->\n```python\nprint(y)\n```\n")
    found = blocks(page)
    assert [b.language for b in found] == ["python", "sh", "python", "python"]
    assert script(found, found[3]) == "x = 1\n\ny = x + 1\n\nprint(y)\n"
    assert script(found, found[0]) == "x = 1\n"
