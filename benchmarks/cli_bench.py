"""How quickly a ``swfkit`` command answers, against a boto3 one-liner doing the same call.

Each run is a fresh interpreter (what a user or a shell script pays): ``python -m swfkit domain
list --json`` against ``python -c "import boto3; boto3.client('swf').list_domains(...)"``, both
on the same embedded server, interleaved, several rounds. Prints medians and the ratio.

    python benchmarks/cli_bench.py [rounds]

A second part times ``workflow tasks``, ``workflow profile`` and ``workflow timeline --html`` on a
history of about 25,000 events (3,000 activities and 7,900 timers), each run in this process
through ``swfkit.cli.main`` with ``--run-id`` (so it makes the same calls as the baseline), against
just fetching that history with ``Layer1``: the ratio is what the analysis and the printing add.
Both wall time and CPU time are printed (medians and best-of): on a shared machine CPU time is
the steadier of the two, as other users' load stretches wall time unevenly. Every run starts after
a ``gc.collect()``, as a command in its own process starts with no collection pending: without it a
full collection owed by the previous run (whose garbage this process still holds) lands in the
next one, and the fetch, run after the commands, measured 170-300 ms instead of 135-210 ms.
"""
from __future__ import annotations

import os
import pathlib
import statistics
import subprocess
import sys
import time

REPO = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

BOTO3 = ("import boto3, json; c = boto3.client('swf', endpoint_url=%r, region_name='us-east-1', "
         "aws_access_key_id='x', aws_secret_access_key='y'); "
         "print(json.dumps(c.list_domains(registrationStatus='REGISTERED')['domainInfos']))")


