"""A loop of many iterations in one workflow: automatic continue-as-new keeps each run's history short.

``checkpoint()`` returns the loop's state as of the results taken so far and ``restore(state)``
puts it back in the next run; past ``continue_as_new_after`` events a run continues as new by
itself. ``python examples/futures/long_loop.py 100000`` runs it on an embedded server.
"""
from __future__ import annotations

from typing import Any, Dict

from swfkit import futures


@futures.activity(task_list="loop-work", start_to_close_timeout=30)
def step(i: int) -> int:
    return i % 7


def loop_workflow(name: str, continue_as_new_after: int) -> Any:
    """A ``Loop`` workflow class with its own threshold (tests use small ones)."""

    @futures.workflow(name=name, task_list="loop-decisions", continue_as_new_after=continue_as_new_after)
    class Loop:
        def __init__(self) -> None:
            self.i, self.total, self.runs = 0, 0, 1

        def run(self, iterations: int) -> Dict[str, int]:
            while self.i < iterations:
                self.total += self.submit(step, self.i).result()
                self.i += 1
            return {"iterations": self.i, "total": self.total, "runs": self.runs}

        def checkpoint(self) -> Dict[str, int]:
            return {"i": self.i, "total": self.total, "runs": self.runs}

        def restore(self, state: Dict[str, int]) -> None:
            self.i, self.total, self.runs = state["i"], state["total"], state["runs"] + 1

    return Loop


Loop = loop_workflow("long_loop", 10_000)


if __name__ == "__main__":
    import sys
    import time

    from embedded_run import embedded_endpoint, result_of, run_on_endpoint

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    with embedded_endpoint() as url:
        began = time.monotonic()
        close, runs = run_on_endpoint(url, Loop, n, worker_threads=2, timeout=24 * 3600)
        print("server:", result_of(close), "in %d runs, longest %d events, %.0f s"
              % (len(runs), max(len(r) for r in runs), time.monotonic() - began))
