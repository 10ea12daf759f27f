"""SIGTERM to a process running an AsyncWorker: the first drains, a second interrupts (each task answered)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from typing import Any

import pytest

pytest.importorskip("aiohttp")

from async_runs import activity_type, attributes, events, of_type, register, start_with_activities  # noqa: E402
from swfkit.layer1 import Layer1  # noqa: E402

SCRIPT = textwrap.dedent('''
    import asyncio, sys
    from swfkit.actors import AsyncWorker, activity
    from swfkit.layer1 import AsyncLayer1

    class Sleeper(AsyncWorker):
        domain, task_list = "async-actors", "work"

        @activity("sleeper", "1")
        async def sleeper(self, input):
            print("started", flush=True)
            await asyncio.sleep(float(input))
            return "slept"

    async def main():
        async with AsyncLayer1() as client:
            handled = await Sleeper(client, max_concurrent=4).run()
        print("handled", handled, flush=True)

    asyncio.run(main())
''')


def run_script(endpoint: str, tmp_path: Any) -> "subprocess.Popen[str]":
    script = tmp_path / "sleeper.py"
    script.write_text(SCRIPT)
    env = dict(os.environ, AWS_ENDPOINT_URL_SWF=endpoint,
               PYTHONPATH=os.pathsep.join([os.getcwd(), os.environ.get("PYTHONPATH", "")]))
    return subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, env=env, text=True)


@pytest.mark.parametrize("signals", [1, 2])
def test_sigterm_drains_and_a_second_one_interrupts(swf_endpoint: str, tmp_path: Any, signals: int) -> None:
    swf = Layer1(endpoint_url=swf_endpoint, region="us-east-1")
    register(swf, activity_type("sleeper"))
    seconds = "1.5" if signals == 1 else "60"
    execution = start_with_activities(swf, "signals", [("s%d" % i, "sleeper", seconds) for i in range(2)])
    process = run_script(swf_endpoint, tmp_path)
    try:
        assert process.stdout is not None
        assert [process.stdout.readline().strip() for _ in range(2)] == ["started", "started"]
        process.send_signal(signal.SIGTERM)
        if signals == 2:
            time.sleep(0.3)
            process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=30) == 0
        assert process.stdout.read().split() == ["handled", "2"]
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    history = events(swf, execution)
    if signals == 1:  # drained: both finished their sleep and were answered
        assert len(of_type(history, "ActivityTaskCompleted")) == 2
    else:  # interrupted: both answered at once, as failed WorkerStopped (their workflow need not wait)
        assert [attributes(e)["reason"] for e in of_type(history, "ActivityTaskFailed")] == ["WorkerStopped"] * 2
