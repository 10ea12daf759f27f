"""(x + 1) * 2 with futures: two activities, each result feeding the next.

``python examples/futures/arith_futures.py 3`` runs it locally and on an embedded server.
"""
from __future__ import annotations

import sys

from swfkit import futures

TASK_LIST = "arith-work"


@futures.activity(task_list=TASK_LIST, start_to_close_timeout=30)
def add_one(x: int) -> int:
    return x + 1


@futures.activity(task_list=TASK_LIST, start_to_close_timeout=30)
def double(x: int) -> int:
    return x * 2


@futures.workflow(name="arith_futures", task_list="arith-decisions")
class Arithmetic:
    def run(self, x: int) -> int:
        y = self.submit(add_one, x).result()     # blocks this decision until add_one completed
        return self.submit(double, y).result()


if __name__ == "__main__":
    from embedded_run import embedded_endpoint, result_of, run_on_endpoint

    x = int(sys.argv[1]) if len(sys.argv) > 1 else 3
    print("local:  (%d + 1) * 2 = %d" % (x, futures.run_local(Arithmetic, x)))
    with embedded_endpoint() as url:
        close, _ = run_on_endpoint(url, Arithmetic, x)
        print("server: (%d + 1) * 2 = %d" % (x, result_of(close)))
