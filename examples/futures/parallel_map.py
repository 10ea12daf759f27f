"""A parallel map over many items with a flaky activity that is retried.

Every third item fails on its first attempt; ``retry=3`` schedules it again (same activity id,
so the attempts show in the history and in ``Future.attempts``). All items are submitted before
the first ``result()``: they go out in one decision (up to SWF's 1,000 open activities; the rest
are queued and scheduled as slots free up).
"""
from __future__ import annotations

import sys
import threading
from typing import Dict, List

from swfkit import futures

TASK_LIST = "map-work"
_attempts: Dict[int, int] = {}
_lock = threading.Lock()


@futures.activity(task_list=TASK_LIST, start_to_close_timeout=30, retry=3)
def flaky_square(i: int) -> int:
    with _lock:
        _attempts[i] = _attempts.get(i, 0) + 1
        first = _attempts[i] == 1
    if first and i % 3 == 0:
        raise RuntimeError("transient failure on item %d" % i)
    return i * i


@futures.workflow(name="parallel_map", task_list="map-decisions")
class ParallelMap:
    def run(self, n: int) -> Dict[str, int]:
        fs = [self.submit(flaky_square, i) for i in range(n)]
        values: List[int] = [f.result() for f in fs]
        return {"sum": sum(values), "retried": sum(1 for f in fs if f.attempts > 1)}


def reset() -> None:
    """Forget the attempts (so a second run is flaky again)."""
    with _lock:
        _attempts.clear()


if __name__ == "__main__":
    from embedded_run import embedded_endpoint, result_of, run_on_endpoint

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 500
    print("local: ", futures.run_local(ParallelMap, n))
    reset()
    with embedded_endpoint() as url:
        close, _ = run_on_endpoint(url, ParallelMap, n, worker_threads=8)
        print("server:", result_of(close))
