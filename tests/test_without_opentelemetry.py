"""OpenTelemetry is optional: with it blocked, swfkit imports and works, adds no trace field, copies one
it is given (replay does not depend on it), and building a tracing interceptor says what to install;
with it installed, importing swfkit still imports none of it."""
from __future__ import annotations

import pathlib
import subprocess
import sys
import textwrap

ROOT = pathlib.Path(__file__).resolve().parent.parent

BLOCK = '''
import importlib.abc, sys

class NoOpenTelemetry(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name == "opentelemetry" or name.startswith("opentelemetry."):
            raise ModuleNotFoundError("No module named %r (blocked by the test)" % name, name=name)
        return None

sys.meta_path.insert(0, NoOpenTelemetry())
'''

WORKS = '''
import json
import swfkit, swfkit.layer1, swfkit.actors, swfkit.futures, swfkit.flows, swfkit.cli
from swfkit import futures
from swfkit.actors.tracing import TracingActorInterceptor, TracingCallInterceptor, current_trace
from swfkit.exceptions import ConfigurationError

@futures.activity(task_list="w")
def add_one(x):
    return x + 1

@futures.workflow(task_list="d")
class Flow:
    def run(self, x):
        return self.submit(add_one, x).result()

assert futures.run_local(Flow, 3) == 4
assert current_trace() is None
assert futures.workflow_input(Flow, 3) == "[3]"
trace = {"traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}
done = futures.LocalRunner().run(Flow, json.dumps({"args": [3], "trace": trace}))
assert json.loads(done.result) == 4
scheduled = [e for e in done.runs[0] if e["eventType"] == "ActivityTaskScheduled"][0]
assert json.loads(scheduled["activityTaskScheduledEventAttributes"]["input"]) == {"args": [3], "trace": trace}
for cls in (TracingCallInterceptor, TracingActorInterceptor):
    try:
        cls()
    except ConfigurationError as error:
        assert "pip install opentelemetry-api" in str(error), error
    else:
        raise AssertionError("%s() without OpenTelemetry" % cls.__name__)
assert not [name for name in sys.modules if name.startswith("opentelemetry")]
print("ok")
'''


def run(script: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)


def test_swfkit_works_without_opentelemetry() -> None:
    done = run(BLOCK + WORKS)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


def test_the_block_really_blocks() -> None:
    done = run(BLOCK + "import opentelemetry.trace\n")
    assert done.returncode != 0 and "blocked by the test" in done.stderr


def test_importing_swfkit_imports_no_opentelemetry() -> None:
    done = run('''
        import sys
        import swfkit, swfkit.layer1, swfkit.actors, swfkit.actors.tracing, swfkit.futures, swfkit.flows, swfkit.cli
        print(sorted(name for name in sys.modules if name.startswith("opentelemetry")))
    ''')
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
