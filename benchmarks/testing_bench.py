"""swfkit.testing and futures-parity benchmark: fixture overhead per test, and map's decision cost.

    python benchmarks/testing_bench.py                 # fixtures + map
    python benchmarks/testing_bench.py --loop 100000   # also the 100,000-iteration loop on the server

1. Per-test overhead of the pytest fixtures: a generated test file with 100 empty tests using
   ``swf_domain`` (a fresh domain on the session-shared server), 100 using ``swf_server`` (a server
   per test) and 100 using nothing is run by pytest in this process, with the plugin; each test's
   setup + call + teardown time is recorded. Overhead = median of a fixture's tests minus the median
   of the empty ones. Targets: swf_domain <= 20 ms, swf_server <= 150 ms.
2. ``self.map(sq, range(1000), max_parallel=50)`` against an equivalent hand-written ``submit`` loop
   (submit item i once item i-50 has its result): both are driven through the same simulated
   history (10 activities complete between decisions, oldest first, so both keep 50 open and
   take the same decisions), and the CPU time of each replay (``time.process_time``) is summed;
   best of 9 interleaved rounds.
   Printed: decision CPU per decision, and the ratio map / loop (target <= 1.2x).
3. ``--loop N``: examples/futures/long_loop.py's loop workflow (one activity per iteration,
   checkpoint()/restore(), continue_as_new_after=10,000) on an embedded server; prints the wall
   time, the number of runs and the longest run's events (must stay under 25,000).

Numbers from a shared machine vary with its load; ratios are measured in the same run.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import statistics
import sys
import tempfile
import time
from typing import Any, Dict, List, Tuple

REPO = pathlib.Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "examples" / "futures"))

from swfkit import futures  # noqa: E402
from swfkit.futures.local_history import LocalHistory  # noqa: E402
from swfkit.futures.replay import ReplayContext  # noqa: E402

TESTS = 100
ROUNDS = 9
ITEMS, WINDOW, COMPLETED_PER_DECISION = 1_000, 50, 10

FIXTURE_TESTS = '''
def test_plain_{n}():
    pass

def test_domain_{n}(swf_domain):
    pass

def test_server_{n}(swf_server):
    pass
'''


class Durations:
    """A pytest plugin collecting each test's setup + call + teardown seconds."""

    def __init__(self) -> None:
        self.seconds: Dict[str, float] = {}

    def pytest_runtest_logreport(self, report: Any) -> None:
        self.seconds[report.nodeid] = self.seconds.get(report.nodeid, 0.0) + report.duration


def fixture_overheads() -> Tuple[float, float, float]:
    """Median seconds per test: (plain, swf_domain, swf_server)."""
    import pytest

    with tempfile.TemporaryDirectory() as folder:
        path = pathlib.Path(folder) / "test_overhead.py"
        path.write_text("".join(FIXTURE_TESTS.format(n=n) for n in range(TESTS)))
        (pathlib.Path(folder) / "pytest.ini").write_text("[pytest]\n")
        durations = Durations()
        code = pytest.main(["-q", "-p", "swfkit.testing.plugin", "-p", "no:cacheprovider", "--rootdir", folder,
                            str(path)], plugins=[durations])
        if code != 0:
            raise SystemExit("the generated fixture tests failed (exit %s)" % code)
    by_kind: Dict[str, List[float]] = {"plain": [], "domain": [], "server": []}
    for nodeid, seconds in durations.seconds.items():
        by_kind[nodeid.rsplit("::test_", 1)[1].split("_")[0]].append(seconds)
    return tuple(statistics.median(by_kind[k]) for k in ("plain", "domain", "server"))  # type: ignore[return-value]


# -- map against a hand-written loop ------------------------------------------------------------------------------

@futures.activity(name="sq", task_list="bench")
def sq(x: int) -> int:
    return x * x


@futures.workflow(name="bench_map_window", task_list="bench")
class WithMap:
    def run(self, n: int, window: int) -> int:
        return sum(f.result() for f in self.map(sq, range(n), max_parallel=window))


@futures.workflow(name="bench_loop_window", task_list="bench")
class WithLoop:
    def run(self, n: int, window: int) -> int:
        fs: List[futures.Future] = []
        for i in range(n):
            if i >= window:
                fs[i - window].result()
            fs.append(self.submit(sq, i))
        return sum(f.result() for f in fs)


