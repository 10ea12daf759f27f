"""A parent workflow fanning out to child workflows and combining their results."""
from __future__ import annotations

from typing import List

from swfkit import futures


@futures.activity(task_list="children-work", start_to_close_timeout=30)
def shout(text: str) -> str:
    return text.upper() + "!"


@futures.workflow(name="child_shout", task_list="children-decisions")
class Child:
    def run(self, text: str) -> str:
        return self.submit(shout, text).result()


@futures.workflow(name="parent_shout", task_list="children-decisions")
class Parent:
    def run(self, words: List[str]) -> str:
        children = [self.submit(Child, word) for word in words]   # StartChildWorkflowExecution each
        return " ".join(child.result() for child in children)


if __name__ == "__main__":
    from embedded_run import embedded_endpoint, result_of, run_on_endpoint

    print("local: ", futures.run_local(Parent, ["hello", "from", "children"]))
    with embedded_endpoint() as url:
        close, _ = run_on_endpoint(url, Parent, ["hello", "from", "children"], workflows=[Child])
        print("server:", result_of(close))
