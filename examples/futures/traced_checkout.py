"""A futures workflow traced with OpenTelemetry: one trace from the starter's span to every activity.

``python examples/futures/traced_checkout.py`` runs it on an embedded server and prints the trace as
a tree of spans (it needs ``pip install opentelemetry-sdk``; swfkit itself does not).
"""
from __future__ import annotations

import sys
import time
from typing import Any, Dict, List

from swfkit import futures

TASK_LIST = "traced-work"
PRICES = {"apple": 3, "pear": 4}


@futures.activity(task_list=TASK_LIST, start_to_close_timeout=30)
def price_of(item: str) -> int:
    return PRICES.get(item, 1)


@futures.activity(task_list=TASK_LIST, start_to_close_timeout=30)
def charge(total: int) -> str:
    return "charged %d" % total


@futures.workflow(name="traced_checkout", task_list="traced-decisions")
class Checkout:
    def run(self, items: List[str]) -> str:
        prices = [future.result() for future in self.map(price_of, items)]
        return self.submit(charge, sum(prices)).result()


def print_tree(spans: Any, trace_id: int) -> None:
    """The spans of one trace, each under its parent, in start order."""
    ours = sorted((s for s in spans if s.context.trace_id == trace_id), key=lambda s: s.start_time)
    children: Dict[Any, List[Any]] = {}
    for span in ours:
        children.setdefault(span.parent.span_id if span.parent else None, []).append(span)

    def show(parent: Any, depth: int) -> None:
        for span in children.get(parent, []):
            outcome = span.attributes.get("swf.task.outcome", "")
            print("%s%s %s" % ("  " * depth, span.name, outcome) if outcome else "  " * depth + span.name)
            show(span.context.span_id, depth + 1)
    show(None, 0)


def main() -> int:
    try:
        from opentelemetry import trace
        from opentelemetry.sdk.trace import TracerProvider
        from opentelemetry.sdk.trace.export import SimpleSpanProcessor
        from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    except ImportError:
        print("this example needs OpenTelemetry's SDK: pip install opentelemetry-sdk", file=sys.stderr)
        return 1
    from embedded_run import CLOSE_EVENTS, CREDENTIALS, DOMAIN, embedded_endpoint, events_of, result_of

    from swfkit.actors import Worker, ensure_registered, polling
    from swfkit.actors.tracing import TracingActorInterceptor, TracingCallInterceptor
    from swfkit.layer1 import Layer1

    # Set-up, once per process: the SDK, an exporter (here: kept in memory, printed below).
    exporter = InMemorySpanExporter()
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    trace.set_tracer_provider(provider)

    with embedded_endpoint() as url:
        def client() -> Layer1:  # a CLIENT span per call
            return Layer1(endpoint_url=url, interceptors=[TracingCallInterceptor()], **CREDENTIALS)

        decider = futures.FuturesDecider(client(), [Checkout], domain=DOMAIN, interceptors=[TracingActorInterceptor()])
        worker = Worker(client(), DOMAIN, TASK_LIST, interceptors=[TracingActorInterceptor()])  # a span per task
        price_of.register(worker)
        charge.register(worker)
        starter = client()
        ensure_registered(starter, DOMAIN, workflow_types=decider.workflow_types,
                          activity_types=[price_of.swfkit_activity, charge.swfkit_activity])
        with polling(decider, worker):
            with trace.get_tracer("shop").start_as_current_span("checkout request") as request:
                execution = futures.start(starter, Checkout, args=(["apple", "pear", "fig"],), domain=DOMAIN)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                events = events_of(starter, execution)
                if events[-1]["eventType"] in CLOSE_EVENTS:
                    break
                time.sleep(0.05)
    print("result:", result_of(events[-1]))
    print_tree(exporter.get_finished_spans(), request.get_span_context().trace_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
