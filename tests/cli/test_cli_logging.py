"""The command line (and only it) configures logging: ``--log-level`` or ``LOG_LEVEL``."""
from __future__ import annotations

import logging
import subprocess
import sys


def test_log_level_from_environment_and_option(endpoint_env, swfkit, monkeypatch) -> None:
    code, _, err = swfkit("domain", "list")
    assert code == 0 and err == ""  # WARNING by default: nothing to say
    monkeypatch.setenv("LOG_LEVEL", "debug")
    code, _, err = swfkit("domain", "list")
    assert code == 0 and "swfkit.cli DEBUG swfkit domain:" in err
    monkeypatch.setenv("LOG_LEVEL", "info")
    assert swfkit("domain", "list")[2] == ""
    code, _, err = swfkit("domain", "list", "--log-level", "DEBUG")  # the option wins
    assert "swfkit.cli DEBUG swfkit domain:" in err


def test_main_leaves_the_callers_logging_as_it_was(endpoint_env, swfkit) -> None:
    root, botocore = logging.getLogger(), logging.getLogger("botocore")
    before = (list(root.handlers), root.level, botocore.level)
    swfkit("--log-level", "DEBUG", "domain", "list")
    swfkit("--log-level", "INFO", "domain", "describe", "missing")
    assert (list(root.handlers), root.level, botocore.level) == before


def test_unknown_level_is_reported_and_ignored(swfkit, monkeypatch) -> None:
    monkeypatch.setenv("LOG_LEVEL", "chatty")
    code, _, err = swfkit("workflow", "start", "w", "1", "--input", "{", "--domain", "d")
    assert code == 2
    assert err.splitlines() == ["swfkit: LOG_LEVEL/--log-level: unknown level 'CHATTY', using WARNING",
                                "swfkit: --input: not valid JSON: Expecting property name enclosed in double "
                                "quotes: line 1 column 2 (char 1)"]


def test_importing_the_library_configures_nothing() -> None:
    probe = ("import logging, swfkit.layer1, swfkit.actors, swfkit.demo.fan_out, swfkit.cli; "
             "print(len(logging.getLogger().handlers), logging.getLogger().level)")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=30)
    assert done.stdout.split() == ["0", str(logging.WARNING)]


def test_log_format_json_from_environment_and_option(endpoint_env, swfkit, monkeypatch) -> None:
    import json

    code, _, err = swfkit("domain", "list", "--log-level", "DEBUG", "--log-format", "json")
    lines = [json.loads(line) for line in err.splitlines()]
    assert code == 0 and lines and all(set(e) >= {"time", "level", "logger", "message"} for e in lines)
    assert any(e["logger"] == "swfkit.cli" and e["message"].startswith("swfkit domain:") for e in lines)
    monkeypatch.setenv("LOG_FORMAT", "json")
    code, _, err = swfkit("domain", "list", "--log-level", "DEBUG")
    assert code == 0 and all(json.loads(line) for line in err.splitlines())
    code, _, err = swfkit("domain", "list", "--log-level", "DEBUG", "--log-format", "text")  # the option wins
    assert "swfkit.cli DEBUG swfkit domain:" in err


def test_log_format_json_masks_secrets(endpoint_env, swfkit, monkeypatch) -> None:
    import json

    secret = "json-secret-0123456789"
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", secret)
    # the command's debug line shows its arguments, this input included
    code, _, err = swfkit("workflow", "start", "w", "1", "--input", json.dumps(secret), "--log-level", "DEBUG",
                          "--log-format", "json")
    shown = [json.loads(line) for line in err.splitlines() if line.startswith("{")]
    assert any("'input': '\"****\"'" in e["message"] for e in shown), err
    assert secret not in err


def test_actor_start_options_are_checked(swfkit) -> None:
    for argv, message in ((("worker", "start", "m:C", "--threads", "0"), "--threads: must be a whole number >= 1"),
                          (("worker", "start", "m:C", "--metrics-port", "70000"), "--metrics-port: must be a port"),
                          (("decider", "start", "m:C", "--threads", "2"), "unrecognized arguments: --threads")):
        code, _, err = swfkit(*argv)
        assert code == 2 and message in err, err
