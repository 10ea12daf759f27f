"""A flow whose middle step's first attempt hangs (for the worker-killed test).

``crunch`` records each attempt in ``<context dir>/attempts``; the first attempt then sleeps (the
test kills its worker process there), a later one completes and appends to ``done``.
"""
from __future__ import annotations

import os
import pathlib
import time
from typing import Any

from swfkit import flows


class Note:
    name = "note"

    def run(self, context: Any) -> None:
        with open(pathlib.Path(context["dir"]) / "notes", "a") as handle:
            handle.write("%s\n" % flows.action_log().step)


class SlowOnce:
    name = "crunch"

    def run(self, context: Any) -> str:
        folder = pathlib.Path(context["dir"])
        attempts = folder / "attempts"
        first = not attempts.exists()
        with open(attempts, "a") as handle:
            handle.write("%d\n" % os.getpid())
        if first:
            time.sleep(120)  # the test kills this worker here
        with open(folder / "done", "a") as handle:
            handle.write("done\n")
        return "crunched"


KILLABLE = flows.Flow("killable", [
    flows.Step("prepare", Note()),
    flows.Step("crunch", SlowOnce(), depends_on="prepare", timeout=3, retry=2),
    flows.Step("finish", Note(), depends_on="crunch"),
], task_list="killable-decisions", activity_task_list="killable-actions")
