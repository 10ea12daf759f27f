"""The diamond flow of the tests: six steps, pre and post actions, failures switched on by name.

::

    extract -> clean_orders -> join -> publish
            -> clean_users  ->
            -> archive                 (an independent branch)

Every action counts its executions in ``COUNTS`` ("step.action" -> n) and the steps running at
once in ``concurrency``; ``FAILING`` holds "step.action" names that raise.
"""
from __future__ import annotations

import collections
import threading
import time
from typing import Any, Dict

from swfkit import flows, futures

TASK_LIST = "diamond-actions"
COUNTS: Dict[str, int] = collections.Counter()
FAILING: set = set()
SEEN_CONTEXTS: list = []
_lock = threading.Lock()
_running = {"now": 0, "max": 0}
SLEEP = {"seconds": 0.0}


def reset() -> None:
    with _lock:
        COUNTS.clear()
        FAILING.clear()
        SEEN_CONTEXTS.clear()
        _running.update(now=0, max=0)
    SLEEP["seconds"] = 0.0


def max_concurrency() -> int:
    return _running["max"]


def _act(context: Any) -> Any:
    log = flows.action_log()
    with _lock:
        COUNTS[log.source] += 1
        SEEN_CONTEXTS.append(context)
        fail = log.source in FAILING
    log.info("context has %d keys", len(context))
    context["touched_by"] = log.source  # each action has its own copy: nobody else sees this
    if fail:
        raise RuntimeError("%s failed on purpose" % log.source)
    return log.source


class Check:
    """A pre/post action object (run(context))."""

    def __init__(self, name: str) -> None:
        self.name = name

    def run(self, context: Any) -> Any:
        return _act(context)


@futures.activity(task_list=TASK_LIST, start_to_close_timeout=60)
def work(context: Any) -> Any:
    """The main action of every step: counts the steps running at once."""
    with _lock:
        _running["now"] += 1
        _running["max"] = max(_running["max"], _running["now"])
    try:
        if SLEEP["seconds"]:
            time.sleep(SLEEP["seconds"])
        return _act(context)
    finally:
        with _lock:
            _running["now"] -= 1


def step(name: str, *depends_on: str) -> flows.Step:
    return flows.Step(name, work, pre=[Check("check")], post=[Check("note")], depends_on=list(depends_on),
                      task_list=TASK_LIST)


DIAMOND = flows.Flow("diamond", [
    step("extract"),
    step("clean_orders", "extract"),
    step("clean_users", "extract"),
    step("join", "clean_orders", "clean_users"),
    step("publish", "join"),
    step("archive", "extract"),
], task_list="diamond-decisions", activity_task_list=TASK_LIST)
