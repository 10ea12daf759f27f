"""Fixtures for the command-line tests: the embedded server as the environment's SWF endpoint."""
from __future__ import annotations

import json
from typing import Any, Callable, Tuple

import pytest

from swfkit.cli import main


def one_line(err: str) -> str:
    """The single ``swfkit: ...`` line a failing command writes to stderr (never a traceback)."""
    assert "Traceback" not in err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("swfkit: ")
    return lines[0]


@pytest.fixture
def endpoint_env(swf_endpoint: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """``AWS_ENDPOINT_URL_SWF`` and ``SWF_DOMAIN`` point at a fresh embedded server."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_SWF", swf_endpoint)
    monkeypatch.setenv("SWF_DOMAIN", "cli-tests")
    return swf_endpoint


@pytest.fixture
def swfkit(capsys: pytest.CaptureFixture) -> Callable[..., Tuple[int, str, str]]:
    """Run ``swfkit ARGS...`` in this process: returns (exit code, stdout, stderr)."""
    def run(*argv: str) -> Tuple[int, str, str]:
        code = main(list(argv))
        captured = capsys.readouterr()
        return code, captured.out, captured.err
    return run


@pytest.fixture
def swfkit_json(swfkit: Callable[..., Tuple[int, str, str]]) -> Callable[..., Any]:
    """Run ``swfkit ARGS... --json``, assert success and return the parsed output."""
    def run(*argv: str) -> Any:
        code, out, err = swfkit(*argv, "--json")
        assert code == 0, err
        return json.loads(out)
    return run
