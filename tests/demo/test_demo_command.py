"""``swfkit demo`` options, run in this process (the pools' children are still real processes)."""
from __future__ import annotations

import re

from swfkit.cli import main


def test_demo_against_a_given_endpoint(swf_endpoint, capsys) -> None:
    code = main(["demo", "--endpoint-url", swf_endpoint, "--activities", "8", "--workers", "2",
                 "--domain", "demo-elsewhere", "--last-events", "3"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert out.startswith("SWF endpoint %s" % swf_endpoint)
    assert re.search(r"^activities: +8 completed, 0 retried, 2 worker processes$", out, re.M)
    assert '"sum": 140' in out and "last 3 events:" in out
    assert "Traceback" not in err


def test_demo_on_real_swf_without_credentials_is_one_line(capsys, monkeypatch, tmp_path) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.delenv(name, raising=False)
    code = main(["demo", "--endpoint-url", "https://swf.us-east-1.amazonaws.com"])
    out, err = capsys.readouterr()
    assert code == 3, err
    assert err.startswith("swfkit: configuration: ") and err.count("\n") == 1 and "credentials" in err.lower()


def test_demo_refuses_silly_sizes(capsys) -> None:
    assert main(["demo", "--activities", "0"]) == 2
    assert "--activities and --workers must be at least 1" in capsys.readouterr().err
