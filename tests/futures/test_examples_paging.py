"""Example: continue-as-new paging — server and local."""
from __future__ import annotations

import paging
from conftest import attributes
from embedded_run import result_of, run_on_endpoint
from swfkit import futures

EXPECTED = {"total": sum(i * 10 for i in range(23)), "pages": 5}


def test_paging_on_the_server(swf_endpoint: str) -> None:
    close, runs = run_on_endpoint(swf_endpoint, paging.Paging, 23)
    assert result_of(close) == EXPECTED
    assert len(runs) == 5
    continued = [attributes(run[-1]) for run in runs[:-1]]
    assert [c["input"] for c in continued] == ["[23,5,100,1]", "[23,10,450,2]", "[23,15,1050,3]", "[23,20,1900,4]"]


def test_paging_locally() -> None:
    runner = futures.LocalRunner()
    done = runner.run(paging.Paging, "[23]")
    assert done.status == "completed" and len(done.runs) == 5
    assert futures.run_local(paging.Paging, 23) == EXPECTED
