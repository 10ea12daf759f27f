"""examples/flows/etl_flow.py: the ETL flow locally, on the embedded server, and as a script."""
from __future__ import annotations

import os
import subprocess
import sys

import etl_flow
from flows_testing import EXAMPLES
from session_processes import REPO
from swfkit import flows

TP = "2026120500"
EXPECTED = [("Customer 0", 280), ("Customer 1", 336), ("Customer 2", 392), ("Customer 3", 448), ("Customer 4", 404)]


def test_etl_runs_and_recovers(make_engine, tmp_path) -> None:
    context = etl_flow.context_for(str(tmp_path), TP)
    engine = make_engine(log_dir=str(tmp_path / "logs"))
    # the warehouse folder is missing: load's pre action fails, so load's main never runs
    failed = engine.run(etl_flow.ETL, TP, context)
    assert failed.status == "failed" and failed.failed_steps == ["load"]
    load = failed.steps["load"]
    assert [(a.name, a.state) for a in load.actions] == [
        ("check_target", "failed"), ("load", "skipped"), ("count_rows", "skipped"), ("clean_staging", "skipped")]
    assert load.actions[0].attempts == 2  # the step's retry=1
    os.makedirs(os.path.dirname(context["warehouse"]))
    recovered = engine.recover(etl_flow.ETL, TP)
    assert recovered.status == "completed"
    assert {n: s.from_run for n, s in recovered.steps.items()} == {
        "extract_orders": failed.run_id, "extract_customers": failed.run_id, "transform": failed.run_id,
        "load": recovered.run_id}
    assert etl_flow.warehouse_rows(context) == EXPECTED
    assert not list((tmp_path / "staging" / TP).glob("*.json"))  # the post action cleaned staging
    log = (tmp_path / "logs" / "nightly_etl" / "load.log").read_text()
    assert "load.count_rows INFO 5 rows for %s" % TP in log and "load.check_target ERROR failed" in log
    assert "transform.totals INFO 5 customers, 1860 in total" in (
        tmp_path / "logs" / "nightly_etl" / "nightly_etl.log").read_text()
    # running load alone again is re-entrant: same rows
    assert engine.run_one(etl_flow.ETL, TP, "load").status == "failed"  # staging was cleaned: transform first
    assert engine.run_from(etl_flow.ETL, TP, "transform").status == "failed"  # extracts' files are gone too
    again = engine.run(etl_flow.ETL, TP, context)
    assert again.status == "completed" and etl_flow.warehouse_rows(context) == EXPECTED
    assert isinstance(again, flows.FlowState)


def test_etl_script_runs() -> None:
    env = dict(os.environ, PYTHONPATH=str(REPO))
    done = subprocess.run([sys.executable, str(EXAMPLES / "etl_flow.py"), TP], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("warehouse: %r" % EXPECTED) == 2
    assert "failed steps: ['load']" in done.stdout
    assert done.stdout.count("nightly_etl %s: completed" % TP) == 2