def timed(argv, env) -> float:
    begun = time.perf_counter()
    subprocess.run(argv, env=env, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - begun


def main(rounds: int) -> None:
    from swfkit.server import running

    with running(db=None, poll_timeout=1.0) as url:
        env = dict(os.environ, PYTHONPATH=str(REPO), AWS_ENDPOINT_URL_SWF=url, AWS_ACCESS_KEY_ID="x",
                   AWS_SECRET_ACCESS_KEY="y", AWS_DEFAULT_REGION="us-east-1")
        subprocess.run([sys.executable, "-m", "swfkit", "domain", "register", "bench"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        swfkit_times, boto3_times = [], []
        for _ in range(rounds):
            swfkit_times.append(timed([sys.executable, "-m", "swfkit", "domain", "list", "--json"], env))
            boto3_times.append(timed([sys.executable, "-c", BOTO3 % url], env))
    ours, theirs = statistics.median(swfkit_times), statistics.median(boto3_times)
    print("swfkit domain list --json : median %.0f ms over %d runs" % (ours * 1000, rounds))
    print("boto3 list_domains script : median %.0f ms over %d runs" % (theirs * 1000, rounds))
    print("ratio boto3 / swfkit      : %.2fx (above 1: swfkit answers sooner)" % (theirs / ours))


def build_big_history(layer1, domain: str) -> dict:
    """An execution of about 25,000 events: 3,000 activities (worked here) and 7,900 zero-second timers."""
    sys.path.insert(0, str(REPO / "tests" / "cli"))
    import operator_executions as ops

    ops.DOMAIN = domain
    ops.register(layer1)
    run = ops.Run(layer1, "big")
    activities, timers = iter(range(3000)), iter(range(7900))
    open_activities = 0
    while True:
        batch = [run.schedule("a-%04d" % n) for _, n in zip(range(1000 - open_activities), activities)]
        batch += [run.timer("t-%04d" % n) for _, n in zip(range(1000), timers)]
        if not batch and open_activities == 0:
            run.decide(run.close(result='"done"'))
            break
        run.decide(*batch)
        open_activities += sum(1 for d in batch if d["decisionType"] == "ScheduleActivityTask")
        for _ in range(open_activities):
            run.work("complete")
        open_activities = 0
    return {"workflowId": run.workflow_id, "runId": run.run_id}


def fetch(layer1, domain: str, execution: dict) -> list:
    events = []
    for page in layer1.paginate("GetWorkflowExecutionHistory", domain=domain, execution=execution):
        events.extend(page["events"])
    return events


def analysis_main(rounds: int) -> None:
    import contextlib
    import gc
    import io
    import tempfile

    from swfkit.cli import main as swfkit_main
    from swfkit.layer1 import Layer1
    from swfkit.server import running

    domain = "bench-history"
    with running(db=None, poll_timeout=1.0) as url, tempfile.TemporaryDirectory() as workdir:
        os.environ.update(AWS_ENDPOINT_URL_SWF=url, AWS_ACCESS_KEY_ID="x", AWS_SECRET_ACCESS_KEY="y",
                          AWS_DEFAULT_REGION="us-east-1", SWF_DOMAIN=domain)
        layer1 = Layer1(endpoint_url=url, region="us-east-1", aws_access_key_id="x", aws_secret_access_key="y")
        begun = time.perf_counter()
        execution = build_big_history(layer1, domain)
        count = len(fetch(layer1, domain, execution))
        print("history: %d events (built in %.0f s)" % (count, time.perf_counter() - begun))
        commands = {
            "workflow tasks": ["workflow", "tasks", execution["workflowId"], "--run-id", execution["runId"]],
            "workflow profile": ["workflow", "profile", execution["workflowId"], "--run-id", execution["runId"]],
            "workflow timeline": ["workflow", "timeline", execution["workflowId"], "--run-id", execution["runId"],
                                  "--html", os.path.join(workdir, "timeline.html")],
        }
        times = {name: [] for name in ["fetch (Layer1)"] + list(commands)}
        cpu = {name: [] for name in times}
        for _ in range(rounds):  # interleaved, so a busy moment on the machine hits all of them
            for name in times:
                argv = commands.get(name)
                gc.collect()  # each run from the same heap: a collection left over from the last one is not its cost
                begun, begun_cpu = time.perf_counter(), time.process_time()
                if argv is None:
                    fetch(layer1, domain, execution)
                else:
                    with contextlib.redirect_stdout(io.StringIO()):
                        assert swfkit_main(argv) == 0
                times[name].append(time.perf_counter() - begun)
                cpu[name].append(time.process_time() - begun_cpu)
        # Fetched again only now: held through the runs above, 25,000 events would make every
        # collection in them dearer.
        events = fetch(layer1, domain, execution)
    # Wall time is what a user waits; CPU time (this process's, the embedded server's threads
    # included) is the same work measured by a clock that other users of a shared machine move less.
    for label, measured in (("wall", times), ("cpu", cpu)):
        base, base_best = statistics.median(measured["fetch (Layer1)"]), min(measured["fetch (Layer1)"])
        for name, values in measured.items():
            ours, best = statistics.median(values), min(values)
            print("%-4s %-18s: median %5.0f ms, best %5.0f ms over %d runs; %.2fx the fetch (best: %.2fx; "
                  "target <= 1.5x)" % (label, name, ours * 1000, best * 1000, rounds, ours / base, best / base_best))
    breakdown(events, statistics.median(cpu["fetch (Layer1)"]), rounds)


def breakdown(events: list, fetch_cpu: float, rounds: int) -> None:
    """Where a command's time goes: each step alone on the fetched events, as a share of the fetch."""
    import argparse
    import contextlib
    import gc
    import io

    from swfkit.cli import operator_commands
    from swfkit.cli.timeline_page import render_timeline_page
    from swfkit.history import execution_timeline, profile_execution

    timeline = execution_timeline(events)
    report = profile_execution(timeline)
    args = argparse.Namespace(json=False, workflow_id="bench")
    fetched = {"execution": {"workflowId": "bench", "runId": "bench"}}
    steps = {
        "history pass (all three)": lambda: execution_timeline(events),
        "tasks table": lambda: operator_commands._print_tasks(args, fetched, timeline),
        "profile": lambda: profile_execution(timeline),
        "profile table": lambda: operator_commands._print_profile(args, fetched, report),
        "timeline page": lambda: render_timeline_page(timeline, title="bench"),
    }
    print("where the time goes (CPU, median of %d, collector paused as in the commands):" % rounds)
    for name, step in steps.items():
        spent = []
        for _ in range(rounds):
            gc.collect()
            gc.disable()
            begun = time.process_time()
            with contextlib.redirect_stdout(io.StringIO()):
                step()
            spent.append(time.process_time() - begun)
            gc.enable()
        print("  %-26s %5.1f ms, %.2fx the fetch" % (name, statistics.median(spent) * 1000,
                                                     statistics.median(spent) / fetch_cpu))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
    analysis_main(int(sys.argv[2]) if len(sys.argv) > 2 else 5)
