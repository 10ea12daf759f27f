"""The on-disk LRU cache: hits, eviction under the cap, two processes filling it at once."""
from __future__ import annotations

import hashlib
import os
import pathlib
import subprocess
import sys
import time

from swfkit.payloads import DiskCache


def test_get_put(tmp_path: pathlib.Path) -> None:
    cache = DiskCache(str(tmp_path / "c"), 10_000)
    assert cache.get("swfkit+s3://b/k") is None
    cache.put("swfkit+s3://b/k", b"value")
    assert cache.get("swfkit+s3://b/k") == b"value"
    assert not [p for p in (tmp_path / "c").iterdir() if p.name.startswith(".tmp-")]


def test_eviction_keeps_the_cache_under_its_cap_least_recently_used_first(tmp_path: pathlib.Path) -> None:
    cache = DiskCache(str(tmp_path / "c"), 10_000)
    for index in range(30):
        cache.put("k%d" % index, bytes([index]) * 1_000)
        if index == 5:
            old = time.time() - 100
            for path in (tmp_path / "c").iterdir():
                os.utime(path, (old, old))
            assert cache.get("k0") is not None  # k0 used again: it is the most recent of the old ones
        assert cache.total_bytes() <= 10_000 or cache._estimate is not None and index % 64
    cache.evict()
    assert cache.total_bytes() <= 10_000
    assert cache.get("k29") == bytes([29]) * 1_000 and cache.get("k1") is None


def test_value_larger_than_the_cap_is_not_cached(tmp_path: pathlib.Path) -> None:
    cache = DiskCache(str(tmp_path / "c"), 100)
    cache.put("big", b"x" * 101)
    assert cache.get("big") is None


FILLER = """
import hashlib, sys
from swfkit.payloads import DiskCache
cache = DiskCache(sys.argv[1], int(sys.argv[2]))
for round in range(3):
    for index in range(200):
        name = "shared-%d" % index
        data = hashlib.sha256(name.encode()).digest() * 100
        cache.put(name, data)
        got = cache.get(name)
        assert got is None or got == data, name
print("ok")
"""


def test_two_processes_filling_it_at_once_corrupt_nothing(tmp_path: pathlib.Path) -> None:
    directory, cap = str(tmp_path / "shared"), 200_000
    root = str(pathlib.Path(__file__).resolve().parents[2])
    env = dict(os.environ, PYTHONPATH=root)
    workers = [subprocess.Popen([sys.executable, "-c", FILLER, directory, str(cap)], env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    for worker in workers:
        out, err = worker.communicate(timeout=120)
        assert worker.returncode == 0 and out.strip() == "ok", err
    cache = DiskCache(directory, cap)
    for index in range(200):  # every entry left is whole
        name = "shared-%d" % index
        got = cache.get(name)
        assert got is None or got == hashlib.sha256(name.encode()).digest() * 100
    cache.evict()
    assert cache.total_bytes() <= cap
    assert not [p for p in pathlib.Path(directory).iterdir() if p.name.startswith(".tmp-")]
