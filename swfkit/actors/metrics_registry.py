"""Counters and histograms kept in memory, written in Prometheus' text format (0.0.4).

A small, thread-safe registry (one lock; the interceptors' updates are a dict lookup and an
addition) with no dependency. ``render()`` writes every family with its ``# HELP`` and ``# TYPE``
lines, counters as ``name{labels} value`` and histograms as cumulative ``_bucket{le=...}`` lines
with ``_sum`` and ``_count``.

Process pools (``run(processes=M)``): the registry travels to each child inside the pickled actor.
Pickling it gives the registry a directory of its own (a temporary one, removed when the creating
process exits); a child's copy writes its cumulative values there (``<pid>-<token>.json``, by
atomic rename) every ``FLUSH_SECONDS`` and when the child exits, and ``render()`` in the creating
process adds every file to its own values. Counts of children that exited stay in the sum (a
counter never goes down when a child is restarted); a child killed with SIGKILL loses at most
its last ``FLUSH_SECONDS``. This is what prometheus_client's multiprocess mode does with its
``PROMETHEUS_MULTIPROC_DIR``, without its mmap files.
"""
from __future__ import annotations

import atexit
import bisect
import json
import logging
import math
import os
import shutil
import tempfile
import threading
import uuid
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Optional, Sequence, Tuple

log = logging.getLogger("swfkit.actors.metrics_registry")

__all__ = ["MetricsRegistry", "DURATION_BUCKETS", "FLUSH_SECONDS"]

#: Upper bounds (seconds) of the default histogram buckets: from a fast call to an hour-long task.
DURATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0)
#: Seconds between a pool child's writes of its values.
FLUSH_SECONDS = 0.5

Labels = Tuple[str, ...]


@dataclass(frozen=True)
class _Family:
    name: str
    kind: str  # "counter" or "histogram"
    help: str
    labels: Tuple[str, ...]
    buckets: Tuple[float, ...] = ()


