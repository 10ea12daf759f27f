"""examples/testing/: a boto3-only project tested with the plugin, run as its own pytest session."""
from __future__ import annotations

import pathlib
import subprocess
import sys

from session_processes import REPO, bare_environment


def test_the_sample_project_passes_its_tests_with_the_plugin(tmp_path: pathlib.Path) -> None:
    env = bare_environment(tmp_path)  # no AWS variables at all: the fixtures provide them
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "swfkit.testing.plugin", "-p", "no:cacheprovider"],
                          cwd=str(REPO / "examples" / "testing"), env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "5 passed" in done.stdout


def test_setup_declares_the_pytest11_entry_point() -> None:
    text = (REPO / "setup.py").read_text()
    assert '"pytest11": ["swfkit.testing.plugin = swfkit.testing.plugin"]' in text