def drive(workflow: Any) -> Tuple[float, int, int]:
    """Run ``workflow`` through a simulated history; (replay CPU seconds, decisions, peak open)."""
    clock = [1_700_000_000.0]
    history = LocalHistory(clock, "bench", "bench-run")
    history.add("WorkflowExecutionStarted", workflowType={"name": "b", "version": "1"}, taskList={"name": "b"},
                childPolicy="TERMINATE", input="[%d,%d]" % (ITEMS, WINDOW))
    known = {("activity", "sq", "1"): sq}
    cpu, decisions, peak = 0.0, 0, 0
    while history.state.is_open:
        scheduled = history.add("DecisionTaskScheduled", taskList={"name": "b"})
        started = history.add("DecisionTaskStarted", scheduledEventId=scheduled)
        context = ReplayContext(workflow, history.state, workflow_id="bench", run_id="bench-run")
        before = time.process_time()
        outcome = context.run()
        cpu += time.process_time() - before
        decisions += 1
        completed = history.add("DecisionTaskCompleted", scheduledEventId=scheduled, startedEventId=started)
        for decision in outcome.decisions:
            history.apply(decision.to_dict(), completed, known)
        peak = max(peak, history.state.open_activity_count)
        done, history.activities = history.activities[:COMPLETED_PER_DECISION], history.activities[COMPLETED_PER_DECISION:]
        for scheduled_event_id, attributes in done:
            run = history.add("ActivityTaskStarted", scheduledEventId=scheduled_event_id)
            history.add("ActivityTaskCompleted", scheduledEventId=scheduled_event_id, startedEventId=run,
                        result=sq.swfkit_handler(attributes["input"]))
    assert history.state.execution is not None and history.state.execution.close_status == "COMPLETED"
    return cpu, decisions, peak


def long_loop(iterations: int) -> None:
    import long_loop as example
    from embedded_run import embedded_endpoint, result_of, run_on_endpoint

    with embedded_endpoint() as url:
        began = time.monotonic()
        close, runs = run_on_endpoint(url, example.Loop, iterations, worker_threads=2, timeout=24 * 3600)
        elapsed = time.monotonic() - began
    result = result_of(close)
    print("loop of %d iterations on the embedded server: %s in %.0f s (%.2f ms per iteration); %d runs, "
          "longest %d events (SWF's limit: 25,000), %d events in all"
          % (iterations, result, elapsed, 1000 * elapsed / iterations, len(runs), max(len(r) for r in runs),
             sum(len(r) for r in runs)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--loop", type=int, default=0, help="also run the loop workflow with this many iterations")
    parser.add_argument("--skip-fixtures", action="store_true")
    options = parser.parse_args()
    if not options.skip_fixtures:
        os.environ.pop("AWS_ENDPOINT_URL_SWF", None)
        plain, domain, server = fixture_overheads()
        print("fixture overhead per test (median of %d tests, minus an empty test's %.2f ms):" % (TESTS, plain * 1000))
        print("  swf_domain  %6.2f ms   (target <= 20 ms)" % ((domain - plain) * 1000))
        print("  swf_server  %6.2f ms   (target <= 150 ms)" % ((server - plain) * 1000))
    runs: Dict[str, List[Tuple[float, int, int]]] = {"map": [], "loop": []}
    for _ in range(ROUNDS):  # interleaved, so a burst of load elsewhere hits both alike
        runs["map"].append(drive(WithMap))
        runs["loop"].append(drive(WithLoop))
    results = {}
    for name, measured in runs.items():
        results[name] = cpu, decisions, peak = min(measured, key=lambda r: r[0])
        print("%-4s over %d items, %d open at most: %d decisions, %.3f ms decision CPU per decision (best of %d)"
              % (name, ITEMS, peak, decisions, 1000 * cpu / decisions, ROUNDS))
    ratio = (results["map"][0] / results["map"][1]) / (results["loop"][0] / results["loop"][1])
    print("map / hand-written loop, decision CPU per decision: %.2fx (target <= 1.2x)" % ratio)
    if options.loop:
        long_loop(options.loop)


if __name__ == "__main__":
    main()
