#!/usr/bin/env python
"""AsyncLayer1 against Layer1 on the embedded server, in the same run on equal work.

    python benchmarks/async_layer1_bench.py [--calls 3000] [--quick]

The embedded server runs in a subprocess (in-memory, loopback) so the clients do not share its
interpreter. Prints:

- per call, sequential DescribeDomain (one call at a time, one client each, best of interleaved
  rounds): Layer1, AsyncLayer1, and their ratio (target: AsyncLayer1 <= 1.3x Layer1);
- as information, throughput with 20 calls in flight: AsyncLayer1 with 20 tasks on one event loop
  against Layer1 shared by 20 threads;
- as information, the bare HTTP libraries the async client could be built on (aiohttp, httpx when
  installed), each POSTing the same signed request, against the sync client's per call.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import subprocess
import sys
import threading
import time
from typing import Any, Awaitable, Callable, Dict, List

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, ROOT)

REGION = "us-east-1"
KEYS = {"aws_access_key_id": "bench-key", "aws_secret_access_key": "bench-secret"}
DOMAIN = "bench"
CONCURRENCY = 20

SERVER = """
import sys
from swfkit.server import running
with running(db=None, max_connections=256) as url:
    print(url, flush=True)
    sys.stdin.read()
"""


def start_server() -> Any:
    env = dict(os.environ, PYTHONPATH=ROOT + os.pathsep + os.environ.get("PYTHONPATH", ""))
    process = subprocess.Popen([sys.executable, "-c", SERVER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               env=env, text=True)
    assert process.stdout is not None
    url = process.stdout.readline().strip()
    if not url:
        raise SystemExit("the embedded server did not start")
    return process, url


def sync_round(call: Callable[[], Any], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        call()
    return (time.perf_counter() - started) / calls


async def async_round(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    started = time.perf_counter()
    for _ in range(calls):
        await call()
    return (time.perf_counter() - started) / calls


def threads_throughput(call: Callable[[], Any], calls: int) -> float:
    each = calls // CONCURRENCY

    def work() -> None:
        for _ in range(each):
            call()

    threads = [threading.Thread(target=work) for _ in range(CONCURRENCY)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return each * CONCURRENCY / (time.perf_counter() - started)


async def tasks_throughput(call: Callable[[], Awaitable[Any]], calls: int) -> float:
    each = calls // CONCURRENCY

    async def work() -> None:
        for _ in range(each):
            await call()

    started = time.perf_counter()
    await asyncio.gather(*(work() for _ in range(CONCURRENCY)))
    return each * CONCURRENCY / (time.perf_counter() - started)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--calls", type=int, default=3000)
    parser.add_argument("--quick", action="store_true", help="fewer calls and rounds")
    args = parser.parse_args()
    calls = 600 if args.quick else args.calls
    rounds = 3 if args.quick else 7
    process, url = start_server()
    try:
        run(url, calls, rounds)
    finally:
        assert process.stdin is not None
        process.stdin.close()
        process.wait(timeout=30)


def run(url: str, calls: int, rounds: int) -> None:
    from swfkit.layer1 import AsyncLayer1, Layer1

    sync = Layer1(region=REGION, endpoint_url=url, pool_size=CONCURRENCY, **KEYS)
    sync.register_domain(name=DOMAIN, workflow_execution_retention_period_in_days="1")
    loop = asyncio.new_event_loop()
    client = AsyncLayer1(region=REGION, endpoint_url=url, **KEYS)
    bare = loop.run_until_complete(bare_libraries(sync))

    def sync_call() -> Any:
        return sync.describe_domain(name=DOMAIN)

    def async_call() -> Awaitable[Any]:
        return client.describe_domain(name=DOMAIN)

    # Warm every contender (connections, signer, prepared operation), then interleave the rounds
    # so the machine's load falls on all alike; each one's best round counts.
    per_round = max(calls // rounds, 50)
    sync_round(sync_call, 50)
    contenders: Dict[str, Callable[[], Awaitable[Any]]] = {"AsyncLayer1": async_call}
    contenders.update(bare.calls)
    for call in contenders.values():
        loop.run_until_complete(async_round(call, 50))
    measured: Dict[str, List[float]] = {name: [] for name in ["Layer1"] + list(contenders)}
    for _ in range(rounds):
        measured["Layer1"].append(sync_round(sync_call, per_round))
        for name, call in contenders.items():
            measured[name].append(loop.run_until_complete(async_round(call, per_round)))
    best = {name: min(times) for name, times in measured.items()}
    print("DescribeDomain on the embedded server, sequential, per call (best of %d interleaved rounds x %d calls):"
          % (rounds, per_round))
    for name in ("Layer1", "AsyncLayer1"):
        print("  %-34s %7.1f us" % (name, best[name] * 1e6))
    print("  AsyncLayer1 / Layer1               %.2fx   (target <= 1.30)" % (best["AsyncLayer1"] / best["Layer1"]))

    throughput = {"Layer1, %d threads" % CONCURRENCY: threads_throughput(sync_call, calls),
                  "AsyncLayer1, %d tasks" % CONCURRENCY: loop.run_until_complete(tasks_throughput(async_call, calls))}
    print("The same with %d calls in flight (information; the server's threads share its two cores):" % CONCURRENCY)
    for name, rate in throughput.items():
        print("  %-34s %7.0f calls/s" % (name, rate))
    rates = list(throughput.values())
    print("  AsyncLayer1 / Layer1 throughput    %.2fx" % (rates[1] / rates[0]))

    print("Bare HTTP libraries POSTing the same signed DescribeDomain, per call, in the same rounds "
          "(information: the choice of aiohttp):")
    for name in bare.calls:
        print("  %-34s %7.1f us   %.2fx Layer1" % (name, best[name] * 1e6, best[name] / best["Layer1"]))
    for missing in bare.missing:
        print("  (%s is not installed: not measured)" % missing)
    loop.run_until_complete(bare.close())
    loop.run_until_complete(client.aclose())
    loop.close()
    sync.close()


class BareLibraries:
    """One-call coroutines of aiohttp and httpx (when installed) sending what Layer1 signs, nothing more."""

    def __init__(self) -> None:
        self.calls: Dict[str, Callable[[], Awaitable[Any]]] = {}
        self.missing: List[str] = []
        self.closers: List[Callable[[], Awaitable[Any]]] = []

    async def close(self) -> None:
        for closer in self.closers:
            await closer()


async def bare_libraries(sync: Any) -> BareLibraries:
    signer = sync._open_signer()
    body = json.dumps({"name": DOMAIN}).encode()
    headers = {"Host": sync._host, "X-Amz-Target": "SimpleWorkflowService.DescribeDomain",
               "Content-Type": "application/x-amz-json-1.0"}
    endpoint = sync.endpoint_url
    bare = BareLibraries()
    import aiohttp

    session = aiohttp.ClientSession(auto_decompress=False, cookie_jar=aiohttp.DummyCookieJar())
    bare.closers.append(session.close)

    async def aiohttp_call() -> Any:
        async with session.post(endpoint, data=body, headers=signer.sign(endpoint, headers, body)) as answer:
            return json.loads(await answer.read())

    bare.calls["aiohttp"] = aiohttp_call
    try:
        import httpx
    except ImportError:
        bare.missing.append("httpx")
        return bare
    client = httpx.AsyncClient()
    bare.closers.append(client.aclose)

    async def httpx_call() -> Any:
        return (await client.post(endpoint, content=body, headers=signer.sign(endpoint, headers, body))).json()

    bare.calls["httpx"] = httpx_call
    return bare


if __name__ == "__main__":
    main()
