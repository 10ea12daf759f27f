"""A nightly ETL flow: extract orders and customers, transform them into per-customer totals,
load the totals into an SQLite warehouse — with pre and post actions around the steps.

::

    extract_orders    --> transform --> load   (pre: check_target; post: count_rows, clean_staging)
    extract_customers -->

Steps hand data to each other through files in ``context["workdir"]`` (the context itself is the
same read-only settings for every action: each gets its own copy). Run it::

    python examples/flows/etl_flow.py 2026120500

which runs the flow in this process (``run_local``), then on an embedded server with a decider
and workers in threads, then shows ``recover`` after a failed load.
"""
from __future__ import annotations

import json
import os
import pathlib
import sqlite3
import sys
import tempfile
from typing import Any, Dict, List

from swfkit import flows, futures

TASK_LIST = "etl-actions"


def _staging(context: Dict[str, Any]) -> pathlib.Path:
    return pathlib.Path(context["workdir"]) / context["timeperiod"]


@futures.activity(task_list=TASK_LIST, start_to_close_timeout=300, retry=2, backoff=5)
def extract_orders(context: Dict[str, Any]) -> int:
    """Pull the period's orders from the "source system" (generated here) into staging."""
    seed = int(context["timeperiod"][-4:])
    orders = [{"order": i, "customer": "c%d" % (i % 5), "amount": (seed + i * 7) % 100} for i in range(40)]
    (_staging(context) / "orders.json").write_text(json.dumps(orders))
    flows.action_log().info("extracted %d orders", len(orders))
    return len(orders)


@futures.activity(task_list=TASK_LIST, start_to_close_timeout=300, retry=2, backoff=5)
def extract_customers(context: Dict[str, Any]) -> int:
    customers = [{"customer": "c%d" % i, "name": "Customer %d" % i} for i in range(5)]
    (_staging(context) / "customers.json").write_text(json.dumps(customers))
    flows.action_log().info("extracted %d customers", len(customers))
    return len(customers)


class MakeStaging:
    """pre action of the extracts: the staging folder exists."""

    name = "make_staging"

    def run(self, context: Dict[str, Any]) -> None:
        _staging(context).mkdir(parents=True, exist_ok=True)


class Transform:
    """Totals per customer name."""

    name = "totals"

    def run(self, context: Dict[str, Any]) -> int:
        folder = _staging(context)
        names = {c["customer"]: c["name"] for c in json.loads((folder / "customers.json").read_text())}
        totals: Dict[str, int] = {}
        for order in json.loads((folder / "orders.json").read_text()):
            name = names[order["customer"]]
            totals[name] = totals.get(name, 0) + order["amount"]
        (folder / "totals.json").write_text(json.dumps(totals, sort_keys=True))
        self.log.info("%d customers, %d in total", len(totals), sum(totals.values()))
        return len(totals)


class CheckTarget:
    """pre action of load: the warehouse is reachable and has its table."""

    name = "check_target"

    def run(self, context: Dict[str, Any]) -> None:
        if not os.path.isdir(os.path.dirname(context["warehouse"])):
            raise RuntimeError("the warehouse folder %s does not exist" % os.path.dirname(context["warehouse"]))
        with sqlite3.connect(context["warehouse"]) as db:
            db.execute("CREATE TABLE IF NOT EXISTS totals (period TEXT, customer TEXT, amount INTEGER, "
                       "PRIMARY KEY (period, customer))")


class Load:
    """Replace the period's rows (re-entrant: running it twice gives the same table)."""

    name = "load"

    def run(self, context: Dict[str, Any]) -> int:
        totals = json.loads((_staging(context) / "totals.json").read_text())
        with sqlite3.connect(context["warehouse"]) as db:
            db.execute("DELETE FROM totals WHERE period = ?", (context["timeperiod"],))
            db.executemany("INSERT INTO totals VALUES (?, ?, ?)",
                           [(context["timeperiod"], name, amount) for name, amount in totals.items()])
        return len(totals)


class CountRows:
    """post action of load: the rows are there."""

    name = "count_rows"

    def run(self, context: Dict[str, Any]) -> int:
        with sqlite3.connect(context["warehouse"]) as db:
            (count,) = db.execute("SELECT COUNT(*) FROM totals WHERE period = ?", (context["timeperiod"],)).fetchone()
        if count == 0:
            raise RuntimeError("no rows loaded for %s" % context["timeperiod"])
        self.log.info("%d rows for %s", count, context["timeperiod"])
        return int(count)


class CleanStaging:
    name = "clean_staging"

    def run(self, context: Dict[str, Any]) -> None:
        for path in _staging(context).glob("*.json"):
            path.unlink()


ETL = flows.Flow("nightly_etl", [
    flows.Step("extract_orders", extract_orders, pre=[MakeStaging()]),
    flows.Step("extract_customers", extract_customers, pre=[MakeStaging()]),
    flows.Step("transform", Transform(), depends_on=["extract_orders", "extract_customers"]),
    flows.Step("load", Load(), pre=[CheckTarget()], post=[CountRows(), CleanStaging()], depends_on="transform",
               retry=1),
], task_list="etl-decisions", activity_task_list=TASK_LIST)


def context_for(folder: str, timeperiod: str) -> Dict[str, Any]:
    """The run's context: settings and locations only (secrets stay in the workers' environment)."""
    return {"timeperiod": timeperiod, "workdir": os.path.join(folder, "staging"),
            "warehouse": os.path.join(folder, "warehouse", "dw.sqlite")}


def warehouse_rows(context: Dict[str, Any]) -> List[Any]:
    with sqlite3.connect(context["warehouse"]) as db:
        return db.execute("SELECT customer, amount FROM totals WHERE period = ? ORDER BY customer",
                          (context["timeperiod"],)).fetchall()


def show(state: flows.FlowState) -> None:
    print("%s %s: %s (run %s)" % (state.flow, state.timeperiod, state.status, state.run_id))
    for name, step in state.steps.items():
        print("  %-18s %-9s from %s" % (name, step.state, step.from_run))


def main(timeperiod: str) -> None:
    from swfkit.layer1 import Layer1
    from swfkit.server import running

    with tempfile.TemporaryDirectory() as folder:
        context = context_for(folder, timeperiod)
        os.makedirs(os.path.dirname(context["warehouse"]))
        local = flows.Engine(log_dir=os.path.join(folder, "logs"))        # in-process, virtual time
        show(local.run(ETL, timeperiod, context))
        print("warehouse:", warehouse_rows(context))
        with running(db=None, poll_timeout=1.0) as endpoint_url:          # or Amazon SWF: change the endpoint
            swf = Layer1(endpoint_url=endpoint_url, region="us-east-1", aws_access_key_id="x",
                         aws_secret_access_key="x")
            engine = flows.Engine(swf, "etl-example", run_workers=True, log_dir=os.path.join(folder, "logs"))
            other = dict(context, warehouse=os.path.join(folder, "missing", "dw.sqlite"))
            failed = engine.run(ETL, timeperiod, other)                    # the load's pre action fails
            show(failed)
            print("failed steps:", failed.failed_steps)
            os.makedirs(os.path.join(folder, "missing"))
            show(engine.recover(ETL, timeperiod))                         # only load runs again
            print("warehouse:", warehouse_rows(other))
        print("load.log:", (pathlib.Path(folder) / "logs" / "nightly_etl" / "load.log").read_text().count("\n"),
              "lines")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "2026120500")
