"""The command line (and only it) configures logging: ``--log-level`` or ``LOG_LEVEL``."""
from __future__ import annotations

import logging

import pytest

from swfkit.cli import main


@pytest.fixture(autouse=True)
def restore_root_level():
    level = logging.getLogger().level
    yield
    logging.getLogger().setLevel(level)


def test_log_level_from_environment_and_option(endpoint_env, swfkit, monkeypatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "info")
    assert swfkit("domain", "list")[0] == 0
    assert logging.getLogger().level == logging.INFO
    assert swfkit("domain", "list", "--log-level", "DEBUG")[0] == 0
    assert logging.getLogger().level == logging.DEBUG


def test_log_records_go_to_the_current_stderr(endpoint_env, swfkit, capsys) -> None:
    assert swfkit("--log-level", "INFO", "domain", "list")[0] == 0
    logging.getLogger("swfkit.actors.worker").info("a worker line")
    logging.getLogger("swfkit.actors.worker").debug("a debug line")
    err = capsys.readouterr().err
    assert "swfkit.actors.worker INFO a worker line" in err and "debug line" not in err


def test_unknown_level_is_reported_and_ignored(swfkit, monkeypatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    code, _, err = swfkit("workflow", "start", "w", "1", "--input", "{", "--domain", "d")
    assert code == 2
    assert "unknown level 'CHATTY', using WARNING" in err
    assert logging.getLogger().level == logging.WARNING


def test_importing_the_library_configures_nothing() -> None:
    import subprocess
    import sys

    probe = ("import logging, swfkit.layer1, swfkit.actors, swfkit.demo.fan_out, swfkit.cli; "
             "print(len(logging.getLogger().handlers), logging.getLogger().level)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30)
    assert done.stdout.split() == ["0", str(logging.WARNING)]