class MetricsRegistry:
    """Named counter and histogram families with labels; safe to update from any thread.

    ::

        registry = MetricsRegistry()
        registry.counter("jobs_total", "Jobs done.", ("queue",))
        registry.inc("jobs_total", ("fast",))
        print(registry.render())
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._families: Dict[str, _Family] = {}
        self._counters: Dict[Tuple[str, Labels], float] = {}
        self._histograms: Dict[Tuple[str, Labels], List[float]] = {}  # bucket counts..., +Inf count, sum
        self._owner_pid = os.getpid()
        self._share_dir: Optional[str] = None
        self._child_file: Optional[str] = None
        self._changed = False

    # declaring
    def counter(self, name: str, help: str, labels: Sequence[str] = ()) -> None:
        """Declare a counter family (again with the same shape: nothing happens).

        Raises:
            ValueError: ``name`` is declared with another kind or other labels.
        """
        self._declare(_Family(name, "counter", help, tuple(labels)))

    def histogram(self, name: str, help: str, labels: Sequence[str] = (),
                  buckets: Sequence[float] = DURATION_BUCKETS) -> None:
        """Declare a histogram family with the upper bounds ``buckets`` (``+Inf`` is added).

        Raises:
            ValueError: ``name`` is declared with another shape, or ``buckets`` are not increasing.
        """
        bounds = tuple(float(b) for b in buckets if not math.isinf(b))
        if list(bounds) != sorted(set(bounds)):
            raise ValueError("histogram %s: buckets: must be increasing, got %r" % (name, buckets))
        self._declare(_Family(name, "histogram", help, tuple(labels), bounds))

    def _declare(self, family: _Family) -> None:
        with self._lock:
            known = self._families.get(family.name)
            if known is None:
                self._families[family.name] = family
            elif known != family:
                raise ValueError("metric %s: already declared as %s %s with labels %s" % (
                    family.name, known.kind, known.buckets or "", known.labels))

    # updating
    def inc(self, name: str, labels: Labels = (), amount: float = 1.0) -> None:
        """Add ``amount`` to counter ``name`` at ``labels`` (values in the family's label order)."""
        key = (name, labels)
        with self._lock:
            self._counters[key] = self._counters.get(key, 0.0) + amount
            self._changed = True

    def observe(self, name: str, labels: Labels, value: float) -> None:
        """Count ``value`` in histogram ``name`` at ``labels``."""
        family = self._families[name]
        key = (name, labels)
        with self._lock:
            values = self._histograms.get(key)
            if values is None:
                values = self._histograms[key] = [0.0] * (len(family.buckets) + 2)
            values[bisect.bisect_left(family.buckets, value)] += 1
            values[-1] += value
            self._changed = True

    # reading
    def value(self, name: str, labels: Labels = ()) -> float:
        """A counter's value, or a histogram's count, at ``labels`` (pool children included)."""
        counters, histograms = self._merged()
        if (name, labels) in histograms:
            return sum(histograms[(name, labels)][:-1])
        return counters.get((name, labels), 0.0)

    def render(self) -> str:
        """Every family in Prometheus' text exposition format 0.0.4 (pool children included)."""
        counters, histograms = self._merged()
        with self._lock:
            families = sorted(self._families.values(), key=lambda f: f.name)
        lines: List[str] = []
        for family in families:
            lines.append("# HELP %s %s" % (family.name, _escape_help(family.help)))
            lines.append("# TYPE %s %s" % (family.name, family.kind))
            if family.kind == "counter":
                for labels, value in _samples(counters, family.name):
                    lines.append("%s%s %s" % (family.name, _label_text(family.labels, labels), _number(value)))
                continue
            for labels, values in _samples(histograms, family.name):
                cumulative = 0.0
                for bound, count in zip(family.buckets + (math.inf,), values[:-1]):
                    cumulative += count
                    lines.append("%s_bucket%s %s" % (family.name, _label_text(family.labels + ("le",), labels + (
                        "+Inf" if math.isinf(bound) else _number(bound),)), _number(cumulative)))
                text = _label_text(family.labels, labels)
                lines.append("%s_sum%s %s" % (family.name, text, _number(values[-1])))
                lines.append("%s_count%s %s" % (family.name, text, _number(cumulative)))
        return "\n".join(lines) + "\n"

    def _merged(self) -> Tuple[Dict[Tuple[str, Labels], float], Dict[Tuple[str, Labels], List[float]]]:
        with self._lock:
            counters = dict(self._counters)
            histograms = {key: list(values) for key, values in self._histograms.items()}
            share_dir = self._share_dir if self._child_file is None else None
        if share_dir is not None:
            for snapshot in _read_snapshots(share_dir):
                for name, labels, value in snapshot.get("counters", ()):
                    key = (name, tuple(labels))
                    counters[key] = counters.get(key, 0.0) + value
                for name, labels, values in snapshot.get("histograms", ()):
                    key = (name, tuple(labels))
                    known = histograms.get(key)
                    if known is None:
                        histograms[key] = list(values)
                    elif len(known) == len(values):
                        histograms[key] = [a + b for a, b in zip(known, values)]
        return counters, histograms

    # process pools
    def __getstate__(self) -> Dict[str, Any]:
        with self._lock:
            if self._share_dir is None:
                self._share_dir = tempfile.mkdtemp(prefix="swfkit-metrics-")
                atexit.register(shutil.rmtree, self._share_dir, True)
            return {"families": dict(self._families), "owner_pid": self._owner_pid, "share_dir": self._share_dir}

    def __setstate__(self, state: Dict[str, Any]) -> None:
        self.__init__()  # type: ignore[misc]
        self._families = dict(state["families"])
        self._owner_pid = state["owner_pid"]
        self._share_dir = state["share_dir"]
        if os.getpid() != self._owner_pid:  # a pool child: its values go to the owner through a file
            self._child_file = os.path.join(self._share_dir, "%d-%s.json" % (os.getpid(), uuid.uuid4().hex))
            atexit.register(self.flush)
            threading.Thread(target=self._flush_loop, name="swfkit-metrics-flush", daemon=True).start()

    def flush(self) -> None:
        """In a pool child: write this process's values for the owner to add (no-op elsewhere)."""
        path = self._child_file
        if path is None:
            return
        with self._lock:
            if not self._changed:
                return
            self._changed = False
            snapshot = {"counters": [[n, list(l), v] for (n, l), v in self._counters.items()],
                        "histograms": [[n, list(l), v] for (n, l), v in self._histograms.items()]}
        temporary = path + ".tmp"
        try:
            with open(temporary, "w") as handle:
                json.dump(snapshot, handle)
            os.replace(temporary, path)
        except OSError as err:  # the owner is gone (its directory with it): nobody left to count for
            log.debug("could not write metrics to %s: %s", path, err)

    def _flush_loop(self) -> None:
        stop = threading.Event()
        while not stop.wait(FLUSH_SECONDS):
            self.flush()


def _read_snapshots(directory: str) -> Iterator[Dict[str, Any]]:
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return
    for name in names:
        if not name.endswith(".json"):
            continue
        try:
            with open(os.path.join(directory, name)) as handle:
                yield json.load(handle)
        except (OSError, ValueError) as err:  # written by rename, so never half a file; unreadable: say so
            log.warning("metrics of a pool process could not be read from %s: %s", name, err)


def _samples(values: Dict[Tuple[str, Labels], Any], name: str) -> List[Tuple[Labels, Any]]:
    return sorted((labels, value) for (family, labels), value in values.items() if family == name)


def _label_text(names: Tuple[str, ...], values: Labels) -> str:
    if not names:
        return ""
    return "{%s}" % ",".join('%s="%s"' % (n, _escape_label(str(v))) for n, v in zip(names, values))


def _escape_label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _escape_help(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def _number(value: float) -> str:
    if math.isinf(value):
        return "+Inf" if value > 0 else "-Inf"
    if value == int(value) and abs(value) < 1e15:
        return str(int(value))
    return repr(float(value))
