"""Continue-as-new paging: process a long list one page per run, keeping each history short.

Each run fetches one page, processes its items in parallel, and continues as new with the next
page token and the running total; the last page completes the workflow.
"""
from __future__ import annotations

from typing import Any, Dict, Optional

from swfkit import futures

PAGE_SIZE = 5


@futures.activity(task_list="paging-work", start_to_close_timeout=30)
def fetch_page(total_items: int, token: Optional[int]) -> Dict[str, Any]:
    start = token or 0
    end = min(start + PAGE_SIZE, total_items)
    return {"items": list(range(start, end)), "next": end if end < total_items else None}


@futures.activity(task_list="paging-work", start_to_close_timeout=30)
def weigh(item: int) -> int:
    return item * 10


@futures.workflow(name="paging", task_list="paging-decisions")
class Paging:
    def run(self, total_items: int, token: Optional[int] = None, total: int = 0, pages: int = 0) -> Dict[str, int]:
        page = self.submit(fetch_page, total_items, token).result()
        total += sum(f.result() for f in [self.submit(weigh, item) for item in page["items"]])
        if page["next"] is not None:
            self.continue_as_new(total_items, page["next"], total, pages + 1)
        return {"total": total, "pages": pages + 1}


if __name__ == "__main__":
    from embedded_run import embedded_endpoint, result_of, run_on_endpoint

    print("local: ", futures.run_local(Paging, 23))
    with embedded_endpoint() as url:
        close, runs = run_on_endpoint(url, Paging, 23)
        print("server:", result_of(close), "in", len(runs), "runs")
